package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
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
	in, err := openInput(path, false)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: %s\n", inputError(path, err))
		return exitInput
	}
	opt := audit.Options{Exact: *exact}
	if *priorPath != "" {
		if opt.Prior, err = openInput(*priorPath, false); err != nil {
			fmt.Fprintf(stderr, "juesuan: 上年文件：%s\n", inputError(*priorPath, err))
			return exitInput
		}
	}
	// Same pipeline as the service: read, fill blank derived cells in
	// memory, then check, so a blank total is filled rather than an error.
	res, err := audit.Check(context.Background(), in, opt)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: %s\n", inputError(path, err))
		return exitInput
	}
	rep := res.Report
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

// openInput returns the workbook at path, or the embedded sample (Case A)
// when path is "": the sample is written as a workbook so it travels the same
// read path as any upload. blankDerived leaves every derived cell blank, as a
// user would type it, so fill has something to show.
func openInput(path string, blankDerived bool) (io.Reader, error) {
	if path == "" {
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{OmitDerived: blankDerived}); err != nil {
			return nil, model.Errorf(model.EInternal, err, "内部错误：内置示例无法生成。")
		}
		return &buf, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, model.Errorf(model.ENotFound, err, "文件无法打开。")
	}
	return bytes.NewReader(data), nil
}
