package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/rounding"
	"github.com/juesuan/juesuan/templates"
)

func init() {
	register(&command{
		name:    "round",
		summary: "舍位平衡：把以元为单位的工作簿换算为万元（两位小数），表内、表间关系保持严格相等",
		run:     runRound,
	})
}

// roundReport is the --json output of juesuan round.
type roundReport struct {
	Output     string                `json:"output"`
	Adjusted   []rounding.Adjustment `json:"adjusted"`
	Residual   []rounding.Identity   `json:"residual"`
	Unbalanced []rounding.Identity   `json:"unbalanced"`
	Check      model.Summary         `json:"check"` // the 万元 workbook re-checked
}

func runRound(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("round", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "输出的万元工作簿（默认 <文件名>.万元.xlsx）")
	asJSON := fs.Bool("json", false, "以 JSON 输出调整清单")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines(
			"用法: juesuan round [-o 单位_万元.xlsx] [--json] 单位_元.xlsx",
			"",
			"把以元为单位的九张表换算为万元、保留两位小数，并做舍位平衡（倒挤法）：",
			"同一数字在各表中取同一舍入值；每个合计的尾差压到其最大的明细项上，",
			"每个单元格最多调整 0.01；在元中成立的每一个等式在万元中严格成立。",
			"输出列出每个调整过的单元格及其未舍入的数值；无法严格平衡的等式逐条列出。",
			"退出码: 0 全部平衡且复核无错误；1 有未能平衡的等式或复核有错误；2 文件无法读取、不是元或用法错误。",
			""))
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(files) != 1 {
		fs.Usage()
		return exitInput
	}
	in, err := readInput(files[0], templates.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "%s\n", model.ErrorMessage(err))
		return exitInput
	}
	if *out == "" {
		*out = filepath.Join(in.dir, in.base+".万元.xlsx")
	}
	ctx := context.Background()
	var buf bytes.Buffer
	res, err := rounding.File(ctx, bytes.NewReader(in.data), &buf, rounding.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "%s：%s\n", in.label, model.ErrorMessage(err))
		return exitInput
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "无法写入 %s：%s\n", *out, writeMessage(err))
		return exitInput
	}
	re, err := audit.Check(ctx, bytes.NewReader(buf.Bytes()), audit.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "万元工作簿复核失败：%s\n", model.ErrorMessage(err))
		return exitInput
	}
	sum := re.Report.Summary
	code := exitOK
	if len(res.Residual) > 0 || sum.Errors > 0 {
		code = exitFindings
	}
	if *asJSON {
		rep := roundReport{Output: *out, Adjusted: res.Adjusted, Residual: res.Residual, Unbalanced: res.Unbalanced, Check: sum}
		for _, p := range []*[]rounding.Identity{&rep.Residual, &rep.Unbalanced} {
			if *p == nil {
				*p = []rounding.Identity{}
			}
		}
		if rep.Adjusted == nil {
			rep.Adjusted = []rounding.Adjustment{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return exitInput
		}
		return code
	}
	fmt.Fprintf(stdout, "%s（元）→ %s（万元）：%d 个数字，%d 个关系严格平衡；调整 %d 个数字（各 0.01）。\n",
		in.label, *out, res.Figures, res.Identities-len(res.Residual), len(res.Adjusted))
	for _, a := range res.Adjusted {
		var where []string
		for _, c := range a.Cells {
			where = append(where, c.Sheet+"!"+c.Cell)
		}
		fmt.Fprintf(stdout, "  %s %s：%s 元 = %s 万元，四舍五入 %s，调整 %s → %s\n",
			strings.Join(where, "、"), a.Cells[0].Label, a.Cells[0].Value, a.Exact, a.Rounded, a.Delta, a.Published)
	}
	if len(res.Residual) > 0 {
		fmt.Fprintf(stdout, "以下 %d 个等式无法在万元中严格平衡（表间关系互相制约，没有每格最多调整 0.01 的解）：\n", len(res.Residual))
		for _, r := range res.Residual {
			fmt.Fprintf(stdout, "  %s %s：%s，差 %s 万元\n", r.Rule, r.Where, r.Expr, r.Difference)
		}
	}
	if len(res.Unbalanced) > 0 {
		fmt.Fprintf(stdout, "原工作簿（元）中有 %d 个等式本身不成立，未作平衡（请先用 juesuan check 审核）：\n", len(res.Unbalanced))
		for _, r := range res.Unbalanced {
			fmt.Fprintf(stdout, "  %s %s：%s，差 %s 元\n", r.Rule, r.Where, r.Expr, r.Difference)
		}
	}
	fmt.Fprintf(stdout, "复核万元工作簿：错误 %d 条，提示 %d 条，尾差 %d 条。\n", sum.Errors, sum.Warnings, sum.Infos)
	return code
}
