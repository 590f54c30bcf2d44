package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
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

// stageRun runs one of the measured stages on data: check (report only),
// annotate (fill + annotate + write), fallback (annotate on a workbook the
// direct path leaves to excelize).
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

// TestPerCellIsLinear (issue 11): check and fill + annotate + write (the
// direct path and the excelize fallback) allocate no more per cell on the whole department workbook than on a
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
	for _, mode := range []string{"check", "annotate", "fallback"} {
		t.Run(mode, func(t *testing.T) {
			var got []size
			for _, k := range perCellSizes {
				data := departmentPart(t, k)
				if mode == "fallback" { // the excelize path (AddNote read every comment per note: 282 → 609 allocations per cell)
					var err error
					if data, err = canceltest.ForceFallback(data); err != nil {
						t.Fatal(err)
					}
				}
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
// write (direct, and the excelize fallback) of the department workbook at
// two sizes, a quarter of the
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
		fallback, err := canceltest.ForceFallback(data)
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"check", "annotate", "fallback"} {
			data := data
			if mode == "fallback" {
				data = fallback
			}
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

// TestPerCellOps (issue 11) counts the statements that check and fill +
// annotate + write execute per cell, at a quarter and the whole department
// workbook: a count of operations, independent of the machine's load, that
// grows with a quadratic step whether or not it allocates (a scan of a
// table per fill allocates nothing). The stage runs in a program
// (internal/opscount) built with coverage counters in every juesuan
// package; go tool covdata reads them. The quarter's figure is the larger
// one when every step is linear (fixed costs); the whole may exceed it by
// 10 % at most.
func TestPerCellOps(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool builds the counted program: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "opscount")
	build := exec.Command(goTool, "build", "-cover", "-covermode=atomic", "-coverpkg=github.com/juesuan/juesuan/...", "-o", bin, "./internal/opscount")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build opscount: %v\n%s", err, out)
	}
	for _, mode := range []string{"check", "annotate"} {
		t.Run(mode, func(t *testing.T) {
			var perCell []float64
			var cells []int
			var blocks []map[string]uint64
			for _, k := range perCellSizes {
				dir := t.TempDir()
				cmd := exec.Command(bin, "-mode", mode, "-k", strconv.Itoa(k))
				cmd.Env = append(os.Environ(), "GOCOVERDIR="+dir)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("opscount -mode %s -k %d: %v\n%s", mode, k, err, stderr.Bytes())
				}
				var got struct{ Cells, Fills int }
				if err := json.Unmarshal(out, &got); err != nil || got.Cells == 0 {
					t.Fatalf("opscount printed %q (%v)", out, err)
				}
				profile := filepath.Join(t.TempDir(), "profile.txt")
				if b, err := exec.Command(goTool, "tool", "covdata", "textfmt", "-i="+dir, "-o="+profile).CombinedOutput(); err != nil {
					t.Fatalf("go tool covdata: %v\n%s", err, b)
				}
				bs := statements(t, profile)
				var s uint64
				for _, n := range bs {
					s += n
				}
				blocks = append(blocks, bs)
				perCell = append(perCell, float64(s)/float64(got.Cells))
				cells = append(cells, got.Cells)
				t.Logf("%d cells, %d fills: %d statements, %.0f per cell", got.Cells, got.Fills, s, float64(s)/float64(got.Cells))
			}
			if perCell[1] > 1.1*perCell[0] {
				t.Errorf("%.0f statements per cell at %d cells, %.0f at %d: not linear; the blocks that grew most per cell:\n%s",
					perCell[1], cells[1], perCell[0], cells[0], grown(blocks[0], cells[0], blocks[1], cells[1], 8))
			}
		})
	}
}

// statements returns count × statements of each block of a text coverage
// profile ("file:l.c,l.c statements count" lines after the mode line).
func statements(t *testing.T, path string) map[string]uint64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]uint64{}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		n, err1 := strconv.ParseUint(f[1], 10, 64)
		c, err2 := strconv.ParseUint(f[2], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("coverage profile line %q", line)
		}
		out[f[0]] += n * c
	}
	return out
}

// grown lists the n blocks whose statements per cell grew most from the
// small run to the big one: where a quadratic step is.
func grown(small map[string]uint64, smallCells int, big map[string]uint64, bigCells, n int) string {
	type g struct {
		block    string
		from, to float64
	}
	var gs []g
	for b, c := range big {
		gs = append(gs, g{b, float64(small[b]) / float64(smallCells), float64(c) / float64(bigCells)})
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].to-gs[i].from > gs[j].to-gs[j].from })
	var sb strings.Builder
	for _, x := range gs[:min(n, len(gs))] {
		fmt.Fprintf(&sb, "  %+.1f (%.1f -> %.1f per cell) %s\n", x.to-x.from, x.from, x.to, x.block)
	}
	return sb.String()
}
