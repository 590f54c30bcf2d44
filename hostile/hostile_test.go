package hostile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
)

// caseTimeout bounds one entry point on one file. The measured worst case
// (the 100 MiB bomb with a lying header, read until the zip reader notices)
// is well under a second; the bound leaves room for a loaded CI machine.
const caseTimeout = 20 * time.Second

// caseCPU bounds the CPU time of one entry point on one file (issue 15: no
// upload under the limits may take seconds of CPU). CPU time, not wall
// time, so a loaded machine does not make it flaky.
const caseCPU = 2 * time.Second

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// outcome is what an entry point made of a file.
type outcome struct {
	code     string // error code, "" when read
	err      error
	findings []model.Finding
	fills    []model.Fill
	blank    map[string]bool // "Sheet!A1" -> cell read as blank (reader only)
	panicked any
}

// measured runs f in a goroutine and reports its duration and the peak heap
// growth over the heap before it, sampled every millisecond. A hang fails
// the test after caseTimeout; a panic is returned, never re-raised.
func measured(t *testing.T, f func() outcome) (o outcome, d time.Duration, peak uint64) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var maxHeap atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > maxHeap.Load() {
				maxHeap.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	done := make(chan outcome, 1)
	start := time.Now()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{panicked: p}
			}
		}()
		done <- f()
	}()
	select {
	case o = <-done:
	case <-time.After(caseTimeout):
		close(stop)
		wg.Wait()
		t.Fatalf("no answer within %s: the entry point hangs", caseTimeout)
	}
	d = time.Since(start)
	close(stop)
	wg.Wait()
	if m := maxHeap.Load(); m > base {
		peak = m - base
	}
	return o, d, peak
}

func readerOutcome(data []byte) outcome {
	wb, book, err := reader.Read(bytes.NewReader(data), reader.Options{})
	if book != nil {
		defer book.Close()
	}
	if err != nil {
		return outcome{code: model.ErrorCode(err), err: err}
	}
	o := outcome{findings: wb.Findings, blank: map[string]bool{}}
	for _, t := range wb.Located() {
		for _, c := range t.Cells() {
			if c.Blank {
				o.blank[c.Sheet+"!"+c.Addr] = true
			}
		}
	}
	return o
}

func auditOutcome(data []byte) outcome {
	res, err := audit.Check(context.Background(), bytes.NewReader(data), audit.Options{})
	if err != nil {
		return outcome{code: model.ErrorCode(err), err: err}
	}
	return outcome{findings: res.Report.Findings, fills: res.Report.Fills}
}

// key is a finding's identity for comparisons with Case A.
func key(f model.Finding) string {
	return fmt.Sprintf("%s/%s/%s!%s", f.Rule, f.Severity, f.Sheet, f.Cell)
}

func keys(fs []model.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, key(f))
	}
	sort.Strings(out)
	return out
}

var (
	pristineOnce           sync.Once
	pristineRd, pristineAu outcome
)

func pristine(t *testing.T) (rd, au outcome) {
	t.Helper()
	pristineOnce.Do(func() {
		pristineRd = readerOutcome(Good())
		pristineAu = auditOutcome(Good())
	})
	if pristineRd.err != nil || pristineAu.err != nil {
		t.Fatalf("Case A itself does not read: reader %v, audit %v", pristineRd.err, pristineAu.err)
	}
	return pristineRd, pristineAu
}

