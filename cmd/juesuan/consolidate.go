package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/consolidate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func init() {
	register(&command{
		name:    "consolidate",
		summary: "部门汇总：把所属单位的九张表逐单元格相加，或核对部门表与单位合计是否一致",
		run:     runConsolidate,
	})
}

func runConsolidate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("consolidate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "汇总后的部门工作簿（默认 <部门名称>.汇总.xlsx；只核对时可省略）")
	name := fs.String("name", "", "部门名称（默认取各单位名称的共同部分，如“某局机关”“某局中心”→“某局”）")
	against := fs.String("against", "", "已报送的部门工作簿：列出与单位合计不一致的单元格")
	style := fs.String("style", "mof", "汇总表版式：mof 或 shanghai")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines(
			"用法: juesuan consolidate [-o 部门.xlsx] [--name 部门名称] [--against 部门.xlsx] 单位.xlsx…",
			"",
			"逐表、逐行（科目编码或行名）、逐列相加各单位的数值（先补填各单位的合计），",
			"生成部门汇总工作簿并补填、审核；--against 时列出部门表与单位合计的差异",
			"（允许差额：每个单位 0.01 加 0.005）。",
			"退出码: 0 无错误且无差异；1 汇总表有错误或存在差异；2 文件无法读取或用法错误。",
			""))
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(files) == 0 {
		fs.Usage()
		return exitInput
	}
	ctx := context.Background()
	units := make([]*model.Workbook, 0, len(files))
	unitOf := map[string]string{} // unit name -> first file
	for i, f := range files {
		for _, g := range files[:i] {
			if sameFile(f, g) {
				fmt.Fprintf(stderr, "%s 与 %s 是同一个文件：同一单位不能重复汇总。\n", f, g)
				return exitInput
			}
		}
		wb, err := checkFile(ctx, f)
		if err != nil {
			fmt.Fprintf(stderr, "%s：%s\n", f, model.ErrorMessage(err))
			return exitInput
		}
		// Two files of one unit are usually a resubmission: say so, but sum
		// them, since a unit may legitimately report in two parts.
		if first, dup := unitOf[wb.UnitName]; dup && wb.UnitName != "" {
			fmt.Fprintf(stderr, "提示：%s 与 %s 的单位名称相同（%s），请确认不是重复报送。\n", f, first, wb.UnitName)
		} else {
			unitOf[wb.UnitName] = f
		}
		units = append(units, wb)
	}
	if *name == "" {
		*name = consolidate.DeptName(units)
	}
	if *out == "" && *against == "" {
		*out = model.ResultName(*name, "", model.TagSum) // named after the department, as fill names a unit's
	}
	sum, err := consolidate.Sum(*name, units)
	if err != nil {
		fmt.Fprintf(stderr, "汇总失败：%s\n", model.ErrorMessage(err))
		return exitInput
	}
	code := exitOK
	if *out != "" {
		var buf bytes.Buffer
		// Units of a regional set (云南's 11 tables) sum into that set.
		if _, err := templates.Write(&buf, sum, templates.Options{Style: model.Style(*style), Set: templates.SetOf(sum)}); err != nil {
			fmt.Fprintf(stderr, "生成部门汇总表失败：%s\n", model.ErrorMessage(err))
			return exitInput
		}
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "无法写入 %s：%s\n", *out, writeMessage(err))
			return exitInput
		}
		res, err := audit.Fill(ctx, &buf, f, audit.Options{Parts: len(units)})
		if cerr := f.Close(); err == nil && cerr != nil {
			err = model.Errorf(model.EInternal, cerr, "写出 %s 失败。", *out)
		}
		if err != nil {
			fmt.Fprintf(stderr, "部门汇总表审核失败：%s\n", model.ErrorMessage(err))
			return exitInput
		}
		s := res.Report.Summary
		fmt.Fprintf(stdout, "已汇总 %d 个单位 → %s（%s）：错误 %d 条，提示 %d 条，尾差 %d 条，补填 %d 个单元格。\n",
			len(units), *out, sum.UnitName, s.Errors, s.Warnings, s.Infos, s.Filled)
		if len(units) > 1 {
			fmt.Fprintf(stdout, "以后审核此汇总表请加 --parts %d（各单位金额分别四舍五入，尾差随单位数累积）。\n", len(units))
		}
		if s.Errors > 0 {
			code = exitFindings
		}
	}
	if *against != "" {
		dept, err := checkFile(ctx, *against)
		if err != nil {
			fmt.Fprintf(stderr, "%s：%s\n", *against, model.ErrorMessage(err))
			return exitInput
		}
		diffs := consolidate.Compare(dept, sum, len(units))
		for _, d := range diffs {
			fmt.Fprintln(stdout, d.String())
		}
		if len(diffs) > 0 {
			fmt.Fprintf(stdout, "%s 与 %d 个单位的合计有 %d 处不一致。\n", *against, len(units), len(diffs))
			code = exitFindings
		} else {
			fmt.Fprintf(stdout, "%s 与 %d 个单位的合计一致（允许差额 %s）。\n", *against, len(units), model.FormatAmount(consolidate.Tolerance(len(units))))
		}
	}
	return code
}

// checkFile reads, fills and checks one workbook.
func checkFile(ctx context.Context, path string) (*model.Workbook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, model.Errorf(model.ENotFound, err, "找不到文件。")
	}
	defer f.Close()
	res, err := audit.Check(ctx, f, audit.Options{})
	if err != nil {
		return nil, err
	}
	return res.Workbook, nil
}
