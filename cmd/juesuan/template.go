package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func init() {
	register(&command{
		name:    "template",
		summary: "生成空白的九张表标准模板（.xlsx）",
		run:     runTemplate,
	})
}

func runTemplate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "blank.xlsx", "输出文件；- 表示写到标准输出")
	style := fs.String("style", "mof", "版式：mof（财政部格式）、shanghai（上海格式）或 yunnan（云南省 11 张表）")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines(
			"用法: juesuan template [-o blank.xlsx] [--style mof|shanghai|yunnan]",
			"",
			"按内置的表格规格生成空白的部门决算公开九张表模板；yunnan 为云南省的 11 张表",
			"（九张表另加一般公共预算财政拨款项目支出决算表和财政拨款“三公”经费、行政参公单位机关运行经费情况表）。",
			"",
			"选项:"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "juesuan template: 多余的参数 %q\n", fs.Args())
		return exitInput
	}
	opt, ok := genParseStyle(*style)
	if !ok {
		fmt.Fprintf(stderr, "juesuan template: 未知的版式 %q（可选 mof、shanghai、yunnan）\n", *style)
		return exitInput
	}
	return genWriteWorkbook("template", *out, nil, opt, stdout, stderr)
}

// genParseStyle maps --style to the writer's options: a layout style, or a
// regional set (yunnan: the MOF layout with the set's tables and titles).
func genParseStyle(s string) (templates.Options, bool) {
	switch model.Style(s) {
	case model.StyleMOF, model.StyleShanghai:
		return templates.Options{Style: model.Style(s)}, true
	}
	if templates.MustLoad().Set(s) != nil {
		return templates.Options{Style: model.StyleMOF, Set: s}, true
	}
	return templates.Options{}, false
}

// genWriteWorkbook writes d to path ("-" = stdout) atomically: a temporary
// file in the same directory is renamed over the target, so a failed
// write never leaves half a workbook behind.
func genWriteWorkbook(cmd, path string, d *templates.Data, opt templates.Options, stdout, stderr io.Writer) int {
	if path == "-" {
		bw := bufio.NewWriter(stdout)
		if _, err := templates.Write(bw, d, opt); err != nil {
			fmt.Fprintf(stderr, "juesuan %s: 生成失败：%s\n", cmd, genErrText(err))
			return exitInput
		}
		if err := bw.Flush(); err != nil {
			fmt.Fprintf(stderr, "juesuan %s: 写入标准输出失败：%v\n", cmd, err)
			return exitInput
		}
		return exitOK
	}
	var buf bytes.Buffer
	wb, err := templates.Write(&buf, d, opt)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan %s: 生成失败：%s\n", cmd, genErrText(err))
		return exitInput
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "juesuan %s: 无法写入 %s：%s\n", cmd, path, writeMessage(err))
		return exitInput
	}
	fmt.Fprintf(stderr, "已生成 %s（%d 张表，%s版式）\n", path, len(wb.Tables), opt.Style.Chinese())
	return exitOK
}

// genErrText is the coded error's Chinese message, or the error itself
// (a write failure on the user's disk is worth showing verbatim).
func genErrText(err error) string {
	if model.ErrorCode(err) != model.EInternal {
		return model.ErrorMessage(err)
	}
	return err.Error()
}
