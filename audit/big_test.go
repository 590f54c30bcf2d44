package audit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/juesuan/juesuan/canceltest"
	"github.com/juesuan/juesuan/model"
)

// department is the department-sized workbook (canceltest.Department).
func department(t testing.TB) []byte { return canceltest.Department(t) }

// departmentPart is department with every k-th 款 of the catalog only.
func departmentPart(t testing.TB, k int) []byte { return canceltest.DepartmentPart(t, k) }

// perCellSizes are the two sizes of the per-cell measures (issue 11): a
// quarter of the catalog's 款 and all of them (31.5k cells, 7.9k fills).
var perCellSizes = []int{4, 1}

// locatedCells counts the amount cells of every located table.
func locatedCells(wb *model.Workbook) int {
	n := 0
	for _, t := range wb.Located() {
		n += len(t.Cells())
	}
	return n
}

// TestDepartmentWorkbook (issue 11): the generated department workbook is
// a correct one. Written whole it has no finding at all and nothing to
// fill; with its derived cells (and the T01/T04 类 rows) blank it has no
// error either, and every fill gives the value of the whole workbook. The
// full size has at least 30k located cells and 7k fills.
func TestDepartmentWorkbook(t *testing.T) {
	for _, k := range perCellSizes {
		t.Run(fmt.Sprintf("every_%d_kuan", k), func(t *testing.T) {
			whole, err := Check(context.Background(), bytes.NewReader(canceltest.DepartmentFull(t, k)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range whole.Report.Findings {
				t.Errorf("whole workbook: %s %s %s!%s: %s", f.Severity, f.Rule, f.Sheet, f.Cell, f.Message)
			}
			if n := len(whole.Report.Fills); n != 0 {
				t.Errorf("whole workbook: %d fills, want 0 (every derived cell is written)", n)
			}
			res, err := Check(context.Background(), bytes.NewReader(departmentPart(t, k)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Report.Findings {
				if f.Severity == model.SevError {
					t.Errorf("blanked workbook: %s %s!%s: %s", f.Rule, f.Sheet, f.Cell, f.Message)
				}
			}
			wrong := 0
			for _, f := range res.Report.Fills {
				c := whole.Workbook.Tables[f.Table].Cell(f.Row, f.Col)
				if c == nil || c.Value.StringFixed(2) != f.Value {
					if wrong++; wrong <= 5 {
						t.Errorf("fill %s %s[%s, %s] = %s, the whole workbook has %v", f.Cell, f.Table, f.Row, f.Col, f.Value, c)
					}
				}
			}
			cells, fills := locatedCells(res.Workbook), len(res.Report.Fills)
			if cells != locatedCells(whole.Workbook) {
				t.Errorf("%d located cells, the whole workbook %d", cells, locatedCells(whole.Workbook))
			}
			t.Logf("%d located cells, %d fills, %d findings", cells, fills, len(res.Report.Findings))
			if k == 1 && (cells < 30000 || fills < 7000) {
				t.Errorf("%d cells and %d fills, want at least 30,000 and 7,000 (issue 11)", cells, fills)
			}
		})
	}
}

// TestDepartmentFillIsLinear (issue 15): a department workbook with
// thousands of code rows and fills is filled and annotated in bounded
// time (was 82.8 s and 570 MB for a 546 KB workbook): under 2 s of CPU.
func TestDepartmentFillIsLinear(t *testing.T) {
	data := department(t)
	c0, w0 := cpuNow(), time.Now()
	res, err := Fill(context.Background(), bytes.NewReader(data), io.Discard, Options{})
	cpu, wall := cpuNow()-c0, time.Since(w0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("department workbook: %d KB, %d fills, %d findings: %.0f ms CPU (%.0f ms wall)",
		len(data)/1024, len(res.Report.Fills), len(res.Report.Findings), cpu.Seconds()*1000, wall.Seconds()*1000)
	if cpu > 2*time.Second {
		t.Errorf("fill took %.1f s of CPU, bound 2 s", cpu.Seconds())
	}
}

// stageRun runs one of the two measured stages on data.
func stageRun(mode string, data []byte) error {
	var err error
	if mode == "check" {
		_, err = Check(context.Background(), bytes.NewReader(data), Options{})
	} else {
		_, err = Fill(context.Background(), bytes.NewReader(data), io.Discard, Options{})
	}
	return err
}

// allocsOf is the heap allocations (count and bytes) of one run of f
// (the caller has paid the one-time costs: rules, catalog).
func allocsOf(t testing.TB, f func() error) (mallocs, bytes uint64) {
	t.Helper()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	if err := f(); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&m1)
	return m1.Mallocs - m0.Mallocs, m1.TotalAlloc - m0.TotalAlloc
}

// TestPerCellIsLinear (issue 11): check and fill + annotate + write
// allocate no more per cell on the whole department workbook than on a
// quarter of it (within 25 %; the fixed costs make the quarter's figure
// the larger one when every step is linear). Allocation counts do not
// depend on the machine's load, so a quadratic step that allocates as it
// goes (a copy, a map or a slice per cell and per fill) fails here
// without a timing test.
func TestPerCellIsLinear(t *testing.T) {
	type size struct {
		cells, fills    int
		mallocs, bytes_ uint64
	}
	for _, mode := range []string{"check", "annotate"} {
		t.Run(mode, func(t *testing.T) {
			var got []size
			for _, k := range perCellSizes {
				data := departmentPart(t, k)
				// Also the warm-up run: the one-time costs are paid here.
				res, err := Check(context.Background(), bytes.NewReader(data), Options{})
				if err != nil {
					t.Fatal(err)
				}
				s := size{cells: locatedCells(res.Workbook), fills: len(res.Report.Fills)}
				s.mallocs, s.bytes_ = allocsOf(t, func() error { return stageRun(mode, data) })
				got = append(got, s)
				t.Logf("%d cells, %d fills: %.1f allocs/cell, %.0f B/cell", s.cells, s.fills,
					float64(s.mallocs)/float64(s.cells), float64(s.bytes_)/float64(s.cells))
			}
			small, big := got[0], got[1]
			if r := float64(big.cells) / float64(small.cells); r < 3 {
				t.Fatalf("the sizes differ by %.1f×, want at least 3×", r)
			}
			perCell := func(n uint64, s size) float64 { return float64(n) / float64(s.cells) }
			if a, b := perCell(small.mallocs, small), perCell(big.mallocs, big); b > 1.25*a {
				t.Errorf("%.1f allocations per cell at %d cells, %.1f at %d: not linear", b, big.cells, a, small.cells)
			}
			if a, b := perCell(small.bytes_, small), perCell(big.bytes_, big); b > 1.25*a {
				t.Errorf("%.0f bytes allocated per cell at %d cells, %.0f at %d: not linear", b, big.cells, a, small.cells)
			}
		})
	}
}

// BenchmarkPerCell (issue 11): check (report only) and fill + annotate +
// write of the department workbook at two sizes, a quarter of the
// catalog's 款 and all of them (31.5k cells, 7.9k fills); reports CPU µs
// per cell (process CPU, GC included, so a busy machine inflates it less
// than wall time) and allocations per cell, which must stay flat from one
// size to the other.
func BenchmarkPerCell(b *testing.B) {
	for _, k := range perCellSizes {
		data := departmentPart(b, k)
		res, err := Check(context.Background(), bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		cells := locatedCells(res.Workbook)
		for _, mode := range []string{"check", "annotate"} {
			b.Run(fmt.Sprintf("%s/%dcells_%dfills", mode, cells, len(res.Report.Fills)), func(b *testing.B) {
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				c0 := cpuNow()
				for b.Loop() {
					if err := stageRun(mode, data); err != nil {
						b.Fatal(err)
					}
				}
				cpu := cpuNow() - c0
				runtime.ReadMemStats(&m1)
				n := float64(b.N * cells)
				b.ReportMetric(float64(cpu.Nanoseconds())/1e3/n, "cpu-µs/cell")
				b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/cell")
			})
		}
	}
}
