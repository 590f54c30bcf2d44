package annotate

import (
	"bytes"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsxtest"
)

// A fill that says how it was derived gets that as the cell's note.
func TestFillNoteOnFilledCell(t *testing.T) {
	b, wb := sampleBook(t)
	blank, _, _ := cellsOf(t, wb)
	fl := model.Fill{Sheet: blank.Sheet, Cell: blank.Addr, Value: "2152.26", Rule: "R06.2", Table: blank.Table, Row: blank.Row, Col: blank.Col,
		Note: "按 R06.2 由 公开06表 301 2,152.27 计算为 2,152.27；取 2,152.26", Alternative: "按 X12 为 2,152.25"}
	if err := Annotate(b, wb, model.NewReport(wb, nil, []model.Fill{fl})); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := b.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	s, err := xlsxtest.TakeSnapshot(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	n := s.Comments[blank.Sheet+"!"+blank.Addr]
	for _, want := range []string{"补填 R06.2：2,152.26", fl.Note, "另：" + fl.Alternative} {
		if !strings.Contains(n, want) {
			t.Errorf("note %q lacks %q", n, want)
		}
	}
}
