package api

// body.go bounds how long a request body may take to arrive. Bodies are read
// in full before a request asks for a work slot, so a client that trickles
// its upload costs a connection and the bytes it declared, never a slot;
// the guard cuts it with 408 once it falls below the minimum rate.

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
)

// errSlowBody: the client sent its body slower than the minimum rate.
var errSlowBody = errors.New("request body too slow")

// bodyTimeoutError: the body was not complete within its time limit.
type bodyTimeoutError struct{ max time.Duration }

func (e *bodyTimeoutError) Error() string {
	return fmt.Sprintf("request body not complete within %s", e.max)
}
func (e *bodyTimeoutError) Is(target error) bool { return target == errSlowBody }

// slowBody reads a body that must keep an average rate of at least rate
// bytes per second after grace, and finish within max. Through the
// connection's read deadline (http.ResponseController) a client that stops
// sending is cut even while a Read blocks; where the writer cannot set
// deadlines (tests with a recorder) the rate is checked between reads.
type slowBody struct {
	r      io.ReadCloser
	rc     *http.ResponseController
	start  time.Time
	grace  time.Duration
	rate   int64
	max    time.Duration
	n      int64
	setDL  time.Time
	noDL   bool
	failed bool
	eof    bool
}

func newSlowBody(rc *http.ResponseController, r io.ReadCloser, grace time.Duration, rate int64, max time.Duration) *slowBody {
	return &slowBody{r: r, rc: rc, start: time.Now(), grace: grace, rate: rate, max: max}
}

// deadline is when the bytes read so far stop being enough.
func (b *slowBody) deadline() time.Time {
	d := b.grace + time.Duration(float64(b.n)/float64(b.rate)*float64(time.Second))
	if d > b.max {
		d = b.max
	}
	return b.start.Add(d)
}

// fail records the failure: a timeout once the whole time is used up, a
// slow body before.
func (b *slowBody) fail() error {
	b.failed = true
	if time.Since(b.start) >= b.max {
		return &bodyTimeoutError{b.max}
	}
	return errSlowBody
}

func (b *slowBody) Read(p []byte) (int, error) {
	if b.failed {
		return 0, b.fail()
	}
	dl := b.deadline()
	if time.Now().After(dl) {
		return 0, b.fail()
	}
	// Moving the deadline costs a timer reset: do it in steps.
	if !b.noDL && (b.setDL.IsZero() || dl.Sub(b.setDL) > 100*time.Millisecond) {
		if err := b.rc.SetReadDeadline(dl); err != nil {
			b.noDL = true
		} else {
			b.setDL = dl
		}
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err == io.EOF {
		b.eof = true
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		return n, b.fail()
	}
	return n, err
}

func (b *slowBody) Close() error { return b.r.Close() }

// done ends the body phase. A body read to its end has no deadline left
// (net/http lifts it when it starts watching for the client to go away; a
// deadline left on the connection would cancel the request while it is
// processed). A body nearly read (a multipart epilogue) is drained, still
// under the guard; one not read at all keeps its deadline, so that the
// server, which drains a small unread body before it answers, is not held
// by a client that never sends it.
func (b *slowBody) done() {
	if b.failed || b.eof {
		return
	}
	if _, err := io.CopyN(io.Discard, b, 4<<10); err == io.EOF && !b.noDL {
		_ = b.rc.SetReadDeadline(time.Time{})
	}
}

const ctxBody = "juesuan.body"

// guardBody is the first handler of every upload route: before admission
// (and before any early refusal) it bounds the body to the route's limit
// (413), the minimum rate and max (408), and arms the connection's read
// deadline at once, so a client that never sends its body is cut even when
// the handler answers without reading it (net/http then drains the rest
// of a small body before replying).
func (s *server) guardBody(max time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
		lim := s.limitFor(c.FullPath(), mt)
		b := newSlowBody(conn(c), http.MaxBytesReader(c.Writer, c.Request.Body, lim), s.cfg.BodyGrace, s.cfg.MinBodyRate, max)
		b.arm()
		c.Request.Body = b
		c.Set(ctxBody, b)
		c.Next()
	}
}

// arm sets the first read deadline.
func (b *slowBody) arm() {
	dl := b.deadline()
	if err := b.rc.SetReadDeadline(dl); err != nil {
		b.noDL = true
	} else {
		b.setDL = dl
	}
}

// bodyDone lifts the body deadline of c's request once its body has been
// read (see slowBody.done).
func bodyDone(c *gin.Context) {
	if b, ok := c.Get(ctxBody); ok {
		b.(*slowBody).done()
	}
}
