package main

// fillnarrative.go: `juesuan fill --narrative 说明.docx 九张表.xlsx` checks the
// 决算公开说明 against the filled workbook (one report: status, counts and
// exit code cover both) and writes the annotated docx beside the annotated
// workbook, named as fill names the workbook (model.ResultName: .docx stays
// .docx). A text or PDF narrative cannot be annotated: its findings are
// printed and in the JSON report, and a note says so.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

const (
	msgNarrNotMarked = "说明文件 %s 是%s，无法加批注标注；说明的审核结果如下（--json 时在报告中）。如需标注版，请提供 Word（.docx）版本。"
	msgNarrClean     = "报送版（--clean）不标注说明；说明的审核结果如下。"
	msgNarrWritten   = "已输出说明标注版：%s（批注 %d 处）"
	msgNarrUnmarked  = "另有 %d 条说明审核结果无法在文中定位（如在文本框或自动编号中），见下列结果。"
	msgNarrSame      = "说明标注版不能与说明原文件相同（原文件保持不变）。"
)

// fillNarrative is the narrative part of fill: path, data and doc are the
// narrative as read (readNarrativeFile, before anything is written), rep
// the filled workbook's report (merged in place), dir where the workbook
// went ("" when it went to standard output: beside the narrative then).
// It returns false when the annotated docx could not be written (exit 2).
func fillNarrative(path string, data []byte, doc *narrative.Document, wb *model.Workbook, rep *model.Report, dir string, clean bool, info, stderr io.Writer) bool {
	an := narrative.Analyze(doc, wb)
	merged := model.NewReport(wb, append(append([]model.Finding(nil), rep.Findings...), an.Findings...), rep.Fills)
	merged.Unchecked, merged.Pack = rep.Unchecked, rep.Pack
	*rep = merged
	list := true
	switch {
	case clean:
		fmt.Fprintln(info, msgNarrClean)
	case doc.Format != narrative.FormatDOCX:
		kind := "文本（.txt）"
		if doc.Format == narrative.FormatPDF {
			kind = "PDF"
		}
		fmt.Fprintf(info, msgNarrNotMarked+"\n", path, kind)
	default:
		res, err := annotate.Narrative(data, an.Findings)
		if err != nil {
			fmt.Fprintf(stderr, "juesuan fill: 说明文件 %s：%s\n", path, model.ErrorMessage(err))
			return false
		}
		if dir == "" {
			dir = filepath.Dir(path)
		}
		unit := ""
		if wb != nil {
			unit = wb.UnitName
		}
		target := filepath.Join(dir, model.ResultName(unit, filepath.Base(path), model.TagAudit))
		if sameFile(path, target) {
			fmt.Fprintln(stderr, "juesuan fill: "+msgNarrSame)
			return false
		}
		if err := writeFileAtomic(target, res.Data); err != nil {
			fmt.Fprintf(stderr, "juesuan fill: 无法写出 %s：%s\n", target, writeMessage(err))
			return false
		}
		fmt.Fprintf(info, msgNarrWritten+"\n", target, res.Marked)
		list = res.Unmarked > 0
		if list {
			fmt.Fprintf(info, msgNarrUnmarked+"\n", res.Unmarked)
		}
	}
	if list {
		for _, f := range an.Findings {
			if f.Severity == model.SevError || f.Severity == model.SevWarning {
				fmt.Fprintf(info, "  %s %s\n", f.Severity.Chinese(), f.Message)
			}
		}
	}
	return true
}

// readNarrativeFile reads a narrative's bytes and its document.
func readNarrativeFile(path string) ([]byte, *narrative.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, model.Errorf(model.ENotFound, err, "无法打开文件 %s。", path)
	}
	defer f.Close()
	lim := narrative.DefaultLimits()
	data, err := io.ReadAll(io.LimitReader(f, lim.MaxBytes+1))
	if err != nil {
		return nil, nil, model.Errorf(model.EInvalid, err, "无法读取说明文件。")
	}
	doc, err := narrative.ReadBytes(data, filepath.Base(path), lim)
	return data, doc, err
}
