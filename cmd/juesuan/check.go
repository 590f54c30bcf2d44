package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/draft"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/templates"
)

func init() {
	register(&command{name: "check", summary: "审核九张表的表内、表间和跨年度关系", run: runCheck})
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出审核报告")
	priorPath := fs.String("prior", "", "上年决算工作簿（审核年初结转和结余并报告同比变化）")
	exact := fs.Bool("exact", false, "精确比较，不允许尾差")
	parts := fs.Int("parts", 1, "工作簿是 N 个单位汇总而成时填 N：每个数都含 N 次四舍五入，容差按 N 倍计算")
	year := fs.Int("year", 0, "决算年度（如 2025）：按该年度的规则包与科目目录审核；默认取工作簿中的“20XX年度”，没有则按 2024 年度")
	all := fs.Bool("all", false, "逐条列出尾差（默认每张表合为一行）")
	narrativePath := fs.String("narrative", "", "决算公开说明（.docx、.txt 或 PDF）：核对说明中的数字与九张表，结果并入同一报告")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines("用法: juesuan check [--json] [--all] [--prior 上年文件] [--exact] [--parts N] [--year 2025] [--narrative 说明.docx] [文件]",
			"不指定文件时审核内置示例（昌吉州应急管理局 2024 年决算及其决算公开说明）。",
			"退出码：0 无错误；1 有错误；2 文件无法读取或用法错误。"))
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(files) > 1 {
		fmt.Fprintf(stderr, "juesuan check: 一次只能审核一个文件（收到 %d 个）；批量请用 juesuan batch。\n", len(files))
		return exitInput
	}
	path := ""
	if len(files) == 1 {
		path = files[0]
	}
	in, err := readInput(path, templates.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: %s\n", model.ErrorMessage(err))
		return exitInput
	}
	if *parts < 1 {
		fmt.Fprintf(stderr, "juesuan: --parts 应为不小于 1 的整数（汇总的单位数），收到 %d\n", *parts)
		return exitInput
	}
	if *year != 0 && (*year < 2000 || *year > 2099) {
		fmt.Fprintf(stderr, "juesuan: --year 应为四位的决算年度，如 2025，收到 %d\n", *year)
		return exitInput
	}
	opt := audit.Options{Exact: *exact, Parts: *parts, Year: *year}
	if *priorPath != "" {
		prior, err := readInput(*priorPath, templates.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "juesuan: 上年文件：%s\n", model.ErrorMessage(err))
			return exitInput
		}
		opt.Prior = bytes.NewReader(prior.data)
	}
	// Same pipeline as the service: read, fill blank derived cells in
	// memory, then check, so a blank total is filled rather than an error.
	res, err := audit.Check(context.Background(), bytes.NewReader(in.data), opt)
	if err != nil {
		label := in.label
		if errors.Is(err, audit.ErrPrior) {
			label = *priorPath
		}
		fmt.Fprintf(stderr, "juesuan: %s：%s\n", label, model.ErrorMessage(err))
		return exitInput
	}
	rep := res.Report
	var story *narrative.Analysis
	var doc *narrative.Document
	switch {
	case *narrativePath != "":
		if doc, err = readNarrative(*narrativePath); err != nil {
			fmt.Fprintf(stderr, "juesuan: 说明文件 %s：%s\n", *narrativePath, model.ErrorMessage(err))
			return exitInput
		}
	case path == "":
		// The embedded sample is both documents: its narrative is checked
		// too, read from the docx /api/v1/sample.docx serves.
		if doc, err = sampleNarrative(); err != nil {
			fmt.Fprintf(stderr, "juesuan: %s\n", model.ErrorMessage(err))
			return exitInput
		}
	}
	if doc != nil {
		// One report: status, counts and exit code cover both.
		story = narrative.Analyze(doc, res.Workbook)
		merged := model.NewReport(res.Workbook, append(rep.Findings, story.Findings...), rep.Fills)
		merged.Unchecked = rep.Unchecked
		merged.Pack = rep.Pack
		rep = merged
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return exitInput
		}
	} else if err := check.WriteTextOptions(stdout, rep, check.TextOptions{All: *all}); err != nil {
		return exitInput
	} else if story != nil {
		fmt.Fprintln(stdout, "\n"+story.Summary())
	}
	if rep.Summary.Errors > 0 {
		return exitFindings
	}
	return exitOK
}

// sampleNarrative is the embedded Case A narrative as its .docx reads.
func sampleNarrative() (*narrative.Document, error) {
	data, err := draft.Sample().DOCX()
	if err != nil {
		return nil, err
	}
	return narrative.ReadBytes(data, "sample.说明.docx", narrative.Limits{})
}

// readNarrative reads a 决算公开说明 within the narrative reader's limits.
func readNarrative(path string) (*narrative.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, model.Errorf(model.ENotFound, err, "无法打开文件 %s。", path)
	}
	defer f.Close()
	return narrative.Read(f, filepath.Base(path), narrative.Limits{})
}
