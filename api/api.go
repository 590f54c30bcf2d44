// Package api is juesuan's HTTP service: a stateless gin engine that checks
// and fills uploaded nine-table workbooks (POST /api/v1/check, /api/v1/fill),
// serves the rules, a blank template and the sample workbook, the embedded
// Chinese web page at / and its OpenAPI document. Errors are RFC 9457
// application/problem+json with a stable code and a Chinese detail.
//
// Nothing is written to disk: uploads are read into memory (bounded by
// Config.MaxUpload and Config.MemoryBudget, each body read in full, at a
// minimum rate, before its request asks for one of the MaxConcurrent work
// slots) and results are streamed back.
package api

import (
	"bytes"
	"context"
	"fmt"
	"github.com/juesuan/juesuan/metrics"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/templates"
)

// XLSXType is the media type of .xlsx workbooks; XLSMType of macro-enabled
// .xlsm workbooks.
const (
	XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	XLSMType = "application/vnd.ms-excel.sheet.macroEnabled.12"
)

// Summary headers of POST /api/v1/fill, read by the macros.
const (
	HeaderStatus    = "X-Juesuan-Status"
	HeaderErrors    = "X-Juesuan-Errors"
	HeaderWarnings  = "X-Juesuan-Warnings"
	HeaderFilled    = "X-Juesuan-Filled"
	HeaderRequestID = "X-Request-ID"
)

// Config configures the service. Zero values take the defaults noted.
type Config struct {
	// MaxUpload bounds one uploaded workbook (default 20 MiB). A multipart
	// request may carry the workbook, a prior-year workbook and a narrative
	// (决算公开说明), each within MaxUpload.
	MaxUpload int64
	// MaxConcurrent bounds workbooks processed at once (default GOMAXPROCS).
	MaxConcurrent int
	// MaxQueue bounds requests waiting for a slot (default 4*MaxConcurrent);
	// beyond it requests get 429 at once.
	MaxQueue int
	// QueueTimeout is how long a request waits for a slot before 503
	// (default 10s).
	QueueTimeout time.Duration
	// RequestTimeout bounds the work on one workbook (default 60s).
	RequestTimeout time.Duration
	// MaxBatchUpload bounds the zip of POST /api/v1/batch (default 256 MiB);
	// BatchTimeout bounds one batch (default 30 min); BatchJobs is how many
	// of its workbooks run at once (default half the slots, at least 1).
	MaxBatchUpload int64
	BatchTimeout   time.Duration
	BatchJobs      int
	// MemoryBudget bounds the bytes of request bodies (and of nested
	// archives a bulk request inflates) held in memory at once; default
	// from GOMEMLIMIT (the limit less the work slots' share), else 384 MiB.
	// A request reserves its declared size before its body is read; beyond
	// the budget it gets 429 (413 when it alone would not fit).
	MemoryBudget int64
	// BodyGrace, MinBodyRate and BodyTimeout bound how a body may arrive:
	// after BodyGrace (default 10s) the average rate must stay at or above
	// MinBodyRate bytes/s (default 16 KiB/s), and a body must be complete
	// within BodyTimeout (default 2 min; bulk uploads: BatchTimeout), else
	// 408 slow_body. Bodies are read before a work slot is taken.
	BodyGrace   time.Duration
	MinBodyRate int64
	BodyTimeout time.Duration
	// CORSOrigins lists origins allowed to call the API from a browser (WPS
	// JS add-ins, intranet portals); "*" allows any. Empty: same origin only.
	CORSOrigins []string
	// Logger receives one structured line per request (default slog.Default()).
	Logger *slog.Logger
	// Ready, when set, is consulted by GET /readyz; serve uses it to report
	// draining during graceful shutdown.
	Ready func() error

	// check and fill replace the audit pipeline in this package's tests
	// (to hold a request inside the limiter); nil means audit.Check/Fill.
	check func(ctx context.Context, r io.Reader, opt audit.Options) (*audit.Result, error)
	fill  func(ctx context.Context, r io.Reader, w io.Writer, opt audit.Options) (*audit.Result, error)
}

