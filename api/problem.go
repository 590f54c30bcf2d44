package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

// ProblemType prefixes the type URI of every problem; the suffix is the
// stable code, so clients may branch on either.
const ProblemType = "urn:juesuan:problem:"

// Problem is an RFC 9457 problem detail with juesuan's extension members.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail"`
	Code      string       `json:"code"`
	Instance  string       `json:"instance"`
	RequestID string       `json:"request_id"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError names one invalid query or form parameter.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// titles are the short Chinese titles per status.
var titles = map[int]string{
	http.StatusBadRequest:            "请求或文件有误",
	http.StatusForbidden:             "不允许的请求",
	http.StatusNotFound:              "地址不存在",
	http.StatusRequestTimeout:        "上传超时",
	http.StatusMethodNotAllowed:      "请求方法不支持",
	http.StatusRequestEntityTooLarge: "文件过大",
	http.StatusUnsupportedMediaType:  "文件格式不支持",
	http.StatusUnprocessableEntity:   "无法处理的文件",
	http.StatusTooManyRequests:       "请求过多",
	http.StatusInternalServerError:   "内部错误",
	http.StatusServiceUnavailable:    "服务繁忙",
}

// statusOf maps a stable error code to its HTTP status.
func statusOf(code string) int {
	switch code {
	case model.ENotXLSX, model.EXLS, model.EEncrypted, model.EUnsupported:
		return http.StatusUnsupportedMediaType
	case model.ECorrupt, model.EInvalid:
		return http.StatusBadRequest
	case model.ETooLarge, model.ETooMany:
		return http.StatusRequestEntityTooLarge
	case model.ENoTables, model.ETooManyStyles, model.EErrorsRemain, narrative.ENoText, model.ENotYuan, CodeNarrativeNotDocx:
		return http.StatusUnprocessableEntity
	case model.EUnavailable, model.ETimeout:
		return http.StatusServiceUnavailable
	case model.ENotFound:
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

// fail answers with the problem for err: a coded *model.Error keeps its code
// and Chinese message; a deadline becomes timeout; anything else is internal
// and its text goes to the log only.
func (s *server) fail(c *gin.Context, err error) {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads a body. 499 is for the log.
		_ = c.Error(err)
		c.AbortWithStatus(499)
		return
	case errors.Is(err, errSlowBody):
		// The connection is closed after the answer: the rest of a
		// trickling body is never waited for.
		c.Header("Connection", "close")
		detail := fmt.Sprintf(msgSlowBody, humanSize(s.cfg.MinBodyRate))
		var bte *bodyTimeoutError
		if errors.As(err, &bte) {
			detail = fmt.Sprintf(msgBodyTimeout, bte.max)
		}
		s.problem(c, http.StatusRequestTimeout, CodeSlowBody, detail, err)
		return
	case errors.As(err, &mbe):
		s.problem(c, http.StatusRequestEntityTooLarge, model.ETooLarge,
			fmt.Sprintf("上传内容超过 %s 的上限。", humanSize(s.cfg.MaxUpload)), err)
		return
	case errors.Is(err, context.DeadlineExceeded) && model.ErrorCode(err) == model.EInternal:
		c.Header("Retry-After", "30")
		s.problem(c, http.StatusServiceUnavailable, model.ETimeout,
			fmt.Sprintf("处理超过 %s 仍未完成，请稍后重试或拆分文件。", s.cfg.RequestTimeout), err)
		return
	}
	code := model.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "30")
	}
	s.problem(c, status, code, model.ErrorMessage(err), err)
}

// problem writes an application/problem+json response and aborts the chain.
// cause is logged, never sent.
func (s *server) problem(c *gin.Context, status int, code, detail string, cause error) {
	s.problemFields(c, status, code, detail, nil, cause)
}

func (s *server) problemFields(c *gin.Context, status int, code, detail string, fields []FieldError, cause error) {
	if cause != nil {
		_ = c.Error(cause) // the request log reports it
	}
	id := c.GetString(ctxRequestID)
	p := Problem{
		Type:      ProblemType + code,
		Title:     titles[status],
		Status:    status,
		Detail:    detail,
		Code:      code,
		Instance:  c.Request.URL.Path + "#" + id,
		RequestID: id,
		Errors:    fields,
	}
	if p.Title == "" {
		p.Title = http.StatusText(status)
	}
	c.Header("Cache-Control", "no-store")
	c.Render(status, problemRender{p})
	c.Abort()
}

// problemRender is gin's JSON render with the problem media type.
type problemRender struct{ p Problem }

func (r problemRender) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	b, err := jsonMarshal(r.p)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func (r problemRender) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
}

// fieldNames are the Chinese names of validated parameters.
var fieldNames = map[string]string{
	"format": "format（返回格式）", "exact": "exact（精确模式）", "overwrite": "overwrite（覆盖已填数）",
	"name": "name（文件名）", "style": "style（模板格式）", "report_only": "report_only（仅输出报告）", "parts": "parts（汇总单位数）",
	"year": "year（决算年度）", "clean": "clean（报送版）", "force": "force（强制生成）", "part": "part（返回哪份文件）",
	"grid": "grid（附表格上下文）", "mark_rounding": "mark_rounding（尾差也标记）",
}

// valid validates v (a query/form struct with `label` tags) and answers 400
// with one Chinese line per bad field when it fails.
func (s *server) valid(c *gin.Context, v any) bool {
	err := s.validate.Struct(v)
	if err == nil {
		return true
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		s.fail(c, err)
		return false
	}
	var fields []FieldError
	var parts []string
	for _, fe := range verrs {
		name := labelOf(v, fe.StructField())
		var d string
		switch fe.Tag() {
		case "oneof":
			d = fmt.Sprintf("取值 %q 无效，应为 %s 之一。", fmt.Sprint(fe.Value()), strings.ReplaceAll(fe.Param(), " ", "、"))
		case "boolean":
			d = fmt.Sprintf("取值 %q 无效，应为 true 或 false。", fmt.Sprint(fe.Value()))
		case "max":
			d = "过长，最多 " + fe.Param() + " 个字符。"
		case "number", "ne":
			d = fmt.Sprintf("取值 %q 无效，应为正整数。", fmt.Sprint(fe.Value()))
		case "parts":
			d = fmt.Sprintf("取值 %q 无效，应为 1 至 9999 的整数。", fmt.Sprint(fe.Value()))
		case "year":
			d = fmt.Sprintf("取值 %q 无效，应为四位的决算年度，如 2025。", fmt.Sprint(fe.Value()))
		default:
			d = "取值无效（" + fe.Tag() + "）。"
		}
		fields = append(fields, FieldError{Field: name, Detail: d})
		parts = append(parts, "参数 "+fieldNames[name]+" "+d)
	}
	s.problemFields(c, http.StatusBadRequest, model.EInvalid, strings.Join(parts, ""), fields, err)
	return false
}

// requestID takes a well-formed incoming X-Request-ID (a proxy's) or makes
// one, and echoes it on the response.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

const (
	ctxRequestID = "juesuan.request_id"
	ctxUpload    = "juesuan.upload"
	ctxConn      = "juesuan.conn"
)

// conn is the request's connection controller (read and write deadlines).
func conn(c *gin.Context) *http.ResponseController {
	if rc, ok := c.Get(ctxConn); ok {
		return rc.(*http.ResponseController)
	}
	return http.NewResponseController(c.Writer)
}

func (s *server) requestID(c *gin.Context) {
	id := c.GetHeader(HeaderRequestID)
	if !requestIDPattern.MatchString(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set(ctxRequestID, id)
	// The writer as the server made it, before middleware wraps it in types
	// without Unwrap: deadlines are set on the connection through it.
	c.Set(ctxConn, http.NewResponseController(c.Writer))
	c.Header(HeaderRequestID, id)
	c.Next()
}

// uploadInfo is what the log may say about an upload: never its content.
type uploadInfo struct {
	Size   int64
	SHA256 string // first 12 hex digits
	Client string
}

// logRequests writes one structured line per request.
func (s *server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	status := c.Writer.Status()
	attrs := []slog.Attr{
		slog.String("request_id", c.GetString(ctxRequestID)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.Int("bytes_out", c.Writer.Size()),
	}
	if u, ok := c.Get(ctxUpload); ok {
		for _, ui := range u.([]uploadInfo) {
			attrs = append(attrs, slog.Group("upload", slog.Int64("size", ui.Size), slog.String("sha256", ui.SHA256)))
		}
	}
	if client := c.GetHeader("X-Juesuan-Client"); client != "" && len(client) <= 64 {
		attrs = append(attrs, slog.String("client", client))
	}
	level := slog.LevelInfo
	if len(c.Errors) > 0 {
		attrs = append(attrs, slog.String("error", c.Errors.Last().Error()))
	}
	if status >= 500 {
		level = slog.LevelError
	} else if status >= 400 {
		level = slog.LevelWarn
	}
	s.cfg.Logger.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

// recover turns a panic into a 500 problem (and a log line with the value).
func (s *server) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.problem(c, http.StatusInternalServerError, model.EInternal, "内部错误，请联系管理员。", fmt.Errorf("panic: %v", v))
		}
	}()
	c.Next()
}

// contentDisposition builds an attachment header with the UTF-8 name
// (RFC 5987/6266 filename*) and an ASCII fallback for old clients.
func contentDisposition(name string) string {
	return contentDispositionAs(name, asciiFallback(name))
}

// contentDispositionAs is contentDisposition with the ASCII name given (a
// result workbook's: model.ResultNameASCII).
func contentDispositionAs(name, fallback string) string {
	var b strings.Builder
	b.WriteString(`attachment; filename="`)
	b.WriteString(fallback)
	b.WriteString(`"; filename*=UTF-8''`)
	for _, ch := range []byte(name) {
		if isAttrChar(ch) {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// isAttrChar is RFC 5987's attr-char.
func isAttrChar(ch byte) bool {
	switch {
	case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", ch) >= 0
}

// asciiFallback keeps the ASCII letters of name; a name that is mostly
// Chinese becomes juesuan-<ascii part>.xlsx.
func asciiFallback(name string) string {
	var b strings.Builder
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name, ext = name[:i], name[i:]
	}
	for _, r := range name {
		if r < 0x80 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	base := strings.Trim(b.String(), "-_.")
	if len([]rune(base)) < len([]rune(name))/2 || base == "" {
		if base == "" {
			base = "juesuan"
		} else {
			base = "juesuan-" + base
		}
	}
	if ext == "" || !isASCII(ext) {
		ext = ".xlsx"
	}
	return base + ext
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return strconv.FormatInt(n, 10) + " 字节"
}
