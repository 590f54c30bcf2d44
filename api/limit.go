package api

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// limiter bounds the service's two scarce resources separately:
//
//   - work slots: workbooks processed at once (MaxConcurrent). A request
//     waits for a slot at most timeout; when more than maxQueue requests
//     already wait it is turned away at once. A request asks for a slot
//     only after its whole body has arrived, so a client that sends its
//     body slowly never holds one.
//   - memory: bytes of uploads (and, for bulk requests, of nested archives
//     inflated) held in memory. A request reserves its declared size before
//     a byte of its body is read and more as a bulk walk discovers it needs
//     more; the sum of reservations stays within budget.
type limiter struct {
	slots    chan struct{}
	waiting  atomic.Int64
	maxQueue int64
	timeout  time.Duration

	mu     sync.Mutex
	held   int64 // bytes reserved
	budget int64
}

var (
	errQueueFull    = errors.New("queue full")
	errQueueTimeout = errors.New("queue timeout")
	// errMemoryFull: the memory budget cannot hold the request right now.
	errMemoryFull = errors.New("memory budget full")
	// errMemoryTooBig: the request alone needs more than the whole budget.
	errMemoryTooBig = errors.New("beyond memory budget")
)

func newLimiter(n, maxQueue int, timeout time.Duration, budget int64) *limiter {
	return &limiter{slots: make(chan struct{}, n), maxQueue: int64(maxQueue), timeout: timeout, budget: budget}
}

// reservation is one request's share of the memory budget.
type reservation struct {
	l    *limiter
	mu   sync.Mutex
	n    int64
	done bool
}

// reserve takes n bytes of the memory budget at once or fails: the caller
// answers without reading the body.
func (l *limiter) reserve(n int64) (*reservation, error) {
	r := &reservation{l: l}
	if err := r.grow(n); err != nil {
		return nil, err
	}
	return r, nil
}

// grow adds n bytes to the reservation.
func (r *reservation) grow(n int64) error {
	if n <= 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return errMemoryFull
	}
	l := r.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.n+n > l.budget {
		return errMemoryTooBig
	}
	if l.held+n > l.budget {
		return errMemoryFull
	}
	l.held += n
	r.n += n
	return nil
}

// size is the bytes reserved.
func (r *reservation) size() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// release gives the reservation back; later calls do nothing.
func (r *reservation) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return
	}
	r.done = true
	r.l.mu.Lock()
	r.l.held -= r.n
	r.l.mu.Unlock()
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
