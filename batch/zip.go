package batch

// zip.go is the core of POST /api/v1/batch: a zip of workbooks in, a zip
// out (annotated copies as each finishes, then results.ndjson and
// 汇总.xlsx). Limits are checked on the whole archive, nested archives
// included, before any work, so a refused upload costs no audit and gets
// a clean error instead of a truncated zip.

import (
	"archive/zip"
	"context"
	"io"
	"net/http"
	"os"
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
		return scanErr(ctx, err)
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
	if err := col.recordUnpaired(eng); err != nil {
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
