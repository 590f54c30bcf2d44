package metrics

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/model"
)

func init() { gin.SetMode(gin.TestMode) }

// engine is a small stand-in for package api: the routes answer the way
// api does (summary header, problem+json with a code, a report observed).
func engine(reg *Registry) *gin.Engine {
	e := gin.New()
	e.Use(reg.Middleware())
	e.GET("/metrics", reg.Handler())
	e.POST("/api/v1/check", func(c *gin.Context) {
		rep := &model.Report{Status: "fail", Findings: []model.Finding{
			{Rule: "R01.1", Severity: model.SevError},
			{Rule: "R01.1", Severity: model.SevError},
			{Rule: `S"odd\rule`, Severity: model.SevWarning},
		}}
		Observe(c, rep)
		c.Header("X-Juesuan-Status", string(rep.Status))
		c.JSON(http.StatusOK, rep)
	})
	e.POST("/api/v1/fill", func(c *gin.Context) {
		c.Header("Content-Type", "application/problem+json; charset=utf-8")
		c.String(http.StatusRequestEntityTooLarge, `{"type":"urn:juesuan:problem:too_large","status":413,"code":"too_large"}`)
	})
	e.GET("/busy", func(c *gin.Context) {
		Reject(c, "unavailable")
		c.Header("Retry-After", "5")
		c.Status(http.StatusServiceUnavailable)
	})
	e.GET("/slow", func(c *gin.Context) {
		time.Sleep(30 * time.Millisecond)
		c.Status(http.StatusNoContent)
	})
	return e
}

func do(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w
}

func TestMiddlewareCounts(t *testing.T) {
	reg := NewRegistry()
	e := engine(reg)
	for range 3 {
		do(t, e, http.MethodPost, "/api/v1/check")
	}
	do(t, e, http.MethodPost, "/api/v1/fill")
	do(t, e, http.MethodGet, "/busy")
	do(t, e, http.MethodGet, "/slow")
	do(t, e, http.MethodGet, "/nowhere")

	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"juesuan_http_requests_total", []string{"POST", "/api/v1/check", "200"}, 3},
		{"juesuan_http_requests_total", []string{"POST", "/api/v1/fill", "413"}, 1},
		{"juesuan_http_requests_total", []string{"GET", "/busy", "503"}, 1},
		{"juesuan_http_requests_total", []string{"GET", "(no route)", "404"}, 1},
		{"juesuan_workbooks_checked_total", []string{"/api/v1/check", "fail"}, 3},
		{"juesuan_findings_total", []string{"error", "R01.1"}, 6},
		{"juesuan_findings_total", []string{"warning", `S"odd\rule`}, 3},
		{"juesuan_rejections_total", []string{"too_large"}, 1},
		{"juesuan_rejections_total", []string{"unavailable"}, 1},
		{"juesuan_rejections_total", []string{"status_404"}, 0}, // gin's plain 404 is no problem body
	}
	for _, tc := range tests {
		if got := reg.Counter(tc.name, tc.labels...); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
}

// sample is one parsed exposition line.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

