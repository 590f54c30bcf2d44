package fill

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// cent is one cent, the step of the perturbations below.
var cent = decimal.New(1, -2)

func keyOf(f model.Fill) model.Key { return model.Key{Table: f.Table, Row: f.Row, Col: f.Col} }

// errKey names an error finding without values: rule and operand cells.
func errKey(f model.Finding) string {
	var cells []string
	for _, c := range f.Cells {
		cells = append(cells, c.Sheet+"!"+c.Cell)
	}
	sort.Strings(cells)
	return f.Rule + "|" + f.Sheet + "!" + f.Cell + "|" + strings.Join(cells, ",")
}

// fillRun fills wb the way audit does (rules rebound for the repair).
func fillRun(t testing.TB, wb *model.Workbook) ([]model.Fill, []model.Finding) {
	rs := rules(t)
	return Run(wb, check.Bind(rs, wb), Options{Rules: rs})
}

// created returns the errors check reports on the filled wb that the
// input did not have: an error on a filled cell, or one not in before,
// unless it names a cell an F01 warning left blank (a conflict among the
// printed cells, which the warning explains).
func created(t testing.TB, wb *model.Workbook, before map[string]bool, fills []model.Fill, own []model.Finding) []model.Finding {
	filled := map[string]bool{}
	for _, f := range fills {
		filled[f.Sheet+"!"+f.Cell] = true
	}
	explained := map[string]bool{}
	for _, f := range own {
		if f.Rule == ruleConflict {
			explained[f.Sheet+"!"+f.Cell] = true
			for _, c := range f.Cells {
				if c.Value == "" {
					explained[c.Sheet+"!"+c.Cell] = true
				}
			}
		}
	}
	var out []model.Finding
	for _, f := range errorsOf(t, wb) {
		touchesFill, touchesF01 := false, false
		for _, c := range f.Cells {
			touchesFill = touchesFill || filled[c.Sheet+"!"+c.Cell]
			touchesF01 = touchesF01 || explained[c.Sheet+"!"+c.Cell]
		}
		if touchesF01 {
			continue
		}
		if touchesFill || !before[errKey(f)] {
			out = append(out, f)
		}
	}
	return out
}

func errorKeys(t testing.TB, wb *model.Workbook) map[string]bool {
	m := map[string]bool{}
	for _, f := range errorsOf(t, wb) {
		m[errKey(f)] = true
	}
	return m
}

// Every derived-cells-blank variant re-checks with no error after fill,
// and the fill creates none.
func TestFilledRechecksClean(t *testing.T) {
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			wb := build(t, sm, true)
			before := errorKeys(t, wb)
			fills, own := fillRun(t, wb)
			if len(fills) == 0 {
				t.Fatal("no fills")
			}
			for _, f := range own {
				t.Errorf("fill finding: %s %s", f.Rule, f.Message)
			}
			for _, f := range errorsOf(t, wb) {
				t.Errorf("after fill: %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
			}
			for _, f := range created(t, wb, before, fills, own) {
				t.Errorf("created by fill: %s %s", f.Rule, f.Message)
			}
		})
	}
}

// A filled subtotal whose items are all printed is their exact sum.
func TestFilledSubtotalIsExactSum(t *testing.T) {
	rs := rules(t)
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			wb := build(t, sm, true)
			s := run(wb, check.Bind(rs, wb), Options{Rules: rs})
			n := 0
			for _, f := range s.fills {
				c := wb.Cell(keyOf(f))
				q := s.def[c]
				if q == nil || len(q.terms) < 2 || q.terms[0].cell != c || q.nLeft != 1 {
					continue
				}
				printed := true
				for _, tm := range q.terms[1:] {
					if tm.cell != nil && tm.cell.Filled() {
						printed = false
					}
				}
				if !printed {
					continue
				}
				n++
				want, _, _, _ := s.solve(q, c)
				if !c.Value.Equal(want.dec()) {
					t.Errorf("%s!%s %v = %s, its printed items (%s) sum to %s", c.Sheet, c.Addr, c.Key, c.Value, q.rule, want)
				}
			}
			if n == 0 {
				t.Fatal("no subtotal of printed items filled")
			}
		})
	}
}

