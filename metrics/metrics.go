// Package metrics exposes juesuan's Prometheus metrics in the text
// exposition format (version 0.0.4) without the client library: a handful
// of counters, one gauge and one histogram are all the service needs, and
// writing them by hand keeps the dependency tree small.
//
// Wiring (package api): engine.Use(metrics.Middleware()) records every
// request; engine.GET("/metrics", metrics.Handler()) serves them; calling
// metrics.Observe(c, &report) where the summary headers are set adds the
// findings by severity and rule. Rejections are read from the stable code
// of problem+json responses, so they need no wiring.
package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/model"
)

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// DurationBuckets are the upper bounds (seconds) of the request duration
// histogram: a workbook takes tens to hundreds of milliseconds, the queue
// timeout is seconds, the request timeout a minute.
var DurationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// maxSeries bounds the label combinations of one metric: labels come from
// routes, statuses, rule IDs and error codes, all finite, but a bound makes
// that a guarantee rather than an assumption.
const maxSeries = 2000

// overflow is the label value used once a metric has maxSeries series.
const overflow = "_overflow"

// Registry holds the service's metrics. The zero value is not usable; use
// NewRegistry or Default.
type Registry struct {
	start time.Time

	mu         sync.Mutex
	requests   *counterVec   // method, route, status
	durations  *histogramVec // route
	workbooks  *counterVec   // route, status (pass|warn|fail)
	findings   *counterVec   // severity, rule
	rejections *counterVec   // reason (stable error code)
	inFlight   int64
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		start:      time.Now(),
		requests:   newCounterVec("juesuan_http_requests_total", "HTTP requests by method, route and status.", "method", "route", "status"),
		durations:  newHistogramVec("juesuan_http_request_duration_seconds", "HTTP request durations by route.", DurationBuckets, "route"),
		workbooks:  newCounterVec("juesuan_workbooks_checked_total", "Workbooks checked, by route and report status (pass, warn, fail).", "route", "status"),
		findings:   newCounterVec("juesuan_findings_total", "Findings reported, by severity and rule.", "severity", "rule"),
		rejections: newCounterVec("juesuan_rejections_total", "Requests answered with a problem, by stable error code (too_large, corrupt, unavailable, ...).", "reason"),
	}
}

// Default is the process-wide registry used by Middleware, Handler and
// Observe.
var Default = NewRegistry()

// Middleware records requests on Default.
func Middleware() gin.HandlerFunc { return Default.Middleware() }

// Handler serves Default in the text exposition format.
func Handler() gin.HandlerFunc { return Default.Handler() }

// Observe attaches a report to the request so the middleware counts its
// findings by severity and rule once the response is written.
func Observe(c *gin.Context, r *model.Report) {
	if c == nil || r == nil {
		return
	}
	c.Set(ctxReport, r)
}

// Reject records a rejection reason for the request; the middleware
// otherwise takes it from the code of a problem+json response.
func Reject(c *gin.Context, reason string) {
	if c == nil || reason == "" {
		return
	}
	c.Set(ctxReject, reason)
}

const (
	ctxReport = "juesuan.metrics.report"
	ctxReject = "juesuan.metrics.reject"
)

// problemSniffLimit bounds the bytes of a problem body kept to read its
// code: problems are a few hundred bytes.
const problemSniffLimit = 4096

// sniffWriter keeps the start of problem+json bodies.
type sniffWriter struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *sniffWriter) Write(b []byte) (int, error) {
	w.sniff(b)
	return w.ResponseWriter.Write(b)
}

func (w *sniffWriter) WriteString(s string) (int, error) {
	w.sniff([]byte(s))
	return w.ResponseWriter.WriteString(s)
}

func (w *sniffWriter) sniff(b []byte) {
	if w.buf.Len() >= problemSniffLimit || !isProblem(w.Header().Get("Content-Type")) {
		return
	}
	n := min(len(b), problemSniffLimit-w.buf.Len())
	w.buf.Write(b[:n])
}

func isProblem(ct string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/problem+json")
}

