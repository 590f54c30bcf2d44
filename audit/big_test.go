package audit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/juesuan/juesuan/canceltest"
)

// department is the department-sized workbook (canceltest.Department).
func department(t testing.TB) []byte { return canceltest.Department(t) }

// departmentPart is department with every k-th 项 of the catalog only.
func departmentPart(t testing.TB, k int) []byte { return canceltest.DepartmentPart(t, k) }

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

// BenchmarkPerCell (issue 11): check (report only) and fill + annotate +
// write of a department workbook at two sizes, every 4th 项 of the
// catalog and all of it (19k cells, 3.5k fills); reports CPU µs
// per cell (process CPU, GC included, so a busy machine inflates it less
// than wall time), which must stay flat from one size to the other.
func BenchmarkPerCell(b *testing.B) {
	for _, k := range []int{4, 1} {
		data := departmentPart(b, k)
		res, err := Check(context.Background(), bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		cells := 0
		for _, t := range res.Workbook.Located() {
			cells += len(t.Cells())
		}
		for _, mode := range []string{"check", "annotate"} {
			b.Run(fmt.Sprintf("%s/%dcells_%dfills", mode, cells, len(res.Report.Fills)), func(b *testing.B) {
				c0 := cpuNow()
				for b.Loop() {
					var err error
					if mode == "check" {
						_, err = Check(context.Background(), bytes.NewReader(data), Options{})
					} else {
						_, err = Fill(context.Background(), bytes.NewReader(data), io.Discard, Options{})
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((cpuNow()-c0).Nanoseconds())/1e3/float64(b.N*cells), "cpu-µs/cell")
			})
		}
	}
}
