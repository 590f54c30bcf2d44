package consolidate

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// split divides every value of d into two parts that add back exactly:
// 60 % rounded to the cent, and the remainder.
func split(d *templates.Data) (*templates.Data, *templates.Data) {
	a, b := templates.CaseA(), templates.CaseA()
	a.UnitName, b.UnitName = d.UnitName+"机关", d.UnitName+"应急救援中心"
	six := decimal.RequireFromString("0.6")
	for id, rows := range d.Values {
		for row, cols := range rows {
			for col, s := range cols {
				v := decimal.RequireFromString(s)
				p := v.Mul(six).Round(2)
				a.Values[id][row][col] = p.StringFixed(2)
				b.Values[id][row][col] = v.Sub(p).StringFixed(2)
			}
		}
	}
	return a, b
}

func read(t *testing.T, d *templates.Data, opt templates.Options) *model.Workbook {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, opt); err != nil {
		t.Fatal(err)
	}
	res, err := audit.Check(context.Background(), &buf, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Workbook
}

func TestSumReproducesCaseA(t *testing.T) {
	want := templates.CaseA()
	a, b := split(want)
	// The two units in different layouts and units: the sum must not care.
	ua := read(t, a, templates.Options{})
	ub := read(t, b, templates.Options{Style: model.StyleShanghai, Unit: model.Yuan})
	got, err := Sum(want.UnitName, []*model.Workbook{ua, ub})
	if err != nil {
		t.Fatal(err)
	}
	if got.Unit != model.Wan {
		t.Fatalf("unit = %q, want 万元", got.Unit)
	}
	n := 0
	for id, rows := range want.Values {
		for row, cols := range rows {
			for col, s := range cols {
				w := decimal.RequireFromString(s)
				g, ok := got.Value(id, row, col)
				if !ok || !g.Equal(w) {
					t.Errorf("%s %s/%s: sum %s (present %v), Case A %s", id, row, col, g, ok, w)
				}
				n++
			}
		}
	}
	if n < 200 {
		t.Fatalf("only %d Case A cells compared", n)
	}
	// Cells the sum has beyond Case A's can only be filled totals, which
	// must then be what fill computes on Case A itself.
	caseA := read(t, want, templates.Options{})
	for id, rows := range got.Values {
		for row, cols := range rows {
			for col := range cols {
				if _, ok := want.Value(id, row, col); ok {
					continue
				}
				g, _ := got.Value(id, row, col)
				if w := caseA.Value(model.Key{Table: id, Row: row, Col: col}); !g.Equal(w) {
					t.Errorf("extra cell %s %s/%s = %s, Case A filled %s", id, row, col, g, w)
				}
			}
		}
	}
	for id := range want.EmptyNotes {
		if got.EmptyNotes[id] == "" {
			t.Errorf("%s: empty-table note lost", id)
		}
	}
	if diffs := Compare(caseA, got, 2); len(diffs) != 0 {
		t.Errorf("Case A differs from the sum of its halves: %v", diffs)
	}
	// The consolidated workbook checks like Case A.
	dept := read(t, got, templates.Options{})
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, got, templates.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := audit.Check(context.Background(), &buf, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Summary.Errors != 0 {
		t.Errorf("consolidated workbook has %d errors: %+v", res.Report.Summary.Errors, res.Report.Findings[0])
	}
	if len(Compare(dept, got, 2)) != 0 {
		t.Error("written sum differs from itself")
	}
}

func TestCompareTolerance(t *testing.T) {
	base := templates.CaseA()
	a, b := split(base)
	sum, err := Sum("x", []*model.Workbook{read(t, a, templates.Options{}), read(t, b, templates.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		delta string
		want  int
	}{{"0.01", 0}, {"-0.01", 0}, {"0.02", 1}, {"-1", 1}} { // §5.0: 3 printed values, ±0.015
		d := templates.CaseA()
		cell := d.Values[model.T03]["208"]
		cell["基本支出"] = decimal.RequireFromString(cell["基本支出"]).Add(decimal.RequireFromString(tc.delta)).String()
		diffs := Compare(read(t, d, templates.Options{}), sum, 2)
		if len(diffs) != tc.want {
			t.Errorf("delta %s: %d differences, want %d: %v", tc.delta, len(diffs), tc.want, diffs)
			continue
		}
		if tc.want == 1 {
			k := diffs[0].Key
			if k != (model.Key{Table: model.T03, Row: "208", Col: "基本支出"}) || diffs[0].Cell == "" {
				t.Errorf("delta %s: difference at %+v %s", tc.delta, k, diffs[0].Cell)
			}
		}
	}
}

func TestSumNoUnits(t *testing.T) {
	if _, err := Sum("x", nil); model.ErrorCode(err) != model.EInvalid {
		t.Errorf("err = %v", err)
	}
}

func TestDeptName(t *testing.T) {
	wb := func(names ...string) []*model.Workbook {
		var out []*model.Workbook
		for _, n := range names {
			out = append(out, &model.Workbook{UnitName: n})
		}
		return out
	}
	for _, tc := range []struct {
		units []*model.Workbook
		want  string
	}{
		{wb("昌吉回族自治州应急管理局机关", "昌吉回族自治州应急管理局应急救援中心"), "昌吉回族自治州应急管理局"},
		{wb("某局（机关）", "某局（中心）"), "某局"},
		{wb("昌吉回族自治州应急管理局"), "昌吉回族自治州应急管理局"},
		{wb("昌吉回族自治州应急管理局", "昌吉回族自治州应急管理局"), "昌吉回族自治州应急管理局"},
		{wb("甲单位", "乙单位"), "部门汇总"}, // never the first unit's name
		{wb("", "  "), "部门汇总"},
		{wb("", "某局机关", "某局中心"), "某局"},
		{nil, "部门汇总"},
	} {
		var names []string
		for _, u := range tc.units {
			names = append(names, u.UnitName)
		}
		if got := DeptName(tc.units); got != tc.want {
			t.Errorf("DeptName(%q) = %q, want %q", names, got, tc.want)
		}
	}
}

// TestDifferenceText: a difference names the table as printed (never T05)
// and shows amounts the one way users read them (#,##0.00).
func TestDifferenceText(t *testing.T) {
	d := Difference{Key: model.Key{Table: model.T05, Row: "合计", Col: "基本支出"}, Sheet: "公开05表", Cell: "D7",
		Table: "公开05表 一般公共预算财政拨款支出决算表", Label: "合计",
		Dept: decimal.RequireFromString("1755.4"), Sum: decimal.RequireFromString("1755.39"),
		Diff: decimal.RequireFromString("1"), Tolerance: Tolerance(2), Unit: model.Wan}
	want := "公开05表!D7 公开05表 一般公共预算财政拨款支出决算表 合计/基本支出：部门表 1,755.40，单位合计 1,755.39，差额 1.00 万元（允许 0.015）"
	if got := d.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	d.Sheet, d.Table = "", ""
	if got := d.String(); !strings.HasPrefix(got, "（部门表无此单元格） 一般公共预算财政拨款支出决算表 合计/基本支出") {
		t.Errorf("a table the department lacks: %s", got)
	}
}
