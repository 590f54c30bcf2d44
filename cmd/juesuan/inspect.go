package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

func init() {
	register(&command{name: "inspect", summary: "显示识别出的表格和每个金额及其单元格地址（读取调试视图）", run: runInspect})
}

// inspectJSON is the public JSON contract of `inspect --json`.
type inspectJSON struct {
	Tables   []model.TableRef `json:"tables"`
	Values   []inspectValue   `json:"values"`
	Findings []model.Finding  `json:"findings"`
}

type inspectValue struct {
	Table  model.TableID `json:"table"`
	Row    string        `json:"row"`
	Column string        `json:"column"`
	Sheet  string        `json:"sheet"`
	Cell   string        `json:"cell"`
	Value  string        `json:"value"`
	Blank  bool          `json:"blank"`
}

func runInspect(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines(
			"用法: juesuan inspect [--json] [文件.xlsx]",
			"",
			"读取九张表工作簿，列出识别出的表格、每个金额及其单元格地址和结构性问题。",
			"不给文件时读取内置样例（案例 A）；文件名为 - 时从标准输入读取。",
		))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitInput
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitInput
	}
	in, err := readInput(fs.Arg(0), templates.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: %s\n", model.ErrorMessage(err))
		return exitInput
	}
	wb, _, err := reader.Read(bytes.NewReader(in.data), reader.Options{Limits: xlsx.DefaultLimits()})
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: %s：%s\n", in.label, model.ErrorMessage(err))
		return exitInput
	}
	if *asJSON {
		out := inspectJSON{Tables: []model.TableRef{}, Values: []inspectValue{}, Findings: wb.Findings}
		for _, t := range wb.Located() {
			out.Tables = append(out.Tables, model.TableRef{ID: t.ID, Sheet: t.Sheet, Title: t.Title, Style: t.Style, Unit: t.Unit, Range: t.Range})
			for _, c := range t.Cells() {
				out.Values = append(out.Values, inspectValue{Table: t.ID, Row: c.Row, Column: c.Col, Sheet: c.Sheet, Cell: c.Addr, Value: c.Value.StringFixed(int32(max(c.Decimals, 2))), Blank: c.Blank})
			}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "juesuan: %v\n", err)
			return exitInput
		}
	} else {
		printInspect(stdout, in.label, wb)
	}
	for _, f := range wb.Findings {
		if f.Severity == model.SevError {
			return exitFindings
		}
	}
	return exitOK
}

// inspectInput reads the file, stdin ("-"), or writes the embedded Case A sample.
func printInspect(w io.Writer, name string, wb *model.Workbook) {
	fmt.Fprintf(w, "文件：%s\n", name)
	if wb.UnitName != "" {
		fmt.Fprintf(w, "部门：%s\n", wb.UnitName)
	}
	fmt.Fprintf(w, "金额单位：%s\n", wb.Unit)
	located := wb.Located()
	fmt.Fprintf(w, "识别出 %d/9 张表：\n", len(located))
	// Tables by their printed number and title, never the internal T01
	// (the JSON view keeps the ids for scripts).
	label := func(t *model.Table) string { return strings.TrimSpace(t.Number + " " + t.Name) }
	for _, t := range located {
		extra := ""
		if v := variantName(t.Variant); v != "" {
			extra += "  格式 " + v
		}
		fmt.Fprintf(w, "  %s  工作表“%s” %s  版式 %s  单位 %s%s\n", label(t), t.Sheet, t.Range, styleName(t.Style), t.Unit, extra)
	}
	for _, t := range located {
		fmt.Fprintf(w, "\n%s（工作表“%s”）\n", label(t), t.Sheet)
		if t.EmptyNote != "" {
			fmt.Fprintf(w, "  空表说明：%s\n", t.EmptyNote)
		}
		for _, c := range t.Cells() {
			v := model.FormatAmount(c.Value)
			if c.Blank {
				v = "（空）"
			}
			mark := ""
			if c.Derived {
				mark = "  [计算]"
			}
			if c.Formula != "" {
				mark += "  [公式]"
			}
			row := c.Row
			if r := t.Row(c.Row); r != nil && r.Code != "" && r.Label != "" {
				row += " " + r.Label
			}
			fmt.Fprintf(w, "  %-6s %s / %s = %s%s\n", c.Addr, row, c.Col, v, mark)
		}
	}
	if len(wb.Findings) == 0 {
		fmt.Fprintln(w, "\n未发现结构性问题。")
		return
	}
	fmt.Fprintf(w, "\n结构性问题 %d 项：\n", len(wb.Findings))
	for _, f := range wb.Findings {
		where := ""
		if t := wb.Table(f.Table); t != nil {
			where = label(t)
		}
		if f.Cell != "" {
			where = strings.TrimSpace(where + " " + f.Sheet + "!" + f.Cell)
		}
		fmt.Fprintf(w, "  [%s] %s %s：%s\n", f.Severity.Chinese(), f.Rule, where, f.Message)
	}
}

func styleName(s model.Style) string { return s.Chinese() }

// variantName says a layout variant the reader recognised in words; the
// ids (groups-3, blocks…) are the JSON view's.
func variantName(v string) string {
	switch {
	case v == "":
		return ""
	case v == "blocks":
		return "预算数、决算数分两块"
	case v == "interleaved":
		return "预算数、决算数逐项交替"
	case v == "expenditure-only":
		return "只列支出"
	case strings.HasPrefix(v, "groups-"):
		return strings.TrimPrefix(v, "groups-") + " 组并列"
	}
	return v
}
