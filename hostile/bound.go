package hostile

import (
	"fmt"
	"runtime"
	"time"
)

// Bounded runs f and crashes the process with a clear message when f runs
// longer than timeout or the heap grows by more than maxHeap while it runs.
//
// Fuzz targets wrap the code under test in it: a parser that loops forever
// allocating would otherwise take the machine's memory before the test
// binary's -timeout fires. A goroutine cannot be stopped from outside, so a
// crash (a panic on the watchdog goroutine) is the only bounded way to
// fail; the fuzzer records the input as a crasher.
func Bounded(what string, timeout time.Duration, maxHeap uint64, f func()) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-deadline.C:
			panic(fmt.Sprintf("hostile.Bounded: %s did not finish within %s", what, timeout))
		case <-tick.C:
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > maxHeap {
				panic(fmt.Sprintf("hostile.Bounded: %s grew the heap by %d MiB (bound %d MiB)", what, (ms.HeapAlloc-base)>>20, maxHeap>>20))
			}
		}
	}
}
