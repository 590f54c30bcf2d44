package batch

// zip.go is the core of POST /api/v1/batch: a zip of workbooks in, a zip
// out (annotated copies as each finishes, then results.ndjson and
// 汇总.xlsx). Limits are checked on the whole archive, nested archives
// included, before any work, so a refused upload costs no audit and gets
// a clean error instead of a truncated zip.

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/juesuan/juesuan/model"
)

// ZipLimits are the defaults of the endpoint.
func ZipLimits() Limits {
	return Limits{MaxFiles: 2000, MaxTotal: 1 << 30, MaxFile: 20 << 20, MaxDepth: 3, MaxNested: 256 << 20}
}

// withZipDefaults fills the endpoint's limits: unlike the CLI, an upload
// is never unlimited.
func (l Limits) withZipDefaults() Limits {
	d := ZipLimits()
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxTotal <= 0 {
		l.MaxTotal = d.MaxTotal
	}
	if l.MaxFile <= 0 {
		l.MaxFile = d.MaxFile
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxNested <= 0 {
		l.MaxNested = d.MaxNested
	}
	return l
}

// CheckZip validates an uploaded archive against the limits without
// auditing anything: a *model.Error (ECorrupt, ETooMany, ETooLarge) or nil.
func CheckZip(ctx context.Context, in io.ReaderAt, size int64, lim Limits) error {
	lim = lim.withZipDefaults()
	if _, err := zip.NewReader(in, size); err != nil {
		return model.Errorf(model.ECorrupt, err, "上传的不是 zip 压缩包，或压缩包已损坏。")
	}
	w := &walker{ctx: ctx, lim: lim, scan: true, emit: func(*job) error { return nil }}
	if err := w.archive(in, size, "", 1); err != nil {
		return err
	}
	if w.files == 0 {
		return model.Errorf(model.ENoTables, nil, "压缩包中没有文件。")
	}
	return nil
}

// ServeZip audits every workbook of the archive in and streams a zip to
// out: each annotated copy as soon as it (and every file before it) is
// done, then results.ndjson and 汇总.xlsx. Call CheckZip first to refuse
// an archive before writing anything; ServeZip checks again and returns
// the same errors if nothing has been written yet. If out is an
// http.Flusher it is flushed after every entry.
func ServeZip(ctx context.Context, in io.ReaderAt, size int64, out io.Writer, opt Options) (*Stats, error) {
	return serveZip(ctx, in, size, out, opt, false)
}

// serveZip is ServeZip; checked skips the limit scan the caller has done.
func serveZip(ctx context.Context, in io.ReaderAt, size int64, out io.Writer, opt Options, checked bool) (*Stats, error) {
	opt.Limits = opt.Limits.withZipDefaults()
	if !checked {
		if err := CheckZip(ctx, in, size, opt.Limits); err != nil {
			return nil, err
		}
	}
	opt.PriorDir = "" // an upload carries no prior folder
	zw := zip.NewWriter(out)
	flush := func() error {
		if err := zw.Flush(); err != nil {
			return err
		}
		if f, ok := out.(http.Flusher); ok {
			f.Flush()
		}
		return nil
	}
	nd, err := os.CreateTemp("", "juesuan-results-*.ndjson")
	if err != nil {
		return nil, model.Errorf(model.EInternal, err, "无法创建临时文件。")
	}
	defer func() { nd.Close(); os.Remove(nd.Name()) }()
	now := time.Now()
	entry := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
	}
	var put func(string, []byte) error
	if !opt.ReportOnly {
		put = func(name string, data []byte) error {
			// Annotated workbooks are zips already: store them as they are.
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: now})
			if err == nil {
				_, err = w.Write(data)
			}
			if err == nil {
				err = flush()
			}
			if err != nil {
				return model.Errorf(model.EUnavailable, err, "输出中断。")
			}
			return nil
		}
	}
	eng := &engine{opt: opt}
	col, err := newCollector(opt, eng, nd, put)
	if err != nil {
		return nil, err
	}
	defer col.Close()
	walk := func(w *walker) error { return w.archive(in, size, "", 1) }
	if err := eng.run(ctx, walk, col.commit); err != nil {
		return nil, err
	}
	if err := col.finish(); err != nil {
		return nil, err
	}
	w, err := entry(ResultsName)
	if err == nil {
		if _, err = nd.Seek(0, io.SeekStart); err == nil {
			_, err = io.Copy(w, nd)
		}
	}
	if err == nil {
		err = flush()
	}
	if err == nil {
		if w, err = entry(SummaryName); err == nil {
			err = col.writeSummary(w)
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return nil, model.Errorf(model.EUnavailable, err, "输出中断。")
	}
	st := col.stats
	return &st, nil
}