var sampleRe = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$`)
var labelRe = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)

// parseExposition is a strict reader of the subset of the text format we
// write: every line is a HELP/TYPE comment or a well-formed sample, and
// every sample's family was declared by a TYPE line before it.
func parseExposition(t *testing.T, body string) []sample {
	t.Helper()
	var out []sample
	typed := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			f := strings.Fields(rest)
			if len(f) != 2 {
				t.Fatalf("bad TYPE line %q", line)
			}
			typed[f[0]] = f[1]
			continue
		}
		m := sampleRe.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("malformed sample line %q", line)
		}
		v, err := strconv.ParseFloat(strings.Replace(m[3], "+Inf", "Inf", 1), 64)
		if err != nil {
			t.Fatalf("bad value in %q: %v", line, err)
		}
		fam := m[1]
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(fam, suf); ok && typed[base] == "histogram" {
				fam = base
			}
		}
		if typed[fam] == "" {
			t.Fatalf("sample %q before its TYPE line", line)
		}
		s := sample{name: m[1], labels: map[string]string{}, value: v}
		if m[2] != "" {
			inner := m[2][1 : len(m[2])-1]
			rest := labelRe.ReplaceAllString(inner, "")
			if strings.Trim(rest, ",") != "" {
				t.Fatalf("malformed labels in %q", line)
			}
			for _, lm := range labelRe.FindAllStringSubmatch(inner, -1) {
				s.labels[lm[1]] = strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n").Replace(lm[2])
			}
		}
		out = append(out, s)
	}
	return out
}

func TestHandlerExposition(t *testing.T) {
	reg := NewRegistry()
	e := engine(reg)
	do(t, e, http.MethodPost, "/api/v1/check")
	do(t, e, http.MethodGet, "/slow")
	do(t, e, http.MethodGet, "/slow")
	w := do(t, e, http.MethodGet, "/metrics")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != ContentType {
		t.Errorf("Content-Type = %q, want %q", ct, ContentType)
	}
	samples := parseExposition(t, w.Body.String())
	find := func(name string, labels map[string]string) (float64, bool) {
		for _, s := range samples {
			if s.name != name {
				continue
			}
			match := true
			for k, v := range labels {
				if s.labels[k] != v {
					match = false
				}
			}
			if match {
				return s.value, true
			}
		}
		return 0, false
	}
	// The escaped rule label survives a round trip.
	if v, ok := find("juesuan_findings_total", map[string]string{"severity": "warning", "rule": `S"odd\rule`}); !ok || v != 1 {
		t.Errorf("findings with escaped rule = %v, %v", v, ok)
	}
	// Histogram: buckets are cumulative and end with +Inf == count; the
	// 30 ms requests land above the 0.025 bucket.
	var prev float64 = -1
	for _, ub := range DurationBuckets {
		v, ok := find("juesuan_http_request_duration_seconds_bucket", map[string]string{"route": "/slow", "le": formatFloat(ub)})
		if !ok {
			t.Fatalf("missing bucket le=%v", ub)
		}
		if v < prev {
			t.Errorf("bucket le=%v = %v below previous %v", ub, v, prev)
		}
		prev = v
		if ub == 0.025 && v != 0 {
			t.Errorf("bucket le=0.025 = %v, want 0 for 30 ms requests", v)
		}
	}
	inf, _ := find("juesuan_http_request_duration_seconds_bucket", map[string]string{"route": "/slow", "le": "+Inf"})
	cnt, _ := find("juesuan_http_request_duration_seconds_count", map[string]string{"route": "/slow"})
	sum, _ := find("juesuan_http_request_duration_seconds_sum", map[string]string{"route": "/slow"})
	if inf != 2 || cnt != 2 {
		t.Errorf("+Inf bucket %v, count %v; want 2, 2", inf, cnt)
	}
	if sum < 0.06 {
		t.Errorf("sum %v, want >= 0.06 s", sum)
	}
	// The metrics request itself is in flight while it is written.
	if v, ok := find("juesuan_http_requests_in_flight", nil); !ok || v != 1 {
		t.Errorf("in flight = %v, %v; want 1", v, ok)
	}
	if _, ok := find("juesuan_go_goroutines", nil); !ok {
		t.Error("missing juesuan_go_goroutines")
	}
}

func TestSeriesBound(t *testing.T) {
	reg := NewRegistry()
	reg.mu.Lock()
	for i := range maxSeries + 50 {
		reg.findings.add(1, "error", "R"+strconv.Itoa(i))
	}
	n := len(reg.findings.values)
	reg.mu.Unlock()
	if n != maxSeries+1 {
		t.Errorf("series = %d, want %d (bound plus overflow)", n, maxSeries+1)
	}
	if got := reg.Counter("juesuan_findings_total", overflow, overflow); got != 50 {
		t.Errorf("overflow series = %v, want 50", got)
	}
}

func TestConcurrentRequests(t *testing.T) {
	reg := NewRegistry()
	e := engine(reg)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 25 {
				w := httptest.NewRecorder()
				e.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/api/v1/check", nil))
				w = httptest.NewRecorder()
				e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
			}
		})
	}
	wg.Wait()
	if got := reg.Counter("juesuan_http_requests_total", "POST", "/api/v1/check", "200"); got != 400 {
		t.Errorf("check requests = %v, want 400", got)
	}
	if got := reg.Counter("juesuan_findings_total", "error", "R01.1"); got != 800 {
		t.Errorf("R01.1 findings = %v, want 800", got)
	}
}
