package batch

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/juesuan/juesuan/model"
)

// RunDir checks and fills every workbook found in paths (files, folders,
// .zip archives) and writes into outDir: one annotated copy per readable
// workbook (unless ReportOnly), results.ndjson (written as files finish)
// and 汇总.xlsx. A file that cannot be read gets a row saying why; only a
// failure of the output itself (disk full) is an error. When ctx ends
// early the outputs cover the files done so far and both the stats and an
// ETimeout error are returned.
func RunDir(ctx context.Context, paths []string, outDir string, opt Options) (*Stats, error) {
	if len(paths) == 0 {
		return nil, model.Errorf(model.EInvalid, nil, "没有指定要审核的文件或文件夹。")
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, model.Errorf(model.EInvalid, err, "无法创建输出文件夹 %s。", outDir)
	}
	absOut, err := filepath.Abs(outDir)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, err, "输出文件夹无效：%s", outDir)
	}
	eng := &engine{opt: opt, roots: newRooter(paths)}
	if opt.PriorDir != "" {
		if eng.priors, err = newPriorIndex(opt.PriorDir, opt.jobs(), opt.Audit.Limits); err != nil {
			return nil, model.Errorf(model.ENotFound, err, "无法读取上年文件夹 %s。", opt.PriorDir)
		}
	}
	nd, err := os.Create(filepath.Join(outDir, ResultsName))
	if err != nil {
		return nil, model.Errorf(model.EInvalid, err, "无法写入输出文件夹 %s。", outDir)
	}
	defer nd.Close()
	var put func(string, []byte) error
	if !opt.ReportOnly {
		put = func(name string, data []byte) error {
			if err := os.WriteFile(filepath.Join(outDir, name), data, 0o644); err != nil {
				return model.Errorf(model.EInternal, err, "写出 %s 失败。", name)
			}
			return nil
		}
	}
	col, err := newCollector(opt, eng, nd, put)
	if err != nil {
		return nil, err
	}
	defer col.Close()
	walk := func(w *walker) error {
		w.skip[absOut] = true
		return w.paths(paths)
	}
	if opt.Progress != nil {
		// A progress bar needs its total before the first file: a second,
		// cheap walk (directories and zip directories; no workbook read).
		if n, err := eng.count(ctx, walk); err == nil {
			eng.total = n
		}
	}
	runErr := eng.run(ctx, walk, col.commit)
	if runErr != nil && ctx.Err() == nil {
		return nil, runErr
	}
	if runErr == nil && ctx.Err() != nil {
		runErr = model.Errorf(model.ETimeout, ctx.Err(), "批量审核已取消或超时。")
	}
	if runErr == nil {
		if err := col.recordUnpaired(eng); err != nil {
			return nil, err
		}
	}
	// Interrupted (Ctrl-C, deadline): still write what was done, so an
	// hour of work is not lost; the error says the run is incomplete.
	st, err := finishDir(col, outDir, nd)
	if err != nil {
		return nil, err
	}
	return st, runErr
}

// finishDir flushes the results, writes 汇总.xlsx into outDir and closes
// results.ndjson (nd): the end of a run and of a merge.
func finishDir(col *collector, outDir string, nd io.Closer) (*Stats, error) {
	if err := col.finish(); err != nil {
		return nil, err
	}
	sum, err := os.Create(filepath.Join(outDir, SummaryName))
	if err != nil {
		return nil, model.Errorf(model.EInternal, err, "无法写入 %s。", SummaryName)
	}
	if err := col.writeSummary(sum); err != nil {
		sum.Close()
		return nil, err
	}
	if err := errors.Join(sum.Close(), nd.Close()); err != nil {
		return nil, model.Errorf(model.EInternal, err, "写出汇总失败。")
	}
	st := col.stats
	return &st, nil
}
