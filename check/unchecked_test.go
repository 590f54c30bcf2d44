package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// without returns a copy of t without the cells of row and column
// (either may be ""), as a reader that did not find them would report it.
func without(t *model.Table, row, col string) *model.Table {
	n := model.NewTable(t.ID)
	n.Name, n.Title, n.Number, n.Sheet, n.Unit, n.Style = t.Name, t.Title, t.Number, t.Sheet, t.Unit, t.Style
	for _, r := range t.Rows {
		if r.Key != row {
			n.Rows = append(n.Rows, r)
		}
	}
	for _, c := range t.Columns {
		if c.Key != col {
			n.Columns = append(n.Columns, c)
		}
	}
	for _, c := range t.Cells() {
		if c.Row != row && c.Col != col {
			n.SetCell(c)
		}
	}
	return n
}

// TestNotCheckedIsNotWrong: a table, a total row or a column that was not
// located makes the rules that need it unchecked (listed, one finding per
// missing thing at most), never errors and never a 0.
func TestNotCheckedIsNotWrong(t *testing.T) {
	rules := mustRules(t)
	for _, tc := range []struct {
		name     string
		mutate   func(wb *model.Workbook)
		what     model.Unchecked // the entry expected in Unchecked
		mustList []string        // rules that must be listed for it
		findings int             // U01 findings expected
	}{
		{"missing T03", func(wb *model.Workbook) { delete(wb.Tables, model.T03) },
			model.Unchecked{Table: model.T03}, []string{"X7", "X8", "X13", "X21", "R03.1", "R03.2"}, 0},
		{"T02 合计 row not found", func(wb *model.Workbook) { wb.Tables[model.T02] = without(wb.Tables[model.T02], "合计", "") },
			model.Unchecked{Table: model.T02, Row: "合计"}, []string{"X4", "X5", "X6", "R02.2"}, 1},
		{"T03 合计 row not found", func(wb *model.Workbook) { wb.Tables[model.T03] = without(wb.Tables[model.T03], "合计", "") },
			model.Unchecked{Table: model.T03, Row: "合计"}, []string{"X7", "R03.2"}, 1},
		{"T03 基本支出 column not found", func(wb *model.Workbook) { wb.Tables[model.T03] = without(wb.Tables[model.T03], "", "基本支出") },
			model.Unchecked{Table: model.T03, Col: "基本支出"}, []string{"R03.1"}, 1},
		{"T06 人员经费合计 not found", func(wb *model.Workbook) {
			wb.Tables[model.T06] = without(wb.Tables[model.T06], "人员经费合计", "")
		},
			model.Unchecked{Table: model.T06, Row: "人员经费合计"}, []string{"R06.2", "X12"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb := caseC()
			tc.mutate(wb)
			c := NewChecker(wb, rules, Options{})
			fs := c.Run()
			for _, f := range fs {
				if f.Severity == model.SevError {
					t.Errorf("error finding on an unlocated thing: %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
				}
			}
			var got *model.Unchecked
			for _, u := range c.Unchecked() {
				if u.Table == tc.what.Table && u.Row == tc.what.Row && u.Col == tc.what.Col {
					got = &u
				}
			}
			if got == nil {
				t.Fatalf("no unchecked entry %+v in %+v", tc.what, c.Unchecked())
			}
			for _, id := range tc.mustList {
				if !slices.Contains(got.Rules, id) {
					t.Errorf("rule %s not listed as unchecked for %s: %v", id, got.What, got.Rules)
				}
			}
			n := 0
			for _, f := range fs {
				if f.Rule == RuleUnchecked {
					n++
					if !strings.Contains(f.Message, "未进行") || strings.Contains(f.Message, "公开0") && wb.Tables[f.Table] == nil {
						t.Errorf("U01 message: %s", f.Message)
					}
				}
			}
			if n != tc.findings {
				t.Errorf("%d U01 findings, want %d: %v", n, tc.findings, summarize(fs))
			}
		})
	}
}

// TestCompleteWorkbookHasNothingUnchecked: on Case C every rule finds what
// it needs.
func TestCompleteWorkbookHasNothingUnchecked(t *testing.T) {
	c := NewChecker(caseC(), mustRules(t), Options{})
	c.Run()
	if u := c.Unchecked(); len(u) != 0 {
		t.Errorf("unchecked on a complete workbook: %+v", u)
	}
}

// TestToleranceCountsPrintedOperands is the 302 example of issue 10: a
// class with many item rows of which few are printed; a blank is an exact
// 0 and must not widen the interval.
func TestToleranceCountsPrintedOperands(t *testing.T) {
	rules := mustRules(t)
	wb := caseC()
	t6 := wb.Tables[model.T06]
	// Every other 302 item printed as a blank row (28 rows, 8 printed).
	blanks := []string{"30202", "30203", "30204", "30205", "30206", "30207", "30208", "30209", "30212", "30214",
		"30215", "30216", "30217", "30218", "30224", "30225", "30228", "30231", "30240"}
	for i, code := range blanks {
		t6.Rows = append(t6.Rows, &model.Row{Key: code, Code: code, Level: 2, Label: code, Side: "公用经费", SheetRow: 100 + i})
		t6.SetCell(&model.Cell{Key: model.Key{Row: code, Col: "决算数"}, Sheet: t6.Sheet, Addr: "Z" + string(rune('A'+i)), Blank: true, Decimals: 2})
	}
	c := t6.Cell("30201", "决算数")
	c.Value = c.Value.Add(decimal.RequireFromString("0.10")) // 3.88: Σ302 = 10.32 vs 10.23 printed
	fs := Check(wb, rules, Options{})
	var r061 *model.Finding
	for i := range fs {
		if fs[i].Rule == "R06.1" && fs[i].Actual == "10.23" {
			r061 = &fs[i]
		}
	}
	if r061 == nil {
		t.Fatalf("no R06.1 finding for 302: %v", summarize(fs))
	}
	// 9 printed operands (302 and 8 items): 0.045, not 0.005 × 28.
	if r061.Severity != model.SevError || r061.Tolerance != "0.045" {
		t.Errorf("R06.1 302: severity %s tolerance %s, want error 0.045", r061.Severity, r061.Tolerance)
	}
}

// TestEmptyTableWithNoteIsZero: an empty 政府性基金 table printed with its
// 无数据 note and no 合计 row is a table of zeros, not an unlocated one.
func TestEmptyTableWithNoteIsZero(t *testing.T) {
	wb := caseC()
	t7 := model.NewTable(model.T07)
	t7.Name, t7.Title, t7.Sheet = "政府性基金预算财政拨款收入支出决算表", "政府性基金预算财政拨款收入支出决算表", "基金"
	t7.EmptyNote = "说明：本单位本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"
	wb.Tables[model.T07] = t7
	c := NewChecker(wb, mustRules(t), Options{})
	for _, f := range c.Run() {
		if f.Table == model.T07 || f.Rule == RuleUnchecked {
			t.Errorf("finding on an empty table with its note: %s %s", f.Rule, f.Message)
		}
	}
	for _, u := range c.Unchecked() {
		if u.Table == model.T07 {
			t.Errorf("empty table with its note listed as unchecked: %+v", u)
		}
	}
}

// TestRulesByYear: a pack's rules apply from its year on (K25.1 from 2025),
// whatever the workbook prints; the 2024 pack does not know them.
func TestRulesByYear(t *testing.T) {
	rules := mustRules(t)
	for _, tc := range []struct {
		year int
		want bool
	}{{0, false}, {2023, false}, {2024, false}, {2025, true}, {2026, true}} {
		wb := caseC()
		wb.Year = tc.year
		put(wb, model.T05, "22198", "合计", "1")
		got := false
		for _, f := range Check(wb, rules, Options{}) {
			if f.Rule == "K25.1" && f.Severity == model.SevError {
				got = true
			}
		}
		if got != tc.want {
			t.Errorf("year %d: K25.1 error %v, want %v", tc.year, got, tc.want)
		}
	}
}
