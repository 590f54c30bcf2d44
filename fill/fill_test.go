package fill

import (
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

var (
	testRulesOnce sync.Once
	rulesList     []*check.Rule
	rulesErr      error
)

func rules(t testing.TB) []*check.Rule {
	t.Helper()
	testRulesOnce.Do(func() { rulesList, rulesErr = check.Load() })
	if rulesErr != nil {
		t.Fatal(rulesErr)
	}
	return rulesList
}

type sample struct {
	name  string
	data  func() *templates.Data
	style model.Style
}

var samples = []sample{
	{"CaseA/mof", templates.CaseA, model.StyleMOF},
	{"CaseA/shanghai", templates.CaseA, model.StyleShanghai},
	{"CaseC/mof", templates.CaseC, model.StyleMOF},
	{"CaseC/shanghai", templates.CaseC, model.StyleShanghai},
}

func build(t testing.TB, s sample, omit bool) *model.Workbook {
	t.Helper()
	wb, err := templates.Write(io.Discard, s.data(), templates.Options{Style: s.style, OmitDerived: omit})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// errorsOf returns the error findings of check on wb.
func errorsOf(t testing.TB, wb *model.Workbook) []model.Finding {
	var out []model.Finding
	for _, f := range check.Check(wb, rules(t), check.Options{}) {
		if f.Severity == model.SevError {
			out = append(out, f)
		}
	}
	return out
}

// compare asserts that every cell of want is reproduced in got: a value
// that was printed must be there within the §5.0 tolerance of the way it
// was computed (weight = rounded values it aggregates); a blank may come
// back blank or as 0.
func compare(t *testing.T, s *solver, want, got *model.Workbook) {
	t.Helper()
	for _, tb := range want.Located() {
		for _, w := range tb.Cells() {
			g := got.Cell(w.Key)
			if g == nil {
				t.Errorf("%v: cell missing", w.Key)
				continue
			}
			if g.Blank {
				if !w.Blank && !w.Value.IsZero() {
					t.Errorf("%s!%s %v: not filled, want %s", w.Sheet, w.Addr, w.Key, w.Value)
				}
				continue
			}
			tol := model.ToleranceOf(max(s.weightOf(g), 1)+1, 2)
			if d := g.Value.Sub(w.Value).Abs(); d.GreaterThan(tol) {
				t.Errorf("%s!%s %v: filled %s by %s, want %s (tolerance %s)", w.Sheet, w.Addr, w.Key, g.Value, g.FilledBy, w.Value, tol)
			}
		}
	}
}

func TestFillReproducesDerivedCells(t *testing.T) {
	rs := rules(t)
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			full, wb := build(t, sm, false), build(t, sm, true)
			blankDerived := 0
			for _, tb := range wb.Located() {
				for _, c := range tb.Cells() {
					if c.Derived && c.Blank {
						blankDerived++
					}
				}
			}
			s := run(wb, check.Bind(rs, wb), Options{})
			if len(s.fills) == 0 || blankDerived == 0 {
				t.Fatalf("fills = %d, blank derived = %d", len(s.fills), blankDerived)
			}
			compare(t, s, full, wb)
			for _, f := range s.fills {
				c := wb.Cell(model.Key{Table: f.Table, Row: f.Row, Col: f.Col})
				if c == nil || !c.Derived || f.Rule == "" || c.FilledBy != f.Rule || f.Old != "" {
					t.Errorf("fill %+v: not a blank derived cell or no rule", f)
				}
			}
			for _, f := range errorsOf(t, wb) {
				t.Errorf("after fill: %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
			}
		})
	}
}

// A user typed only the leaves: 项 rows of T02/T03/T05, 款 rows of T06, the
// T09 items, and the inputs nothing else determines (T01 bottom block,
// T04 年初 sub-rows and 年末). Every other amount is computed.
func TestFillFromLeavesOnly(t *testing.T) {
	rs := rules(t)
	funds := map[string]bool{"一般公共预算财政拨款": true, "政府性基金预算财政拨款": true, "国有资本经营预算财政拨款": true}
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			full, wb := build(t, sm, false), build(t, sm, true)
			blanked := 0
			blank := func(c *model.Cell) {
				if !c.Blank {
					blanked++
				}
				c.Value, c.Blank, c.Raw = decimal.Zero, true, ""
			}
			for _, c := range wb.Table(model.T01).Cells() {
				if len(c.Row) == 3 || strings.HasSuffix(c.Row, "收入") {
					blank(c) // income rows 一–八 and 类 rows
				}
			}
			for _, c := range wb.Table(model.T04).Cells() {
				if funds[c.Row] || funds[c.Col] && c.Row != "年末财政拨款结转和结余" {
					blank(c) // income rows 一/二/三, 支出 fund columns
				}
			}
			if blanked == 0 {
				t.Fatal("nothing blanked")
			}
			s := run(wb, check.Bind(rs, wb), Options{})
			compare(t, s, full, wb)
			for _, f := range errorsOf(t, wb) {
				t.Errorf("after fill: %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
			}
		})
	}
}