// How many filled cells equal the figure the source workbook printed. The
// samples reproduce published tables, rounding residues included: a 款
// printed 180.66 whose 项 sum to 180.67 cannot be recovered from its items
// (rule (a): a subtotal of printed items is their exact sum), so those are
// counted apart; every other filled cell must equal the published figure.
func TestFillMatchesPublished(t *testing.T) {
	rs := rules(t)
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			full, wb := build(t, sm, false), build(t, sm, true)
			s := run(wb, check.Bind(rs, wb), Options{Rules: rs})
			equal, residue := 0, 0
			var other []string
			for _, f := range s.fills {
				c, w := wb.Cell(keyOf(f)), full.Cell(keyOf(f))
				if w != nil && !w.Blank && w.Value.Equal(c.Value) {
					equal++
					continue
				}
				// Not recoverable from the items: the published figure is a
				// rounding residue of its own equation (its published
				// operands give another value), or an operand the cell was
				// computed from already differs.
				q := s.def[c]
				if q == nil {
					other = append(other, fmt.Sprintf("%v filled %s by %s without an equation", keyOf(f), f.Value, f.Rule))
					continue
				}
				pub, inherited := decimal.Zero, false
				for _, tm := range q.terms {
					if tm.cell == nil || tm.cell == c {
						continue
					}
					pc := full.Cell(tm.cell.Key)
					if tm.cell.Filled() && !pc.Value.Equal(tm.cell.Value) {
						inherited = true
					}
					v := pc.Value.Mul(decimal.NewFromInt(int64(tm.sign)))
					if tm.left {
						pub = pub.Sub(v)
					} else {
						pub = pub.Add(v)
					}
				}
				if q.terms[0].cell != c {
					pub = pub.Neg()
				}
				if inherited || w != nil && !pub.Equal(w.Value) {
					residue++
					continue
				}
				other = append(other, fmt.Sprintf("%v filled %s by %s, published %s", keyOf(f), f.Value, f.Rule, w.Value))
			}
			rate := float64(equal) / float64(len(s.fills))
			t.Logf("%s: %d filled, %d equal the published figure (%.1f%%); %d published residues not recoverable from the items; %d other",
				sm.name, len(s.fills), equal, 100*rate, residue, len(other))
			for _, o := range other {
				t.Errorf("differs from the published figure: %s", o)
			}
			if rate < 0.9 {
				t.Errorf("only %.1f%% of filled cells equal the published figure", 100*rate)
			}
		})
	}
}

// fixture builds a small workbook in code: T05 and T06 only.
type fixture struct {
	wb  *model.Workbook
	row map[model.TableID]int
}

func newFixture() *fixture {
	return &fixture{wb: &model.Workbook{Tables: map[model.TableID]*model.Table{}, Unit: model.Wan}, row: map[model.TableID]int{}}
}

func (f *fixture) table(id model.TableID, cols ...string) *model.Table {
	t := model.NewTable(id)
	t.Number = fmt.Sprintf("公开%s表", strings.TrimPrefix(string(id), "T"))
	t.Sheet, t.Name, t.Title, t.Unit = t.Number, t.Number, t.Number, model.Wan
	for i, c := range cols {
		t.Columns = append(t.Columns, &model.Column{Key: c, Header: c, SheetCol: i + 3})
	}
	f.wb.Tables[id] = t
	f.wb.Sheets = append(f.wb.Sheets, t.Sheet)
	f.row[id] = 5
	return t
}

// add appends a row; vals align with the columns, "" is a blank derived
// cell, anything else a typed amount.
func (f *fixture) add(id model.TableID, key, side string, vals ...string) {
	t := f.wb.Tables[id]
	r := f.row[id]
	f.row[id]++
	code := ""
	if model.CodeLevel(key) > 0 {
		code = key
	}
	t.Rows = append(t.Rows, &model.Row{Key: key, Code: code, Level: model.CodeLevel(code), Label: key, Side: side, SheetRow: r})
	for i, v := range vals {
		c := &model.Cell{Key: model.Key{Row: key, Col: t.Columns[i].Key}, Sheet: t.Sheet,
			Addr: fmt.Sprintf("%c%d", 'C'+i, r), Raw: v, Decimals: 2}
		if v == "" {
			c.Blank, c.Derived = true, true
		} else {
			c.Value = decimal.RequireFromString(v)
		}
		t.SetCell(c)
	}
}

