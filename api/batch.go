package api

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/model"
)

// ZipType is the media type of a batch upload and answer.
const ZipType = "application/zip"

// batchQuery holds the parameters of POST /api/v1/batch.
type batchQuery struct {
	ReportOnly string `validate:"omitempty,boolean" label:"report_only"`
	Exact      string `validate:"omitempty,boolean" label:"exact"`
	Overwrite  string `validate:"omitempty,boolean" label:"overwrite"`
	// MarkRounding: 尾差 infos coloured and noted in the workbooks too, as
	// on /fill.
	MarkRounding string `validate:"omitempty,boolean" label:"mark_rounding"`
}

// batchHandler takes a zip of workbooks and streams back a zip of annotated
// workbooks, results.ndjson and 汇总.xlsx. The upload stays in memory, like
// every other upload (nothing is written to disk), bounded by MaxBatchUpload;
// the whole request holds one worker slot and runs BatchJobs workbooks at a
// time, so a bulk request cannot starve single-workbook users.
func (s *server) batchHandler(c *gin.Context) {
	q := batchQuery{ReportOnly: c.Query("report_only"), Exact: c.Query("exact"), Overwrite: c.Query("overwrite"), MarkRounding: c.Query("mark_rounding")}
	if !s.valid(c, &q) {
		return
	}
	// Memory first: the declared body, before a byte of it is read.
	res, ok := s.admit(c)
	if !ok {
		return
	}
	defer res.release()
	data, ok := s.readZip(c)
	if !ok {
		return
	}
	c.Set(ctxUpload, []uploadInfo{info(data)})
	if isWorkbook(data) {
		s.problem(c, http.StatusUnsupportedMediaType, model.EUnsupported,
			"上传的是单个 .xlsx 工作簿，不是 zip 压缩包：单个工作簿请用 /api/v1/check 或 /api/v1/fill，批量请把多个工作簿打包成 zip。", nil)
		return
	}
	ctx := c.Request.Context()
	lim := batch.ZipLimits()
	// Compressed nested archives are inflated into memory: the walk asks
	// for their declared sizes (from the zip directories) before it
	// inflates them, on top of the body already reserved.
	body := res.size()
	lim.Hold = func(peak int64) error {
		if more := body + peak - res.size(); more > 0 {
			if err := res.grow(more); err != nil {
				return &needError{err, body + peak}
			}
		}
		return nil
	}
	// A request that inflated large nested archives hands that memory back
	// to the system before its reservation is released: the runtime would
	// otherwise keep it, and the next admitted request add its own.
	defer func() {
		if res.size()-body > 32<<20 {
			debug.FreeOSMemory()
		}
	}()
	// What the directory alone tells (sizes, nesting, a bomb's inflation
	// ratio) is refused before a slot is taken; the full limit scan
	// inflates nested archives as streams: CPU work, done under the slot
	// like the rest.
	if err := batch.CheckDirectory(ctx, bytes.NewReader(data), int64(len(data)), lim); err != nil {
		s.fail(c, err)
		return
	}
	release, err := s.limit.acquire(ctx)
	if err != nil {
		s.busy(c, err)
		return
	}
	defer release()
	if err := batch.CheckZip(ctx, bytes.NewReader(data), int64(len(data)), lim); err != nil {
		if errors.Is(err, errMemoryFull) || errors.Is(err, errMemoryTooBig) {
			s.busy(c, err)
			return
		}
		s.fail(c, err)
		return
	}
	// The streamed answer may outlast the server's write timeout, which is
	// sized for one workbook.
	_ = conn(c).SetWriteDeadline(time.Now().Add(s.cfg.BatchTimeout + time.Minute))
	opt := batch.Options{
		Jobs:       s.cfg.BatchJobs,
		ReportOnly: parseBool(q.ReportOnly),
		Limits:     lim,
	}
	opt.Audit.Exact = parseBool(q.Exact)
	opt.Audit.Overwrite = parseBool(q.Overwrite)
	opt.Audit.MarkRounding = parseBool(q.MarkRounding)
	c.Header("Content-Type", ZipType)
	c.Header("Content-Disposition", contentDisposition("审核结果.zip"))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	// Once the status is out a failure can only cut the zip short; clients
	// detect that by the missing central directory, and the log keeps it.
	if _, err := batch.ServeZip(ctx, bytes.NewReader(data), int64(len(data)), c.Writer, opt); err != nil {
		_ = c.Error(err)
	}
}

// isWorkbook reports whether an upload is itself an OOXML workbook (an xlsx
// is a zip too): its root holds [Content_Types].xml and xl/workbook.xml.
func isWorkbook(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	var types, book bool
	for _, f := range zr.File {
		switch f.Name {
		case "[Content_Types].xml":
			types = true
		case "xl/workbook.xml":
			book = true
		}
	}
	return types && book
}

// readZip reads the archive from the raw body or the multipart field file.
func (s *server) readZip(c *gin.Context) ([]byte, bool) {
	limit := s.cfg.MaxBatchUpload
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if c.GetHeader("Content-Type") == "" {
		mt, err = "", nil
	}
	if err != nil {
		s.problem(c, http.StatusUnsupportedMediaType, model.EUnsupported, "无法识别请求的 Content-Type。", err)
		return nil, false
	}
	defer bodyDone(c)
	var src io.Reader
	switch mt {
	case "multipart/form-data":
		if params["boundary"] == "" {
			s.problem(c, http.StatusBadRequest, model.EInvalid, "multipart 请求缺少 boundary。", nil)
			return nil, false
		}
		mr, err := c.Request.MultipartReader()
		if err != nil {
			s.problem(c, http.StatusBadRequest, model.EInvalid, "multipart 请求格式有误。", err)
			return nil, false
		}
		for src == nil {
			p, err := mr.NextPart()
			if err != nil {
				if err == io.EOF {
					s.problem(c, http.StatusBadRequest, model.EInvalid, "表单中没有名为 file 的 zip 压缩包。", nil)
				} else {
					s.fail(c, readErr(err))
				}
				return nil, false
			}
			if p.FormName() == "file" {
				src = p
			}
		}
	case ZipType, "application/x-zip-compressed", "application/octet-stream", "":
		src = c.Request.Body
	default:
		s.problem(c, http.StatusUnsupportedMediaType, model.EUnsupported,
			"不支持的上传格式 "+mt+"：请以 application/zip 请求体或 multipart 的 file 字段上传 zip 压缩包。", nil)
		return nil, false
	}
	var buf bytes.Buffer
	if n := c.Request.ContentLength; n > 0 && n <= limit+64<<10 {
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom wants MinRead free, else it doubles
	}
	if _, err := buf.ReadFrom(io.LimitReader(src, limit+1)); err != nil {
		s.fail(c, readErr(err))
		return nil, false
	}
	if int64(buf.Len()) > limit {
		s.problem(c, http.StatusRequestEntityTooLarge, model.ETooLarge,
			"上传的压缩包超过 "+humanSize(limit)+" 的上限。", nil)
		return nil, false
	}
	if buf.Len() == 0 {
		s.problem(c, http.StatusBadRequest, model.EInvalid, "没有收到 zip 压缩包。", nil)
		return nil, false
	}
	return buf.Bytes(), true
}