func TestFillNeverTouchesTypedCells(t *testing.T) {
	rs := rules(t)
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			full := build(t, sm, false)
			ref := build(t, sm, false)
			if fs := Fill(full, check.Bind(rs, full), Options{}); len(fs) != 0 {
				t.Errorf("complete workbook got %d fills, first %+v", len(fs), fs[0])
			}
			// Overwrite keeps values within tolerance (Case A's published
			// 尾差 totals are not "corrected").
			if fs := Fill(full, check.Bind(rs, full), Options{Overwrite: true}); len(fs) != 0 {
				t.Errorf("overwrite on a consistent workbook replaced %+v", fs)
			}
			for _, tb := range ref.Located() {
				for _, c := range tb.Cells() {
					if g := full.Cell(c.Key); !g.Value.Equal(c.Value) || g.Blank != c.Blank {
						t.Errorf("%v changed: %s -> %s", c.Key, c.Value, g.Value)
					}
				}
			}
		})
	}
}

func TestOverwriteReplacesWrongTotals(t *testing.T) {
	rs := rules(t)
	sm := samples[0]
	orig := build(t, sm, false)
	wb := build(t, sm, false)
	wrong := []model.Key{
		{Table: model.T01, Row: "本年收入合计", Col: "决算数"},
		{Table: model.T05, Row: "合计", Col: "合计"},
		{Table: model.T09, Row: "三公经费", Col: "决算数/合计"},
	}
	for _, k := range wrong {
		c := wb.Cell(k)
		if c == nil || !c.Derived {
			t.Fatalf("%v: no derived cell", k)
		}
		c.Value = c.Value.Add(decimal.NewFromInt(100))
		c.Raw = c.Value.StringFixed(2)
	}
	// Without Overwrite: nothing changes, check names the wrong cells.
	if fs := Fill(wb, check.Bind(rs, wb), Options{}); len(fs) != 0 {
		t.Fatalf("fills without overwrite: %+v", fs)
	}
	named := map[string]bool{}
	for _, f := range errorsOf(t, wb) {
		named[f.Sheet+"!"+f.Cell] = true
	}
	for _, k := range wrong {
		c := wb.Cell(k)
		if !named[c.Sheet+"!"+c.Addr] {
			t.Errorf("check does not name %s!%s (%v)", c.Sheet, c.Addr, k)
		}
	}
	fs := Fill(wb, check.Bind(rs, wb), Options{Overwrite: true})
	if len(fs) != len(wrong) {
		t.Fatalf("overwrite fills = %+v, want %d", fs, len(wrong))
	}
	for _, f := range fs {
		k := model.Key{Table: f.Table, Row: f.Row, Col: f.Col}
		want := orig.Cell(k).Value
		if f.Old != want.Add(decimal.NewFromInt(100)).StringFixed(2) {
			t.Errorf("%v: old = %q", k, f.Old)
		}
		if v := decimal.RequireFromString(f.Value); v.Sub(want).Abs().GreaterThan(decimal.New(2, -2)) {
			t.Errorf("%v: replaced with %s, want %s", k, v, want)
		}
	}
	for _, f := range errorsOf(t, wb) {
		t.Errorf("after overwrite: %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
	}
}

// A blank input is cross-filled only when the equations that give it agree.
func TestCrossFillNeedsAgreement(t *testing.T) {
	rs := rules(t)
	wb := build(t, samples[0], false)
	t01 := wb.Cell(model.Key{Table: model.T01, Row: "一般公共预算财政拨款收入", Col: "决算数"})
	t01.Value, t01.Blank, t01.Raw = decimal.Zero, true, ""
	// Agreeing sources: T04 一 and T02 合计 财政拨款收入 both say 4068.52.
	fs := Fill(wb, check.Bind(rs, wb), Options{})
	if len(fs) != 1 || fs[0].Value != "4068.52" || t01.Blank {
		t.Fatalf("agreeing cross-fill = %+v", fs)
	}
	// Disagreeing sources: T04 says 4000.00 now.
	wb = build(t, samples[0], false)
	t01 = wb.Cell(model.Key{Table: model.T01, Row: "一般公共预算财政拨款收入", Col: "决算数"})
	t01.Value, t01.Blank, t01.Raw = decimal.Zero, true, ""
	t04 := wb.Cell(model.Key{Table: model.T04, Row: "一般公共预算财政拨款", Col: "决算数"})
	t04.Value = decimal.RequireFromString("4000.00")
	if fs := Fill(wb, check.Bind(rs, wb), Options{}); len(fs) != 0 || !t01.Blank {
		t.Fatalf("conflicting cross-fill = %+v", fs)
	}
}

// BenchmarkFill times filling Case A with every derived cell blank (the
// binding of the rules, which check shares, is outside the timer).
func BenchmarkFill(b *testing.B) {
	rs := rules(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		wb := build(b, samples[0], true)
		eqs := check.Bind(rs, wb)
		b.StartTimer()
		if fs := Fill(wb, eqs, Options{}); len(fs) == 0 {
			b.Fatal("no fills")
		}
	}
}
