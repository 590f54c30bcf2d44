package model

import (
	"context"
	"errors"
)

// CheckEvery is how many loop iterations pass between two looks at a
// context in Stop.Tick: often enough that a cancelled stage ends within
// a millisecond or so, rarely enough that the look costs nothing.
const CheckEvery = 1024

// Stop is the cooperative cancellation check of the hot loops (cells,
// rows, comments, findings, zip entries): Tick is a counter increment on
// all but every CheckEvery-th call. Once the context is done Tick stays
// true and Err is the coded ETimeout error the stage returns instead of a
// partial result. A nil *Stop never stops (callers without a context).
// A Stop is not safe for concurrent use: one per goroutine.
type Stop struct {
	ctx   context.Context
	stage string
	n     uint32
	err   error
}

// NewStop watches ctx for the stage named (Chinese, for the message);
// nil when ctx can never be done.
func NewStop(ctx context.Context, stage string) *Stop {
	if ctx == nil || ctx.Done() == nil {
		return nil
	}
	return &Stop{ctx: ctx, stage: stage}
}

// Tick counts one iteration and reports whether the work must end.
func (s *Stop) Tick() bool {
	if s == nil {
		return false
	}
	if s.err != nil {
		return true
	}
	s.n++
	if s.n%CheckEvery != 0 {
		return false
	}
	return s.Now()
}

// Now looks at the context at once (between expensive steps, such as
// zip entries or sheets) and reports whether the work must end.
func (s *Stop) Now() bool {
	if s == nil {
		return false
	}
	if s.err == nil {
		if err := s.ctx.Err(); err != nil {
			s.err = Canceled(err, s.stage)
		}
	}
	return s.err != nil
}

// Err is the coded error once stopped, else nil.
func (s *Stop) Err() error {
	if s == nil || s.err == nil {
		return nil
	}
	return s.err
}

// Context is the context watched (context.Background for a nil Stop).
func (s *Stop) Context() context.Context {
	if s == nil {
		return context.Background()
	}
	return s.ctx
}

// Canceled is the coded error of work ended by its context (cause is
// ctx.Err()): ETimeout, whose message tells a deadline from a cancel. The
// cause stays in the chain, so errors.Is(err, context.Canceled) still
// tells a client that went away.
func Canceled(cause error, stage string) *Error {
	if errors.Is(cause, context.DeadlineExceeded) {
		return Errorf(ETimeout, cause, msgDeadline, stage)
	}
	return Errorf(ETimeout, cause, msgCanceled, stage)
}
