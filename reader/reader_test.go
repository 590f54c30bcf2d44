package reader

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

func ptr[T any](v T) *T { return &v }

// write generates a workbook from the spec and returns its bytes and the
// model the writer says it wrote.
func write(t testing.TB, d *templates.Data, opt templates.Options) ([]byte, *model.Workbook) {
	t.Helper()
	var buf bytes.Buffer
	want, err := templates.Write(&buf, d, opt)
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	return buf.Bytes(), want
}

func read(t testing.TB, data []byte) *model.Workbook {
	t.Helper()
	wb, _, err := Read(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return wb
}

// compare checks that got holds exactly the tables, rows, columns and
// cells of want, at the same addresses and with the same values.
func compare(t *testing.T, want, got *model.Workbook) {
	t.Helper()
	if len(got.Tables) != len(want.Tables) {
		t.Errorf("located %d tables, want %d", len(got.Tables), len(want.Tables))
	}
	if want.UnitName != "" && got.UnitName != want.UnitName && want.Table(model.T01).Style == model.StyleMOF {
		t.Errorf("UnitName = %q, want %q", got.UnitName, want.UnitName)
	}
	if got.Unit != want.Unit {
		t.Errorf("Unit = %q, want %q", got.Unit, want.Unit)
	}
	for _, wt := range want.Located() {
		gt := got.Table(wt.ID)
		if gt == nil {
			t.Errorf("%s not located", wt.ID)
			continue
		}
		if gt.Sheet != wt.Sheet || gt.Style != wt.Style || gt.Unit != wt.Unit || gt.Number != wt.Number {
			t.Errorf("%s: sheet/style/unit/number = %s/%s/%s/%s, want %s/%s/%s/%s", wt.ID,
				gt.Sheet, gt.Style, gt.Unit, gt.Number, wt.Sheet, wt.Style, wt.Unit, wt.Number)
		}
		// The writer names T06 layouts "2-groups"/"3-groups"; the reader's
		// contract (issue brief) is "groups-2"/"groups-3".
		wantVariant := wt.Variant
		if strings.HasSuffix(wantVariant, "-groups") {
			wantVariant = "groups-" + strings.TrimSuffix(wantVariant, "-groups")
		}
		if wantVariant != "" && gt.Variant != wantVariant {
			t.Errorf("%s: Variant = %q, want %q", wt.ID, gt.Variant, wantVariant)
		}
		if wt.EmptyNote != "" && gt.EmptyNote != wt.EmptyNote {
			t.Errorf("%s: EmptyNote = %q, want %q", wt.ID, gt.EmptyNote, wt.EmptyNote)
		}
		if templates.NormalizeText(gt.Title) != templates.NormalizeText(wt.Title) {
			t.Errorf("%s: Title = %q, want %q", wt.ID, gt.Title, wt.Title)
		}
		for _, wr := range wt.Rows {
			gr := gt.Row(wr.Key)
			if gr == nil {
				t.Errorf("%s: row %s (sheet row %d) not found", wt.ID, wr.Key, wr.SheetRow)
				continue
			}
			if gr.SheetRow != wr.SheetRow || gr.Code != wr.Code || gr.Level != wr.Level {
				t.Errorf("%s: row %s = row %d code %q level %d, want row %d code %q level %d", wt.ID, wr.Key,
					gr.SheetRow, gr.Code, gr.Level, wr.SheetRow, wr.Code, wr.Level)
			}
		}
		if len(gt.Rows) != len(wt.Rows) {
			t.Errorf("%s: %d rows, want %d", wt.ID, len(gt.Rows), len(wt.Rows))
		}
		cols := func(tb *model.Table) string {
			var s []string
			for _, c := range tb.Columns {
				s = append(s, fmt.Sprintf("%s@%d", c.Key, c.SheetCol))
			}
			sort.Strings(s)
			return strings.Join(s, ",")
		}
		if cols(gt) != cols(wt) {
			t.Errorf("%s: columns\n got %s\nwant %s", wt.ID, cols(gt), cols(wt))
		}
		if len(gt.Cells()) != len(wt.Cells()) {
			t.Errorf("%s: %d cells, want %d", wt.ID, len(gt.Cells()), len(wt.Cells()))
		}
		bad := 0
		for _, wc := range wt.Cells() {
			gc := gt.Cell(wc.Row, wc.Col)
			switch {
			case gc == nil:
				t.Errorf("%s: cell %s/%s (%s) missing", wt.ID, wc.Row, wc.Col, wc.Addr)
			case gc.Addr != wc.Addr || gc.Sheet != wc.Sheet || !gc.Value.Equal(wc.Value) || gc.Blank != wc.Blank || gc.Derived != wc.Derived:
				t.Errorf("%s: cell %s/%s = %s!%s %s blank=%v derived=%v, want %s!%s %s blank=%v derived=%v", wt.ID, wc.Row, wc.Col,
					gc.Sheet, gc.Addr, gc.Value, gc.Blank, gc.Derived, wc.Sheet, wc.Addr, wc.Value, wc.Blank, wc.Derived)
			default:
				continue
			}
			if bad++; bad > 5 {
				t.Fatalf("%s: too many differences", wt.ID)
			}
		}
	}
}

// noErrors fails on findings of severity error or warning, except the
// rules listed as allowed.
func noFindings(t *testing.T, wb *model.Workbook, allowed ...string) {
	t.Helper()
	for _, f := range wb.Findings {
		if f.Severity == model.SevInfo {
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || f.Rule == a
		}
		if !ok {
			t.Errorf("unexpected finding %s %s %s %s: %s", f.Rule, f.Severity, f.Table, f.Cell, f.Message)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	order := []model.TableID{model.T09, model.T03, model.T01, model.T07, model.T05, model.T02, model.T08, model.T04, model.T06}
	names := map[model.TableID]string{}
	for i, id := range model.AllTables {
		names[id] = fmt.Sprintf("Sheet%d", 9-i)
	}
	tests := []struct {
		name    string
		data    *templates.Data
		opt     templates.Options
		allowed []string // warning rules the variant legitimately raises
	}{
		{"blank mof", nil, templates.Options{}, nil},
		{"blank shanghai", nil, templates.Options{Style: model.StyleShanghai}, nil},
		{"case A mof", templates.CaseA(), templates.Options{}, nil},
		{"case A shanghai", templates.CaseA(), templates.Options{Style: model.StyleShanghai}, nil},
		{"renamed and shuffled sheets", templates.CaseA(), templates.Options{Order: order, SheetNames: names}, nil},
		{"cover sheet", templates.CaseA(), templates.Options{CoverSheet: true}, nil},
		{"cover sheet shanghai", templates.CaseA(), templates.Options{CoverSheet: true, Style: model.StyleShanghai}, nil},
		{"tables at B3", templates.CaseA(), templates.Options{Origin: "B3"}, nil},
		{"tables at B3 shanghai", templates.CaseA(), templates.Options{Origin: "B3", Style: model.StyleShanghai}, nil},
		{"split code columns mof", templates.CaseA(), templates.Options{SplitCodes: ptr(true)}, nil},
		{"single code column shanghai", templates.CaseA(), templates.Options{Style: model.StyleShanghai, SplitCodes: ptr(false)}, nil},
		{"numbers as text", templates.CaseA(), templates.Options{NumbersAsText: true}, nil},
		{"numbers as text with separators", templates.CaseA(), templates.Options{NumbersAsText: true, ThousandsSep: true}, nil},
		{"full-width digits", templates.CaseA(), templates.Options{FullWidthDigits: true}, nil},
		{"blank zeros", templates.CaseA(), templates.Options{BlankZeros: true}, nil},
		{"unit yuan", templates.CaseA(), templates.Options{Unit: model.Yuan}, nil},
		{"case C shanghai", templates.CaseC(), templates.Options{Style: model.StyleShanghai}, nil},
		{"case C mof", templates.CaseC(), templates.Options{}, nil},
		{"sangong blocks", templates.CaseA(), templates.Options{Style: model.StyleShanghai, T09Order: "blocks"}, nil},
		{"sangong interleaved", templates.CaseA(), templates.Options{T09Order: "interleaved"}, nil},
		{"T05 total first", templates.CaseA(), templates.Options{Style: model.StyleShanghai, T05TotalLast: ptr(false)}, nil},
		{"T05 total last", templates.CaseA(), templates.Options{T05TotalLast: ptr(true)}, nil},
		{"T06 two groups", templates.CaseA(), templates.Options{T06Groups: 2}, nil},
		{"T06 three groups", templates.CaseA(), templates.Options{Style: model.StyleShanghai, T06Groups: 3}, nil},
		{"T08 expenditure only", templates.CaseA(), templates.Options{T08ExpenditureOnly: true}, []string{RuleTitleVariant}},
		{"omit derived", templates.CaseA(), templates.Options{OmitDerived: true}, nil},
		{"older numbering", templates.CaseA(), templates.Options{Numbering: map[model.TableID]int{model.T09: 7, model.T07: 8, model.T08: 9}}, []string{RuleNumberMismatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, want := write(t, tt.data, tt.opt)
			got := read(t, data)
			compare(t, want, got)
			noFindings(t, got, tt.allowed...)
		})
	}
}

func BenchmarkRead(b *testing.B) {
	data, _ := write(b, templates.CaseA(), templates.Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Read(bytes.NewReader(data), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFromBook isolates table location and parsing from unzip and XML.
func BenchmarkFromBook(b *testing.B) {
	data, _ := write(b, templates.CaseA(), templates.Options{})
	bk, err := xlsx.Open(bytes.NewReader(data), xlsx.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromBook(bk, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