// x12 is the Shanghai unit of issue 10: T05 prints 合计 基本支出 basic,
// T06 prints only its 款; the 款 of 301 sum to 2,152.27 and those of 302
// to 184.67, 0.03 more than basic together.
func x12(basic string) *model.Workbook { return x12With(basic, basic) }

// x12With prints total as the 合计行 基本支出 ("" leaves it to the fill,
// as in the issue) and item as the one 项 row.
func x12With(total, basic string) *model.Workbook {
	f := newFixture()
	f.table(model.T05, "合计", "基本支出", "项目支出")
	f.add(model.T05, "合计", "", "", total, "")
	f.add(model.T05, "201", "", "", "", "")
	f.add(model.T05, "20101", "", "", "", "")
	f.add(model.T05, "2010101", "", basic, basic, "0.00")
	f.table(model.T06, "决算数")
	f.add(model.T06, "301", "人员经费", "")
	f.add(model.T06, "30101", "人员经费", "1000.00")
	f.add(model.T06, "30102", "人员经费", "800.00")
	f.add(model.T06, "30107", "人员经费", "352.27")
	f.add(model.T06, "302", "公用经费", "")
	f.add(model.T06, "30201", "公用经费", "100.00")
	f.add(model.T06, "30202", "公用经费", "84.67")
	f.add(model.T06, "人员经费合计", "人员经费", "")
	f.add(model.T06, "公用经费合计", "公用经费", "")
	return f.wb
}

func TestFillX12Residues(t *testing.T) {
	t.Run("T05 printed", func(t *testing.T) { testX12(t, x12("2336.91")) })
	t.Run("all three filled", func(t *testing.T) { testX12(t, x12With("", "2336.91")) })
}

func testX12(t *testing.T, wb *model.Workbook) {
	before := errorKeys(t, wb)
	fills, own := fillRun(t, wb)
	if len(own) != 0 {
		t.Errorf("findings: %+v", own)
	}
	for _, f := range created(t, wb, before, fills, own) {
		t.Errorf("created by fill: %s %s", f.Rule, f.Message)
	}
	for _, f := range errorsOf(t, wb) {
		t.Errorf("after fill: %s %s", f.Rule, f.Message)
	}
	t06 := wb.Table(model.T06)
	p, g := t06.Cell("人员经费合计", "决算数"), t06.Cell("公用经费合计", "决算数")
	basic := wb.Table(model.T05).Cell("合计", "基本支出")
	tol := model.Tolerance(basic, p, g)
	if d := p.Value.Add(g.Value).Sub(basic.Value).Abs(); d.GreaterThan(tol) {
		t.Errorf("X12: %s + %s vs %s, off by %s > %s", p.Value, g.Value, basic.Value, d, tol)
	}
	// Each filled total is within the tolerance of its own items.
	for _, tc := range []struct {
		total *model.Cell
		items []string
	}{
		{t06.Cell("301", "决算数"), []string{"30101", "30102", "30107"}},
		{t06.Cell("302", "决算数"), []string{"30201", "30202"}},
		{p, []string{"301"}},
		{g, []string{"302"}},
	} {
		sum, cells := decimal.Zero, []*model.Cell{tc.total}
		for _, k := range tc.items {
			c := t06.Cell(k, "决算数")
			sum, cells = sum.Add(c.Value), append(cells, c)
		}
		if d := tc.total.Value.Sub(sum).Abs(); d.GreaterThan(model.Tolerance(cells...)) {
			t.Errorf("%s = %s, items sum to %s", tc.total.Row, tc.total.Value, sum)
		}
	}
	// The 款 sums stay exact; the moved totals say why and what the items give.
	if v := t06.Cell("301", "决算数").Value.String(); v != "2152.27" {
		t.Errorf("301 = %s, want the exact sum 2152.27", v)
	}
	moved := 0
	for _, f := range fills {
		if f.Note == "" || len(f.Operands) == 0 {
			t.Errorf("fill %s without note or operands: %+v", f.Cell, f)
		}
		if strings.Contains(f.Note, "以使 X12 成立") {
			moved++
		}
		t.Logf("%s %s = %s: %s | %s", f.Sheet, f.Row, f.Value, f.Note, f.Alternative)
	}
	if moved == 0 {
		t.Error("no note names X12 as the reason for a moved total")
	}
}

