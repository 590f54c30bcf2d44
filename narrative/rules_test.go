package narrative

import (
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// TestRulesSynthetic: one small narrative per rule, checked on its own
// (no workbook).
func TestRulesSynthetic(t *testing.T) {
	cases := []struct {
		name string
		text string
		want string // "RULE severity" that must appear; "" = no finding at all
	}{
		{"share ok", "二、收入决算情况说明\n本年收入100.00万元，其中：财政拨款收入60.00万元，占60.00%；其他收入40.00万元，占40.00%。", ""},
		{"share wrong", "二、收入决算情况说明\n本年收入100.00万元，其中：财政拨款收入60.00万元，占65.00%；其他收入40.00万元，占40.00%。", "N02 error"},
		{"share residue", "二、收入决算情况说明\n本年收入3.00万元，其中：财政拨款收入1.00万元，占33.34%；其他收入2.00万元，占66.67%。", "N02 info"},
		{"sum exceeds", "二、收入决算情况说明\n本年收入100.00万元，其中：财政拨款收入60.00万元，占60.00%；其他收入50.00万元，占50.00%。", "N05 error"},
		{"sum short, others left out", "二、收入决算情况说明\n本年收入100.00万元，其中：财政拨款收入60.00万元，占60.00%；其他收入30.00万元，占30.00%。", ""},
		{"sum wrong, all listed", "三、支出决算情况说明\n本年支出100.00万元，其中：基本支出60.00万元，占60.00%；项目支出30.00万元，占30.00%；上缴上级支出0.00万元，占0.00%；经营支出0.00万元，占0.00%；对附属单位补助支出0.00万元，占0.00%。", "N05 error"},
		{"rate ok", "一、收入支出决算总体情况说明\n2024年度收入总计110.00万元。收入支出总体与上年相比，增加10.00万元，增长10.00%。", ""},
		{"rate wrong", "一、收入支出决算总体情况说明\n2024年度收入总计110.00万元。收入支出总体与上年相比，增加10.00万元，增长11.00%。", "N03 error"},
		{"direction", "一、收入支出决算总体情况说明\n2024年度收入总计110.00万元。与上年相比，增加10.00万元，下降10.00%。", "N06 error"},
		{"negative change", "一、收入支出决算总体情况说明\n2024年度收入总计110.00万元。与上年相比，增加-10.00万元，增长10.00%。", "N06 error"},
		{"level with a change", "一、收入支出决算总体情况说明\n2024年度收入总计110.00万元，与上年持平，增加10.00万元，增长10.00%。", "N06 warning"},
		{"zero change nonzero rate", "一、收入支出决算总体情况说明\n2024年度收入总计110.00万元。与上年相比，增加0.00万元，增长5.00%。", "N07 warning"},
		{"zero base", "一、收入支出决算总体情况说明\n2024年度收入总计10.00万元。与上年相比，增加10.00万元，增长100.00%。", "N07 warning"},
		{"variance ok", "四、财政拨款收入支出决算总体情况说明\n2024年度财政拨款收入总计150.00万元。与年初预算相比，年初预算数100.00万元，决算数150.00万元，预决算差异率50.00%。", ""},
		{"variance wrong", "四、财政拨款收入支出决算总体情况说明\n2024年度财政拨款收入总计150.00万元。与年初预算相比，年初预算数100.00万元，决算数150.00万元，预决算差异率40.00%。", "N04 error"},
		{"variance sign", "四、财政拨款收入支出决算总体情况说明\n2024年度财政拨款收入总计80.00万元。与年初预算相比，年初预算数100.00万元，决算数80.00万元，预决算差异率20.00%。", "N04 warning"},
		{"variance zero budget", "四、财政拨款收入支出决算总体情况说明\n2024年度财政拨款收入总计80.00万元。与年初预算相比，年初预算数0.00万元，决算数80.00万元，预决算差异率0.00%。", "N07 warning"},
		{"final differs from the total", "四、财政拨款收入支出决算总体情况说明\n2024年度财政拨款收入总计80.00万元。与年初预算相比，年初预算数100.00万元，决算数85.00万元，预决算差异率-15.00%。", "N11 error"},
		{"三公 sum", "九、财政拨款“三公”经费支出决算情况说明\n“三公”经费支出10.00万元，其中：因公出国（境）费支出2.00万元，占20.00%，公务用车购置及运行维护费支出5.00万元，占50.00%，公务接待费支出2.00万元，占20.00%。", "N05 error"},
		{"三公 counts missing", "九、财政拨款“三公”经费支出决算情况说明\n“三公”经费支出9.00万元，其中：因公出国（境）费支出2.00万元，公务用车购置及运行维护费支出5.00万元，公务接待费支出2.00万元。", "N09 warning"},
		{"三公 none", "九、财政拨款“三公”经费支出决算情况说明\n本单位2024年度无“三公”经费支出。", ""},
		{"vehicles", "（三）国有资产占用情况说明\n车辆8辆，其中：执法执勤用车3辆、其他用车4辆。", "N05 error"},
		{"staff", "二、机构设置及人员情况\n实有人数10人，其中：在职人员8人，离休人员0人，退休人员3人。", "N05 error"},
		{"placeholder", "一、收入支出决算总体情况说明\n20XX年度收入总计XX万元。", "N08 warning"},
		{"unbound", "一、收入支出决算总体情况说明\n另有神秘资金5.00万元。", "N12 info"},
		{"no percent", "二、收入决算情况说明\n本年收入100.00万元，其中：财政拨款收入60.00万元，占60.00，其他收入40.00万元，占40.00%。", "N13 warning"},
		{"heading without a number", "收入决算情况说明\n本年收入100.00万元，其中：财政拨款收入60.00万元，占65.00%；其他收入40.00万元，占40.00%。", "N02 error"},
		{"roles without subjects", "一、收入支出决算总体情况说明\n决算数5.00万元，占1.00%，增长2.00%，预决算差异率3.00%，完成年初预算的4.00%，价值1.00万元，减少1.00万元。", ""},
		{"机关运行 with a change", "（一）机关运行经费支出情况\n机关运行经费支出110.00万元，比上年增加10.00万元，增长10.00%。", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := ReadBytes([]byte(c.text), "a.txt", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			fs := Check(doc, nil)
			got := findingGolden(fs)
			if c.want == "" {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got\n%s", got)
				}
				return
			}
			if !strings.Contains(got, c.want+" ") {
				t.Fatalf("want %q, got\n%s", c.want, got)
			}
			for _, f := range fs {
				if f.Narrative == nil && f.Rule != "N09" {
					t.Errorf("%s without a narrative reference", f.Rule)
				}
			}
		})
	}
}

