package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"20MiB": 20 << 20, "20mb": 20 << 20, "512KiB": 512 << 10, "1048576": 1 << 20, " 2 G ": 2 << 30, "300B": 300,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "-1MiB", "0", "1.5MiB", "99999999999TiB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestServeUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--max-upload", "lots"}, {"extra"}, {"--nope"}} {
		var out, errb bytes.Buffer
		if code := run(append([]string{"serve"}, args...), &out, &errb); code != exitInput {
			t.Errorf("serve %v: exit %d, want %d", args, code, exitInput)
		}
	}
}

// syncBuf is a bytes.Buffer safe for the server goroutine and the test.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeGracefulShutdown starts `juesuan serve` on a free port, checks
// the page and readyz, then sends SIGTERM to the process: serve must stop
// accepting, finish, log "stopped" and return exit code 0.
func TestServeGracefulShutdown(t *testing.T) {
	pr, pw := io.Pipe()
	var logs syncBuf
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"serve", "--addr", "127.0.0.1:0", "--max-upload", "1MiB", "--drain", "300ms"}, pw, &logs)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no start line: %v (logs %s)", err, logs.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`http://[^ /]+/`).FindString(line)
	if m == "" {
		t.Fatalf("start line %q has no URL", line)
	}
	resp, err := http.Get(m + "readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(m)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `content="1048576"`) {
		t.Errorf("page does not carry the --max-upload limit")
	}

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// While draining, readyz says 503 so a load balancer stops sending.
	time.Sleep(100 * time.Millisecond)
	if resp, err := http.Get(m + "readyz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d, logs %s", code, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no stopped log line: %s", logs.String())
	}
	if _, err := http.Get(m + "healthz"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}
