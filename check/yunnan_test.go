package check

import (
	"bytes"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// yunnanBook writes the Yunnan set of d (templates.WithYunnan, the set's
// order and titles) and reads it back: the workbook and the writer's
// model (every cell's address).
func yunnanBook(t *testing.T, d *templates.Data) (*model.Workbook, *model.Workbook) {
	t.Helper()
	var buf bytes.Buffer
	written, err := templates.Write(&buf, d, templates.Options{Set: "yunnan"})
	if err != nil {
		t.Fatal(err)
	}
	wb, _, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return wb, written
}

// TestYunnanSet: the Yunnan set generated from the spec reads 11/11 with
// no error, and each identity of its two extra tables, broken by changing
// one cell in the data the workbook is written from, is caught by its
// rule naming that cell.
func TestYunnanSet(t *testing.T) {
	rules := mustRules(t)
	wb, _ := yunnanBook(t, templates.WithYunnan(templates.CaseA()))
	if n := len(wb.Located()); n != 11 {
		t.Fatalf("read %d of 11 tables", n)
	}
	for _, f := range wb.Findings {
		if f.Severity != model.SevInfo {
			t.Errorf("reader: %s %s %s", f.Severity, f.Rule, f.Message)
		}
	}
	for _, f := range Check(wb, rules, Options{}) {
		if f.Severity == model.SevError {
			t.Errorf("clean Yunnan set: %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
		}
	}
	const E = model.SevError
	cases := []struct {
		rule     string
		tab      model.TableID
		row, col string
		val      string
	}{
		{"R10.1", model.T10, "2240109", "项目支出", "1600.00"}, // 22401 ≠ its 项
		{"R10.1", model.T10, "合计", "项目支出", "2300.00"},      // 合计 ≠ Σ类
		{"R10.2", model.T10, "2240106", "项目支出", "250.00"},  // ≠ T05 2240106 项目支出
		{"R10.2", model.T10, "合计", "项目支出", "2300.00"},      // ≠ T05 合计 项目支出
		{"R11.1", model.T11, "公务接待费", "决算数", "1.24"},       // 合计 ≠ 出国 + 车 + 接待
		{"R11.1", model.T11, "公务用车运行费", "预算数", "11.90"},    // 车 ≠ 购置 + 运行 (预算数 column)
		{"R11.2", model.T11, "机关运行经费", "决算数", "131.25"},    // > T06 公用经费合计 121.25
		{"R11.3", model.T11, "公务接待费", "决算数", "0.10"},       // < T09 决算数 公务接待费 0.24
	}
	for _, tc := range cases {
		t.Run(tc.rule+" "+tc.row+" "+tc.col, func(t *testing.T) {
			d := templates.WithYunnan(templates.CaseA())
			d.Values[tc.tab][tc.row][tc.col] = tc.val
			wb, written := yunnanBook(t, d)
			c := written.Cell(model.Key{Table: tc.tab, Row: tc.row, Col: tc.col})
			if c == nil {
				t.Fatalf("%s[%s, %s] was not written", tc.tab, tc.row, tc.col)
			}
			fs := Check(wb, rules, Options{})
			if !named(fs, tc.rule, E, c.Sheet, c.Addr) {
				t.Errorf("%s=%s: no %s error naming %s!%s; got %v", tc.tab, tc.val, tc.rule, c.Sheet, c.Addr, summarize(fs))
			}
		})
	}
}

// TestYunnanRulesNeedTheirTables: a workbook of the nine (no T10/T11) binds
// none of the Yunnan rules and lists nothing of them as unchecked.
func TestYunnanRulesNeedTheirTables(t *testing.T) {
	rules := mustRules(t)
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
		t.Fatal(err)
	}
	wb, _, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, eq := range Bind(rules, wb) {
		if strings.HasPrefix(eq.Rule.ID, "R10.") || strings.HasPrefix(eq.Rule.ID, "R11.") {
			t.Errorf("%s bound without its table", eq.Rule.ID)
		}
	}
	c := NewChecker(wb, rules, Options{})
	c.Run()
	for _, u := range c.Unchecked() {
		t.Errorf("unchecked: %+v", u)
	}
}

// TestExtraTablesListed: the report lists the Yunnan tables as extra, and
// says so when no rule checks one (here: the rules without yunnan.rules)
// instead of passing it over.
func TestExtraTablesListed(t *testing.T) {
	all := mustRules(t)
	var nine []*Rule
	for _, r := range all {
		if !strings.HasPrefix(r.ID, "R10.") && !strings.HasPrefix(r.ID, "R11.") {
			nine = append(nine, r)
		}
	}
	for _, tc := range []struct {
		name    string
		rules   []*Rule
		noRules bool
	}{
		{"with yunnan.rules", all, false},
		{"without", nine, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb, _ := yunnanBook(t, templates.WithYunnan(templates.CaseA()))
			rep := model.NewReport(wb, NewChecker(wb, tc.rules, Options{}).Run(), nil)
			if len(rep.Tables) != 11 {
				t.Fatalf("%d tables listed", len(rep.Tables))
			}
			for _, tr := range rep.Tables {
				extra := tr.ID == model.T10 || tr.ID == model.T11
				if tr.Extra != extra || tr.NoRules != (extra && tc.noRules) {
					t.Errorf("%s: extra %v, no_rules %v", tr.ID, tr.Extra, tr.NoRules)
				}
			}
		})
	}
}

// TestExtraNoRulesText: the printed report names a regional table no rule
// checks.
func TestExtraNoRulesText(t *testing.T) {
	var nine []*Rule
	for _, r := range mustRules(t) {
		if !strings.HasPrefix(r.ID, "R10.") && !strings.HasPrefix(r.ID, "R11.") {
			nine = append(nine, r)
		}
	}
	wb, _ := yunnanBook(t, templates.WithYunnan(templates.CaseA()))
	var sb strings.Builder
	if err := WriteText(&sb, model.NewReport(wb, NewChecker(wb, nine, Options{}).Run(), nil)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"已识别“一般公共预算财政拨款项目支出决算表”", "已识别“财政拨款“三公”经费、行政参公单位机关运行经费情况表”"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, sb.String())
		}
	}
}
