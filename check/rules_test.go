package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// put sets one cell (creating its row and cell when absent) and returns it.
func put(wb *model.Workbook, id model.TableID, row, col, v string) *model.Cell {
	t := wb.Table(id)
	if c := t.Cell(row, col); c != nil {
		c.Value, c.Blank, c.Raw = decimal.RequireFromString(v), false, v
		return c
	}
	r := t.Row(row)
	if r == nil {
		last := 0
		for _, x := range t.Rows {
			if x.SheetRow > last {
				last = x.SheetRow
			}
		}
		r = &model.Row{Key: row, Code: "", Label: row, SheetRow: last + 1}
		if model.CodeLevel(row) > 0 {
			r.Code, r.Level = row, model.CodeLevel(row)
		}
		t.Rows = append(t.Rows, r)
	}
	ci := 0
	for i, c := range t.Columns {
		if c.Key == col {
			ci = i
		}
	}
	c := &model.Cell{Key: model.Key{Row: row, Col: col}, Sheet: t.Sheet, Addr: fmt.Sprintf("%s%d", colName(ci+3), r.SheetRow),
		Value: decimal.RequireFromString(v), Raw: v, Decimals: 2}
	t.SetCell(c)
	return c
}

// named reports whether some finding of rule with severity sev lists the
// cell at addr of sheet among its cells (or as its primary cell).
func named(fs []model.Finding, rule string, sev model.Severity, sheet, addr string) bool {
	for _, f := range fs {
		if f.Rule != rule || f.Severity != sev {
			continue
		}
		if f.Sheet == sheet && f.Cell == addr {
			return true
		}
		for _, c := range f.Cells {
			if c.Sheet == sheet && c.Cell == addr {
				return true
			}
		}
	}
	return false
}

type breakCase struct {
	rule   string
	sev    model.Severity
	tab    model.TableID
	row    string
	col    string
	val    string
	mutate func(wb *model.Workbook) // extra setup (crafted variants); may be nil
}

