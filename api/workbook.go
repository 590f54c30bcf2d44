package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/juesuan/juesuan/metrics"
	"io"
	"mime"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
)

// workQuery holds the query and form parameters of check and fill. They are
// kept as strings so the validator reports the bad value as typed.
type workQuery struct {
	Format    string `validate:"omitempty,oneof=xlsx json" label:"format"`
	Exact     string `validate:"omitempty,boolean" label:"exact"`
	Overwrite string `validate:"omitempty,boolean" label:"overwrite"`
	Name      string `validate:"omitempty,max=255" label:"name"`
	// Parts: the workbook sums this many separately rounded units.
	Parts string `validate:"omitempty,parts" label:"parts"`
	// Year: the 决算年度 whose rule pack to use (2000-2099).
	Year string `validate:"omitempty,year" label:"year"`
	// Clean: fill answers the copy for 报送 (filled values only); refused
	// while errors remain unless Force.
	Clean string `validate:"omitempty,boolean" label:"clean"`
	Force string `validate:"omitempty,boolean" label:"force"`
	// Grid: each finding carries the grids of the tables around its cells.
	Grid string `validate:"omitempty,boolean" label:"grid"`
	// MarkRounding: 尾差 infos are coloured and noted in the workbook too.
	MarkRounding string `validate:"omitempty,boolean" label:"mark_rounding"`
	// Part: with a narrative, fill answers only the annotated docx
	// (narrative) or only the workbook (workbook) instead of a zip of both.
	Part string `validate:"omitempty,oneof=workbook narrative" label:"part"`
}

func (q *workQuery) set(key, val string) {
	switch key {
	case "format":
		q.Format = val
	case "exact":
		q.Exact = val
	case "overwrite":
		q.Overwrite = val
	case "name":
		q.Name = val
	case "parts":
		q.Parts = val
	case "year":
		q.Year = val
	case "clean":
		q.Clean = val
	case "force":
		q.Force = val
	case "grid":
		q.Grid = val
	case "mark_rounding":
		q.MarkRounding = val
	case "part":
		q.Part = val
	}
}

// workParams are the parameters check and fill take from the query (and
// from multipart fields of the same name).
var workParams = []string{"format", "exact", "overwrite", "name", "parts", "year", "clean", "force", "grid", "mark_rounding", "part"}

// Bounds of the explanations field: a workbook has at most a few hundred
// 提示; a 审核说明 is a sentence or a paragraph.
const (
	maxExplanationsBytes = 256 << 10
	maxExplanations      = 1000
	maxExplanationRunes  = 2000
)

// parseExplanations reads the explanations field: a JSON object of finding
// fingerprints (16 hex digits, as the report prints them) to 审核说明 texts.
// It returns the texts trimmed (empty ones dropped) or a Chinese message.
func parseExplanations(b []byte) (map[string]string, string) {
	var raw map[string]string
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, ""
		}
		return nil, msgExplNotJSON
	}
	if len(raw) > maxExplanations {
		return nil, fmt.Sprintf(msgExplTooMany, len(raw), maxExplanations)
	}
	out := make(map[string]string, len(raw))
	for fp, text := range raw {
		if !fingerprintPattern.MatchString(fp) {
			return nil, fmt.Sprintf(msgExplBadKey, fp)
		}
		text = strings.TrimSpace(text)
		if n := utf8.RuneCountInString(text); n > maxExplanationRunes {
			return nil, fmt.Sprintf(msgExplTooLong, fp, n, maxExplanationRunes)
		}
		if strings.IndexFunc(text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
			return nil, fmt.Sprintf(msgExplControl, fp)
		}
		if text != "" {
			out[fp] = text
		}
	}
	return out, ""
}

// fingerprintPattern is a finding fingerprint (model.Finding.SetFingerprint).
var fingerprintPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

func parseBool(s string) bool { b, _ := strconv.ParseBool(s); return b }

func parseInt(s string) int { n, _ := strconv.Atoi(s); return n }

