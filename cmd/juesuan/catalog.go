package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/juesuan/juesuan/catalog"
	"github.com/juesuan/juesuan/templates"
)

func init() {
	register(&command{
		name:    "catalog",
		summary: "列出某年度规则包的科目目录（功能分类与经济分类代码）",
		run:     runCatalog,
	})
}

func runCatalog(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	year := fs.Int("year", 0, "决算年度（如 2025）；默认为默认规则包的年度")
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines("用法: juesuan catalog [--year 2025] [--json]",
			"列出该年度规则包所用的科目代码、名称、级次、上级代码和是否经公开资料核实。"))
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(files) > 0 {
		fmt.Fprintln(stderr, "juesuan catalog: 不需要文件参数")
		return exitInput
	}
	packs, err := templates.LoadPacks()
	if err != nil {
		fmt.Fprintf(stderr, "juesuan catalog: 年度规则包无法加载：%v\n", err)
		return exitInput
	}
	pk, exact := packs.Select(*year)
	cat, err := catalog.ForYear(*year)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan catalog: 科目目录无法加载：%v\n", err)
		return exitInput
	}
	entries := cat.All()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		out := struct {
			Year    int             `json:"year"`
			Note    string          `json:"note,omitempty"`
			Entries []catalog.Entry `json:"entries"`
		}{pk.Year, pk.Note, entries}
		if err := enc.Encode(out); err != nil {
			return exitInput
		}
		return exitOK
	}
	if *year != 0 && !exact {
		fmt.Fprintf(stdout, "%d 年度没有专门的规则包，以下为 %d 年度规则包的科目目录。\n", *year, pk.Year)
	}
	fmt.Fprintf(stdout, "%d 年度规则包：%s\n\n", pk.Year, pk.Note)
	for _, e := range entries {
		mark := ""
		if !e.Confirmed {
			mark = "（未核实）"
		}
		name := e.Name
		if name == "" {
			name = "（名称未收录）"
		}
		fmt.Fprintf(stdout, "%-8s %s %s%s\n", e.Code, e.Level, name, mark)
	}
	fmt.Fprintf(stdout, "\n共 %d 个科目代码。\n", len(entries))
	return exitOK
}
