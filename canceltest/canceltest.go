// Package canceltest proves the cooperative cancellation of a stage
// (issue 15): started on a large input and cancelled part way, the stage
// must return the coded timeout error soon after the cancel, not finish
// its work first. Only tests import it.
package canceltest

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"math/rand"
	"sync/atomic"
	"testing"
	"time"

	"github.com/juesuan/juesuan/model"
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

var longNoteSheets = map[string]bool{"xl/worksheets/sheet2.xml": true, "xl/worksheets/sheet3.xml": true, "xl/worksheets/sheet5.xml": true}

// WithLongNotes is data with a text of n bytes (random letters, so it
// deflates slowly) in a row of its own under the table of T02, T03 and T05
// (each with over 1,000 code rows): the largest workbook the limits let through, so
// that writing the annotated copy takes long enough to be cancelled.
func WithLongNotes(t testing.TB, data []byte, n int) []byte {
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
		// T02, T03 and T05 (templates writes the nine in order as
		// sheet1..9; the zip lists them backwards): T07's too would take
		// the upload past the limits, and its note is matched against the
		// empty-table pattern, which no context can stop.
		if longNoteSheets[zf.Name] && bytes.Count(part, []byte("<row ")) > 1000 {
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
		t.Fatalf("%d sheets with over 1,000 code rows, want 3 (T02, T03, T05)", edited)
	}
	return buf.Bytes()
}