// Nothing fits: the T06 totals stay blank and F01 names the cells.
func TestFillConflictLeavesBlank(t *testing.T) {
	wb := x12("2330.00")
	before := errorKeys(t, wb)
	fills, own := fillRun(t, wb)
	t06 := wb.Table(model.T06)
	p, g := t06.Cell("人员经费合计", "决算数"), t06.Cell("公用经费合计", "决算数")
	if !p.Blank || !g.Blank || p.Filled() || g.Filled() {
		t.Errorf("人员 %s (blank %v), 公用 %s (blank %v): want both left blank", p.Value, p.Blank, g.Value, g.Blank)
	}
	for _, f := range fills {
		if f.Cell == p.Addr || f.Cell == g.Addr && f.Sheet == g.Sheet {
			t.Errorf("conflicting cell still listed as filled: %+v", f)
		}
	}
	if t06.Cell("301", "决算数").Blank || t06.Cell("302", "决算数").Blank {
		t.Error("the 类 rows, consistent with their items, should stay filled")
	}
	// X12 is an error rule: the printed figures that break it are an
	// error of the input, said by F01 (check does not judge the blanks).
	if len(own) != 1 || own[0].Rule != ruleConflict || own[0].Severity != model.SevError {
		t.Fatalf("findings = %+v, want one F01 error", own)
	}
	if !p.Unresolved || !g.Unresolved {
		t.Error("cells left blank by a conflict are not marked unresolved")
	}
	msg := own[0].Message
	for _, want := range []string{"公开06表 人员经费合计", "公开06表 公用经费合计", "公开05表 合计行 基本支出", "X12", "2,152.27", "184.67", "2,330.00"} {
		if !strings.Contains(msg, want) {
			t.Errorf("F01 message lacks %q: %s", want, msg)
		}
	}
	t.Log(msg)
	for _, f := range created(t, wb, before, fills, own) {
		t.Errorf("created by fill: %s %s", f.Rule, f.Message)
	}
}

// Rounding noise in the printed items (±0.01 on a few of them) never
// makes the fill produce an error the input did not have.
func TestFillPerturbedCreatesNoErrors(t *testing.T) {
	rng := rand.New(rand.NewSource(10))
	const iterations = 200
	conflicts, moved, errs := 0, 0, 0
	for i := 0; i < iterations; i++ {
		sm := samples[i%len(samples)]
		wb := build(t, sm, true)
		var printed []*model.Cell
		for _, tb := range wb.Located() {
			for _, c := range tb.Cells() {
				if !c.Blank && !c.Derived && !c.Value.IsZero() {
					printed = append(printed, c)
				}
			}
		}
		var changed []string
		for k := 1 + rng.Intn(6); k > 0; k-- {
			c := printed[rng.Intn(len(printed))]
			d := cent
			if rng.Intn(2) == 0 {
				d = d.Neg()
			}
			c.Value = c.Value.Add(d)
			c.Raw = c.Value.StringFixed(2)
			changed = append(changed, fmt.Sprintf("%v%+s", c.Key, d))
		}
		before := errorKeys(t, wb)
		s := run(wb, check.Bind(rules(t), wb), Options{Rules: rules(t)})
		conflicts += len(s.findings)
		moved += len(s.moved)
		for _, f := range created(t, wb, before, s.fills, s.findings) {
			errs++
			t.Errorf("iteration %d (%s, %s): created %s %s", i, sm.name, strings.Join(changed, " "), f.Rule, f.Message)
		}
	}
	t.Logf("%d perturbed workbooks: %d cells moved off their straight sums by the repair, %d F01 conflicts, %d errors created by fill",
		iterations, moved, conflicts, errs)
}