// TestNoFindingsLoseSeverity: every finding has a rule, a severity and a
// Chinese message.
func TestFindingShape(t *testing.T) {
	for _, f := range Check(seedDoc(t), caseA(t)) {
		if f.Rule == "" || f.Message == "" || f.Fingerprint == "" || (f.Severity != model.SevError && f.Severity != model.SevWarning && f.Severity != model.SevInfo) {
			t.Errorf("bad finding %+v", f)
		}
		if f.Narrative != nil && len([]rune(f.Narrative.Quote)) > 20 {
			t.Errorf("quote longer than 20: %q", f.Narrative.Quote)
		}
	}
}

// TestItemAgainstBudget: the MOF template's way of writing a 项 — named in a
// sentence of its own, then 年初预算, 支出决算 and 完成年初预算的 % — binds
// the 决算 to its T05 row and checks the %.
func TestItemAgainstBudget(t *testing.T) {
	head := "五、一般公共预算财政拨款支出决算情况说明\n（三）一般公共预算财政拨款支出决算具体情况\n"
	cases := []struct {
		text, want string
	}{
		{"1.卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）。年初预算为40.00万元，支出决算为40.08万元，完成年初预算的100.20%。", ""},
		{"1.卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）。年初预算为40.00万元，支出决算为40.18万元，完成年初预算的100.45%。", "N01 error"},
		{"1.卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）。年初预算为40.00万元，支出决算为40.08万元，完成年初预算的101.20%。", "N04 error"},
		{"卫生健康（类）支出72.61万元，占1.78%。", ""},
	}
	for _, c := range cases {
		doc, err := ReadBytes([]byte(head+c.text), "a.txt", Limits{})
		if err != nil {
			t.Fatal(err)
		}
		an := Analyze(doc, caseA(t))
		got := findingGolden(an.Findings)
		bound := false
		for _, f := range an.Figures {
			bound = bound || f.Cell != nil && f.Cell.Table == "T05"
		}
		if !bound {
			t.Errorf("%s: nothing bound to T05", c.text)
		}
		if c.want == "" {
			for _, f := range an.Findings {
				if f.Severity != "info" && f.Rule != "N09" && f.Rule != "N15" {
					t.Errorf("%s: %s", c.text, f.Message)
				}
			}
		} else if !strings.Contains(got, c.want+" ") {
			t.Errorf("%s: want %s, got\n%s", c.text, c.want, got)
		}
	}
}
