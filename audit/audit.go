// Package audit is the pipeline every front end (CLI, HTTP API, bulk)
// calls: read -> fill (in memory) -> check, and for Fill also annotate and
// write the user's workbook back. Errors are *model.Error with Chinese
// messages; findings about the workbook are in the report, not errors.
package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/fill"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

// Options configure one audit.
type Options struct {
	Exact     bool      // exact decimal equality instead of the §5.0 tolerance
	Overwrite bool      // replace non-blank derived cells that disagree (listed as fills with Old)
	Prior     io.Reader // optional prior-year workbook for the cross-year rules
	Limits    xlsx.Limits
	// Parts is how many separately rounded unit workbooks each figure sums
	// (a consolidated department); the tolerance scales with it.
	Parts int
	// Year is the 决算年度 whose rule pack to use (--year, ?year=); 0: the
	// year the workbook prints, else the default pack's.
	Year int
	// Clean makes Fill write the copy for 报送: the filled values only, no
	// marks, notes or results sheet. It is refused (EErrorsRemain) while
	// error findings remain, unless Force.
	Clean, Force bool
	// Grid gives each finding the grids of the tables around its cells
	// (report findings[].grids): the page draws them.
	Grid bool
	// MarkRounding colours and notes the cells of 尾差 infos in the
	// annotated workbook; by default they are listed in 审核结果 only.
	MarkRounding bool
	// Explanations are 审核说明 texts by finding fingerprint, typed outside
	// the workbook (the page); they override the workbook's own and are
	// written into its 审核结果 sheet.
	Explanations map[string]string
}

// Result is the outcome of an audit: the report (the JSON contract) and
// the filled model.
type Result struct {
	Report   model.Report
	Workbook *model.Workbook
}

var (
	rulesOnce sync.Once
	rules     []*check.Rule
	rulesErr  error
)

// Rules returns the embedded rule set, parsed once per process.
func Rules() ([]*check.Rule, error) {
	rulesOnce.Do(func() { rules, rulesErr = check.Load() })
	return rules, rulesErr
}

// Check reads a workbook, fills its blank derived cells in memory and
// checks every rule. The input is not written back.
func Check(ctx context.Context, r io.Reader, opt Options) (res *Result, err error) {
	defer recoverInternal(&err)
	book, res, err := run(ctx, r, opt)
	if err != nil {
		return nil, err
	}
	book.Close()
	return res, nil
}

// Fill is Check plus the annotated workbook written to w: filled values,
// marked cells, notes and the 审核结果 sheet, everything else unchanged.
func Fill(ctx context.Context, r io.Reader, w io.Writer, opt Options) (res *Result, err error) {
	defer recoverInternal(&err)
	book, res, err := run(ctx, r, opt)
	if err != nil {
		return nil, err
	}
	defer book.Close()
	if err := stage(ctx, "标注"); err != nil {
		return nil, err
	}
	book.SetContext(ctx, "标注")
	// Annotations are written into the parts directly (styles, comments +
	// VML, the 审核结果 sheet); only a workbook the direct path cannot edit
	// (Strict OOXML, say) goes through excelize, and a file excelize cannot
	// open there is damaged, not an internal failure.
	aopt := annotate.Options{MarkRounding: opt.MarkRounding}
	annotateFn := func(b *xlsx.Book, wb *model.Workbook, rep model.Report) error {
		return annotate.AnnotateDirectWith(b, wb, rep, aopt)
	}
	if opt.Clean {
		if n := res.Report.Summary.Errors; n > 0 && !opt.Force {
			return nil, model.Errorf(model.EErrorsRemain, nil, msgErrorsRemain, n)
		}
		annotateFn = annotate.CleanCopy
	}
	if err := annotateFn(book, res.Workbook, res.Report); err != nil {
		return nil, contentErr(err, "无法在工作簿中写入审核标注：文件中有 Excel/WPS 不接受的内容（如无效的样式、单元格区域或公式），文件可能已损坏，请在 Excel/WPS 中打开并另存后重新上传。")
	}
	if err := stage(ctx, "写出"); err != nil {
		return nil, err
	}
	book.SetContext(ctx, "写出")
	ew := &errWriter{w: w}
	if _, err := book.WriteTo(ew); err != nil {
		if model.ErrorCode(err) == model.ETimeout {
			return nil, err
		}
		if ew.err != nil {
			// The destination failed (a client gone, a full disk): ours.
			return nil, model.Errorf(model.EInternal, err, "写出审核后的工作簿失败。")
		}
		return nil, contentErr(err, "无法写出审核后的工作簿：文件中有 Excel/WPS 不接受的内容，文件可能已损坏，请在 Excel/WPS 中打开并另存后重新上传。")
	}
	return res, nil
}

// contentErr codes a failure of annotating or writing. The model and the
// report are juesuan's own and already checked, so what excelize refuses
// there is the upload's content (an address, a style index, a range or a
// part it cannot take): ECorrupt, answered 400 like any bad upload, never
// 500. A coded error keeps its code.
func contentErr(err error, msg string) error {
	var me *model.Error
	if errors.As(err, &me) {
		return err
	}
	return model.Errorf(model.ECorrupt, err, "%s", msg)
}

// ErrPrior marks an error that comes from the prior-year workbook, so
// front ends can name that file rather than the one being checked.
var ErrPrior = errors.New("prior-year workbook")

