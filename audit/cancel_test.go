package audit

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/canceltest"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/fill"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/xlsx"
)

// stages reads, fills and checks data without a context: the input of
// the stage under test.
func stages(t *testing.T, data []byte) (*model.Workbook, *xlsx.Book, model.Report) {
	t.Helper()
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	wb, book, err := reader.Read(bytes.NewReader(data), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fills, ff := fill.Run(wb, check.Bind(rs, wb), fill.Options{Rules: rs})
	fs := append(check.NewChecker(wb, rs, check.Options{}).Run(), ff...)
	for i := range fs {
		fs[i].SetFingerprint()
	}
	return wb, book, model.NewReport(wb, fs, fills)
}

// withLongNotes is data with a text of n bytes (random letters, so it
// deflates slowly) in a row of its own under the table of every sheet
// with a code-row table: the largest workbook the limits let through, so
// that writing the annotated copy takes long enough to be cancelled.
func withLongNotes(t *testing.T, data []byte, n int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	text := make([]byte, n)
	for i := range text {
		text[i] = "abcdefghijklmnopqrstuvwxyz"[rng.Intn(26)]
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	edited := 0
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		part, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") && bytes.Count(part, []byte("<row ")) > 1000 {
			row := `<row r="4990"><c r="A4990" t="inlineStr"><is><t>` + string(text) + `</t></is></c></row></sheetData>`
			part = bytes.Replace(part, []byte("</sheetData>"), []byte(row), 1)
			edited++
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(part); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if edited != 3 {
		t.Fatalf("%d sheets with code rows, want 3 (T02, T03, T05)", edited)
	}
	return buf.Bytes()
}

// TestCancelStages (issue 15): each stage, started on the department
// workbook (thousands of code rows, fills and findings) and cancelled part
// way, returns the coded timeout error within canceltest.Bound of the
// cancel: every loop over cells, rows, equations, findings, comments and
// zip entries looks at its context.
func TestCancelStages(t *testing.T) {
	data := department(t)
	long := withLongNotes(t, data, 8<<20)
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) func(ctx context.Context) error
	}{
		{"read", func(t *testing.T) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				_, book, err := reader.ReadContext(ctx, bytes.NewReader(data), reader.Options{})
				if book != nil {
					book.Close()
				}
				return err
			}
		}},
		{"fill", func(t *testing.T) func(ctx context.Context) error {
			wb, book, err := reader.Read(bytes.NewReader(data), reader.Options{})
			if err != nil {
				t.Fatal(err)
			}
			book.Close()
			eqs := check.Bind(rs, wb)
			return func(ctx context.Context) error {
				_, _, err := fill.RunContext(ctx, wb, eqs, fill.Options{Rules: rs})
				return err
			}
		}},
		{"check", func(t *testing.T) func(ctx context.Context) error {
			wb, book, _ := stages(t, data)
			book.Close()
			c := check.NewChecker(wb, rs, check.Options{})
			return func(ctx context.Context) error {
				_, err := c.RunContext(ctx)
				return err
			}
		}},
		{"annotate", func(t *testing.T) func(ctx context.Context) error {
			wb, book, rep := stages(t, data)
			return func(ctx context.Context) error {
				defer book.Close()
				book.SetContext(ctx, "标注")
				return annotate.AnnotateDirect(book, wb, rep)
			}
		}},
		// The write is short on the department workbook (~50 ms); the
		// same workbook with an 8 MiB text under each large table (24 MiB
		// of sheets, a 15 MiB upload: within the limits) is the costly case.
		{"write", func(t *testing.T) func(ctx context.Context) error {
			wb, book, rep := stages(t, long)
			if err := annotate.AnnotateDirect(book, wb, rep); err != nil {
				t.Fatal(err)
			}
			return func(ctx context.Context) error {
				defer book.Close()
				book.SetContext(ctx, "写出")
				_, err := book.WriteTo(io.Discard)
				return err
			}
		}},
		// The whole pipeline also looks between stages, so this one
		// proves the wiring (ctx reaches every stage), not the loops.
		{"pipeline", func(t *testing.T) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				_, err := Fill(ctx, bytes.NewReader(data), io.Discard, Options{})
				return err
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { canceltest.Prove(t, tc.setup) })
	}
}
