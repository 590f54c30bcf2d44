package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/narrative"
)

func init() {
	register(&command{name: "rules", summary: "列出全部审核公式；--file 检查公式文件", run: runRules})
}

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	var files []string
	fs.Func("file", "检查并列出这个公式文件（可重复，多个文件作为一套公式）而不是内置公式", func(s string) error {
		files = append(files, s)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines("用法: juesuan rules [--json] [--file 公式文件.rules …]",
			"列出全部审核公式（编号、严重程度、类别、说明、公式）。",
			"--file：检查自己写的公式文件：每个表、行、列、集合、谓词和循环变量都按九张表的定义核对，",
			"有问题时逐条列出 文件:行:列: 说明 并以 2 退出；没有问题时列出其中的公式。"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitInput
	}
	var rules []*check.Rule
	var err error
	if len(files) == 0 {
		rules, err = check.Load()
	} else {
		src := map[string][]byte{}
		for _, f := range files {
			if _, dup := src[f]; dup {
				fmt.Fprintf(stderr, "juesuan: 公式文件 %s 重复列出\n", f)
				return exitInput
			}
			b, rerr := os.ReadFile(f)
			if rerr != nil {
				fmt.Fprintf(stderr, "juesuan: 无法读取公式文件 %s: %v\n", f, rerr)
				return exitInput
			}
			src[f] = b
		}
		rules, err = check.ParseSet(files, src)
	}
	if err == nil {
		// 说明[…] and stated(…) name the narrative's figures: the names of
		// narrative/bindings.txt.
		known, kerr := narrativeNames()
		if kerr != nil {
			fmt.Fprintf(stderr, "juesuan: 决算说明的对应表无法加载: %v\n", kerr)
			return exitInput
		}
		if ds := check.CheckNarratives(rules, known); len(ds) > 0 {
			err = ds
		}
	}
	if err != nil {
		if ds := check.DiagnosticsOf(err); len(ds) > 0 {
			for _, d := range ds {
				fmt.Fprintln(stderr, d)
			}
			fmt.Fprintf(stderr, "juesuan: 审核公式有 %d 处问题，未加载。\n", len(ds))
		} else {
			fmt.Fprintf(stderr, "juesuan: 审核公式无法加载: %v\n", err)
		}
		return exitInput
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rules); err != nil {
			return exitInput
		}
		return exitOK
	}
	sev := map[string]string{"error": "错误", "warning": "提示", "info": "信息"}
	for _, r := range rules {
		fmt.Fprintf(stdout, "%-6s %s %-12s %s\n", r.ID, sev[string(r.Severity)], r.Class, r.Message)
		for _, l := range strings.Split(r.Expr, "\n") {
			fmt.Fprintf(stdout, "       %s\n", l)
		}
		if r.When != "" {
			fmt.Fprintf(stdout, "       条件: %s\n", r.When)
		}
		if r.Since != 0 {
			fmt.Fprintf(stdout, "       适用: %d 年度起\n", r.Since)
		}
	}
	fmt.Fprintf(stdout, "\n共 %d 条审核公式。\n", len(rules))
	if len(files) > 0 {
		fmt.Fprintf(stdout, "检查通过：%s 中的表、行、列、集合、谓词和循环变量均与九张表的定义一致。\n", strings.Join(files, "、"))
		if ns := check.Narratives(rules); len(ns) > 0 {
			var items []string
			seen := map[string]bool{}
			for _, n := range ns {
				if item := n.Rule + " 说明[" + n.Key + "]"; !seen[item] {
					seen[item] = true
					items = append(items, item)
				}
			}
			fmt.Fprintf(stdout, "引用决算说明的项目（审核公式不读取决算说明，这些公式目前不审核；说明由 check --narrative 另行核对）：%s\n", strings.Join(items, "、"))
		}
	}
	return exitOK
}

// narrativeNames reports whether the narrative has a figure of a name: the
// names of narrative/bindings.txt (those without a {类}/{款}/{项} part)
// and of its sums.
func narrativeNames() (func(string) bool, error) {
	b, err := narrative.LoadBindings()
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, x := range b.Binds {
		names[x.Name] = true
	}
	for _, x := range b.Sums {
		names[x.Total] = true
	}
	return func(k string) bool { return names[k] }, nil
}