// verify checks an outcome against the case's Want. stage is "reader" or
// "audit": the reader reports structural findings only and fills nothing.
func verify(t *testing.T, c Case, stage string, o, base outcome) {
	t.Helper()
	if o.panicked != nil {
		t.Fatalf("%s panicked: %v", stage, o.panicked)
	}
	w := c.Want
	if w.Code != "" {
		if o.err == nil {
			t.Fatalf("%s read the file (%d findings); want error %s", stage, len(o.findings), w.Code)
		}
		if o.code != w.Code {
			t.Fatalf("%s error code %s (%v); want %s", stage, o.code, o.err, w.Code)
		}
		var me *model.Error
		if !errors.As(o.err, &me) || me.Message == "" || !hasHan(me.Message) {
			t.Errorf("%s error has no Chinese message: %v", stage, o.err)
		}
		return
	}
	if o.err != nil {
		t.Fatalf("%s failed with %s (%v); want %s", stage, o.code, o.err, w)
	}
	at := func(f model.Finding) bool { return w.Cell == "" || f.Sheet+"!"+f.Cell == w.Cell }
	// The reader reports the structural S rules only; R and X rules come
	// from check, so the reader stage skips them.
	if w.Rule != "" && (stage == "audit" || strings.HasPrefix(w.Rule, "S")) && !slices.ContainsFunc(o.findings, func(f model.Finding) bool { return f.Rule == w.Rule && at(f) }) {
		t.Errorf("%s: no finding %s at %q; findings %v", stage, w.Rule, w.Cell, keys(o.findings))
	}
	for _, r := range w.Absent {
		if slices.ContainsFunc(o.findings, func(f model.Finding) bool { return f.Rule == r && at(f) }) {
			t.Errorf("%s: unexpected finding %s at %q", stage, r, w.Cell)
		}
	}
	if w.Same {
		if got, want := keys(o.findings), keys(base.findings); !slices.Equal(got, want) {
			t.Errorf("%s findings differ from Case A:\n got  %v\n want %v", stage, got, want)
		}
	}
	if w.NoErrors {
		for _, f := range o.findings {
			if f.Severity == model.SevError {
				t.Errorf("%s: error finding %s: %s", stage, key(f), f.Message)
			}
		}
	}
	for _, cell := range slices.Sorted(maps.Keys(w.Fills)) {
		switch stage {
		case "reader":
			if !o.blank[cell] {
				t.Errorf("reader: %s not read as blank", cell)
			}
		case "audit":
			i := slices.IndexFunc(o.fills, func(f model.Fill) bool { return f.Sheet+"!"+f.Cell == cell })
			if i < 0 {
				t.Errorf("audit: %s not filled", cell)
				continue
			}
			got, err1 := decimal.NewFromString(o.fills[i].Value)
			want, err2 := decimal.NewFromString(w.Fills[cell])
			if err1 != nil || err2 != nil || got.Sub(want).Abs().GreaterThan(decimal.RequireFromString("0.05")) {
				t.Errorf("audit: %s filled with %s, Case A typed %s", cell, o.fills[i].Value, w.Fills[cell])
			}
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

// TestCorpus asserts every case's outcome through reader.Read and
// audit.Check, each within caseTimeout and the case's heap bound, and logs
// the corpus table (go test -v).
func TestCorpus(t *testing.T) {
	rdBase, auBase := pristine(t)
	for _, c := range Corpus() {
		t.Run(c.Name, func(t *testing.T) {
			data := c.Bytes()
			bound := uint64(MaxHeap)
			for _, st := range []struct {
				name string
				f    func([]byte) outcome
				base outcome
			}{{"reader", readerOutcome, rdBase}, {"audit", auditOutcome, auBase}} {
				cpu0 := cpuTime()
				o, d, peak := measured(t, func() outcome { return st.f(data) })
				if cpu := cpuTime() - cpu0; cpu > caseCPU {
					t.Errorf("%s: %.2f s of CPU, bound %.0f s", st.name, cpu.Seconds(), caseCPU.Seconds())
				}
				got := o.code
				if got == "" {
					got = fmt.Sprintf("read: %d findings, %d fills", len(o.findings), len(o.fills))
				}
				t.Logf("%-28s %-6s %8d B  want %-32s got %-34s %7.1f ms  heap +%5.1f MiB",
					c.Name, st.name, len(data), c.Want, got, float64(d.Microseconds())/1000, float64(peak)/(1<<20))
				verify(t, c, st.name, o, st.base)
				if peak > bound {
					t.Errorf("%s: heap grew by %.1f MiB, bound %.1f MiB", st.name, float64(peak)/(1<<20), float64(bound)/(1<<20))
				}
			}
		})
	}
}

// TestCorpusWellFormed keeps the generator honest: names are unique, every
// case has a defined outcome and a description, the zip cases are what
// they claim (the bombs are small files), and the value cases change only
// the cell they name.
func TestCorpusWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Corpus() {
		if seen[c.Name] {
			t.Errorf("duplicate case %s", c.Name)
		}
		seen[c.Name] = true
		if c.Doc == "" {
			t.Errorf("%s: no Doc", c.Name)
		}
		w := c.Want
		if w.Code == "" && w.Rule == "" && !w.Same && !w.NoErrors && len(w.Fills) == 0 && len(w.Absent) == 0 {
			t.Errorf("%s: no defined outcome", c.Name)
		}
		if w.Code != "" && (w.Rule != "" || w.Same || w.NoErrors || len(w.Fills) > 0 || len(w.Absent) > 0) {
			t.Errorf("%s: both an error and a finding outcome", c.Name)
		}
	}
	for _, name := range []string{"zip_bomb", "zip_bomb_lying_header", "huge_declared_entry", "merge_storm", "cells_beyond_limit"} {
		c := byName(t, name)
		if n := len(c.Bytes()); n > 1<<20 {
			t.Errorf("%s is %d bytes; a bomb must be a small file", name, n)
		}
	}
	if !bytes.Equal(byName(t, "xls_ole2").Bytes()[:8], []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		t.Error("xls_ole2 lacks the OLE2 magic")
	}
	// A value case differs from Case A in exactly one sheet part.
	good, err := unzip(Good())
	if err != nil {
		t.Fatal(err)
	}
	nan, err := unzip(byName(t, "amount_nan_text").Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for i, p := range good.parts {
		if !bytes.Equal(p.data, nan.parts[i].data) {
			changed = append(changed, p.name)
		}
	}
	if len(changed) != 1 || !strings.HasPrefix(changed[0], "xl/worksheets/") {
		t.Errorf("amount_nan_text changed parts %v, want one worksheet", changed)
	}
}

func byName(t *testing.T, name string) Case {
	t.Helper()
	for _, c := range Corpus() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no case %s", name)
	return Case{}
}
