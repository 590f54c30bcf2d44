package loadtest

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/api"
	"github.com/juesuan/juesuan/hostile"
	"github.com/juesuan/juesuan/metrics"
)

// TestMetricsWired checks issue 7 item 6 end to end: the service built by
// api.New serves /metrics, and one good and one broken upload show up as
// requests by route and status, a workbook checked, findings by severity
// and rule, and a rejection by reason.
func TestMetricsWired(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	h := api.New(api.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	post := func(body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/fill?format=json", bytes.NewReader(body))
		req.Header.Set("Content-Type", api.XLSXType)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	reg := metrics.Default
	before := map[string]float64{
		"fill200": reg.Counter("juesuan_http_requests_total", "POST", "/api/v1/fill", "200"),
		"fill400": reg.Counter("juesuan_http_requests_total", "POST", "/api/v1/fill", "400"),
		"checked": reg.Counter("juesuan_workbooks_checked_total", "/api/v1/fill", "warn"),
		"R05.3":   reg.Counter("juesuan_findings_total", "warning", "R05.3"),
		"corrupt": reg.Counter("juesuan_rejections_total", "corrupt"),
	}
	if w := post(hostile.Good()); w.Code != http.StatusOK {
		t.Fatalf("good upload: %d %s", w.Code, w.Body)
	}
	if w := post(corpusBytes(t, "truncated_zip")); w.Code != http.StatusBadRequest {
		t.Fatalf("broken upload: %d %s", w.Code, w.Body)
	}

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d: api.New does not serve metrics.Handler()", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != metrics.ContentType {
		t.Errorf("GET /metrics Content-Type %q", ct)
	}
	body := w.Body.String()
	for _, name := range []string{"juesuan_http_requests_total", "juesuan_http_request_duration_seconds_bucket",
		"juesuan_workbooks_checked_total", "juesuan_findings_total", "juesuan_rejections_total"} {
		if !strings.Contains(body, "\n"+name+"{") {
			t.Errorf("/metrics has no %s series", name)
		}
	}
	after := map[string]float64{
		"fill200": reg.Counter("juesuan_http_requests_total", "POST", "/api/v1/fill", "200"),
		"fill400": reg.Counter("juesuan_http_requests_total", "POST", "/api/v1/fill", "400"),
		"checked": reg.Counter("juesuan_workbooks_checked_total", "/api/v1/fill", "warn"),
		"R05.3":   reg.Counter("juesuan_findings_total", "warning", "R05.3"),
		"corrupt": reg.Counter("juesuan_rejections_total", "corrupt"),
	}
	for k, v := range after {
		if v-before[k] != 1 {
			t.Errorf("%s counter moved by %v, want 1 (is metrics.Middleware() in api.New's chain and metrics.Observe called with the report?)", k, v-before[k])
		}
	}
}
