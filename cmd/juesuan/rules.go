package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/juesuan/juesuan/check"
)

func init() {
	register(&command{name: "rules", summary: "列出全部审核公式", run: runRules})
}

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines("用法: juesuan rules [--json]", "列出全部审核公式（编号、严重程度、类别、说明、公式）。"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitInput
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitInput
	}
	rules, err := check.Load()
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: 审核公式无法加载: %v\n", err)
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
	}
	fmt.Fprintf(stdout, "\n共 %d 条审核公式。\n", len(rules))
	return exitOK
}