func (c Config) withDefaults() Config {
	if c.MaxUpload <= 0 {
		c.MaxUpload = 20 << 20
	}
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = defaultConcurrency()
	}
	if c.MaxQueue <= 0 {
		c.MaxQueue = 4 * c.MaxConcurrent
	}
	if c.QueueTimeout <= 0 {
		c.QueueTimeout = 10 * time.Second
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 60 * time.Second
	}
	if c.MaxBatchUpload <= 0 {
		c.MaxBatchUpload = 256 << 20
	}
	if c.BatchTimeout <= 0 {
		c.BatchTimeout = 30 * time.Minute
	}
	if c.BatchJobs <= 0 {
		c.BatchJobs = max(1, c.MaxConcurrent/2)
	}
	if c.MemoryBudget <= 0 {
		c.MemoryBudget = defaultMemoryBudget(c.MaxConcurrent, c.MaxUpload)
	}
	if c.BodyGrace <= 0 {
		c.BodyGrace = 10 * time.Second
	}
	if c.MinBodyRate <= 0 {
		c.MinBodyRate = 16 << 10
	}
	if c.BodyTimeout <= 0 {
		c.BodyTimeout = 2 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.check == nil {
		c.check = audit.Check
	}
	if c.fill == nil {
		c.fill = audit.Fill
	}
	return c
}

// server holds the configuration and the few caches (rules, generated
// template and sample bytes) that are the same for every request.
type server struct {
	cfg      Config
	limit    *limiter
	validate *validator.Validate
	index    []byte

	rulesOnce sync.Once
	rules     []ruleJSON
	rulesErr  error

	genMu sync.Mutex
	gen   map[string][]byte // generated workbooks by kind
}

// New returns the service's handler.
func New(cfg Config) *gin.Engine {
	_, e := newServer(cfg)
	return e
}

func newServer(cfg Config) (*server, *gin.Engine) {
	cfg = cfg.withDefaults()
	s := &server{
		cfg:      cfg,
		limit:    newLimiter(cfg.MaxConcurrent, cfg.MaxQueue, cfg.QueueTimeout, cfg.MemoryBudget),
		validate: newValidator(),
		gen:      map[string][]byte{},
	}
	s.index = indexPage(cfg.MaxUpload)

	e := gin.New()
	e.ContextWithFallback = true // request cancellation reaches c's Context users
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.MaxMultipartMemory = 0 // uploads are parsed by hand, never to disk
	// Route on the path as sent: /api%2fv1%2fcheck is not /api/v1/check.
	e.UseRawPath = true
	e.UnescapePathValues = false
	e.Use(s.requestID, metrics.Middleware(), s.logRequests, s.recover, s.cors, s.sameSite)
	e.NoRoute(func(c *gin.Context) {
		s.problem(c, http.StatusNotFound, model.ENotFound, "请求的地址不存在："+c.Request.URL.Path, nil)
	})
	e.NoMethod(func(c *gin.Context) {
		s.problem(c, http.StatusMethodNotAllowed, model.EInvalid, "该地址不支持 "+c.Request.Method+" 请求。", nil)
	})

	// Every GET route answers HEAD as well: the same status and headers,
	// no body (net/http drops it).
	get := func(r gin.IRoutes, path string, h gin.HandlerFunc) {
		r.GET(path, h)
		r.HEAD(path, h)
	}
	get(e, "/", s.page)
	get(e, "/index.html", s.page)
	get(e, "/app.js", s.static("app.js", "text/javascript; charset=utf-8"))
	get(e, "/style.css", s.static("style.css", "text/css; charset=utf-8"))
	get(e, "/openapi.json", s.openapi)
	get(e, "/healthz", s.healthz)
	get(e, "/readyz", s.readyz)
	get(e, "/metrics", metrics.Handler())

	v1 := e.Group("/api/v1")
	v1.POST("/check", s.guardBody(cfg.BodyTimeout), s.rejectOversize, s.timeout, s.checkHandler)
	v1.POST("/fill", s.guardBody(cfg.BodyTimeout), s.rejectOversize, s.timeout, s.fillHandler)
	v1.POST("/round", s.guardBody(cfg.BodyTimeout), s.rejectOversize, s.timeout, s.roundHandler)
	v1.POST("/batch", s.guardBody(cfg.BatchTimeout), s.rejectOversize, s.batchTimeout, s.batchHandler)
	v1.POST("/draft", s.guardBody(cfg.BodyTimeout), s.rejectOversize, s.timeout, s.draftHandler)
	get(v1, "/rules", s.rulesHandler)
	get(v1, "/rules/narrative", s.narrativeRulesHandler)
	get(v1, "/template.xlsx", s.templateHandler)
	get(v1, "/sample.xlsx", s.sampleHandler)
	get(v1, "/sample.docx", s.sampleDocxHandler)
	get(v1, "/draft", s.draftSampleHandler)
	return s, e
}