// Handler serves POST /api/v1/batch. The body is the zip itself
// (application/zip or application/octet-stream) or a multipart form with
// the zip in field "file". Query: report_only, exact, overwrite (true or
// false). Errors before the first byte of the answer are
// application/problem+json with a stable code and a Chinese detail.
// Options.MaxUpload (default 512 MiB) bounds the body and Options.Timeout
// (default 30 minutes) the whole request.
func Handler(hopt Options) http.HandlerFunc {
	if hopt.MaxUpload <= 0 {
		hopt.MaxUpload = 512 << 20
	}
	if hopt.Timeout <= 0 {
		hopt.Timeout = 30 * time.Minute
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			problem(w, r, http.StatusMethodNotAllowed, model.Errorf(model.EInvalid, nil, "请使用 POST 上传 zip 压缩包。"))
			return
		}
		opt := hopt
		for name, dst := range map[string]*bool{"report_only": &opt.ReportOnly, "exact": &opt.Audit.Exact, "overwrite": &opt.Audit.Overwrite} {
			if v := r.URL.Query().Get(name); v != "" {
				b, err := strconv.ParseBool(v)
				if err != nil {
					problem(w, r, 0, model.Errorf(model.EInvalid, err, "参数 %s 只能是 true 或 false。", name))
					return
				}
				*dst = b
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), hopt.Timeout)
		defer cancel()
		tmp, size, err := spool(r, w, hopt.MaxUpload)
		if tmp != nil {
			defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
		}
		if err != nil {
			problem(w, r, 0, err)
			return
		}
		if err := CheckZip(ctx, tmp, size, opt.Limits); err != nil {
			problem(w, r, 0, err)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "审核结果.zip"}))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		// Once the status is out, a failure can only cut the zip short;
		// clients detect it by the missing central directory.
		_, _ = serveZip(ctx, tmp, size, w, opt, true)
	}
}

// spool copies the upload to a temporary file (zip needs random access;
// memory stays flat whatever the upload).
func spool(r *http.Request, w http.ResponseWriter, max int64) (*os.File, int64, error) {
	body := http.MaxBytesReader(w, r.Body, max)
	var src io.Reader = body
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return nil, 0, uploadErr(err, max, "表单中没有名为 file 的 zip 文件。")
			}
			if p.FormName() == "file" {
				src = p
				break
			}
		}
	}
	f, err := os.CreateTemp("", "juesuan-upload-*.zip")
	if err != nil {
		return nil, 0, model.Errorf(model.EInternal, err, "无法创建临时文件。")
	}
	n, err := io.Copy(f, src)
	if err != nil {
		return f, 0, uploadErr(err, max, "读取上传内容失败。")
	}
	if n == 0 {
		return f, 0, model.Errorf(model.EInvalid, nil, "没有收到 zip 压缩包。")
	}
	return f, n, nil
}

func uploadErr(err error, max int64, msg string) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return model.Errorf(model.ETooLarge, err, "上传内容超过大小上限（%s）。", human(max))
	}
	return model.Errorf(model.EInvalid, err, "%s", msg)
}

// problem writes an RFC 9457 problem in the API's shape.
func problem(w http.ResponseWriter, r *http.Request, status int, err error) {
	code := model.ErrorCode(err)
	if status == 0 {
		status = statusOf(code)
	}
	title := map[int]string{
		http.StatusBadRequest:            "请求或文件有误",
		http.StatusMethodNotAllowed:      "请求方法不支持",
		http.StatusRequestEntityTooLarge: "文件过大",
		http.StatusUnsupportedMediaType:  "文件格式不支持",
		http.StatusUnprocessableEntity:   "未找到决算公开表",
		http.StatusServiceUnavailable:    "服务繁忙",
	}[status]
	if title == "" {
		title = "内部错误"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type":     "urn:juesuan:problem:" + code,
		"title":    title,
		"status":   status,
		"detail":   model.ErrorMessage(err),
		"code":     code,
		"instance": r.URL.Path,
	})
}

func statusOf(code string) int {
	switch code {
	case model.ENotXLSX, model.EXLS, model.EEncrypted, model.EUnsupported:
		return http.StatusUnsupportedMediaType
	case model.ECorrupt, model.EInvalid:
		return http.StatusBadRequest
	case model.ETooLarge, model.ETooMany:
		return http.StatusRequestEntityTooLarge
	case model.ENoTables:
		return http.StatusUnprocessableEntity
	case model.EUnavailable, model.ETimeout:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
