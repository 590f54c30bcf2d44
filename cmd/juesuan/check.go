package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
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
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines("用法: juesuan check [--json] [--prior 上年文件] [--exact] [文件]",
			"不指定文件时审核内置示例（昌吉州应急管理局 2024 年决算）。",
			"退出码：0 无错误；1 有错误；2 文件无法读取或用法错误。"))
		fs.PrintDefaults()
	}
	// Flags may follow the file name.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return exitOK
			}
			return exitInput
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) > 1 {
		fs.Usage()
		return exitInput
	}
	path := ""
	if len(files) == 1 {
		path = files[0]
	}
	wb, err := loadWorkbook(path)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: %s\n", inputError(path, err))
		return exitInput
	}
	opt := check.Options{Exact: *exact}
	if *priorPath != "" {
		if opt.Prior, err = loadWorkbook(*priorPath); err != nil {
			fmt.Fprintf(stderr, "juesuan: 上年文件：%s\n", inputError(*priorPath, err))
			return exitInput
		}
	}
	rep, err := checkPipeline(wb, opt)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: %s\n", model.ErrorMessage(err))
		return exitInput
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return exitInput
		}
	} else if err := check.WriteText(stdout, rep); err != nil {
		return exitInput
	}
	if rep.Summary.Errors > 0 {
		return exitFindings
	}
	return exitOK
}

func inputError(path string, err error) string {
	if path == "" {
		path = "内置示例"
	}
	return path + "：" + model.ErrorMessage(err)
}

// checkPipeline runs the in-memory stages on a read workbook: (fill, to be
// inserted here by the fill stage) then check. The report carries the
// reader's structural findings as well as the rule findings.
func checkPipeline(wb *model.Workbook, opt check.Options) (model.Report, error) {
	rules, err := check.Load()
	if err != nil {
		return model.Report{}, model.Errorf(model.EInternal, err, "内部错误：审核公式无法加载。")
	}
	findings := append([]model.Finding{}, wb.Findings...)
	findings = append(findings, check.Check(wb, rules, opt)...)
	return model.NewReport(wb, findings, nil), nil
}

// loadWorkbook reads path, or the embedded sample (Case A) when path is "":
// the sample is written as a workbook and read back, like any upload.
func loadWorkbook(path string) (*model.Workbook, error) {
	var r io.Reader
	if path == "" {
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
			return nil, model.Errorf(model.EInternal, err, "内部错误：内置示例无法生成。")
		}
		r = &buf
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, model.Errorf(model.ENotFound, err, "文件无法打开。")
		}
		defer f.Close()
		r = f
	}
	wb, _, err := reader.Read(r, reader.Options{})
	return wb, err
}