// timeout bounds the work of one request; the pipeline sees the deadline
// through c.Request.Context().
func (s *server) timeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// batchTimeout is timeout for bulk requests, which may run for minutes.
func (s *server) batchTimeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.BatchTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// perRequestMemory is what one workbook in flight may take (measured peak
// for a 20 MiB upload is far lower; sized for headroom).
const perRequestMemory = 64 << 20

// defaultConcurrency sizes the worker slots from GOMAXPROCS and, when a
// memory limit is set (GOMEMLIMIT), from memory: a container with 512 MiB
// gets no more slots than that memory can hold.
func defaultConcurrency() int {
	n := runtime.GOMAXPROCS(0)
	if lim := debug.SetMemoryLimit(-1); lim > 0 && lim < math.MaxInt64 {
		n = min(n, max(1, int(lim/perRequestMemory)))
	}
	return n
}

// defaultMemoryBudget is the memory left for bodies held in memory: the
// GOMEMLIMIT less the work slots' share and a runtime baseline, never less
// than one multipart upload; 384 MiB without a limit.
func defaultMemoryBudget(slots int, maxUpload int64) int64 {
	floor := multipartFiles*maxUpload + 64<<10
	if lim := debug.SetMemoryLimit(-1); lim > 0 && lim < math.MaxInt64 {
		return max(lim-int64(slots)*perRequestMemory-32<<20, floor)
	}
	return max(384<<20, floor)
}

func (s *server) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz is ready when the rules load and the host is not draining.
func (s *server) readyz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if _, err := s.loadRules(); err != nil {
		s.problem(c, http.StatusServiceUnavailable, model.EUnavailable, "审核规则加载失败，服务暂不可用。", err)
		return
	}
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(); err != nil {
			c.Header("Retry-After", "5")
			s.problem(c, http.StatusServiceUnavailable, model.EUnavailable, "服务正在停止，请稍后重试。", err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// ruleJSON is one rule as GET /api/v1/rules lists it.
type ruleJSON struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Class    string `json:"class"`
	Message  string `json:"message"`
	Expr     string `json:"expr"`
	When     string `json:"when,omitempty"`
	Fill     bool   `json:"fill"`
}

func (s *server) loadRules() ([]ruleJSON, error) {
	s.rulesOnce.Do(func() {
		rules, err := check.Load()
		if err != nil {
			s.rulesErr = err
			return
		}
		s.rules = make([]ruleJSON, 0, len(rules))
		for _, r := range rules {
			s.rules = append(s.rules, ruleJSON{ID: r.ID, Severity: string(r.Severity), Class: r.Class,
				Message: r.Message, Expr: r.Expr, When: r.When, Fill: r.Fill})
		}
	})
	return s.rules, s.rulesErr
}

func (s *server) rulesHandler(c *gin.Context) {
	rules, err := s.loadRules()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, gin.H{"count": len(rules), "rules": rules})
}

// narrativeRulesHandler lists the narrative's bindings and checks (the
// catalogue of juesuan rules --narrative --json).
func (s *server) narrativeRulesHandler(c *gin.Context) {
	cat, err := narrative.Listing()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, cat)
}

// templateQuery is the query of GET /api/v1/template.xlsx.
type templateQuery struct {
	Style string `validate:"omitempty,oneof=mof shanghai yunnan" label:"style"`
}

