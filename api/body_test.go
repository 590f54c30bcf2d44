package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowUpload sends the headers of a raw-body upload of n bytes to addr and
// then one byte every gap, until the server answers or closes; it returns
// the status (0 when the connection closed without an answer) and when the
// answer came.
func slowUpload(t *testing.T, addr, path, ctype string, n int, gap time.Duration, stop <-chan struct{}) (int, string, time.Duration) {
	start := time.Now()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Errorf("dial: %v", err)
		return 0, "", 0
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", path, addr, ctype, n)
	answered := make(chan struct{})
	var status int
	var code string
	go func() {
		defer close(answered)
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return
		}
		status = resp.StatusCode
		var p Problem
		_ = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		code = p.Code
		if status == http.StatusRequestTimeout {
			// The server closes the connection after a 408.
			_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			// EOF, or a reset when the client's unsent bytes are refused.
			var ne net.Error
			if _, err := br.ReadByte(); err == nil || errors.As(err, &ne) && ne.Timeout() {
				code += " (connection left open)"
			}
		}
	}()
	tick := time.NewTicker(gap)
	defer tick.Stop()
	for sent := 0; sent < n; {
		select {
		case <-answered:
			return status, code, time.Since(start)
		case <-stop:
			return 0, "", time.Since(start)
		case <-tick.C:
			if _, err := conn.Write([]byte{'P'}); err != nil {
				<-answered
				return status, code, time.Since(start)
			}
			sent++
		}
	}
	<-answered
	return status, code, time.Since(start)
}

// TestSlowBodiesHoldNoSlot: ten clients trickling their bodies (one byte
// every 50 ms) must not keep good uploads out. Bodies are read before a
// work slot is taken and must keep a minimum rate: the slow ones get 408
// slow_body within grace + 3 s and their connections are closed, while
// every good upload sent meanwhile is served.
func TestSlowBodiesHoldNoSlot(t *testing.T) {
	fx := fixtures(t)
	const slow = 10
	grace := 700 * time.Millisecond
	h := New(Config{MaxConcurrent: 2, MaxQueue: 8, QueueTimeout: 5 * time.Second, BodyGrace: grace,
		MinBodyRate: 16 << 10, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(h)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	stop := make(chan struct{})
	defer close(stop)

	var wg sync.WaitGroup
	type slowResult struct {
		status int
		code   string
		took   time.Duration
	}
	results := make(chan slowResult, slow)
	for i := 0; i < slow; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, code, d := slowUpload(t, addr, "/api/v1/check", XLSXType, len(fx.sample), 50*time.Millisecond, stop)
			results <- slowResult{st, code, d}
		}()
	}
	time.Sleep(200 * time.Millisecond) // the slow clients are in
	good := 0
	for i := 0; i < 6; i++ {
		resp, err := http.Post(srv.URL+"/api/v1/check", XLSXType, bytes.NewReader(fx.sample))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("good upload %d while %d bodies trickle: %d %.200s", i, slow, resp.StatusCode, body)
			continue
		}
		good++
	}
	wg.Wait()
	close(results)
	for r := range results {
		if r.status != http.StatusRequestTimeout || r.code != CodeSlowBody {
			t.Errorf("slow body: status %d code %q after %v, want 408 %s", r.status, r.code, r.took, CodeSlowBody)
		}
		if bound := grace + 3*time.Second; r.took > bound { // room for a loaded machine's late timers
			t.Errorf("slow body answered after %v, bound %v", r.took, bound)
		}
	}
	if good != 6 {
		t.Errorf("%d of 6 good uploads served", good)
	}
}

// TestBodyTimeoutStalled: a client that declares a body and sends nothing
// is cut at BodyGrace even while the server's Read blocks (the connection's
// read deadline), not left open; so is one whose request is refused before
// its body is read (net/http drains a small body before it answers).
func TestBodyTimeoutStalled(t *testing.T) {
	h := New(Config{BodyGrace: 300 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(h)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	stop := make(chan struct{})
	defer close(stop)
	for path, ctype := range map[string]string{"/api/v1/fill": XLSXType, "/api/v1/batch": ZipType} {
		st, code, d := slowUpload(t, addr, path, ctype, 1000, time.Hour, stop)
		if st != http.StatusRequestTimeout || code != CodeSlowBody || d > 2*time.Second {
			t.Errorf("%s stalled body: %d %q after %v, want 408 %s within 2s", path, st, code, d, CodeSlowBody)
		}
	}
	st, code, d := slowUpload(t, addr, "/api/v1/batch", "text/csv", 1000, time.Hour, stop)
	if st != http.StatusUnsupportedMediaType || d > 2*time.Second {
		t.Errorf("refused stalled body: %d %q after %v, want 415 within 2s", st, code, d)
	}
}