// Middleware records every request on r: count by method, route and status,
// duration by route, workbooks checked (from X-Juesuan-Status), findings of
// an Observe'd report, and rejections by reason.
func (r *Registry) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		sw := &sniffWriter{ResponseWriter: c.Writer}
		c.Writer = sw
		r.mu.Lock()
		r.inFlight++
		r.mu.Unlock()
		defer func() {
			c.Writer = sw.ResponseWriter
			r.mu.Lock()
			r.inFlight--
			r.mu.Unlock()
		}()
		c.Next()

		route := c.FullPath()
		if route == "" {
			route = "(no route)"
		}
		status := c.Writer.Status()
		reason := c.GetString(ctxReject)
		if reason == "" && sw.buf.Len() > 0 {
			var p struct {
				Code string `json:"code"`
			}
			if json.Unmarshal(sw.buf.Bytes(), &p) == nil {
				reason = p.Code
			}
		}
		if reason == "" && status >= 400 && isProblem(c.Writer.Header().Get("Content-Type")) {
			reason = "status_" + strconv.Itoa(status)
		}
		var rep *model.Report
		if v, ok := c.Get(ctxReport); ok {
			rep, _ = v.(*model.Report)
		}
		wbStatus := c.Writer.Header().Get("X-Juesuan-Status")
		if rep != nil && wbStatus == "" {
			wbStatus = string(rep.Status)
		}

		r.mu.Lock()
		defer r.mu.Unlock()
		r.requests.add(1, c.Request.Method, route, strconv.Itoa(status))
		r.durations.observe(time.Since(start).Seconds(), route)
		if wbStatus != "" && status < 400 {
			r.workbooks.add(1, route, wbStatus)
		}
		if rep != nil && status < 400 {
			for i := range rep.Findings {
				f := &rep.Findings[i]
				r.findings.add(1, string(f.Severity), f.Rule)
			}
		}
		if reason != "" {
			r.rejections.add(1, reason)
		}
	}
}

// Handler serves the registry in the text exposition format.
func (r *Registry) Handler() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		var b bytes.Buffer
		if _, err := r.WriteTo(&b); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.Data(http.StatusOK, ContentType, b.Bytes())
	}
}

// WriteTo writes every metric in the text exposition format, metrics and
// series in a stable order.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	r.mu.Lock()
	r.requests.write(&b)
	r.durations.write(&b)
	r.workbooks.write(&b)
	r.findings.write(&b)
	r.rejections.write(&b)
	writeHeader(&b, "juesuan_http_requests_in_flight", "HTTP requests being served.", "gauge")
	fmt.Fprintf(&b, "juesuan_http_requests_in_flight %d\n", r.inFlight)
	r.mu.Unlock()

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	writeHeader(&b, "juesuan_go_heap_inuse_bytes", "Bytes in in-use heap spans.", "gauge")
	fmt.Fprintf(&b, "juesuan_go_heap_inuse_bytes %d\n", ms.HeapInuse)
	writeHeader(&b, "juesuan_go_sys_bytes", "Bytes obtained from the OS by the Go runtime.", "gauge")
	fmt.Fprintf(&b, "juesuan_go_sys_bytes %d\n", ms.Sys)
	writeHeader(&b, "juesuan_go_goroutines", "Goroutines that currently exist.", "gauge")
	fmt.Fprintf(&b, "juesuan_go_goroutines %d\n", runtime.NumGoroutine())
	writeHeader(&b, "juesuan_uptime_seconds", "Seconds since the registry was created.", "gauge")
	fmt.Fprintf(&b, "juesuan_uptime_seconds %s\n", formatFloat(time.Since(r.start).Seconds()))
	return b.WriteTo(w)
}

// Counter returns the current value of a counter series, for tests and
// the load test's figures. name is one of the *_total metric names.
func (r *Registry) Counter(name string, labels ...string) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range []*counterVec{r.requests, r.workbooks, r.findings, r.rejections} {
		if v.name == name {
			return v.values[strings.Join(labels, "\xff")]
		}
	}
	return 0
}