func (s *server) templateHandler(c *gin.Context) {
	q := templateQuery{Style: c.Query("style")}
	if !s.valid(c, &q) {
		return
	}
	opt, key := templates.Options{Style: model.StyleMOF}, "mof"
	name := "决算公开九张表模板-财政部格式.xlsx"
	switch q.Style {
	case string(model.StyleShanghai):
		opt.Style, key, name = model.StyleShanghai, "shanghai", "决算公开九张表模板-上海格式.xlsx"
	case "yunnan": // the Yunnan set of 11 tables (tables.yaml sets)
		opt.Set, key, name = "yunnan", "yunnan", "决算公开表模板-云南省11张表.xlsx"
	}
	data, err := s.generate("template-"+key, func(w *bytes.Buffer) error {
		_, err := templates.Write(w, nil, opt)
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendWorkbook(c, name, data)
}

func (s *server) sampleHandler(c *gin.Context) {
	data, err := s.generate("sample", func(w *bytes.Buffer) error {
		_, err := templates.Write(w, templates.CaseA(), templates.Options{Style: model.StyleMOF})
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendWorkbook(c, "示例-部门决算公开九张表.xlsx", data)
}

// generate builds a workbook once and keeps its bytes: templates and the
// sample are the same for every request.
func (s *server) generate(kind string, build func(w *bytes.Buffer) error) ([]byte, error) {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	if b, ok := s.gen[kind]; ok {
		return b, nil
	}
	var buf bytes.Buffer
	if err := build(&buf); err != nil {
		return nil, err
	}
	s.gen[kind] = buf.Bytes()
	return s.gen[kind], nil
}

func (s *server) sendWorkbook(c *gin.Context, name string, data []byte) {
	c.Header("Content-Disposition", contentDisposition(name))
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, XLSXType, data)
}

// allowedOrigin reports the Access-Control-Allow-Origin value for origin,
// or "" when it is not allowed.
func (s *server) allowedOrigin(origin string) string {
	for _, o := range s.cfg.CORSOrigins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "*" {
			return "*"
		}
		if o != "" && strings.EqualFold(o, origin) {
			return origin
		}
	}
	return ""
}

// cors answers preflight requests and marks responses for allowed origins.
// Same-origin requests (the web page) need none of this.
func (s *server) cors(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin == "" {
		c.Next()
		return
	}
	allow := s.allowedOrigin(origin)
	if allow != "" {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", allow)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", strings.Join([]string{HeaderStatus, HeaderErrors, HeaderWarnings,
			HeaderFilled, HeaderPlaceholders, HeaderRequestID, "Content-Disposition", "Retry-After"}, ", "))
	}
	if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
		if allow == "" {
			s.problem(c, http.StatusForbidden, model.EInvalid, "不允许来自 "+origin+" 的跨域请求；请在服务端用 --cors 配置允许的来源。", nil)
			return
		}
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Accept, X-Request-ID, X-Juesuan-Client")
		h.Set("Access-Control-Max-Age", "600")
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}

// partsPattern is the OpenAPI pattern of the parts parameter.
var partsPattern = regexp.MustCompile(`^[1-9][0-9]{0,3}$`)

// yearPattern is the OpenAPI pattern of the year parameter (决算年度).
var yearPattern = regexp.MustCompile(`^20[0-9]{2}$`)

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	if err := v.RegisterValidation("parts", func(fl validator.FieldLevel) bool {
		return partsPattern.MatchString(fl.Field().String())
	}); err != nil {
		panic(err) // a constant tag
	}
	if err := v.RegisterValidation("year", func(fl validator.FieldLevel) bool {
		return yearPattern.MatchString(fl.Field().String())
	}); err != nil {
		panic(err) // a constant tag
	}
	return v
}

// sameSite refuses state-changing requests a browser sends on behalf of
// another site (a cross-site form posting a workbook to /fill). Browsers
// mark every POST with Origin and, lately, Sec-Fetch-Site; macros and curl
// send neither and are not affected. Allowed: no Origin; the page's own
// origin (Origin's host is the request's Host, or Sec-Fetch-Site says
// same-origin); an origin configured with --cors.
func (s *server) sameSite(c *gin.Context) {
	if c.Request.Method != http.MethodPost {
		c.Next()
		return
	}
	origin := c.GetHeader("Origin")
	site := c.GetHeader("Sec-Fetch-Site")
	switch {
	case site == "same-origin" || site == "none":
	case origin == "" && site == "":
	case origin != "" && s.allowedOrigin(origin) != "":
	case origin != "" && origin != "null" && site == "" && sameHost(origin, c.Request.Host):
	default:
		from := origin
		if from == "" {
			from = site
		}
		s.problem(c, http.StatusForbidden, CodeCrossSite, fmt.Sprintf(msgCrossSite, from), nil)
		return
	}
	c.Next()
}

// sameHost reports whether origin (scheme://host[:port]) names host.
func sameHost(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}
