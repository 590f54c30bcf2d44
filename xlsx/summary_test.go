package xlsx

import (
	"bytes"
	"testing"
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
	sheets, err := ReadSheets(&buf)
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
