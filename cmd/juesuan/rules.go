package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/narrative"
)

func init() {
	register(&command{name: "rules", summary: "列出全部审核公式；--file 检查公式文件；--narrative 列出决算说明的数字对应和核对规则", run: runRules})
}

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	formula := fs.Bool("formula", false, "同时列出每条公式的表达式（公式语言，供编写 --file 公式文件时参考）")
	narr := fs.Bool("narrative", false, "列出决算公开说明的数字对应表（节、数字的含义、对应的表和单元格、关系）和说明核对规则 N01–N26")
	var files []string
	fs.Func("file", "检查并列出这个公式文件（可重复，多个文件作为一套公式）而不是内置公式", func(s string) error {
		files = append(files, s)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines("用法: juesuan rules [--json] [--formula] [--file 公式文件.rules …] [--narrative]",
			"列出全部审核公式（编号、严重程度、类别、说明；--formula 另列表达式和条件）。",
			"--narrative：列出决算公开说明中的数字按什么说法对应到九张表的哪个单元格（narrative/bindings.txt），以及说明的核对规则。",
			"--file：检查自己写的公式文件：每个表、行、列、集合、谓词和循环变量都按九张表的定义核对，",
			"有问题时逐条列出 文件:行:列: 说明 并以 2 退出；没有问题时列出其中的公式。"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() > 0 || (*narr && len(files) > 0) {
		fs.Usage()
		return exitInput
	}
	if *narr {
		return listNarrative(*asJSON, stdout, stderr)
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
	for _, r := range rules {
		fmt.Fprintf(stdout, "%-6s %s %s %s\n", r.ID, severityWords[string(r.Severity)], padRunes(classWords(r.Class), 6), r.Message)
		// The expression is the rule language (T01[…], for r in rows(…)):
		// for authors of --file rule files, not for every reader.
		if *formula || len(files) > 0 {
			for _, l := range strings.Split(r.Expr, "\n") {
				fmt.Fprintf(stdout, "       %s\n", l)
			}
			if r.When != "" {
				fmt.Fprintf(stdout, "       条件: %s\n", r.When)
			}
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

// classWords says a rule's class (CERTAIN, USUAL… in the rule files and
// the JSON listing) in the accountant's words.
func classWords(c string) string {
	switch c {
	case check.ClassCertain:
		return "必然成立"
	case check.ClassCertainIneq:
		return "必然成立的不等式"
	case check.ClassConditional:
		return "条件成立"
	case check.ClassUsual:
		return "通常成立"
	case check.ClassStructure:
		return "结构要求"
	}
	return c
}

// padRunes pads s to n characters, for aligned columns of Chinese text.
func padRunes(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat("　", n-k)
	}
	return s
}

// severityWords name severities as the rule listings print them.
var severityWords = map[string]string{"error": "错误", "warning": "提示", "info": "信息"}

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

// listNarrative prints the narrative bindings and checks: tables by their
// printed names, relations and severities in words.
func listNarrative(asJSON bool, stdout, stderr io.Writer) int {
	c, err := narrative.Listing()
	if err != nil {
		fmt.Fprintf(stderr, "juesuan: 决算说明的对应表无法加载: %v\n", err)
		return exitInput
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err != nil {
			return exitInput
		}
		return exitOK
	}
	w := stdout
	fmt.Fprintln(w, "决算公开说明：数字与九张表的对应（数据文件 narrative/bindings.txt）")
	fmt.Fprintln(w, "\n节：说明中的标题含右边的文字（正则）时，其后各段属于该节")
	for _, s := range c.Sections {
		fmt.Fprintf(w, "  %s：%s\n", s.Name, s.Heading)
	}
	fmt.Fprintln(w, "\n数字：按节列出；“说法”是数字之前、同一句中的文字（正则，按结尾匹配）")
	section := ""
	for _, b := range c.Bindings {
		if b.Section != section {
			section = b.Section
			fmt.Fprintf(w, "\n【%s】\n", narrative.SectionText(section))
		}
		fmt.Fprintf(w, "  %s（%s）  说法：%s\n", b.Words, b.Unit, b.Pattern)
		fmt.Fprintf(w, "      单元格：%s", b.Cell)
		if b.Relation != "" {
			fmt.Fprintf(w, "；关系：%s", narrative.RelationText(b.Relation))
		}
		fmt.Fprintln(w)
		if b.Denominator != "" {
			fmt.Fprintf(w, "      其后的占比以“%s”为分母\n", b.Denominator)
		}
		if b.After != "" {
			fmt.Fprintf(w, "      只在同一句中紧接“%s”之后\n", b.After)
		}
	}
	fmt.Fprintf(w, "\n%s\n", narrative.RolesHeading)
	for _, r := range c.Roles {
		fmt.Fprintf(w, "  %s（%s）  说法：%s\n", r.Role, r.Unit, r.Pattern)
	}
	fmt.Fprintln(w, "\n说明中列出的各部分之和应等于总数")
	for _, s := range c.Sums {
		fmt.Fprintf(w, "  %s\n", s)
	}
	fmt.Fprintln(w, "\n说明的核对规则")
	for _, r := range c.Rules {
		var sev []string
		for _, s := range r.Severities {
			sev = append(sev, severityWords[string(s)])
		}
		fmt.Fprintf(w, "  %s  %s  %s\n", r.ID, strings.Join(sev, "/"), r.Message)
	}
	fmt.Fprintf(w, "\n共 %d 个数字对应、%d 条说明核对规则。\n", len(c.Bindings), len(c.Rules))
	return exitOK
}