func breakCases() []breakCase {
	E, W := model.SevError, model.SevWarning
	T01, T02, T03, T04, T05, T06, T07, T08, T09 := model.T01, model.T02, model.T03, model.T04, model.T05, model.T06, model.T07, model.T08, model.T09
	return []breakCase{
		{rule: "R01.1", sev: E, tab: T01, row: "事业收入", col: "决算数", val: "5"},
		{rule: "R01.2", sev: E, tab: T01, row: "年初结转和结余", col: "决算数", val: "1"},
		{rule: "R01.3", sev: E, tab: T01, row: "201", col: "决算数", val: "265.87"},
		{rule: "R01.4", sev: E, tab: T01, row: "结余分配", col: "决算数", val: "1"},
		{rule: "R01.5", sev: E, tab: T01, row: "收入总计", col: "决算数", val: "308.82"},
		{rule: "R01.6", sev: E, tab: T01, row: "年末结转和结余", col: "决算数", val: "1"},
		{rule: "R01.7", sev: W, tab: T01, row: "上级补助收入", col: "决算数", val: "-1"},
		{rule: "R01.8", sev: W, tab: T01, row: "使用非财政拨款结余", col: "决算数", val: "1"},
		{rule: "R02.1", sev: E, tab: T02, row: "2013901", col: "财政拨款收入", val: "50.32"},
		{rule: "R02.2", sev: E, tab: T02, row: "合计", col: "财政拨款收入", val: "300"},
		{rule: "R02.3", sev: E, tab: T02, row: "2013999", col: "本年收入合计", val: "200"},
		{rule: "R02.4", sev: E, tab: T02, row: "2019901", col: "本年收入合计", val: "0"},
		{rule: "R03.1", sev: E, tab: T03, row: "2013901", col: "基本支出", val: "50"},
		{rule: "R03.2", sev: E, tab: T03, row: "合计", col: "基本支出", val: "100"},
		{rule: "R03.3", sev: W, tab: T03, row: "合计", col: "经营支出", val: "1"},
		{rule: "R04.1", sev: E, tab: T04, row: "一般公共预算财政拨款", col: "决算数", val: "300"},
		{rule: "R04.2", sev: E, tab: T04, row: "年初/一般公共预算财政拨款", col: "决算数", val: "1"},
		{rule: "R04.3", sev: E, tab: T04, row: "收入总计", col: "决算数", val: "300"},
		{rule: "R04.4", sev: E, tab: T04, row: "201", col: "合计", val: "200"},
		{rule: "R04.5", sev: E, tab: T04, row: "本年支出合计", col: "一般公共预算财政拨款", val: "300"},
		{rule: "R04.6", sev: E, tab: T04, row: "支出总计", col: "合计", val: "300"},
		{rule: "R04.7", sev: E, tab: T04, row: "收入总计", col: "决算数", val: "308.82"},
		{rule: "R04.8", sev: E, tab: T04, row: "支出总计", col: "一般公共预算财政拨款", val: "300"},
		{rule: "R04.9", sev: E, tab: T04, row: "201", col: "政府性基金预算财政拨款", val: "1"},
		{rule: "R05.1", sev: E, tab: T05, row: "2013901", col: "基本支出", val: "50"},
		{rule: "R05.2", sev: E, tab: T05, row: "201", col: "项目支出", val: "200"},
		{rule: "R05.3", sev: W, tab: T05, row: "2013999", col: "基本支出", val: "1"},
		{rule: "R06.1", sev: E, tab: T06, row: "30101", col: "决算数", val: "20"},
		{rule: "R06.2", sev: E, tab: T06, row: "人员经费合计", col: "决算数", val: "90"},
		{rule: "R06.3", sev: E, tab: T06, row: "公用经费合计", col: "决算数", val: "12"},
		{rule: "R06.4", sev: E, tab: T06, row: "30201", col: "决算数", val: "3.78", mutate: func(wb *model.Workbook) {
			wb.Table(model.T06).Row("30201").Side = "人员经费"
		}},
		{rule: "R07.1", sev: E, tab: T07, row: "合计", col: "基本支出", val: "1"},
		{rule: "R07.2", sev: E, tab: T07, row: "合计", col: "本年收入", val: "1"},
		{rule: "R07.3", sev: W, tab: T07, row: "合计", col: "年末结转和结余", val: "1"},
		{rule: "R07.4", sev: W, tab: T07, row: "合计", col: "项目支出", val: "1"},
		{rule: "R08.1", sev: E, tab: T08, row: "合计", col: "基本支出", val: "1"},
		{rule: "R08.2", sev: E, tab: T08, row: "合计", col: "本年收入", val: "1"},
		{rule: "R08.3", sev: W, tab: T08, row: "合计", col: "年末结转和结余", val: "1"},
		{rule: "R08.4", sev: W, tab: T08, row: "合计", col: "项目支出", val: "1"},
		{rule: "R09.1", sev: E, tab: T09, row: "三公经费", col: "预算数/因公出国（境）费", val: "1"},
		{rule: "R09.2", sev: E, tab: T09, row: "三公经费", col: "预算数/公务用车购置费", val: "1"},
		{rule: "R09.3", sev: E, tab: T09, row: "三公经费", col: "决算数/公务接待费", val: "1"},
		{rule: "R09.4", sev: E, tab: T09, row: "三公经费", col: "决算数/公务用车运行费", val: "1"},
		{rule: "R09.5", sev: W, tab: T09, row: "三公经费", col: "决算数/公务接待费", val: "1"},
		{rule: "R09.6", sev: W, tab: T09, row: "三公经费", col: "决算数/公务接待费", val: "-1"},
		{rule: "X1", sev: E, tab: T01, row: "一般公共预算财政拨款收入", col: "决算数", val: "300"},
		{rule: "X2", sev: E, tab: T01, row: "政府性基金预算财政拨款收入", col: "决算数", val: "1"},
		{rule: "X3", sev: E, tab: T01, row: "国有资本经营预算财政拨款收入", col: "决算数", val: "1"},
		{rule: "X4", sev: E, tab: T02, row: "合计", col: "本年收入合计", val: "300"},
		{rule: "X5", sev: E, tab: T02, row: "合计", col: "财政拨款收入", val: "300"},
		{rule: "X6", sev: E, tab: T02, row: "合计", col: "其他收入", val: "1"},
		{rule: "X7", sev: E, tab: T03, row: "合计", col: "本年支出合计", val: "300"},
		{rule: "X8", sev: E, tab: T03, row: "201", col: "本年支出合计", val: "260"},
		{rule: "X9", sev: E, tab: T05, row: "201", col: "合计", val: "260"},
		{rule: "X10", sev: E, tab: T05, row: "合计", col: "合计", val: "300"},
		{rule: "X11", sev: E, tab: T07, row: "合计", col: "年初结转和结余", val: "1"},
		{rule: "X12", sev: E, tab: T06, row: "人员经费合计", col: "决算数", val: "95.40"},
		{rule: "X13", sev: E, tab: T05, row: "2013901", col: "合计", val: "60"},
		{rule: "X14", sev: E, tab: T04, row: "年末财政拨款结转和结余", col: "合计", val: "1"},
		{rule: "X15", sev: E, tab: T02, row: "2013901", col: "财政拨款收入", val: "60"},
		{rule: "X16", sev: E, tab: T02, row: "2013901", col: "财政拨款收入", val: "50"},
		{rule: "X17", sev: E, tab: T03, row: "2013901", col: "本年支出合计", val: "50"},
		{rule: "X18", sev: E, tab: T03, row: "2013901", col: "基本支出", val: "50"},
		{rule: "X19", sev: W, tab: T06, row: "30217", col: "决算数", val: "1"},
		{rule: "X20", sev: E, tab: T09, row: "三公经费", col: "决算数/合计", val: "400"},
		{rule: "X21", sev: E, tab: T05, row: "2013902", col: "合计", val: "1"},
		// 2025 pack: a 特别国债 款 (xx98) in T05 (the workbook read as 2025).
		{rule: "K25.1", sev: E, tab: T05, row: "22198", col: "合计", val: "1",
			mutate: func(wb *model.Workbook) { wb.Year = 2025 }},
	}
}

