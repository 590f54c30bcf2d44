package audit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"testing"
	"time"

	"github.com/juesuan/juesuan/catalog"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// department is a department-sized workbook: every function code of the
// catalog (1,454: 类, 款 and 项) in T02, T03 and T05, the 项 typed with
// random figures, every subtotal and total left for fill.
func department(t testing.TB) []byte { return departmentPart(t, 1) }

// departmentPart is department with every k-th 项 of the catalog only.
func departmentPart(t testing.TB, k int) []byte {
	d := templates.CaseA()
	rng := rand.New(rand.NewSource(7))
	for _, id := range []model.TableID{model.T02, model.T03, model.T05} {
		d.Values[id] = map[string]map[string]string{}
	}
	// The 类 rows and totals of T01 and T04 are left blank too: fill pulls
	// them from T03 and T05, as for a unit that typed only its 项.
	for _, id := range []model.TableID{model.T01, model.T04} {
		for row := range d.Values[id] {
			if model.CodeLevel(row) > 0 || row == "本年支出合计" || row == "支出总计" {
				delete(d.Values[id], row)
			}
		}
	}
	n := 0
	for _, e := range catalog.Default().All() {
		if len(e.Code) != 7 || e.Code[0] != '2' {
			continue
		}
		if n++; (n-1)%k != 0 {
			continue
		}
		d.Names[e.Code] = e.Name
		v := fmt.Sprintf("%d.%02d", rng.Intn(5000), rng.Intn(100))
		d.Values[model.T02][e.Code] = map[string]string{"财政拨款收入": v}
		d.Values[model.T03][e.Code] = map[string]string{"基本支出": v}
		d.Values[model.T05][e.Code] = map[string]string{"基本支出": v}
		for _, p := range []string{e.Code[:3], e.Code[:5]} {
			if d.Names[p] == "" {
				if es := catalog.Default().Lookup(p); len(es) > 0 {
					d.Names[p] = es[0].Name
				}
			}
		}
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, templates.Options{OmitDerived: true}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
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