// upload is one request's input, read into memory.
type upload struct {
	file     []byte
	fileName string // as sent, may be ""
	prior    []byte
	// narrative is the 决算公开说明 (multipart part narrative), checked
	// against the workbook; narrativeName is its file name as sent.
	narrative     []byte
	narrativeName string
	q             workQuery
	// explanations: the multipart field of that name as sent (JSON),
	// parsed into expl by readUpload.
	explanations []byte
	expl         map[string]string
}

// readUpload reads the workbook from a multipart form (field file, optional
// prior and parameter fields) or from a raw body. It answers the request
// itself and returns nil when the input is unusable.
func (s *server) readUpload(c *gin.Context) *upload {
	u := &upload{}
	for _, k := range workParams {
		u.q.set(k, c.Query(k))
	}
	ct := c.GetHeader("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" {
		mt, err = "", nil
	}
	if err != nil {
		s.problem(c, http.StatusUnsupportedMediaType, model.EUnsupported, "无法识别请求的 Content-Type："+ct, err)
		return nil
	}
	limit := s.uploadLimit(mt)
	defer bodyDone(c)

	switch mt {
	case "multipart/form-data":
		if params["boundary"] == "" {
			s.problem(c, http.StatusBadRequest, model.EInvalid, "multipart 请求缺少 boundary。", nil)
			return nil
		}
		if !s.readMultipart(c, u) {
			return nil
		}
	case XLSXType, "application/octet-stream", "application/vnd.ms-excel.sheet.macroenabled.12",
		"application/vnd.ms-excel", "application/zip", "":
		// Size the buffer from Content-Length (already bounded by
		// rejectOversize) instead of growing it by doubling.
		var buf bytes.Buffer
		if n := c.Request.ContentLength; n > 0 && n <= limit {
			buf.Grow(int(n) + bytes.MinRead) // ReadFrom wants MinRead free, else it doubles
		}
		_, err := buf.ReadFrom(c.Request.Body)
		data := buf.Bytes()
		if err != nil {
			s.fail(c, readErr(err))
			return nil
		}
		u.file = data
		u.fileName = u.q.Name
	default:
		s.problem(c, http.StatusUnsupportedMediaType, model.EUnsupported,
			"不支持的上传格式 "+mt+"：请以 multipart/form-data 的 file 字段或 "+XLSXType+" 请求体上传 .xlsx 文件。", nil)
		return nil
	}
	if len(u.file) == 0 {
		s.problem(c, http.StatusBadRequest, model.EInvalid, msgNoFile, nil)
		return nil
	}
	if !s.valid(c, &u.q) {
		return nil
	}
	if u.explanations != nil {
		expl, msg := parseExplanations(u.explanations)
		if msg != "" {
			s.problem(c, http.StatusBadRequest, model.EInvalid, msg, nil)
			return nil
		}
		u.expl = expl
	}
	infos := []uploadInfo{info(u.file)}
	if u.prior != nil {
		infos = append(infos, info(u.prior))
	}
	if u.narrative != nil {
		infos = append(infos, info(u.narrative))
	}
	c.Set(ctxUpload, infos)
	return u
}

func info(b []byte) uploadInfo {
	sum := sha256.Sum256(b)
	return uploadInfo{Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])[:12]}
}

// readErr keeps *http.MaxBytesError (413) and calls any other failure to
// read the body a malformed request.
func readErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || errors.Is(err, errSlowBody) {
		return err
	}
	return model.Errorf(model.EInvalid, err, "读取上传内容失败，请重新上传。")
}