// counterVec is a counter with labels. Callers hold Registry.mu.
type counterVec struct {
	name, help string
	labels     []string
	values     map[string]float64 // joined label values -> count
}

func newCounterVec(name, help string, labels ...string) *counterVec {
	return &counterVec{name: name, help: help, labels: labels, values: map[string]float64{}}
}

func (v *counterVec) add(n float64, lv ...string) {
	k := strings.Join(lv, "\xff")
	if _, ok := v.values[k]; !ok && len(v.values) >= maxSeries {
		k = strings.Repeat(overflow+"\xff", len(lv)-1) + overflow
	}
	v.values[k] += n
}

func (v *counterVec) write(b *bytes.Buffer) {
	writeHeader(b, v.name, v.help, "counter")
	for _, k := range sortedKeys(v.values) {
		fmt.Fprintf(b, "%s%s %s\n", v.name, labelSet(v.labels, strings.Split(k, "\xff"), "", ""), formatFloat(v.values[k]))
	}
}

// histogramVec is a histogram with labels. Callers hold Registry.mu.
type histogramVec struct {
	name, help string
	labels     []string
	bounds     []float64
	series     map[string]*histogram
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; last is +Inf
	sum    float64
	count  uint64
}

func newHistogramVec(name, help string, bounds []float64, labels ...string) *histogramVec {
	return &histogramVec{name: name, help: help, labels: labels, bounds: bounds, series: map[string]*histogram{}}
}

func (v *histogramVec) observe(x float64, lv ...string) {
	k := strings.Join(lv, "\xff")
	h, ok := v.series[k]
	if !ok {
		if len(v.series) >= maxSeries {
			k = strings.Repeat(overflow+"\xff", len(lv)-1) + overflow
			h = v.series[k]
		}
		if h == nil {
			h = &histogram{counts: make([]uint64, len(v.bounds)+1)}
			v.series[k] = h
		}
	}
	i := sort.SearchFloat64s(v.bounds, x) // first bound >= x: le is inclusive
	h.counts[i]++
	h.sum += x
	h.count++
}

func (v *histogramVec) write(b *bytes.Buffer) {
	writeHeader(b, v.name, v.help, "histogram")
	keys := make([]string, 0, len(v.series))
	for k := range v.series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h := v.series[k]
		lv := strings.Split(k, "\xff")
		var cum uint64
		for i, ub := range v.bounds {
			cum += h.counts[i]
			fmt.Fprintf(b, "%s_bucket%s %d\n", v.name, labelSet(v.labels, lv, "le", formatFloat(ub)), cum)
		}
		cum += h.counts[len(v.bounds)]
		fmt.Fprintf(b, "%s_bucket%s %d\n", v.name, labelSet(v.labels, lv, "le", "+Inf"), cum)
		fmt.Fprintf(b, "%s_sum%s %s\n", v.name, labelSet(v.labels, lv, "", ""), formatFloat(h.sum))
		fmt.Fprintf(b, "%s_count%s %d\n", v.name, labelSet(v.labels, lv, "", ""), h.count)
	}
}

func writeHeader(b *bytes.Buffer, name, help, typ string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, escapeHelp(help), name, typ)
}

// labelSet renders {a="x",b="y"} with an optional extra label (le).
func labelSet(names, values []string, extra, extraVal string) string {
	if len(names) == 0 && extra == "" {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		v := ""
		if i < len(values) {
			v = values[i]
		}
		b.WriteString(n)
		b.WriteString(`="`)
		b.WriteString(escapeLabel(v))
		b.WriteByte('"')
	}
	if extra != "" {
		if len(names) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(extra)
		b.WriteString(`="`)
		b.WriteString(escapeLabel(extraVal))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// escapeLabel escapes a label value: backslash, double quote and newline.
func escapeLabel(s string) string {
	if !strings.ContainsAny(s, "\\\"\n") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return r.Replace(s)
}

// escapeHelp escapes HELP text: backslash and newline.
func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