// TestBreakEveryRule changes one cell of Case C per rule and expects that
// rule to report the changed cell with its severity.
func TestBreakEveryRule(t *testing.T) {
	rules := mustRules(t)
	covered := map[string]bool{}
	for _, bc := range breakCases() {
		t.Run(bc.rule, func(t *testing.T) {
			wb := caseC()
			if bc.mutate != nil {
				bc.mutate(wb)
			}
			c := put(wb, bc.tab, bc.row, bc.col, bc.val)
			fs := Check(wb, rules, Options{})
			if !named(fs, bc.rule, bc.sev, c.Sheet, c.Addr) {
				t.Errorf("%s %s[%s,%s]=%s: no %s finding naming %s!%s; got %v", bc.rule, bc.tab, bc.row, bc.col, bc.val, bc.sev, c.Sheet, c.Addr, summarize(fs))
			}
			covered[bc.rule] = true
		})
	}
	// Cross-year rules are covered by TestPrior, R06.5 by TestNarrativeRule,
	// the Yunnan set's R10/R11 by TestYunnanSet.
	for _, r := range rules {
		if !covered[r.ID] && !strings.HasPrefix(r.ID, "Y") && r.ID != "R06.5" &&
			!strings.HasPrefix(r.ID, "R10.") && !strings.HasPrefix(r.ID, "R11.") {
			t.Errorf("rule %s has no break test", r.ID)
		}
	}
}

// TestNarrativeRule: R06.5 needs the 决算说明, which a workbook does not
// carry, so it never binds.
func TestNarrativeRule(t *testing.T) {
	rules := mustRules(t)
	for _, eq := range Bind(rules, caseC()) {
		if eq.Rule.ID == "R06.5" {
			t.Fatalf("R06.5 bound without a narrative: %+v", eq)
		}
	}
	var r065 *Rule
	for _, r := range rules {
		if r.ID == "R06.5" {
			r065 = r
		}
	}
	if r065 == nil || r065.When == "" || r065.Class != ClassConditional {
		t.Fatalf("R06.5 should be a CONDITIONAL rule with a condition: %+v", r065)
	}
}