// readMultipart streams the parts in memory: gin's ParseMultipartForm would
// spill large files to temporary files on disk.
func (s *server) readMultipart(c *gin.Context, u *upload) bool {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		s.problem(c, http.StatusBadRequest, model.EInvalid, "multipart 请求格式有误。", err)
		return false
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return true
		}
		if err != nil {
			s.fail(c, readErr(err))
			return false
		}
		name := p.FormName()
		switch name {
		case "file", "prior", "narrative":
			// Size the buffer from what the request declared is left (the
			// memory reserved for it) rather than grow it by doubling.
			var buf bytes.Buffer
			if n := c.Request.ContentLength - int64(len(u.file)+len(u.prior)+len(u.narrative)); n > 0 {
				buf.Grow(int(min(n, s.cfg.MaxUpload+1)) + bytes.MinRead)
			}
			_, err := buf.ReadFrom(io.LimitReader(p, s.cfg.MaxUpload+1))
			data := buf.Bytes()
			if err != nil {
				s.fail(c, readErr(err))
				return false
			}
			if int64(len(data)) > s.cfg.MaxUpload {
				if name == "narrative" {
					s.fail(c, model.Errorf(model.ETooLarge, nil, msgNarrativeTooLarge, humanSize(s.cfg.MaxUpload)))
					return false
				}
				s.fail(c, &http.MaxBytesError{Limit: s.cfg.MaxUpload})
				return false
			}
			switch {
			case name == "file":
				u.file, u.fileName = data, p.FileName()
			case len(data) == 0: // an empty optional part is no part
			case name == "prior":
				u.prior = data
			default:
				u.narrative, u.narrativeName = data, p.FileName()
			}
		case "explanations":
			v, err := io.ReadAll(io.LimitReader(p, maxExplanationsBytes+1))
			if err != nil {
				s.fail(c, readErr(err))
				return false
			}
			if len(v) > maxExplanationsBytes {
				s.problem(c, http.StatusBadRequest, model.EInvalid, fmt.Sprintf(msgExplTooBig, maxExplanationsBytes>>10), nil)
				return false
			}
			u.explanations = v
		case "format", "exact", "overwrite", "name", "parts", "year", "clean", "force", "grid", "mark_rounding", "part":
			v, err := io.ReadAll(io.LimitReader(p, 1024))
			if err != nil {
				s.fail(c, readErr(err))
				return false
			}
			u.q.set(name, strings.TrimSpace(string(v)))
		default:
			// Unknown fields are drained and ignored, like unknown query keys.
			if _, err := io.Copy(io.Discard, p); err != nil {
				s.fail(c, readErr(err))
				return false
			}
		}
	}
}

// options turns the validated parameters into pipeline options.
func (s *server) options(u *upload) audit.Options {
	opt := audit.Options{
		Exact:     parseBool(u.q.Exact),
		Overwrite: parseBool(u.q.Overwrite),
		Parts:     parseInt(u.q.Parts),
		Year:      parseInt(u.q.Year),
		Clean:     parseBool(u.q.Clean),
		Force:     parseBool(u.q.Force),
		Limits:    xlsx.Limits{MaxBytes: s.cfg.MaxUpload},

		Grid:         parseBool(u.q.Grid),
		MarkRounding: parseBool(u.q.MarkRounding),
		Explanations: u.expl,
	}
	if u.prior != nil {
		opt.Prior = bytes.NewReader(u.prior)
	}
	return opt
}

// run holds a limiter slot while work runs. The response is sent when the
// work ends or the request deadline passes, whichever is first; a late
// worker keeps its slot until it really ends, so the limit stays true.
func (s *server) run(c *gin.Context, work func(ctx context.Context) (*audit.Result, error)) (*audit.Result, bool) {
	ctx := c.Request.Context()
	release, err := s.limit.acquire(ctx)
	if err != nil {
		s.busy(c, err)
		return nil, false
	}
	type outcome struct {
		res *audit.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer release()
		defer func() {
			if v := recover(); v != nil {
				done <- outcome{err: fmt.Errorf("panic in pipeline: %v", v)}
			}
		}()
		res, err := work(ctx)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			s.fail(c, o.err)
			return nil, false
		}
		return o.res, true
	case <-ctx.Done():
		s.fail(c, ctx.Err())
		return nil, false
	}
}

// busy answers a request the limiter turned away.
func (s *server) busy(c *gin.Context, err error) {
	switch {
	case errors.Is(err, errQueueFull):
		c.Header("Retry-After", "2")
		s.problem(c, http.StatusTooManyRequests, model.EUnavailable, "当前排队审核的文件过多，请稍后重试。", err)
	case errors.Is(err, errMemoryFull):
		c.Header("Retry-After", "2")
		s.problem(c, http.StatusTooManyRequests, model.EUnavailable, msgMemoryFull, err)
	case errors.Is(err, errMemoryTooBig):
		s.problem(c, http.StatusRequestEntityTooLarge, model.ETooLarge,
			fmt.Sprintf(msgMemoryTooBig, humanSize(s.memoryNeed(err)), humanSize(s.cfg.MemoryBudget)), err)
	case errors.Is(err, errQueueTimeout):
		c.Header("Retry-After", "5")
		s.problem(c, http.StatusServiceUnavailable, model.EUnavailable, "服务繁忙，排队超时，请稍后重试。", err)
	default:
		s.fail(c, err)
	}
}

