// Package canceltest proves the cooperative cancellation of a stage
// (issue 15): started on a large input and cancelled part way, the stage
// must return the coded timeout error soon after the cancel, not finish
// its work first. Only tests import it.
package canceltest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/juesuan/juesuan/model"
)

// Bound is the most a cancelled stage may run on after its cancel.
const Bound = 100 * time.Millisecond

// MinWork is the least an uncancelled run must take: on a shorter one a
// stage that ignores its context would look prompt too.
const MinWork = 40 * time.Millisecond

// attempts: the best of a few cancelled runs is taken, so a scheduler
// stall on a loaded machine does not fail the test; a stage that ignores
// its context is late on every one.
const attempts = 3

// Prove runs the stage once uncancelled (duration D, at least MinWork),
// then cancelled after D/5; each cancelled run must fail with
// model.ETimeout, and the quickest must return within min(Bound, D/2) of
// its cancel. setup prepares a fresh input (untimed) and returns the
// stage. The figures are logged.
func Prove(t *testing.T, setup func(t *testing.T) func(ctx context.Context) error) {
	t.Helper()
	run := setup(t)
	t0 := time.Now()
	if err := run(context.Background()); err != nil {
		t.Fatalf("uncancelled run failed: %v", err)
	}
	d := time.Since(t0)
	if d < MinWork {
		t.Fatalf("the input takes %v, under %v: too small to prove cancellation", d, MinWork)
	}
	after := d / 5
	bound := min(Bound, d/2)
	best := time.Duration(1<<63 - 1)
	for i := 0; i < attempts; i++ {
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
			t.Fatalf("attempt %d ended (%v) before its cancel at %v", i+1, err, after)
		}
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
