package xlsx

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/juesuan/juesuan/xlsxtest"
)

func TestSummaryWriterRoundTrip(t *testing.T) {
	sw := NewSummaryWriter()
	defer sw.Close()
	if err := sw.Row(SummaryCell{Text: "x"}); err == nil {
		t.Error("row before any sheet accepted")
	}
	if err := sw.Sheet("汇总", []float64{10, 20}, 2, 2); err != nil {
		t.Fatal(err)
	}
	rows := [][]SummaryCell{
		{{Text: "单位", Bold: true, Fill: "D9E1F2"}, {Text: "金额", Bold: true}},
		{{Text: "甲"}, {Number: "4126.63", Amount: true}},
		{{Text: "乙"}, {Number: "12345678901.23", Amount: true}},
		{{Text: "丙"}, {Number: "0.1"}},
		{{Text: `它's "引号"`, Link: `a b.xlsx#'公开01表'!C5`}, {}},
	}
	for _, r := range rows {
		if err := sw.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Row(SummaryCell{Number: "abc"}); err == nil {
		t.Error("non-number accepted as Number")
	}
	if err := sw.Sheet("第二", nil, 1, 1); err != nil {
		t.Fatal(err)
	}
	if err := sw.Row(SummaryCell{Text: "二"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := sw.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	sheets, err := xlsxtest.ReadSheets(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(sheets) != 2 || sheets[0].Name != "汇总" || sheets[1].Name != "第二" {
		t.Fatalf("sheets %+v", sheets)
	}
	got := sheets[0].Rows
	for i, want := range []string{"4126.63", "12345678901.23", "0.1"} {
		if got[i+1][1] != want {
			t.Errorf("row %d amount %q, want %q (exact)", i+2, got[i+1][1], want)
		}
	}
	if got[4][0] != `它's "引号"` {
		t.Errorf("link text %q", got[4][0])
	}
	if f := sheets[0].Formulas["A5"]; f != `HYPERLINK("a b.xlsx#'公开01表'!C5","它's ""引号""")` {
		t.Errorf("link formula %q", f)
	}
}

// TestSummaryWriterSheetSetup: the last frozen row heads an AutoFilter
// that stops before Footer's rows and repeats on printed pages; a sheet
// without frozen rows gets neither; both print landscape one page wide.
func TestSummaryWriterSheetSetup(t *testing.T) {
	sw := NewSummaryWriter()
	defer sw.Close()
	steps := []func() error{
		func() error { return sw.Sheet("甲", nil, 3, 1) },
		func() error { return sw.Row(SummaryCell{Text: "标题"}) },
		func() error { return sw.Row(SummaryCell{Text: "a"}, SummaryCell{Text: "b"}, SummaryCell{Text: "c"}) },
		func() error { return sw.Row(SummaryCell{Text: "x"}, SummaryCell{Number: "1"}) },
		func() error { return sw.Row(SummaryCell{Text: "y"}, SummaryCell{Number: "2"}) },
		func() error { sw.Footer(); return sw.Row(SummaryCell{Text: "合计"}, SummaryCell{Number: "3"}) },
		func() error { return sw.Sheet("乙", nil, 1, 1) },
		func() error { return sw.Row(SummaryCell{Text: "二"}) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := sw.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]string{}
	for _, d := range f.GetDefinedName() {
		names[d.Scope+" "+d.Name] = d.RefersTo
	}
	want := map[string]string{
		"甲 _xlnm._FilterDatabase": "'甲'!$A$2:$C$4",
		"甲 _xlnm.Print_Titles":    "'甲'!$1:$2",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("defined names %v, want %v", names, want)
	}
	for _, sheet := range []string{"甲", "乙"} {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 {
			t.Errorf("%s: page layout %+v", sheet, pl)
		}
	}
}
