package templates

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
	"github.com/shopspring/decimal"
)

func ptr[T any](v T) *T { return &v }

// written is one generated workbook opened for inspection.
type written struct {
	wb *model.Workbook
	in *xlsxtest.Inspection
}

func write(t *testing.T, d *Data, opt Options) written {
	t.Helper()
	var buf bytes.Buffer
	wb, err := Write(&buf, d, opt)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	in, err := xlsxtest.Inspect(&buf)
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	t.Cleanup(func() { in.Close() })
	return written{wb, in}
}

// mergeMap maps every cell inside a merged range to the range's top-left.
func mergeMap(t *testing.T, in *xlsxtest.Inspection, sheet string) map[string]string {
	t.Helper()
	ms, err := in.Merges(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range ms {
		a, b, _ := strings.Cut(m, ":")
		r1, c1, _ := xlsx.ParseAddr(a)
		r2, c2, _ := xlsx.ParseAddr(b)
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				out[xlsx.Addr(r, c)] = a
			}
		}
	}
	return out
}

func raw(t *testing.T, in *xlsxtest.Inspection, sheet, a1 string) string {
	t.Helper()
	v, err := in.Raw(sheet, a1)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, a1, err)
	}
	return v
}

// checkBook asserts what every generated workbook must satisfy.
func checkBook(t *testing.T, w written, opt Options) {
	t.Helper()
	spec := MustLoad()
	if len(w.wb.Tables) != 9 {
		t.Fatalf("tables = %d, want 9", len(w.wb.Tables))
	}
	text := opt.NumbersAsText || opt.FullWidthDigits
	for _, tb := range w.wb.Located() {
		ts := spec.Table(tb.ID)
		s := tb.Sheet
		start, end, _ := strings.Cut(tb.Range, ":")
		r0, c0, _ := xlsx.ParseAddr(start)
		_, c1, _ := xlsx.ParseAddr(end)
		// Title: top-left of the range, merged across the table's width.
		if got := raw(t, w.in, s, start); got != tb.Title || !ts.MatchesTitle(got) {
			t.Errorf("%s title at %s = %q (model %q)", tb.ID, start, got, tb.Title)
		}
		ms, _ := w.in.Merges(s)
		if want := start + ":" + xlsx.Addr(r0, c1); !slices.Contains(ms, want) {
			t.Errorf("%s title not merged %s (merges %v)", tb.ID, want, ms)
		}
		// Every cell of the model holds what the model says.
		if len(tb.Cells()) == 0 {
			t.Errorf("%s: no cells", tb.ID)
		}
		for _, c := range tb.Cells() {
			got := raw(t, w.in, s, c.Addr)
			if c.Blank {
				if got != "" || !c.Value.IsZero() {
					t.Errorf("%s %s[%s] %s blank but %q / %s", tb.ID, c.Row, c.Col, c.Addr, got, c.Value)
				}
			} else if got != c.Raw {
				t.Errorf("%s %s[%s] %s = %q, model %q", tb.ID, c.Row, c.Col, c.Addr, got, c.Raw)
			}
			f, err := w.in.NumFmt(s, c.Addr)
			wantFmt := 4
			if text && !c.Blank {
				wantFmt = 49
			}
			if err != nil || f != wantFmt {
				t.Errorf("%s %s numfmt = %d, %v; want %d", tb.ID, c.Addr, f, err, wantFmt)
			}
			if !c.Blank {
				num, _ := w.in.IsNumber(s, c.Addr)
				if num == text {
					t.Errorf("%s %s stored as number = %v", tb.ID, c.Addr, num)
				}
			}
		}
		// Headers frozen: the first unfrozen row is the first data row.
		firstData := tb.Rows[0].SheetRow
		for _, r := range tb.Rows {
			firstData = min(firstData, r.SheetRow)
		}
		// (A blank table may start with empty rows to type into, so the
		// frozen row may sit above the first row of the model.)
		fr, _, err := w.in.Frozen(s)
		if err != nil || fr > firstData || fr < r0+3 {
			t.Errorf("%s frozen row = %d, %v; first data row %d", tb.ID, fr, err, firstData)
		}
		if ok, err := w.in.Landscape(s); err != nil || !ok {
			t.Errorf("%s: not landscape A4 fit-to-width (%v)", tb.ID, err)
		}
		if pt := w.in.PrintTitles(s); pt == "" {
			t.Errorf("%s: no print titles", tb.ID)
		}
		// Column headers as printed are matched by exactly one of the
		// spec's column patterns: the reader will find them.
		mm := mergeMap(t, w.in, s)
		for _, col := range tb.Columns {
			var path []string
			for r := r0 + 1; r < fr; r++ {
				a := xlsx.Addr(r, col.SheetCol)
				if tl, ok := mm[a]; ok {
					a = tl
				}
				v := raw(t, w.in, s, a)
				if v == "" || strings.Contains(v, "单位：") || strings.HasPrefix(v, "部门：") || v == tb.Number || isDigits(v) {
					continue
				}
				if len(path) == 0 || path[len(path)-1] != v {
					path = append(path, v)
				}
			}
			if strings.Join(path, "/") != col.Header {
				t.Errorf("%s column %s header in file %q, model %q", tb.ID, col.Key, path, col.Header)
			}
			var matched []string
			for _, cs := range ts.AllColumns() {
				if cs.MatchesPath(path) {
					matched = append(matched, cs.Key)
				}
			}
			if tb.ID == model.T01 || tb.ID == model.T04 {
				matched = matchedOnSide(ts, col.Side, path)
			}
			if len(matched) != 1 || matched[0] != col.Key {
				t.Errorf("%s header %q matches %v, want [%s]", tb.ID, path, matched, col.Key)
			}
		}
		// Labelled rows are recognised by the spec's row patterns.
		for _, r := range tb.Rows {
			label := raw(t, w.in, s, labelAddr(tb, r, mm, c0))
			if r.Code == "" && label != r.Label && ts.Kind != KindSangong {
				t.Errorf("%s row %s label %q, model %q", tb.ID, r.Key, label, r.Label)
			}
			if !rowRecognised(spec, ts, r) {
				t.Errorf("%s row %s label %q not recognised by the spec", tb.ID, r.Key, r.Label)
			}
		}
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func matchedOnSide(ts *TableSpec, side string, path []string) []string {
	var out []string
	for _, sd := range ts.Sides {
		if sd.Key != side {
			continue
		}
		for _, cs := range sd.Columns {
			if cs.MatchesPath(path) {
				out = append(out, cs.Key)
			}
		}
	}
	return out
}

// labelAddr is where a row's label sits: the first column of its side or
// group (coded tables: the first column of the table).
func labelAddr(tb *model.Table, r *model.Row, mm map[string]string, c0 int) string {
	col := 0
	for _, c := range tb.Columns {
		if c.Side == r.Side {
			col = c.SheetCol
			break
		}
	}
	// Walk left from the side's first value column to its first column.
	for col > c0 {
		a := xlsx.Addr(r.SheetRow, col-1)
		if tl, ok := mm[a]; ok && tl != a {
			_, tc, _ := xlsx.ParseAddr(tl)
			col = tc
			continue
		}
		prevIsValue := false
		for _, c := range tb.Columns {
			if c.SheetCol == col-1 {
				prevIsValue = true
			}
		}
		if prevIsValue {
			break
		}
		col--
	}
	return xlsx.Addr(r.SheetRow, col)
}

func rowRecognised(spec *Spec, ts *TableSpec, r *model.Row) bool {
	switch ts.Kind {
	case KindBalance:
		for _, sd := range ts.Sides {
			if sd.Key != r.Side {
				continue
			}
			for i := range sd.Rows {
				if sd.Rows[i].Key == r.Key {
					return sd.Rows[i].Matches(r.Label)
				}
			}
			for i := range spec.Classes {
				if spec.Classes[i].Code == r.Key {
					return spec.Classes[i].Matches(r.Label)
				}
			}
		}
		return false
	case KindCoded:
		if r.Code != "" {
			return r.Level > 0
		}
		return ts.Total.Key == r.Key && ts.Total.Matches(r.Label)
	case KindEcon:
		if r.Code != "" {
			return r.Level > 0
		}
		for i := range ts.Groups {
			if ts.Groups[i].Total.Key == r.Key {
				return ts.Groups[i].Total.Matches(r.Label)
			}
		}
		return false
	case KindSangong:
		return r.Key == ts.Row.Key
	}
	return false
}

func TestWriteVariants(t *testing.T) {
	cases := []struct {
		name string
		d    *Data
		opt  Options
	}{
		{"blank mof", nil, Options{}},
		{"blank shanghai", nil, Options{Style: model.StyleShanghai}},
		{"A mof", CaseA(), Options{}},
		{"A shanghai", CaseA(), Options{Style: model.StyleShanghai}},
		{"C mof", CaseC(), Options{}},
		{"C shanghai", CaseC(), Options{Style: model.StyleShanghai}},
		{"A at B3 with cover, shuffled", CaseA(), Options{Origin: "B3", CoverSheet: true,
			Order:      []model.TableID{model.T09, model.T03, model.T01, model.T02, model.T08, model.T04, model.T06, model.T05, model.T07},
			SheetNames: map[model.TableID]string{model.T01: "总表", model.T06: "Sheet 6"}}},
		{"A split codes mof", CaseA(), Options{SplitCodes: ptr(true)}},
		{"C single codes shanghai", CaseC(), Options{Style: model.StyleShanghai, SplitCodes: ptr(false)}},
		{"A text with separators", CaseA(), Options{NumbersAsText: true, ThousandsSep: true}},
		{"A full-width", CaseA(), Options{FullWidthDigits: true}},
		{"A blank zeros", CaseA(), Options{BlankZeros: true}},
		{"A in 元", CaseA(), Options{Unit: model.Yuan}},
		{"A T05 total last, 2 groups, interleaved", CaseA(), Options{T05TotalLast: ptr(true), T06Groups: 2, T09Order: "interleaved"}},
		{"C shanghai T05 total first, 3 groups, blocks", CaseC(), Options{Style: model.StyleShanghai, T05TotalLast: ptr(false), T06Groups: 3, T09Order: "blocks"}},
		{"A old numbering, 08 支出 only", CaseA(), Options{T08ExpenditureOnly: true, Numbering: map[model.TableID]int{model.T09: 7, model.T07: 8, model.T08: 9}}},
		{"A omit derived", CaseA(), Options{OmitDerived: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := write(t, tc.d, tc.opt)
			checkBook(t, w, tc.opt)
			checkValues(t, tc.d, w.wb, tc.opt)
		})
	}
}

// checkValues: the model holds exactly the data's values (converted to the
// printed unit), except cells the options leave blank.
func checkValues(t *testing.T, d *Data, wb *model.Workbook, opt Options) {
	t.Helper()
	factor := decimal.NewFromInt(1)
	if opt.Unit == model.Yuan {
		factor = decimal.NewFromInt(10000)
	}
	if d == nil {
		for _, tb := range wb.Located() {
			for _, c := range tb.Cells() {
				if !c.Blank {
					t.Errorf("blank template %s %s[%s] = %s", tb.ID, c.Row, c.Col, c.Value)
				}
			}
		}
		return
	}
	n := 0
	for id, rows := range d.Values {
		tb := wb.Table(id)
		for rk, cols := range rows {
			for ck, s := range cols {
				want := decimal.RequireFromString(s).Mul(factor)
				c := tb.Cell(rk, ck)
				if c == nil {
					if opt.T08ExpenditureOnly && id == model.T08 {
						continue
					}
					t.Errorf("%s %s[%s] not written", id, rk, ck)
					continue
				}
				n++
				wantBlank := (opt.BlankZeros && want.IsZero()) || (opt.OmitDerived && c.Derived)
				if c.Blank != wantBlank || (!c.Blank && !c.Value.Equal(want)) {
					t.Errorf("%s %s[%s] = %s blank=%v, want %s blank=%v", id, rk, ck, c.Value, c.Blank, want, wantBlank)
				}
			}
		}
	}
	for _, tb := range wb.Located() {
		for _, c := range tb.Cells() {
			if _, ok := d.Values[tb.ID][c.Row][c.Col]; !ok && !c.Blank {
				t.Errorf("%s %s[%s] = %s is not in the data", tb.ID, c.Row, c.Col, c.Value)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d values compared", n)
	}
}

func TestWriteBlankTemplate(t *testing.T) {
	spec := MustLoad()
	for _, st := range []model.Style{model.StyleMOF, model.StyleShanghai} {
		w := write(t, nil, Options{Style: st})
		for _, id := range []model.TableID{model.T01, model.T04} {
			tb := w.wb.Table(id)
			classes := 0
			for _, r := range tb.Rows {
				if r.Code != "" {
					classes++
				}
			}
			want := 0
			for _, sd := range spec.Table(id).Sides {
				want += len(sd.Rows)
			}
			if classes != 26 || len(tb.Rows) != want+26 {
				t.Errorf("%s %s: %d class rows, %d rows; want 26, %d", st, id, classes, len(tb.Rows), want+26)
			}
		}
		for _, id := range []model.TableID{model.T02, model.T03, model.T05, model.T07, model.T08} {
			tb := w.wb.Table(id)
			if len(tb.Rows) != 1 || tb.Rows[0].Key != "合计" {
				t.Errorf("%s %s rows = %d, want the 合计 row only", st, id, len(tb.Rows))
			}
			for _, c := range tb.Cells() {
				if !c.Derived {
					t.Errorf("%s %s 合计 cell %s not derived", st, id, c.Col)
				}
			}
		}
		pc, err := PrintCodes(model.T06)
		if err != nil || len(pc) < 60 {
			t.Fatalf("print codes = %d, %v", len(pc), err)
		}
		t06 := w.wb.Table(model.T06)
		if got := len(t06.Rows); got != len(pc)+2 {
			t.Errorf("%s T06 rows = %d, want %d codes + 2 totals", st, got, len(pc))
		}
		for _, r := range t06.Rows {
			if r.Code != "" && r.Label == "" {
				t.Errorf("%s T06 %s has no name", st, r.Code)
			}
			if len(r.Code) == 3 && !t06.Cell(r.Code, "决算数").Derived {
				t.Errorf("%s T06 class %s not derived", st, r.Code)
			}
		}
		groups := map[string]bool{}
		for _, c := range t06.Columns {
			groups[c.Side] = true
		}
		wantCols := map[model.Style]int{model.StyleMOF: 3, model.StyleShanghai: 2}[st]
		if len(t06.Columns) != wantCols || len(groups) != 2 {
			t.Errorf("%s T06 columns %d groups %v", st, len(t06.Columns), groups)
		}
		if got := len(w.wb.Table(model.T09).Columns); got != 12 {
			t.Errorf("%s T09 columns = %d", st, got)
		}
	}
}

func TestWriteLayoutChoices(t *testing.T) {
	a := CaseA()
	tests := []struct {
		name  string
		opt   Options
		check func(t *testing.T, w written)
	}{
		{"mof furniture", Options{}, func(t *testing.T, w written) {
			tb := w.wb.Table(model.T01)
			if tb.Number != "公开01表" || tb.Sheet != "公开01表" {
				t.Errorf("number %q sheet %q", tb.Number, tb.Sheet)
			}
			if got := raw(t, w.in, tb.Sheet, "F2"); got != "公开01表" {
				t.Errorf("F2 = %q", got)
			}
			if got := raw(t, w.in, tb.Sheet, "A3"); got != "部门：昌吉回族自治州应急管理局" {
				t.Errorf("A3 = %q", got)
			}
			if got := raw(t, w.in, tb.Sheet, "F3"); got != "金额单位：万元" {
				t.Errorf("F3 = %q", got)
			}
			if got := raw(t, w.in, tb.Sheet, "A6") + raw(t, w.in, tb.Sheet, "C6") + raw(t, w.in, tb.Sheet, "F6"); got != "栏次12" {
				t.Errorf("栏次 row = %q", got)
			}
			if got := raw(t, w.in, tb.Sheet, "B5"); got != "行次" {
				t.Errorf("B5 = %q", got)
			}
			if tb.Row("合计") != nil || w.wb.Table(model.T05).Rows[0].Key != "合计" {
				t.Error("MOF T05 合计 should be first")
			}
			if v := w.wb.Table(model.T09).Variant; v != "blocks" {
				t.Errorf("T09 variant %q", v)
			}
			if v := w.wb.Table(model.T06).Variant; v != "groups-3" {
				t.Errorf("T06 variant %q", v)
			}
		}},
		{"shanghai furniture", Options{Style: model.StyleShanghai}, func(t *testing.T, w written) {
			tb := w.wb.Table(model.T01)
			if tb.Number != "" || tb.Sheet != "收入支出决算总表" {
				t.Errorf("number %q sheet %q", tb.Number, tb.Sheet)
			}
			if got := raw(t, w.in, tb.Sheet, "D2"); got != "单位：万元" {
				t.Errorf("D2 = %q", got)
			}
			t05 := w.wb.Table(model.T05)
			if last := t05.Rows[len(t05.Rows)-1]; last.Key != "合计" {
				t.Errorf("Shanghai T05 last row %q", last.Key)
			}
			t02 := w.wb.Table(model.T02)
			r := t02.Row("2080505")
			parts := raw(t, w.in, t02.Sheet, xlsx.Addr(r.SheetRow, 1)) + "|" + raw(t, w.in, t02.Sheet, xlsx.Addr(r.SheetRow, 2)) + "|" + raw(t, w.in, t02.Sheet, xlsx.Addr(r.SheetRow, 3))
			if parts != "208|05|05" {
				t.Errorf("split code = %q", parts)
			}
			if v := w.wb.Table(model.T09).Variant; v != "interleaved" {
				t.Errorf("T09 variant %q", v)
			}
			t09 := w.wb.Table(model.T09)
			if t09.Columns[0].Key != "预算数/合计" || t09.Columns[1].Key != "决算数/合计" {
				t.Errorf("interleaved order %s, %s", t09.Columns[0].Key, t09.Columns[1].Key)
			}
		}},
		{"元", Options{Unit: model.Yuan}, func(t *testing.T, w written) {
			tb := w.wb.Table(model.T01)
			if got := raw(t, w.in, tb.Sheet, "F3"); got != "金额单位：元" {
				t.Errorf("F3 = %q", got)
			}
			if c := tb.Cell("收入总计", "决算数"); c.Raw != "41266300.00" || tb.Unit != model.Yuan || w.wb.Unit != model.Yuan {
				t.Errorf("收入总计 = %q unit %s", c.Raw, tb.Unit)
			}
		}},
		{"text with separators", Options{NumbersAsText: true, ThousandsSep: true}, func(t *testing.T, w written) {
			if c := w.wb.Table(model.T01).Cell("收入总计", "决算数"); c.Raw != "4,126.63" {
				t.Errorf("收入总计 = %q", c.Raw)
			}
		}},
		{"full width", Options{FullWidthDigits: true}, func(t *testing.T, w written) {
			if c := w.wb.Table(model.T01).Cell("收入总计", "决算数"); c.Raw != "４１２６．６３" {
				t.Errorf("收入总计 = %q", c.Raw)
			}
		}},
		{"origin B3", Options{Origin: "B3"}, func(t *testing.T, w written) {
			for _, tb := range w.wb.Located() {
				if !strings.HasPrefix(tb.Range, "B3:") {
					t.Errorf("%s range %s", tb.ID, tb.Range)
				}
			}
		}},
		{"numbering and order", Options{Numbering: map[model.TableID]int{model.T09: 7, model.T07: 8, model.T08: 9}, CoverSheet: true}, func(t *testing.T, w written) {
			want := []string{"封面", "公开01表", "公开02表", "公开03表", "公开04表", "公开05表", "公开06表", "公开07表", "公开08表", "公开09表"}
			if !slices.Equal(w.wb.Sheets, want) || !slices.Equal(w.in.Sheets(), want) {
				t.Errorf("sheets %v / %v", w.wb.Sheets, w.in.Sheets())
			}
			if tb := w.wb.Table(model.T09); tb.Number != "公开07表" || tb.Sheet != "公开07表" {
				t.Errorf("三公 number %q sheet %q", tb.Number, tb.Sheet)
			}
			if tb := w.wb.Table(model.T07); tb.Number != "公开08表" {
				t.Errorf("基金 number %q", tb.Number)
			}
		}},
		{"expenditure-only T08", Options{T08ExpenditureOnly: true}, func(t *testing.T, w written) {
			tb := w.wb.Table(model.T08)
			if tb.Variant != "expenditure-only" || tb.Title != "国有资本经营预算财政拨款支出决算表" || len(tb.Columns) != 3 {
				t.Errorf("variant %q title %q columns %d", tb.Variant, tb.Title, len(tb.Columns))
			}
			if v := MustLoad().Table(model.T08).VariantOf(tb.Title); v == nil || v.Name != "expenditure-only" {
				t.Errorf("title not recognised as the variant: %+v", v)
			}
			if len(w.wb.Table(model.T07).Columns) != 6 {
				t.Error("T07 lost columns")
			}
		}},
		{"empty notes", Options{}, func(t *testing.T, w written) {
			for _, id := range []model.TableID{model.T07, model.T08} {
				tb := w.wb.Table(id)
				if tb.EmptyNote == "" || !MustLoad().Table(id).IsEmptyNote(tb.EmptyNote) {
					t.Errorf("%s empty note %q", id, tb.EmptyNote)
				}
				_, end, _ := strings.Cut(tb.Range, ":")
				r, _, _ := xlsx.ParseAddr(end)
				if got := raw(t, w.in, tb.Sheet, xlsx.Addr(r+2, 1)); got != tb.EmptyNote {
					t.Errorf("%s note row = %q", id, got)
				}
				if got := raw(t, w.in, tb.Sheet, xlsx.Addr(r+1, 1)); !strings.HasPrefix(got, "注：") {
					t.Errorf("%s footnote = %q", id, got)
				}
			}
			if w.wb.Table(model.T05).EmptyNote != "" {
				t.Error("T05 has an empty note")
			}
		}},
		{"derived flags", Options{}, func(t *testing.T, w written) {
			derived := []model.Key{
				{Table: model.T01, Row: "本年收入合计", Col: "决算数"}, {Table: model.T01, Row: "支出总计", Col: "决算数"},
				{Table: model.T02, Row: "合计", Col: "其他收入"}, {Table: model.T02, Row: "2240101", Col: "本年收入合计"},
				{Table: model.T03, Row: "224", Col: "基本支出"}, {Table: model.T03, Row: "22401", Col: "基本支出"},
				{Table: model.T04, Row: "208", Col: "合计"}, {Table: model.T04, Row: "年初财政拨款结转和结余", Col: "决算数"},
				{Table: model.T06, Row: "301", Col: "决算数"}, {Table: model.T06, Row: "人员经费合计", Col: "决算数"},
				{Table: model.T09, Row: "三公经费", Col: "决算数/合计"}, {Table: model.T09, Row: "三公经费", Col: "预算数/公务用车购置及运行费"},
			}
			inputs := []model.Key{
				{Table: model.T01, Row: "其他收入", Col: "决算数"}, {Table: model.T01, Row: "208", Col: "决算数"},
				{Table: model.T02, Row: "2240101", Col: "其他收入"}, {Table: model.T03, Row: "2240101", Col: "基本支出"},
				{Table: model.T04, Row: "208", Col: "一般公共预算财政拨款"}, {Table: model.T05, Row: "2240106", Col: "项目支出"},
				{Table: model.T06, Row: "30101", Col: "决算数"}, {Table: model.T06, Row: "310", Col: "决算数"},
				{Table: model.T09, Row: "三公经费", Col: "决算数/公务接待费"},
			}
			for _, k := range derived {
				if c := w.wb.Cell(k); c == nil || !c.Derived {
					t.Errorf("%v should be derived", k)
				}
			}
			for _, k := range inputs {
				if c := w.wb.Cell(k); c == nil || c.Derived {
					t.Errorf("%v should be an input", k)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, write(t, a, tc.opt)) })
	}
}

func TestWriteErrors(t *testing.T) {
	cases := map[string]Options{
		"style":     {Style: "beijing"},
		"origin":    {Origin: "3B"},
		"unit":      {Unit: "千元"},
		"groups":    {T06Groups: 4},
		"t09 order": {T09Order: "zigzag"},
		"table":     {Order: []model.TableID{"T12"}},
		"set":       {Set: "beijing"},
		"sheet":     {SheetNames: map[model.TableID]string{model.T01: "a/b"}},
		"dup sheet": {SheetNames: map[model.TableID]string{model.T01: "x", model.T02: "x"}},
	}
	bad := CaseA()
	bad.Values[model.T05]["208"]["合计"] = "12.3.4"
	var buf bytes.Buffer
	if _, err := Write(&buf, bad, Options{}); model.ErrorCode(err) != model.EInvalid {
		t.Errorf("non-numeric data value: err %v", err)
	}
	for name, opt := range cases {
		var buf bytes.Buffer
		if _, err := Write(&buf, CaseA(), opt); err == nil {
			t.Errorf("%s: want error", name)
		} else if name != "sheet" && name != "dup sheet" && model.ErrorCode(err) != model.EInvalid {
			t.Errorf("%s: code %s (%v)", name, model.ErrorCode(err), err)
		}
	}
}

func TestThousandsAndFullWidth(t *testing.T) {
	for in, want := range map[string]string{"0.00": "0.00", "123.40": "123.40", "1234.50": "1,234.50", "-1234567.89": "-1,234,567.89", "100000": "100,000"} {
		if got := model.Thousands(in); got != want {
			t.Errorf("thousands(%s) = %s, want %s", in, got, want)
		}
	}
	if got := fullWidth("1,234.50"); got != "１，２３４．５０" {
		t.Errorf("fullWidth = %q", got)
	}
	if got := curlyQuotes(`财政拨款"三公"经费支出决算表`); got != "财政拨款“三公”经费支出决算表" {
		t.Errorf("curlyQuotes = %q", got)
	}
}

func BenchmarkWriteSample(b *testing.B) {
	for _, st := range []model.Style{model.StyleMOF, model.StyleShanghai} {
		b.Run(string(st), func(b *testing.B) {
			d := CaseA()
			b.ReportAllocs()
			var size int
			for b.Loop() {
				var buf bytes.Buffer
				if _, err := Write(&buf, d, Options{Style: st}); err != nil {
					b.Fatal(err)
				}
				size = buf.Len()
			}
			b.ReportMetric(float64(size), "bytes/file")
		})
	}
}

// Example of the returned model: where Case A's 收入总计 was written.
func ExampleWrite() {
	var buf bytes.Buffer
	wb, err := Write(&buf, CaseA(), Options{})
	if err != nil {
		panic(err)
	}
	c := wb.Cell(model.Key{Table: model.T01, Row: "收入总计", Col: "决算数"})
	fmt.Println(c.Sheet, c.Addr, c.Value.StringFixed(2), c.Derived)
	// Output: 公开01表 C36 4126.63 true
}
