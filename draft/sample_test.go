package draft

import (
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/templates"
)

// TestSampleNarrative: the embedded narrative, read as the .docx the
// service serves and checked against the embedded workbook, has no error,
// no warning, no placeholder and no unbound figure; its only findings are
// the tables' own 尾差 and the 政府采购 parts' (825.39 vs 825.40).
func TestSampleNarrative(t *testing.T) {
	res := checked(t, templates.CaseA(), model.StyleMOF, false)
	data, err := Sample().DOCX()
	if err != nil {
		t.Fatal(err)
	}
	doc := readBack(t, data, "sample.说明.docx")
	an := narrative.Analyze(doc, res.Workbook)
	if u := an.Unbound(); len(u) != 0 {
		t.Errorf("%d unbound figures, first %q", len(u), u[0].Raw)
	}
	for _, f := range an.Findings {
		if f.Severity != model.SevInfo || !strings.Contains(f.Message, "尾差") {
			t.Errorf("%s %s %s", f.Rule, f.Severity, f.Message)
		}
	}
	if n := Sample().Placeholders(); n != 0 {
		t.Errorf("%d placeholders left in the embedded narrative", n)
	}
	if len(an.Findings) != 6 {
		t.Errorf("%d findings, want the 6 尾差:\n%s", len(an.Findings), strings.Join(findingLines(an.Findings), "\n"))
	}
	// the figures restated and checked: more than the draft alone
	if got := len(an.Figures); got < 150 {
		t.Errorf("only %d figures in the sample", got)
	}
}

// TestSampleIsTheDraft: the embedded narrative is the draft of the Case A
// workbook with its placeholders filled: every block of the draft that has
// no placeholder is in the sample word for word, in the same order, under
// the same headings.
func TestSampleIsTheDraft(t *testing.T) {
	d, _ := draftCases[0].draft(t)
	s := Sample()
	if s.Title != d.Title {
		t.Errorf("title %q, draft %q", s.Title, d.Title)
	}
	if len(s.Blocks) != len(d.Blocks) {
		t.Fatalf("%d blocks, the draft has %d", len(s.Blocks), len(d.Blocks))
	}
	kept := 0
	for i, b := range d.Blocks {
		if b.Level != s.Blocks[i].Level {
			t.Errorf("block %d: level %d, draft %d", i+1, s.Blocks[i].Level, b.Level)
		}
		if strings.Contains(b.Text, Placeholder) {
			continue
		}
		kept++
		if s.Blocks[i].Text != b.Text {
			t.Errorf("block %d differs from the draft:\n sample %s\n draft  %s", i+1, s.Blocks[i].Text, b.Text)
		}
	}
	if kept < 40 {
		t.Errorf("only %d blocks kept as drafted", kept)
	}
}
