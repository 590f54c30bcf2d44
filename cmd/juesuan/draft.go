package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/draft"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func init() {
	register(&command{
		name:    "draft",
		summary: "按九张表起草决算公开说明（含数字的句子；表中没有的留“【请填写】”）",
		run:     runDraft,
	})
}

const draftUsage = `用法: juesuan draft [--prior 上年文件] [--year 2025] [-o 说明.docx] [文件]

按九张表写出决算公开说明中带数字的句子：收入、支出总计及各项金额和占比，财政拨款，
一般公共预算财政拨款各类、各项支出，基本支出，“三公”经费及预算数、预决算差异率，
政府性基金和国有资本经营预算空表说明等；给出上年决算工作簿（--prior）时写出增减额和增减幅度。
表中没有的内容（原因、机关运行经费、政府采购、国有资产、人数等）写“【请填写】”，
填写后用 juesuan check --narrative 说明.docx 工作簿.xlsx 核对。
不给文件时按内置示例（昌吉州应急管理局 2024 年度决算）起草。
默认输出 <文件名>.说明草稿.docx（与输入文件同目录）；-o 以 .txt 结尾时输出纯文本；-o - 把纯文本写到标准输出。

退出码: 0 已输出；2 文件无法读取或用法错误。

选项:
`

func runDraft(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("draft", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, draftUsage)
		fs.PrintDefaults()
	}
	year := fs.Int("year", 0, "决算年度（如 2025）：写入说明并按该年度的规则包审核；默认取工作簿中的“20XX年度”")
	prior := fs.String("prior", "", "上年决算工作簿：写出与上年相比的增减额和增减幅度")
	out := fs.String("o", "", "输出文件（默认 <文件名>.说明草稿.docx；以 .txt 结尾时为纯文本；- 为标准输出）")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(files) > 1 {
		fmt.Fprintln(stderr, "juesuan draft: 一次只能起草一个单位（收到多个文件）。")
		return exitInput
	}
	if *year != 0 && (*year < 2000 || *year > 2099) {
		fmt.Fprintf(stderr, "juesuan: --year 应为四位的决算年度，如 2025，收到 %d\n", *year)
		return exitInput
	}
	path := ""
	if len(files) == 1 {
		path = files[0]
	}
	in, err := readInput(path, templates.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "juesuan draft: %s\n", model.ErrorMessage(err))
		return exitInput
	}
	opt := draft.Options{Year: *year}
	if path == "" && opt.Year == 0 {
		opt.Year = templates.CaseA().Year // the sample's titles print no year
	}
	// The draft states what the tables say once filled and checked, the
	// same pipeline as check.
	res, err := audit.Check(context.Background(), bytes.NewReader(in.data), audit.Options{Year: *year})
	if err != nil {
		fmt.Fprintf(stderr, "juesuan draft: %s：%s\n", in.label, model.ErrorMessage(err))
		return exitInput
	}
	if *prior != "" {
		p, err := readInput(*prior, templates.Options{})
		if err == nil {
			var pres *audit.Result
			if pres, err = audit.Check(context.Background(), bytes.NewReader(p.data), audit.Options{}); err == nil {
				opt.Prior = pres.Workbook
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "juesuan draft: 上年文件 %s：%s\n", *prior, model.ErrorMessage(err))
			return exitInput
		}
	}
	doc, err := draft.Draft(res.Workbook, opt)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan draft: %s\n", model.ErrorMessage(err))
		return exitInput
	}
	target := *out
	if target == "" {
		target = filepath.Join(in.dir, in.base+".说明草稿.docx")
	}
	var data bytes.Buffer
	if target == "-" || strings.EqualFold(filepath.Ext(target), ".txt") {
		err = doc.WriteText(&data)
	} else {
		err = doc.WriteDOCX(&data)
	}
	if err != nil {
		fmt.Fprintf(stderr, "juesuan draft: %s\n", model.ErrorMessage(err))
		return exitInput
	}
	info := stdout
	if target == "-" {
		info = stderr
		if _, err := stdout.Write(data.Bytes()); err != nil {
			fmt.Fprintf(stderr, "juesuan draft: 写出失败：%s\n", writeMessage(err))
			return exitInput
		}
	} else {
		if path != "" && sameFile(path, target) {
			fmt.Fprintln(stderr, "juesuan draft: 输出文件不能与输入文件相同：请用 -o 指定另一个文件名。")
			return exitInput
		}
		if err := writeFileAtomic(target, data.Bytes()); err != nil {
			fmt.Fprintf(stderr, "juesuan draft: 无法写出 %s：%s\n", target, writeMessage(err))
			return exitInput
		}
		fmt.Fprintf(info, "已输出：%s\n", target)
	}
	fmt.Fprintf(info, "说明草稿：%d 段，待填写 %d 处（“%s”）。", len(doc.Blocks)+1, doc.Placeholders(), draft.Placeholder)
	if opt.Prior == nil {
		fmt.Fprint(info, "未给上年决算（--prior），与上年的增减也留待填写。")
	}
	fmt.Fprintln(info)
	if n := res.Report.Summary.Errors; n > 0 {
		fmt.Fprintf(info, "注意：工作簿本身有 %d 条错误，草稿照表中的数字写出；请先用 juesuan check %s 查看并改正。\n", n, in.label)
	}
	return exitOK
}
