package check_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/fill"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

func read(t *testing.T, d *templates.Data, opt templates.Options) *model.Workbook {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, opt); err != nil {
		t.Fatal(err)
	}
	wb, _, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// eqText is an equation as the report sees it: rule, operands, binding.
func eqText(eqs []check.Equation) []string {
	side := func(ts []check.Term) string {
		s := ""
		for _, t := range ts {
			s += fmt.Sprintf(" %+d·%v(prior %v)", t.Sign, t.Key, t.Prior())
		}
		return s
	}
	out := make([]string, len(eqs))
	for i, e := range eqs {
		out[i] = fmt.Sprintf("%s %s%s %s%s", e.Rule.ID, e.Where, side(e.Left), e.Op, side(e.Right))
	}
	return out
}

// TestSharedBinding: fill and check share one Binding (bound before the
// fill, reused after it); the checker must bind, find and list as unchecked
// exactly what a checker binding afresh on the filled workbook does —
// including clauses whose condition flips when blank totals are filled,
// tables that are missing and rules that read the prior year.
func TestSharedBinding(t *testing.T) {
	rules, err := check.Load()
	if err != nil {
		t.Fatal(err)
	}
	prior := read(t, templates.CaseA(), templates.Options{})
	tests := []struct {
		name  string
		d     *templates.Data
		opt   templates.Options
		drop  []model.TableID
		prior bool
		// poke changes a value after the binding was made (as a fill or
		// Overwrite does), so that a condition true then is false now.
		poke func(*model.Workbook)
	}{
		{"A as printed", templates.CaseA(), templates.Options{}, nil, false, nil},
		{"A totals blank", templates.CaseA(), templates.Options{OmitDerived: true}, nil, false, nil},
		{"A totals blank, prior year", templates.CaseA(), templates.Options{OmitDerived: true}, nil, true, nil},
		{"A T04 T07 missing", templates.CaseA(), templates.Options{OmitDerived: true}, []model.TableID{model.T04, model.T07}, true, nil},
		{"C shanghai totals blank", templates.CaseC(), templates.Options{OmitDerived: true, Style: model.StyleShanghai}, nil, false, nil},
		{"C zeros blank", templates.CaseC(), templates.Options{BlankZeros: true}, []model.TableID{model.T09}, false, nil},
		// X18 holds only without non-fiscal income: here it stops holding.
		{"C condition turns false", templates.CaseC(), templates.Options{}, nil, false, func(wb *model.Workbook) {
			c := wb.Table(model.T02).Cell("合计", "上级补助收入")
			c.Value, c.Blank = c.Value.Add(decimal.NewFromInt(7)), false
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Two reads of the same file: one checked with the shared
			// binding, one bound afresh after the same fill.
			var wbs [2]*model.Workbook
			var fills [2][]model.Fill
			var shared *check.Binding
			for i := range wbs {
				wb := read(t, tt.d, tt.opt)
				for _, id := range tt.drop {
					delete(wb.Tables, id)
				}
				eqs := check.Bind(rules, wb)
				if i == 0 {
					shared = check.NewBinding(rules, wb)
					if got := eqText(shared.Equations()); !reflect.DeepEqual(got, eqText(eqs)) {
						t.Fatalf("Binding.Equations differs from Bind: %d vs %d equations", len(got), len(eqs))
					}
					eqs = shared.Equations()
				}
				fills[i], _ = fill.Run(wb, eqs, fill.Options{Rules: rules})
				if tt.poke != nil {
					tt.poke(wb)
				}
				wbs[i] = wb
			}
			if len(fills[0]) != len(fills[1]) {
				t.Fatalf("fills %d vs %d", len(fills[0]), len(fills[1]))
			}
			if tt.opt.OmitDerived && len(fills[0]) == 0 {
				t.Fatal("nothing filled: the case does not test reuse after a fill")
			}
			opt := check.Options{}
			if tt.prior {
				opt.Prior = prior
			}
			fresh := check.NewChecker(wbs[1], rules, opt)
			opt.Binding = shared
			reused := check.NewChecker(wbs[0], rules, opt)
			if got, want := eqText(reused.Equations()), eqText(fresh.Equations()); !reflect.DeepEqual(got, want) {
				t.Errorf("equations: %d shared, %d fresh", len(got), len(want))
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Errorf("first difference at %d:\n shared %s\n fresh  %s", i, got[i], want[i])
						break
					}
				}
			}
			gf, wf := reused.Run(), fresh.Run()
			if !reflect.DeepEqual(gf, wf) {
				t.Errorf("findings differ: %d shared, %d fresh", len(gf), len(wf))
			}
			if g, w := reused.Unchecked(), fresh.Unchecked(); !reflect.DeepEqual(g, w) {
				t.Errorf("unchecked differ:\n shared %+v\n fresh  %+v", g, w)
			}
			if tt.drop != nil && len(fresh.Unchecked()) == 0 {
				t.Error("no unchecked entries: the case does not test replayed misses")
			}
		})
	}
}