// accept admits a workbook request (room for its upload in memory) and
// reads the upload. A nil upload means the request was already answered;
// otherwise the caller releases the admission with done.
func (s *server) accept(c *gin.Context) (*upload, func()) {
	res, ok := s.admit(c)
	if !ok {
		return nil, nil
	}
	u := s.readUpload(c)
	if u == nil {
		res.release()
		return nil, nil
	}
	return u, res.release
}

// admit reserves memory for the request's body: its declared length, or the
// route's limit when the length is not declared. It answers the request
// itself when the budget cannot hold it (nothing of the body is read).
func (s *server) admit(c *gin.Context) (*reservation, bool) {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	lim := s.limitFor(c.FullPath(), mt)
	need := c.Request.ContentLength
	if need < 0 || need > lim {
		need = lim
	}
	res, err := s.limit.reserve(need)
	if err != nil {
		s.busy(c, &needError{err, need})
		return nil, false
	}
	return res, true
}

// needError carries the bytes a refused reservation asked for.
type needError struct {
	err  error
	need int64
}

func (e *needError) Error() string { return fmt.Sprintf("%v (%d bytes)", e.err, e.need) }
func (e *needError) Unwrap() error { return e.err }

func (s *server) memoryNeed(err error) int64 {
	var ne *needError
	if errors.As(err, &ne) {
		return ne.need
	}
	return 0
}

func (s *server) checkHandler(c *gin.Context) {
	u, done := s.accept(c)
	if u == nil {
		return
	}
	defer done()
	res, ok := s.run(c, func(ctx context.Context) (*audit.Result, error) {
		res, err := s.cfg.check(ctx, bytes.NewReader(u.file), s.options(u))
		if err != nil {
			return nil, err
		}
		if _, err := s.checkNarrative(ctx, u, res); err != nil {
			return nil, err
		}
		return res, nil
	})
	if !ok {
		return
	}
	s.summaryHeaders(c, &res.Report)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, res.Report)
}

func (s *server) fillHandler(c *gin.Context) {
	u, done := s.accept(c)
	if u == nil {
		return
	}
	defer done()
	if u.q.Part == "narrative" && u.narrative == nil {
		s.problem(c, http.StatusBadRequest, model.EInvalid, msgPartNoNarrative, nil)
		return
	}
	// The 报送版 is the workbook alone: there is no narrative to send.
	if u.q.Part == "narrative" && parseBool(u.q.Clean) {
		s.problem(c, http.StatusBadRequest, model.EInvalid, msgPartNarrativeClean, nil)
		return
	}
	var out bytes.Buffer
	var story *narrativeResult
	res, ok := s.run(c, func(ctx context.Context) (*audit.Result, error) {
		// Beyond this many cell styles no mark can be added: say so
		// rather than let the writer fail as if the file were damaged.
		if n := xlsx.CellStyles(u.file); n > xlsx.MaxCellStyles {
			return nil, model.Errorf(CodeTooManyStyles, nil, msgTooManyStyles, n)
		}
		out.Grow(len(u.file) + len(u.file)/4)
		res, err := s.cfg.fill(ctx, bytes.NewReader(u.file), &out, s.options(u))
		if err != nil {
			return nil, err
		}
		if story, err = s.checkNarrative(ctx, u, res); err != nil {
			return nil, err
		}
		if story != nil && u.q.Format != "json" && !parseBool(u.q.Clean) && u.q.Part != "workbook" {
			err = story.annotate(u.narrative, u.q.Part == "narrative")
		}
		return res, err
	})
	if !ok {
		return
	}
	s.summaryHeaders(c, &res.Report)
	c.Header("Cache-Control", "no-store")
	if u.q.Format == "json" {
		c.JSON(http.StatusOK, res.Report)
		return
	}
	// One naming scheme with the CLI and batch (model.ResultName); a
	// macro-enabled workbook stays one: named .xlsm, served as such.
	tag := model.TagAudit
	if parseBool(u.q.Clean) {
		tag = model.TagClean
	}
	unit := ""
	if res.Workbook != nil {
		unit = res.Workbook.UnitName
	}
	name, fallback, ctype := model.ResultName(unit, u.fileName, tag), model.ResultNameASCII(u.fileName, tag), XLSXType
	ext := ".xlsx"
	if xlsx.MacroEnabled(out.Bytes()) {
		ext, ctype = ".xlsm", XLSMType
	}
	name = strings.TrimSuffix(name, path.Ext(name)) + ext
	fallback = strings.TrimSuffix(fallback, path.Ext(fallback)) + ext
	if story != nil && (story.marked != nil || story.note != "") {
		s.sendWithNarrative(c, u, res, story, name, out.Bytes())
		return
	}
	c.Header("Content-Disposition", contentDispositionAs(name, fallback))
	c.Data(http.StatusOK, ctype, out.Bytes())
}

