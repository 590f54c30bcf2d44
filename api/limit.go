package api

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// limiter bounds the workbooks processed at once. A request waits for a slot
// at most timeout; when more than maxQueue requests already wait it is
// turned away at once. Memory per request is bounded by MaxUpload, so the
// two numbers bound the service's memory.
type limiter struct {
	slots    chan struct{}
	waiting  atomic.Int64
	maxQueue int64
	timeout  time.Duration
	// admitted counts requests holding an upload in memory (reading,
	// queued or running); admit caps it at slots+maxQueue before any body
	// is read, so memory stays bounded by that many uploads.
	admitted atomic.Int64
}

// admit reserves room for one upload in memory; false means the service is
// full and the request should be refused without reading its body.
func (l *limiter) admit() (release func(), ok bool) {
	if l.admitted.Add(1) > int64(cap(l.slots))+l.maxQueue {
		l.admitted.Add(-1)
		return nil, false
	}
	return func() { l.admitted.Add(-1) }, true
}

var (
	errQueueFull    = errors.New("queue full")
	errQueueTimeout = errors.New("queue timeout")
)

func newLimiter(n, maxQueue int, timeout time.Duration) *limiter {
	return &limiter{slots: make(chan struct{}, n), maxQueue: int64(maxQueue), timeout: timeout}
}

// acquire takes a slot; the caller must call the returned release once.
func (l *limiter) acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		return l.release, nil
	default:
	}
	if l.waiting.Add(1) > l.maxQueue {
		l.waiting.Add(-1)
		return nil, errQueueFull
	}
	defer l.waiting.Add(-1)
	t := time.NewTimer(l.timeout)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return l.release, nil
	case <-t.C:
		return nil, errQueueTimeout
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *limiter) release() { <-l.slots }