func TestConditionalRules(t *testing.T) {
	rules := mustRules(t)
	count := func(wb *model.Workbook, id string) int {
		n := 0
		for _, eq := range Bind(rules, wb) {
			if eq.Rule.ID == id {
				n++
			}
		}
		return n
	}
	tests := []struct {
		rule   string
		mutate func(*model.Workbook)
		want   bool
	}{
		{"X16", func(*model.Workbook) {}, true},
		{"X16", func(wb *model.Workbook) { put(wb, model.T04, "年初财政拨款结转和结余", "决算数", "1") }, false},
		{"X17", func(*model.Workbook) {}, true},
		{"X17", func(wb *model.Workbook) { put(wb, model.T01, "年初结转和结余", "决算数", "1") }, false},
		{"X18", func(*model.Workbook) {}, true},
		{"X18", func(wb *model.Workbook) { put(wb, model.T02, "合计", "其他收入", "1") }, false},
		{"R01.8", func(wb *model.Workbook) { put(wb, model.T01, "事业收入", "决算数", "1") }, false},
		{"R03.3", func(wb *model.Workbook) { put(wb, model.T01, "经营收入", "决算数", "1") }, false},
		{"R08.3", func(wb *model.Workbook) {
			// the older expenditure-only T08 has no 年初/年末 columns
			t8 := wb.Table(model.T08)
			nt := model.NewTable(model.T08)
			*nt = model.Table{ID: model.T08, Sheet: t8.Sheet, Name: t8.Name, Number: t8.Number}
			for _, c := range t8.Columns {
				if c.Key == "本年支出小计" || c.Key == "基本支出" || c.Key == "项目支出" {
					nt.Columns = append(nt.Columns, c)
				}
			}
			nt.Rows = t8.Rows
			for _, c := range t8.Cells() {
				if nt.Column(c.Col) != nil {
					nt.SetCell(c)
				}
			}
			wb.Tables[model.T08] = nt
		}, false},
	}
	for _, tt := range tests {
		wb := caseC()
		tt.mutate(wb)
		if got := count(wb, tt.rule) > 0; got != tt.want {
			t.Errorf("%s bound=%v, want %v", tt.rule, got, tt.want)
		}
	}
}

// TestTolerance: a 2-operand identity (X1) off by 0.01 is a 尾差 info, off
// by 0.02 an error; exact mode and 元 workbooks allow no 尾差.
func TestTolerance(t *testing.T) {
	rules := mustRules(t)
	tests := []struct {
		name  string
		val   string
		opt   Options
		yuan  bool
		want  model.Severity
		tolTx string
	}{
		{"0.01 info", "307.83", Options{}, false, model.SevInfo, "0.01"},
		{"0.02 error", "307.84", Options{}, false, model.SevError, "0.01"},
		{"-0.01 info", "307.81", Options{}, false, model.SevInfo, "0.01"},
		{"exact 0.01 error", "307.83", Options{Exact: true}, false, model.SevError, "0"},
		{"yuan auto exact", "307.83", Options{}, true, model.SevError, "0"},
		// A department summed from 3 units: each figure carries 3 roundings.
		{"3 parts 0.03 info", "307.85", Options{Parts: 3}, false, model.SevInfo, "0.03"},
		{"3 parts 0.04 error", "307.86", Options{Parts: 3}, false, model.SevError, "0.03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb := caseC()
			if tt.yuan {
				wb.Unit = model.Yuan
				for _, tb := range wb.Tables {
					tb.Unit = model.Yuan
				}
			}
			c := put(wb, model.T04, "一般公共预算财政拨款", "决算数", tt.val)
			fs := Check(wb, rules, tt.opt)
			var x1 *model.Finding
			for i := range fs {
				if fs[i].Rule == "X1" {
					x1 = &fs[i]
				}
			}
			if x1 == nil || x1.Severity != tt.want {
				t.Fatalf("X1 finding %+v, want severity %s", x1, tt.want)
			}
			if !named(fs, "X1", tt.want, c.Sheet, c.Addr) {
				t.Errorf("X1 does not name %s", c.Addr)
			}
			if x1.Tolerance != tt.tolTx {
				t.Errorf("tolerance %s, want %s", x1.Tolerance, tt.tolTx)
			}
			if x1.Expected == "" || x1.Actual == "" || x1.Difference == "" || x1.Fingerprint == "" {
				t.Errorf("incomplete finding %+v", x1)
			}
		})
	}
	// 3-operand identity (合计 = 基本 + 项目): bound 0.015, so 0.01 passes
	// as 尾差 and 0.02 fails.
	for _, tt := range []struct {
		val  string
		want model.Severity
	}{{"51.33", model.SevInfo}, {"51.34", model.SevError}} {
		wb := caseC()
		c := put(wb, model.T05, "2013901", "合计", tt.val)
		if fs := Check(wb, rules, Options{}); !named(fs, "R05.1", tt.want, c.Sheet, c.Addr) {
			t.Errorf("R05.1 with %s: want %s, got %v", tt.val, tt.want, summarize(fs))
		}
	}
}