// errWriter remembers the destination's own error, to tell it apart from
// excelize failing on the workbook.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// run is the shared part: read, fill, check, explanations. The returned
// book is open; Check closes it, Fill annotates it first.
func run(ctx context.Context, r io.Reader, opt Options) (*xlsx.Book, *Result, error) {
	if r == nil {
		return nil, nil, model.Errorf(model.EInvalid, nil, "没有收到工作簿。")
	}
	rs, err := Rules()
	if err != nil {
		return nil, nil, model.Errorf(model.EInternal, err, "审核规则加载失败。")
	}
	if err := stage(ctx, "读取"); err != nil {
		return nil, nil, err
	}
	wb, book, err := reader.ReadContext(ctx, r, reader.Options{Limits: opt.Limits, Year: opt.Year})
	if err != nil {
		return nil, nil, coded(err, "工作簿无法读取。")
	}
	ok := false
	defer func() {
		if !ok {
			book.Close()
		}
	}()
	var prior *model.Workbook
	if opt.Prior != nil {
		if err := stage(ctx, "读取上年"); err != nil {
			return nil, nil, err
		}
		pwb, pbook, err := reader.ReadContext(ctx, opt.Prior, reader.Options{Limits: opt.Limits})
		if err != nil {
			var me *model.Error
			if errors.As(err, &me) {
				return nil, nil, model.Errorf(me.Code, fmt.Errorf("%w: %w", ErrPrior, err), "上年决算工作簿：%s", me.Message)
			}
			return nil, nil, model.Errorf(model.ECorrupt, fmt.Errorf("%w: %w", ErrPrior, err), "上年决算工作簿无法读取。")
		}
		pbook.Close()
		// The prior year's totals may be blank too: fill them so the
		// cross-year rules compare computed values.
		if _, _, err := fill.RunContext(ctx, pwb, check.Bind(rs, pwb), fill.Options{Rules: rs}); err != nil {
			return nil, nil, err
		}
		prior = pwb
	}
	if err := stage(ctx, "补填"); err != nil {
		return nil, nil, err
	}
	// The fill meets the tolerance check will apply (exact, parts); its
	// F01 findings name identities no filled value could satisfy.
	binding := check.NewBinding(rs, wb) // shared by fill and check: bound once
	fills, fillFindings, err := fill.RunContext(ctx, wb, binding.Equations(), fill.Options{Overwrite: opt.Overwrite, Exact: opt.Exact, Parts: opt.Parts, Rules: rs})
	if err != nil {
		return nil, nil, err
	}
	if err := stage(ctx, "审核"); err != nil {
		return nil, nil, err
	}
	findings := append([]model.Finding(nil), wb.Findings...)
	pack, packFinding := choosePack(wb, opt.Year)
	if packFinding != nil {
		findings = append(findings, *packFinding)
	}
	findings = append(findings, fillFindings...)
	checker := check.NewChecker(wb, rs, check.Options{Exact: opt.Exact, Prior: prior, Parts: opt.Parts, Binding: binding})
	found, err := checker.RunContext(ctx)
	if err != nil {
		return nil, nil, err
	}
	findings = append(findings, found...)
	for i := range findings {
		if findings[i].Fingerprint == "" {
			findings[i].SetFingerprint()
		}
	}
	expl, err := annotate.ReadExplanations(book)
	if err != nil {
		return nil, nil, model.Errorf(model.ECorrupt, err, "读取“%s”表中的审核说明失败。", annotate.ResultsSheet)
	}
	for fp, text := range opt.Explanations {
		if expl == nil {
			expl = map[string]string{}
		}
		expl[fp] = text
	}
	annotate.ApplyExplanations(findings, expl)
	if opt.Grid {
		AttachGrids(wb, findings)
	}
	rep := model.NewReport(wb, findings, fills)
	rep.Unchecked = checker.Unchecked()
	rep.Pack = pack
	ok = true
	return book, &Result{Report: rep, Workbook: wb}, nil
}

// stage returns a coded error when ctx is done before the named stage.
func stage(ctx context.Context, name string) error {
	if ctx == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return model.Canceled(err, name)
	}
	return nil
}

// coded keeps a *model.Error as is and wraps anything else.
func coded(err error, msg string) error {
	var me *model.Error
	if errors.As(err, &me) {
		return err
	}
	return model.Errorf(model.ECorrupt, err, "%s", msg)
}

// recoverInternal turns a panic in any stage into an EInternal error: bad
// input must never crash a server.
func recoverInternal(err *error) {
	if p := recover(); p != nil {
		*err = model.Errorf(model.EInternal, fmt.Errorf("panic: %v\n%s", p, debug.Stack()), "内部错误，请联系管理员。")
	}
}

// RulePack is the info finding that names a substitute rule pack.
const RulePack = "P01"

// choosePack names the rule pack a workbook is checked with (the year as
// asked, else as printed, else the default) and, when the year has no pack
// of its own or the year asked differs from the one printed, an info
// finding saying which is used.
func choosePack(wb *model.Workbook, asked int) (model.PackRef, *model.Finding) {
	packs := templates.MustPacks()
	pk, exact := packs.Select(wb.Year)
	ref := model.PackRef{Year: pk.Year, Printed: wb.YearPrinted, Note: pk.Note, Source: model.PackDefault}
	switch {
	case asked != 0:
		ref.Source = model.PackAsked
	case wb.YearPrinted != 0:
		ref.Source = model.PackPrinted
	}
	// A workbook that prints no year (most tables do not) is checked with
	// the default pack, as report.pack says; no finding for that.
	var msg string
	switch {
	case wb.Year == 0:
		return ref, nil
	case !exact:
		msg = fmt.Sprintf(msgPackNearest, wb.Year, pk.Year)
	case asked != 0 && wb.YearPrinted != 0 && asked != wb.YearPrinted:
		msg = fmt.Sprintf(msgPackAsked, wb.YearPrinted, asked)
	default:
		return ref, nil
	}
	f := model.Finding{Rule: RulePack, Severity: model.SevInfo, Message: msg, Cells: []model.CellRef{}}
	f.SetFingerprint()
	return ref, &f
}
