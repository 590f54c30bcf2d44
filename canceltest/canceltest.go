// Package canceltest proves the cooperative cancellation of a stage
// (issue 15): started on a large input and cancelled part way, the stage
// must return the coded timeout error soon after the cancel, not finish
// its work first. Only tests import it.
package canceltest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/juesuan/juesuan/catalog"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// Bound is the most a cancelled stage may run on after its cancel.
const Bound = 100 * time.Millisecond

// MinWork is the least an uncancelled run must take: on a shorter one a
// stage that ignores its context would look prompt too. The bound is at
// most D/2 after a cancel at D/5, so a stage that ignores its context is
// late by 0.8·D against 0.5·D even at the minimum; the check of the
// department workbook, the shortest stage, takes some 20 ms on a quiet
// machine.
const MinWork = 10 * time.Millisecond

// attempts: the best of a few cancelled runs is taken, so a scheduler
// stall on a loaded machine does not fail the test; a stage that ignores
// its context is late on every one.
const attempts = 3

// Prove runs the stage uncancelled twice (the first run pays one-time
// costs such as parsing the embedded rules; the second, duration D, must
// take at least MinWork), then cancelled after D/5; each cancelled run must
// fail with model.ETimeout, and the quickest must return within
// min(Bound, D/2) of its cancel. A run that ends before its cancel (the
// machine got faster) is tried again with half the delay. setup prepares a
// fresh input (untimed) and returns the stage. The figures are logged.
func Prove(t *testing.T, setup func(t *testing.T) func(ctx context.Context) error) {
	t.Helper()
	var d time.Duration
	for i := 0; i < 2; i++ {
		run := setup(t)
		t0 := time.Now()
		if err := run(context.Background()); err != nil {
			t.Fatalf("uncancelled run failed: %v", err)
		}
		d = time.Since(t0)
	}
	if d < MinWork {
		t.Fatalf("the input takes %v, under %v: too small to prove cancellation", d, MinWork)
	}
	after := d / 5
	bound := min(Bound, d/2)
	best := time.Duration(1<<63 - 1)
	for i, tried := 0, 0; tried < attempts; i++ {
		if i >= 3*attempts {
			t.Fatalf("every attempt ended before its cancel (last delay %v)", after)
		}
		run := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		var at atomic.Int64 // the cancel's time, UnixNano
		timer := time.AfterFunc(after, func() { at.Store(time.Now().UnixNano()); cancel() })
		err := run(ctx)
		end := time.Now()
		timer.Stop()
		cancel()
		cancelled := time.Unix(0, at.Load())
		if at.Load() == 0 {
			t.Logf("attempt %d ended (%v) before its cancel at %v: trying with half the delay", i+1, err, after)
			after /= 2
			continue
		}
		tried++
		if err == nil {
			t.Fatalf("attempt %d: cancelled after %v, the stage still finished without error (%v after the cancel)", i+1, after, end.Sub(cancelled))
		}
		if code := model.ErrorCode(err); code != model.ETimeout {
			t.Fatalf("attempt %d: error code %q, want %q (%v)", i+1, code, model.ETimeout, err)
		}
		best = min(best, end.Sub(cancelled))
		if best < bound {
			break
		}
	}
	t.Logf("uncancelled %v; cancelled after %v: returned %v after the cancel (bound %v)", d.Round(time.Millisecond), after.Round(time.Millisecond), best.Round(time.Microsecond), bound.Round(time.Millisecond))
	if best >= bound {
		t.Errorf("the cancelled stage ran on %v after its cancel, bound %v", best, bound)
	}
}

// Department is a department-sized workbook: every function code of the
// catalog (1,454: 类, 款 and 项) in T02, T03 and T05, the 项 typed with
// random figures, every subtotal and total left for fill.
func Department(t testing.TB) []byte { return DepartmentPart(t, 1) }

// DepartmentPart is Department with every k-th 项 of the catalog only.
func DepartmentPart(t testing.TB, k int) []byte {
	t.Helper()
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

// WithLongNotes is data with a text of n bytes (random letters, so it
// deflates slowly) in a row of its own under the table of every sheet
// with a code-row table: the largest workbook the limits let through, so
// that writing the annotated copy takes long enough to be cancelled.
func WithLongNotes(t *testing.T, data []byte, n int) []byte {
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
