package fill_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/canceltest"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/fill"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// BenchmarkFillVaried times fill alone (sweep and repair; reading and
// binding are outside the timer) over the first 20 of batch's generated
// Case A variants, read back through the reader as the batch reads them:
// scaled units with every derived cell blank (residues to repair), 元
// units, blank zeros, injected errors (conflicts, F01). ns/op and
// allocs/op are per workbook.
func BenchmarkFillVaried(b *testing.B) {
	const n = 20
	rs, err := check.Load()
	if err != nil {
		b.Fatal(err)
	}
	files := make([][]byte, n)
	for i := range files {
		v := batch.MakeVariant(i, false)
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, v.Data, v.Options); err != nil {
			b.Fatal(err)
		}
		files[i] = buf.Bytes()
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		wb, book, err := reader.Read(bytes.NewReader(files[i%n]), reader.Options{})
		if err != nil {
			b.Fatal(err)
		}
		book.Close()
		eqs := check.NewBinding(rs, wb).Equations()
		b.StartTimer()
		if _, _, err := fill.RunContext(context.Background(), wb, eqs, fill.Options{Rules: rs}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkFillDepartment times fill alone on canceltest's department
// workbook at two sizes (every 4th 项 of the catalog, and all of it) and
// reports ns per cell and per fill, which must stay flat from one size to
// the other: no step of the sweep or the repair may be superlinear.
func BenchmarkFillDepartment(b *testing.B) {
	rs, err := check.Load()
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range []int{4, 1} {
		data := canceltest.DepartmentPart(b, k)
		read := func() (*model.Workbook, []check.Equation) {
			wb, book, err := reader.Read(bytes.NewReader(data), reader.Options{})
			if err != nil {
				b.Fatal(err)
			}
			book.Close()
			return wb, check.NewBinding(rs, wb).Equations()
		}
		wb, eqs := read()
		cells := 0
		for _, t := range wb.Located() {
			cells += len(t.Cells())
		}
		fills, _, err := fill.RunContext(context.Background(), wb, eqs, fill.Options{Rules: rs})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dcells_%dfills", cells, len(fills)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				wb, eqs := read()
				b.StartTimer()
				if _, _, err := fill.RunContext(context.Background(), wb, eqs, fill.Options{Rules: rs}); err != nil {
					b.Fatal(err)
				}
			}
			per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(per/float64(cells), "ns/cell")
			b.ReportMetric(per/float64(len(fills)), "ns/fill")
		})
	}
}
