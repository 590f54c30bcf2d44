package narrative

import (
	"bytes"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// caseCNarrative is a narrative written for this test from the Case C
// figures (spec §7), in the Shanghai way of phrasing: "X（类）支出", shares
// of the 一般公共预算 total, an empty 三公.
const caseCNarrative = `中共上海市普陀区委社会工作部2024年度部门决算说明
一、收入支出决算总体情况说明
2024年度收入总计307.82万元，其中：本年收入合计307.82万元，年初结转和结余0.00万元。支出总计307.82万元，其中：本年支出合计307.82万元，年末结转和结余0.00万元。
二、收入决算情况说明
本年收入合计307.82万元，其中：财政拨款收入307.82万元，占100.00%。
三、支出决算情况说明
本年支出合计307.82万元，其中：基本支出105.58万元，占34.30%；项目支出202.24万元，占65.70%。
五、一般公共预算财政拨款支出决算情况说明
（一）一般公共预算财政拨款支出决算总体情况
2024年度一般公共预算财政拨款支出307.82万元，占本年支出合计的100.00%。
（二）一般公共预算财政拨款支出决算结构情况
一般公共服务（类）支出264.87万元，占86.05%；社会保障和就业（类）支出10.82万元，占3.52%；卫生健康（类）支出2.71万元，占0.88%；住房保障（类）支出29.42万元，占9.56%。
（三）一般公共预算财政拨款支出决算具体情况
1.一般公共服务支出（类）社会工作事务（款）行政运行（项）：支出决算数为51.32万元。
2.一般公共服务支出（类）社会工作事务（款）事业运行（项）：支出决算数为11.31万元。
3.一般公共服务支出（类）社会工作事务（款）其他社会工作事务支出（项）：支出决算数为202.24万元。
4.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）：支出决算数为6.18万元。
5.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）：支出决算数为4.64万元。
6.卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）：支出决算数为2.22万元。
7.卫生健康支出（类）行政事业单位医疗（款）事业单位医疗（项）：支出决算数为0.49万元。
8.住房保障支出（类）住房改革支出（款）住房公积金（项）：支出决算数为17.70万元。
9.住房保障支出（类）住房改革支出（款）购房补贴（项）：支出决算数为11.72万元。
六、一般公共预算财政拨款基本支出决算情况说明
2024年度一般公共预算财政拨款基本支出105.58万元，其中：人员经费95.36万元，公用经费10.23万元。
七、政府性基金预算财政拨款收入支出决算情况说明
本单位本年度没有政府性基金预算财政拨款收入和支出，政府性基金预算财政拨款收入支出决算表为空表。
八、国有资本经营预算财政拨款收入支出决算情况说明
本单位本年度没有国有资本经营预算财政拨款收入和支出，国有资本经营预算财政拨款收入支出决算表为空表。
九、财政拨款“三公”经费支出决算情况说明
本单位2024年度无“三公”经费支出。
十、其他重要事项的情况说明
（一）机关运行经费支出情况
2024年度机关运行经费支出10.23万元。
（二）政府采购支出情况
2024年度政府采购支出总额0.00万元。
（三）国有资产占用情况
截至2024年12月31日，车辆0辆。
`

func caseCWorkbook(t *testing.T) *model.Workbook {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseC(), templates.Options{Style: model.StyleShanghai}); err != nil {
		t.Fatal(err)
	}
	wb, _, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

func TestCaseCNarrative(t *testing.T) {
	doc, err := ReadBytes([]byte(caseCNarrative), "c.txt", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	wb := caseCWorkbook(t)
	an := Analyze(doc, wb)
	var errs, warns []string
	for _, f := range an.Findings {
		switch f.Severity {
		case model.SevError:
			errs = append(errs, f.Message)
		case model.SevWarning:
			warns = append(warns, f.Message)
		}
	}
	if len(errs) > 0 || len(warns) > 0 {
		t.Fatalf("errors %q\nwarnings %q", errs, warns)
	}
	cells := 0
	for _, f := range an.Figures {
		if !f.Bound() {
			t.Errorf("unbound: %s (%s)", f.Raw, f.Label)
		}
		if f.Cell != nil {
			cells++
			if f.Verdict != "一致" && f.Verdict != "尾差" {
				t.Errorf("%s → %v: %s %s", f.Raw, f.Cell, f.Verdict, f.Against)
			}
		}
	}
	if cells < 25 {
		t.Errorf("only %d figures bound to cells", cells)
	}
	// the X12 residue of Case C: 95.36 + 10.23 = 105.59 vs 105.58
	if g := findingGolden(an.Findings); !strings.Contains(g, "N05 info") {
		t.Errorf("residue not reported:\n%s", g)
	}
	// and a planted fault is caught against the Shanghai-style workbook
	bad := strings.Replace(caseCNarrative, "社会保障和就业（类）支出10.82万元", "社会保障和就业（类）支出11.82万元", 1)
	doc, _ = ReadBytes([]byte(bad), "c.txt", Limits{})
	found := false
	for _, f := range Check(doc, wb) {
		found = found || f.Rule == "N01" && f.Severity == model.SevError && f.Sheet != ""
	}
	if !found {
		t.Error("a wrong 类 amount is not caught against Case C")
	}
}
