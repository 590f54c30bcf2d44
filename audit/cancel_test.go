package audit

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/shopspring/decimal"

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

// TestCancelStages (issue 15): each stage, started on the department
// workbook (thousands of code rows, fills and findings) and cancelled part
// way, returns the coded timeout error within canceltest.Bound of the
// cancel: every loop over cells, rows, equations, findings, comments and
// zip entries looks at its context.
func TestCancelStages(t *testing.T) {
	data := department(t)
	long := canceltest.WithLongNotes(t, data, 8<<20)
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
		// One T05 项 cell in seven is put 1.00 off, so about a thousand
		// identities break and the suspects are searched as well: the
		// loops of a faulty workbook's check (some 20 ms on a quiet
		// machine, the shortest stage here).
		{"check", func(t *testing.T) func(ctx context.Context) error {
			wb, book, _ := stages(t, data)
			book.Close()
			n := 0
			for _, cell := range wb.Tables[model.T05].Cells() {
				if len(cell.Row) == 7 && !cell.Blank && !cell.Filled() {
					if n++; n%7 == 0 {
						cell.Value = cell.Value.Add(decimal.NewFromInt(1))
					}
				}
			}
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
