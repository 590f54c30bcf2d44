package narrative

import (
	"bytes"
	"context"
	"testing"

	"github.com/juesuan/juesuan/canceltest"
)

// TestCancelNarrative (issue 15): reading a large narrative (the Case A
// seed forty times over: 4,600 paragraphs, 3 MB of text; the same as
// .docx and as a PDF) and checking it, cancelled part way, return the
// coded timeout error within canceltest.Bound of the cancel: the XML
// tokens, PDF objects and operators, paragraphs and figures loops look at
// their context.
func TestCancelNarrative(t *testing.T) {
	text := bytes.Repeat(append(seedBytes(t), '\n'), 40)
	// Reading 40 seeds as text takes some 30 ms on a quiet machine, under
	// canceltest.MinWork: the text reader is proved on 200 (limits raised).
	bigText := bytes.Repeat(append(seedBytes(t), '\n'), 200)
	big := DefaultLimits()
	big.MaxBytes, big.MaxParagraphs, big.MaxCells = 1<<30, 1<<30, 1<<30
	doc, err := ReadBytes(text, "big.txt", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	docx := docxFrom(t, doc, nil)
	paras := make([]string, 0, len(doc.Paragraphs))
	for _, p := range doc.Paragraphs {
		paras = append(paras, p.Text)
	}
	pdf := makePDF(t, paras, 40, false)
	wb := caseA(t)
	read := func(data []byte, name string, lim Limits) func(t *testing.T) func(ctx context.Context) error {
		return func(t *testing.T) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				_, err := ReadBytesContext(ctx, data, name, lim)
				return err
			}
		}
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) func(ctx context.Context) error
	}{
		{"text", read(bigText, "big.txt", big)},
		{"docx", read(docx, "big.docx", Limits{})},
		{"pdf", read(pdf, "big.pdf", Limits{})},
		{"check", func(t *testing.T) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				_, err := AnalyzeContext(ctx, doc, wb)
				return err
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { canceltest.Prove(t, tc.setup) })
	}
}