// uploadLimit is the body limit for a media type: multipart carries up to
// two workbooks and a narrative plus a few short fields.
func (s *server) uploadLimit(mediaType string) int64 {
	return s.limitFor("", mediaType)
}

// limitFor is the body limit of a route: the batch zip has its own.
func (s *server) limitFor(path, mediaType string) int64 {
	if path == "/api/v1/batch" {
		return s.cfg.MaxBatchUpload + 64<<10
	}
	if mediaType == "multipart/form-data" {
		return multipartFiles*s.cfg.MaxUpload + 64<<10
	}
	return s.cfg.MaxUpload
}

// rejectOversize answers 413 before the request takes a place in the queue
// or any body is read, when the declared length is already beyond the limit:
// an oversized upload must cost neither memory nor a worker slot.
func (s *server) rejectOversize(c *gin.Context) {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if n, lim := c.Request.ContentLength, s.limitFor(c.FullPath(), mt); n > lim {
		s.problem(c, http.StatusRequestEntityTooLarge, model.ETooLarge,
			fmt.Sprintf("上传内容（%s）超过 %s 的上限。", humanSize(n), humanSize(lim)), nil)
		c.Abort()
		return
	}
	c.Next()
}

func (s *server) summaryHeaders(c *gin.Context, r *model.Report) {
	metrics.Observe(c, r)
	c.Header(HeaderStatus, string(r.Status))
	c.Header(HeaderErrors, strconv.Itoa(r.Summary.Errors))
	c.Header(HeaderWarnings, strconv.Itoa(r.Summary.Warnings))
	c.Header(HeaderFilled, strconv.Itoa(r.Summary.Filled))
}

// uploadStem is the base name of what the client sent, without folders,
// extension or characters that would disguise it ("决算表" when nothing is
// left): the stem of every file name the service answers with.
func uploadStem(sent string) string {
	sent = strings.ReplaceAll(sent, `\`, "/")
	base := path.Base(sent)
	base = strings.Map(func(r rune) rune {
		// Controls and format characters (bidi overrides such as U+202E,
		// zero-width marks) would disguise the name or its extension.
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`"/:*?<>|`, r) {
			return -1
		}
		return r
	}, base)
	if ext := path.Ext(base); strings.EqualFold(ext, ".xlsx") || strings.EqualFold(ext, ".xlsm") || strings.EqualFold(ext, ".xls") {
		base = strings.TrimSuffix(base, ext)
	}
	base = strings.TrimSpace(base)
	if base == "" || base == "." {
		base = "决算表"
	}
	if r := []rune(base); len(r) > 100 {
		base = string(r[:100])
	}
	return base
}

// labelOf returns the `label` tag of struct field f of *v.
func labelOf(v any, f string) string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if sf, ok := t.FieldByName(f); ok {
		if l := sf.Tag.Get("label"); l != "" {
			return l
		}
	}
	return strings.ToLower(f)
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
