package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/templates"
)

func init() {
	register(&command{
		name:    "fill",
		summary: "补填合计/小计等可推算单元格、审核并输出标注后的工作簿",
		run:     runFill,
	})
}

const fillUsage = `用法: juesuan fill [--json] [--overwrite] [--exact] [--prior 上年文件] [--narrative 说明.docx] [-o 输出文件] [文件]

补填空白的合计、小计、类/款合计和跨表引用单元格，按审核公式逐条审核，
输出标注后的工作簿（错误标红、提示标黄、补填标蓝，附“审核结果”表；尾差只列在审核结果表中，加 --mark-rounding 时也标绿并加批注）。
不给文件时使用内置示例（昌吉州应急管理局 2024 年度决算，合计等可推算单元格留空），
输出 昌吉回族自治州应急管理局（sample）.审核.xlsx。
默认输出文件为 <单位名>（<文件名>）.审核.xlsx（与输入文件同目录；读不出单位名时为
<文件名>.审核.xlsx，.xlsm 仍为 .xlsm）；-o - 写到标准输出。

退出码: 0 无错误；1 有错误；2 文件无法读取或用法错误。

选项:
`

func runFill(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, fillUsage)
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "以 JSON 输出审核报告（含全部补填单元格）")
	overwrite := fs.Bool("overwrite", false, "用公式结果替换与公式不符的非空合计单元格，并列出被替换的原值")
	exact := fs.Bool("exact", false, "精确比较（不允许四舍五入尾差）")
	parts := fs.Int("parts", 1, "工作簿是 N 个单位汇总而成时填 N：每个数都含 N 次四舍五入，容差按 N 倍计算")
	year := fs.Int("year", 0, "决算年度（如 2025）：按该年度的规则包与科目目录审核；默认取工作簿中的“20XX年度”，没有则按 2024 年度")
	prior := fs.String("prior", "", "上年决算工作簿（用于年初/年末结转等跨年审核）")
	out := fs.String("o", "", "输出文件（默认 <单位名>（<文件名>）.审核.xlsx）")
	clean := fs.Bool("clean", false, "输出报送版：只含补填的数值，不加标记、批注和审核结果表（仍有错误时拒绝，除非 --force）")
	force := fs.Bool("force", false, "与 --clean 同用：仍有错误时也生成报送版")
	markRounding := fs.Bool("mark-rounding", false, "尾差也在工作簿中标色并加批注（默认尾差只列在审核结果表中）")
	narrativePath := fs.String("narrative", "", "决算公开说明（.docx、.txt 或 PDF）：核对其中的数字，.docx 另输出加批注的标注版（与工作簿同目录，<单位名>（<文件名>）.审核.docx）；退出码涵盖两份文件")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(files) > 1 {
		fmt.Fprintln(stderr, "juesuan fill: 一次只能处理一个文件（批量请用 juesuan batch）")
		return exitInput
	}
	path := ""
	if len(files) == 1 {
		path = files[0]
	}
	// The sample as a user types it: amounts only, every derived cell
	// blank, so the run shows what fill computes.
	in, err := readInput(path, templates.Options{OmitDerived: true})
	if err != nil {
		fmt.Fprintf(stderr, "juesuan fill: %s\n", model.ErrorMessage(err))
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
	// A narrative that cannot be read stops fill before anything is written.
	var narrData []byte
	var narrDoc *narrative.Document
	if *narrativePath != "" {
		if narrData, narrDoc, err = readNarrativeFile(*narrativePath); err != nil {
			fmt.Fprintf(stderr, "juesuan fill: 说明文件 %s：%s\n", *narrativePath, model.ErrorMessage(err))
			return exitInput
		}
	}
	opt := audit.Options{Exact: *exact, Overwrite: *overwrite, Parts: *parts, Year: *year, Clean: *clean, Force: *force, MarkRounding: *markRounding}
	if *prior != "" {
		p, err := readInput(*prior, templates.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "juesuan fill: 上年文件：%s\n", model.ErrorMessage(err))
			return exitInput
		}
		opt.Prior = bytes.NewReader(p.data)
	}
	// The user's original is never the output: it stays as it was.
	sameAsInput := func(target string) bool {
		if path != "" && path != "-" && target != "-" && sameFile(path, target) {
			fmt.Fprintln(stderr, "juesuan fill: 输出文件不能与输入文件相同（原文件保持不变）：请用 -o 指定另一个文件名。")
			return true
		}
		return false
	}
	if *out != "" && sameAsInput(*out) {
		return exitInput
	}

	var result bytes.Buffer
	res, err := audit.Fill(context.Background(), bytes.NewReader(in.data), &result, opt)
	if err != nil {
		label := in.label
		if errors.Is(err, audit.ErrPrior) {
			label = *prior
		}
		fmt.Fprintf(stderr, "juesuan fill: %s：%s\n", label, model.ErrorMessage(err))
		if model.ErrorCode(err) == model.EErrorsRemain {
			return exitFindings // the workbook reads; its errors are the reason
		}
		return exitInput
	}
	// The default name needs the unit, known once the workbook is read:
	// 单位名（文件名）.审核.xlsx, as batch and the API name it.
	target := *out
	if target == "" {
		tag := model.TagAudit
		if *clean {
			tag = model.TagClean
		}
		target = filepath.Join(in.dir, model.ResultName(res.Workbook.UnitName, in.name, tag))
		if sameAsInput(target) {
			return exitInput
		}
	}
	info := stdout // where the human lines go
	if *asJSON || target == "-" {
		info = stderr
	}
	if target == "-" {
		if _, err := stdout.Write(result.Bytes()); err != nil {
			fmt.Fprintf(stderr, "juesuan fill: 写出失败：%v\n", err)
			return exitInput
		}
	} else if err := writeFileAtomic(target, result.Bytes()); err != nil {
		fmt.Fprintf(stderr, "juesuan fill: 无法写出 %s：%s\n", target, writeMessage(err))
		return exitInput
	}
	// The narrative joins the report before it is printed.
	var narrOut bytes.Buffer
	if *narrativePath != "" {
		dir := ""
		if target != "-" {
			dir = filepath.Dir(target)
		}
		if !fillNarrative(*narrativePath, narrData, narrDoc, res.Workbook, &res.Report, dir, *clean, &narrOut, stderr) {
			return exitInput
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res.Report); err != nil {
			fmt.Fprintf(stderr, "juesuan fill: %v\n", err)
			return exitInput
		}
	}
	if target != "-" {
		fmt.Fprintf(info, "已输出：%s\n", target)
	}
	narrOut.WriteTo(info)
	fmt.Fprintln(info, annotate.Summary(res.Report))
	for _, fl := range res.Report.Fills {
		if fl.Old != "" && !*asJSON {
			fmt.Fprintf(info, "  已替换 %s!%s：%s → %s（%s）\n", fl.Sheet, fl.Cell, model.FormatAmountText(fl.Old), model.FormatAmountText(fl.Value), fl.Rule)
		}
	}
	if res.Report.Summary.Errors > 0 {
		return exitFindings
	}
	return exitOK
}