func TestPrior(t *testing.T) {
	rules := mustRules(t)
	prior := caseC()
	put(prior, model.T01, "年末结转和结余", "决算数", "5")
	put(prior, model.T04, "年末财政拨款结转和结余", "合计", "3")
	put(prior, model.T07, "合计", "年末结转和结余", "2")
	put(prior, model.T09, "三公经费", "决算数/合计", "10")
	put(prior, model.T01, "本年收入合计", "决算数", "300")
	wb := caseC()
	fs := Check(wb, rules, Options{Prior: prior})
	want := []struct {
		rule string
		sev  model.Severity
		key  model.Key
	}{
		{"Y1", model.SevError, model.Key{Table: model.T01, Row: "年初结转和结余", Col: "决算数"}},
		{"Y2", model.SevError, model.Key{Table: model.T04, Row: "年初财政拨款结转和结余", Col: "决算数"}},
		{"Y3", model.SevError, model.Key{Table: model.T07, Row: "合计", Col: "年初结转和结余"}},
		{"Y4", model.SevInfo, model.Key{Table: model.T09, Row: "三公经费", Col: "决算数/合计"}},
		{"Y5", model.SevInfo, model.Key{Table: model.T01, Row: "本年收入合计", Col: "决算数"}},
	}
	for _, w := range want {
		c := wb.Cell(w.key)
		if !named(fs, w.rule, w.sev, c.Sheet, c.Addr) {
			t.Errorf("%s: no %s naming %s; got %v", w.rule, w.sev, c.Addr, summarize(fs))
		}
	}
	for _, f := range fs {
		if f.Rule == "Y5" && strings.Contains(f.Message, "公开01表 本年收入合计 本年") && !strings.Contains(f.Message, "2.61%") {
			t.Errorf("Y5 message lacks the change ratio: %s", f.Message)
		}
	}
	// Without a prior workbook no Y rule binds.
	for _, f := range Check(wb, rules, Options{}) {
		if strings.HasPrefix(f.Rule, "Y") {
			t.Errorf("Y rule without prior: %+v", f)
		}
	}
}

// TestStructuralNotRepeated: an orphan code the reader already reported
// (S03) is not reported again as R02.4.
func TestStructuralNotRepeated(t *testing.T) {
	rules := mustRules(t)
	wb := caseC()
	c := put(wb, model.T02, "2019901", "本年收入合计", "0")
	wb.Findings = append(wb.Findings, model.Finding{Rule: "S03", Severity: model.SevError, Table: model.T02, Sheet: c.Sheet, Cell: c.Addr})
	for _, f := range Check(wb, rules, Options{}) {
		if f.Rule == "R02.4" && f.Table == model.T02 {
			t.Errorf("R02.4 repeated after reader S03: %+v", f)
		}
	}
}

// TestFillEquations: every "=" equation of a fill rule has a single total
// on the left (the cell fill may write).
func TestFillEquations(t *testing.T) {
	n := 0
	for _, eq := range Bind(mustRules(t), caseC()) {
		if !eq.Rule.Fill || eq.Op != "=" {
			continue
		}
		n++
		if len(eq.Left) != 1 || eq.Left[0].Sign != 1 {
			t.Errorf("%s %s: left side %v is not a single total", eq.Rule.ID, eq.Where, eq.Left)
		}
	}
	if n < 100 {
		t.Errorf("only %d fill equations bound", n)
	}
}

// TestNegativeNotRepeated: a negative amount the reader reported (S09) is
// not reported again by R01.7.
func TestNegativeNotRepeated(t *testing.T) {
	rules := mustRules(t)
	wb := caseC()
	c := put(wb, model.T01, "上级补助收入", "决算数", "-1")
	wb.Findings = append(wb.Findings, model.Finding{Rule: "S09", Severity: model.SevWarning, Table: model.T01, Sheet: c.Sheet, Cell: c.Addr})
	fs := Check(wb, rules, Options{})
	if named(fs, "R01.7", model.SevWarning, c.Sheet, c.Addr) {
		t.Errorf("R01.7 repeated after reader S09")
	}
	if !named(fs, "R01.1", model.SevError, c.Sheet, c.Addr) {
		t.Errorf("R01.1 lost: %v", summarize(fs))
	}
}

func TestNilWorkbook(t *testing.T) {
	if fs := Check(nil, mustRules(t), Options{}); len(fs) != 0 {
		t.Errorf("findings on nil workbook: %v", fs)
	}
	if fs := Check(&model.Workbook{}, mustRules(t), Options{}); len(fs) != 0 {
		t.Errorf("findings on empty workbook: %v", summarize(fs))
	}
}
