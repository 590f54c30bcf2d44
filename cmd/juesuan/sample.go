package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func init() {
	register(&command{
		name:    "sample",
		summary: "生成内置示例工作簿（案例 A 昌吉州应急管理局 / 案例 C 普陀区委社会工作部）",
		run:     runSample,
	})
}

func runSample(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sample", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "sample.xlsx", "输出文件；- 表示写到标准输出")
	style := fs.String("style", "", "版式：mof、shanghai 或 yunnan（云南省 11 张表，另两张表由九张表推出）（默认：案例 A 为 mof，案例 C 为 shanghai）")
	which := fs.String("case", "a", "案例：a（昌吉回族自治州应急管理局 2024）或 c（中共上海市普陀区委社会工作部 2024）")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines(
			"用法: juesuan sample [-o sample.xlsx] [--style mof|shanghai|yunnan] [--case a|c]",
			"",
			"生成内置示例的九张表工作簿，数值与公开说明中的数字一致。",
			"",
			"选项:"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "juesuan sample: 多余的参数 %q\n", fs.Args())
		return exitInput
	}
	var d *templates.Data
	switch strings.ToLower(*which) {
	case "a":
		d = templates.CaseA()
	case "c":
		d = templates.CaseC()
	default:
		fmt.Fprintf(stderr, "juesuan sample: 未知的案例 %q（可选 a、c）\n", *which)
		return exitInput
	}
	opt := templates.Options{Style: d.Style}
	if *style != "" {
		var ok bool
		if opt, ok = genParseStyle(*style); !ok {
			fmt.Fprintf(stderr, "juesuan sample: 未知的版式 %q（可选 mof、shanghai、yunnan）\n", *style)
			return exitInput
		}
	}
	if opt.Style == "" {
		opt.Style = model.StyleMOF
	}
	if opt.Set != "" {
		d = templates.WithYunnan(d)
	}
	return genWriteWorkbook("sample", *out, d, opt, stdout, stderr)
}