// bigT05 is a T05 of classes×10 款×10 项 printed 项 rows, every 类 and 款
// blank; each 类 合计 is printed 0.03 off its items (repairable through
// the 款 slack) and the 合计行 基本支出 printed far off (a conflict).
func bigT05(classes int, rng *rand.Rand) *model.Workbook {
	f := newFixture()
	f.table(model.T05, "合计", "基本支出", "项目支出")
	total := decimal.Zero
	type row struct{ key, a, b string }
	var rows []row
	for c := 0; c < classes; c++ {
		cls := fmt.Sprintf("%03d", 201+c)
		sum := decimal.Zero
		var items []row
		for k := 1; k <= 10; k++ {
			kuan := fmt.Sprintf("%s%02d", cls, k)
			items = append(items, row{kuan, "", ""})
			for x := 1; x <= 10; x++ {
				v := decimal.New(rng.Int63n(100000), -2)
				sum = sum.Add(v)
				items = append(items, row{fmt.Sprintf("%s%02d", kuan, x), v.StringFixed(2), "0.00"})
			}
		}
		total = total.Add(sum)
		rows = append(rows, row{cls, sum.Add(decimal.New(3, -2)).StringFixed(2), ""})
		rows = append(rows, items...)
	}
	f.add(model.T05, "合计", "", "", total.Add(decimal.NewFromInt(5)).StringFixed(2), "")
	for _, r := range rows {
		switch {
		case r.a == "":
			f.add(model.T05, r.key, "", "", "", "")
		case r.b == "":
			f.add(model.T05, r.key, "", r.a, "", "") // 类: 合计 printed
		default:
			f.add(model.T05, r.key, "", r.a, r.a, r.b)
		}
	}
	return f.wb
}

// The repair stays roughly linear on large and hostile tables.
func TestRepairScales(t *testing.T) {
	rs := rules(t)
	var per [2]float64
	for i, classes := range []int{4, 40} {
		wb := bigT05(classes, rand.New(rand.NewSource(1)))
		eqs := check.Bind(rs, wb)
		before := errorKeys(t, wb)
		start := time.Now()
		fills, own := Run(wb, eqs, Options{Rules: rs})
		el := time.Since(start)
		cells := 0
		for _, tb := range wb.Located() {
			cells += len(tb.Cells())
		}
		per[i] = float64(el.Microseconds()) / float64(cells)
		t.Logf("%d cells: %d fills, %d F01, %v (%.1f µs/cell)", cells, len(fills), len(own), el, per[i])
		for _, f := range created(t, wb, before, fills, own) {
			t.Errorf("created by fill: %s %s", f.Rule, f.Message)
		}
		if el > 5*time.Second {
			t.Errorf("fill of %d cells took %v", cells, el)
		}
	}
	if per[1] > 8*per[0]+50 {
		t.Errorf("cost per cell grows from %.1f to %.1f µs", per[0], per[1])
	}
}

// Under Overwrite a replaced total that cannot satisfy every identity gets
// its typed value back (and F01 says why), rather than a new wrong one.
func TestOverwriteConflictRestoresTypedValue(t *testing.T) {
	wb := x12("2330.00")
	p := wb.Table(model.T06).Cell("人员经费合计", "决算数")
	p.Value, p.Blank, p.Raw = decimal.RequireFromString("2000.00"), false, "2000.00"
	rs := rules(t)
	fills, own := Run(wb, check.Bind(rs, wb), Options{Overwrite: true, Rules: rs})
	if p.Blank || p.Filled() || p.Value.String() != "2000" || p.Raw != "2000.00" {
		t.Errorf("人员经费合计 = %s (raw %q, blank %v, filled by %q), want the typed 2000.00 back", p.Value, p.Raw, p.Blank, p.FilledBy)
	}
	for _, f := range fills {
		if f.Cell == p.Addr && f.Sheet == p.Sheet {
			t.Errorf("restored cell listed as filled: %+v", f)
		}
	}
	if len(own) == 0 || own[0].Rule != ruleConflict {
		t.Errorf("findings = %+v, want F01", own)
	}
}
