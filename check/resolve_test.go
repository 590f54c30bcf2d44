package check

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/templates"
)

// The embedded rules resolve with no diagnostic at all, file by file and
// as one set.
func TestEmbeddedRulesResolve(t *testing.T) {
	if _, err := Load(); err != nil {
		t.Fatalf("embedded rules:\n%v", err)
	}
	files := templates.RuleFiles()
	for _, name := range templates.RuleFileNames() {
		if _, err := Parse(name, files[name]); err != nil {
			t.Errorf("%s:\n%v", name, err)
		}
	}
}

// brokenEdits are deliberate mistakes in copies of the embedded rule
// files: each old text must occur exactly once in its file.
var brokenEdits = map[string][][2]string{
	"intra.rules": {
		// R01.1: misspelt row (收人 for 收入).
		{"        + T01[经营收入] + T01[附属单位上缴收入]", "        + T01[经营收人] + T01[附属单位上缴收入]"},
		// R01.2: misspelt row (节余 for 结余).
		{"T01[收入总计] = T01[本年收入合计] + T01[使用非财政拨款结余]", "T01[收入总计] = T01[本年收入合计] + T01[使用非财政拨款节余]"},
		// R02.2: unbound variable d, so c is unused.
		{"T02[合计, c] = Σ T02[类, c]", "T02[合计, c] = Σ T02[类, d]"},
		// R03.1: misspelt column (上交 for 上缴).
		{"+ T03[r, 上缴上级支出]", "+ T03[r, 上交上级支出]"},
		// R03.3: a row no table has.
		{"    T03[合计, 经营支出] = 0\n", "    T05[不存在的行, 合计] = 0\n"},
		// R04.9: zerocol without its column.
		{"zerocol(T04, 国有资本经营预算财政拨款) <=> empty(T08)", "zerocol(T04) <=> empty(T08)"},
		// R07.1: unknown column of T07.
		{"for r in rows(T07): T07[r, 本年支出小计] =", "for r in rows(T07): T07[r, 本年支出合计] ="},
		// R07.4: located takes one table.
		{"    when located(T07)\n", "    when located(T07, T08)\n"},
	},
	"cross.rules": {
		// X6: misspelt member of a literal set (used as a column of T02 and a row of T01).
		{"{上级补助收入, 事业收入, 经营收入,", "{上级补助收入, 事业收入, 经营收人,"},
		// X10: unknown table.
		{"T04[本年支出合计, 一般公共预算财政拨款] = T05[合计, 合计]", "T04[本年支出合计, 一般公共预算财政拨款] = T12[合计, 合计]"},
		// X19: misspelt T09 column.
		{"T09[三公经费, 决算数/公务接待费] >= T06[30217]", "T09[三公经费, 决算数/公务招待费] >= T06[30217]"},
		// X21: subset with one set checks nothing.
		{"    subset(codes(T05), codes(T03))\n", "    subset(codes(T05))\n"},
	},
	"prior.rules": {
		// Y4: change compares this year's cell with last year's itself.
		{"change(T09[三公经费, 决算数/合计])", "change(上年.T09[三公经费, 决算数/合计])"},
	},
}

func brokenFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := templates.RuleFiles()
	out := map[string][]byte{}
	for name, src := range files {
		s := string(src)
		for _, e := range brokenEdits[name] {
			if n := strings.Count(s, e[0]); n != 1 {
				t.Fatalf("%s: %q occurs %d times, want once (update brokenEdits)", name, e[0], n)
			}
			s = strings.Replace(s, e[0], e[1], 1)
		}
		out[name] = []byte(s)
	}
	return out
}

// Broken copies of the embedded rules: every mistake is reported, at its
// file:line:col, sorted, all at once (testdata/broken_rules.golden).
func TestBrokenRulesGolden(t *testing.T) {
	files := brokenFiles(t)
	rules, err := loadFiles(templates.RuleFileNames(), files)
	if rules != nil || err == nil {
		t.Fatal("broken rules loaded")
	}
	ds := DiagnosticsOf(err)
	if len(ds) == 0 {
		t.Fatalf("error without diagnostics: %v", err)
	}
	got := err.Error() + "\n"
	path := filepath.Join("testdata", "broken_rules.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./check -run BrokenRules -update)", err)
	}
	if got != string(want) {
		t.Errorf("diagnostics differ from %s (run go test ./check -run BrokenRules -update after checking):\n%s", path, got)
	}
	// Each edited line has a diagnostic; the order is by position.
	for i := 1; i < len(ds); i++ {
		a, b := ds[i-1], ds[i]
		if a.File == b.File && (a.Line > b.Line || a.Line == b.Line && a.Col > b.Col) {
			t.Errorf("not sorted: %s before %s", a, b)
		}
	}
	for name, edits := range brokenEdits {
		for _, e := range edits {
			line := 1 + strings.Count(string(files[name])[:strings.Index(string(files[name]), e[1])], "\n")
			found := false
			for _, d := range ds {
				if d.File == name && d.Line == line {
					found = true
				}
			}
			if !found {
				t.Errorf("%s:%d (%s): no diagnostic", name, line, e[1])
			}
		}
	}
}

func TestResolveDiagnostics(t *testing.T) {
	const h = "A1 error CERTAIN \"测试\"\n"
	tests := []struct {
		name string
		body string // lines after the header (line 2 on)
		want []string
	}{
		{"misspelt row", "    T01[本年收入合计] = T01[经营收人]\n",
			[]string{"t.rules:2:23: A1: T01 没有行“经营收人”（是否为“经营收入”？）"}},
		{"misspelt row 结余", "    T01[收入总计] = T01[使用非财政拨款节余]\n",
			[]string{"t.rules:2:21: A1: T01 没有行“使用非财政拨款节余”（是否为“使用非财政拨款结余”？）"}},
		{"misspelt column with loop variable", "    for r in rows(T03): T03[r, 本年支出合计] = T03[r, 上交上级支出]\n",
			[]string{"t.rules:2:49: A1: T03 没有列“上交上级支出”（是否为“上缴上级支出”？）"}},
		{"row no table has", "    T05[不存在的行, 合计] = 0\n",
			[]string{"t.rules:2:9: A1: T05 没有行“不存在的行”"}},
		{"unknown table", "    T12[合计, 合计] = T01[其他收入]\n",
			[]string{`t.rules:2:5: A1: 未知的表 "T12"（应为 T01–T11）`}},
		{"unknown table in a set", "    for r in rows(T12): T02[r, 本年收入合计] = 0\n",
			[]string{`t.rules:2:19: A1: 未知的表 "T12"（应为 T01–T11）`}},
		{"unknown column", "    T02[合计, 本年支出合计] = T02[合计, 财政拨款收入]\n",
			[]string{"t.rules:2:13: A1: T02 没有列“本年支出合计”（是否为“本年收入合计”？）"}},
		{"row and column swapped", "    T02[本年收入合计, 合计] = 0\n",
			[]string{"t.rules:2:9: A1: T02 没有行“本年收入合计”（“本年收入合计”是 T02 的列，行与列是否写反？）", "t.rules:2:17: A1: T02 没有列“合计”（“合计”是 T02 的行，行与列是否写反？）"}},
		{"unbound variable", "    for r in rows(T02): T02[k, 本年收入合计] = T02[r, 财政拨款收入]\n",
			[]string{"t.rules:2:29: A1: k 不是已绑定的循环变量，T02 也没有名为 k 的行"}},
		{"unused variable", "    for r in rows(T02): T02[合计, 本年收入合计] = T02[合计, 财政拨款收入]\n",
			[]string{"t.rules:2:9: A1: 循环变量 r 未使用"}},
		{"duplicate variable", "    for r in rows(T02), r in cols(T02): T02[r, 本年收入合计] = 0\n",
			[]string{"t.rules:2:25: A1: 循环变量 r 重复定义"}},
		{"column variable as row", "    for c in cols(T02): T02[c, 本年收入合计] = 0\n",
			[]string{"t.rules:2:29: A1: 循环变量 c 取自 cols(T02)，是列，不能用作行"}},
		{"variable from another table's columns", "    for c in cols(T03): T05[合计, c] = 0\n",
			[]string{"t.rules:2:33: A1: 循环变量 c 取自 cols(T03)，其中的列“本年支出合计”在 T05 中不存在"}},
		{"function codes in T06", "    for r in 类(T05): T06[r] = 0\n",
			[]string{"t.rules:2:26: A1: 循环变量 r 取自 类(T05)（支出功能分类代码），T06 的代码行是经济分类代码"}},
		{"codes in a classes-only table", "    for r in codes(T05): T04[r, 合计] = 0\n",
			[]string{"t.rules:2:30: A1: 循环变量 r 取自 codes(T05)，但 T04 只有类级代码行"}},
		{"empty set function", "    for r in 项(T06): T06[r] = 0\n",
			[]string{"t.rules:2:14: A1: 项(T06) 总为空：T06 没有项级代码"}},
		{"children outside Σ", "    for k in parents(T02), j in children(k): T02[j, 合计] = 0\n",
			[]string{"t.rules:2:33: A1: children(k) 只能用在 Σ 表[…] 的行集合中", "t.rules:2:53: A1: T02 没有列“合计”（“合计”是 T02 的行，行与列是否写反？）"}},
		{"literal member misspelt", "    for c in {合计, 公务接待费x}: T09[三公经费, 决算数/c] = 0\n",
			[]string{"t.rules:2:19: A1: T09 没有列“决算数/公务接待费x”（是否为“决算数/公务接待费”？）（决算数/c 取 c=公务接待费x，用于 2:38）"}},
		{"literal member of a variable", "    for c in {合计, 基本支出x}: T05[合计, c] = 0\n",
			[]string{"t.rules:2:19: A1: T05 没有列“基本支出x”（是否为“基本支出”？）（循环变量 c 的取值，用于 2:35）"}},
		{"year-start sub-row", "    T04[年初/一般公共预算财政拨款, 决算数] = T04[年初/一般公共预算, 决算数]\n",
			[]string{"t.rules:2:35: A1: T04 没有行“年初/一般公共预算”"}},
		{"balance sides", "    T04[本年收入合计, 合计] = 0\n",
			[]string{"t.rules:2:9: A1: T04 的行“本年收入合计”在收入一侧，列“合计”在支出一侧，没有这个单元格"}},
		{"pattern outside a filter", "    for r in {*01}: T05[r, 合计] = 0\n",
			[]string{"t.rules:2:15: A1: 通配符“*01”只能用在“- {…}”中"}},
		{"bad pattern", "    for r in 项(T05) - {*01, abc*}: T05[r, 基本支出] = 0\n",
			[]string{"t.rules:2:29: A1: 通配符“abc*”应为“*代码后缀”或“代码前缀*”"}},
		{"useless filter", "    for r in 项(T05) - {201}: T05[r, 基本支出] = 0\n",
			[]string{"t.rules:2:24: A1: 去除的“201”不可能在集合中，去除无效"}},
		{"Σ over a misspelt row", "    T06[公用经费合计] = Σ T06[类 - {301, 公用经费}]\n",
			[]string{"t.rules:2:35: A1: 去除的“公用经费”不可能在集合中，去除无效"}},
		{"constant other than 0", "    T01[本年收入合计] = T01[其他收入] + 1.5\n",
			[]string{"t.rules:2:31: A1: 常数只能为 0（绑定时常数被忽略，1.5 会按 0 计）"}},
		{"no cells", "    0 = 0\n",
			[]string{"t.rules:2:5: A1: 公式没有引用任何单元格"}},
		{"misspelt row in a condition", "    T01[本年收入合计] = T01[其他收入]\n    when T01[经营收人] = 0\n",
			[]string{"t.rules:3:14: A1: T01 没有行“经营收人”（是否为“经营收入”？）"}},
		{"variable in a rule condition", "    for r in rows(T02): T02[r, 本年收入合计] = 0\n    when T02[r, 本年收入合计] = 0\n",
			[]string{"t.rules:3:14: A1: r 不是已绑定的循环变量，T02 也没有名为 r 的行"}},
		{"continuation line", "    T01[本年收入合计] = T01[其他收入]\n        + T01[经营收人]\n",
			[]string{"t.rules:3:15: A1: T01 没有行“经营收人”（是否为“经营收入”？）"}},
		{"narrative with a column", "    T06[公用经费合计] = 说明[机关运行经费, 合计] when stated(机关运行经费)\n",
			[]string{"t.rules:2:30: A1: 说明[…] 只能写一个名称"}},
		{"narrative allowed", "    T06[公用经费合计] = 说明[机关运行经费] when stated(机关运行经费)\n", nil},
		{"narrative allowed, rule condition", "    T06[公用经费合计] = 说明[机关运行经费]\n    when stated(机关运行经费)\n", nil},
		{"narrative without its guard", "    T06[公用经费合计] = 说明[机关运行经费]\n",
			[]string{"t.rules:2:22: A1: 说明[机关运行经费] 需要条件 when stated(机关运行经费)（工作簿不一定附决算说明）"}},
		{"narrative guard of another item", "    T06[公用经费合计] = 说明[机关运行经费]\n    when stated(机关经费)\n",
			[]string{"t.rules:2:22: A1: 说明[机关运行经费] 需要条件 when stated(机关运行经费)（工作簿不一定附决算说明）",
				"t.rules:3:17: A1: stated(机关经费) 没有对应的 说明[机关经费]"}},
	}
	preds := []struct {
		name string
		body string
		want []string
	}{
		{"subset with one set", "    subset(codes(T05))\n",
			[]string{"t.rules:2:5: A1: subset 需要 2 个参数（subset(codes(T05), codes(T03))），实为 1 个"}},
		{"subset of a table", "    subset(T05, codes(T03))\n",
			[]string{"t.rules:2:12: A1: subset 的第 1 个参数应为代码集合（如 codes(T05)），实为“T05”"}},
		{"subset across catalogues", "    subset(codes(T06), codes(T03))\n",
			[]string{"t.rules:2:24: A1: T06 的代码是经济分类代码，T03 的是支出功能分类代码，不可能互为子集"}},
		{"subset of columns", "    subset(cols(T05), codes(T03))\n",
			[]string{"t.rules:2:12: A1: subset 的第 1 个参数应为代码集合（如 codes(T05)），实为“集合”"}},
		{"zerocol missing its column", "    zerocol(T04) <=> empty(T07)\n",
			[]string{"t.rules:2:5: A1: zerocol 需要 2 个参数（zerocol(T04, 政府性基金预算财政拨款) <=> empty(T07)），实为 1 个"}},
		{"zerocol alone", "    zerocol(T04, 政府性基金预算财政拨款)\n",
			[]string{"t.rules:2:5: A1: zerocol 不能单独作为公式，它不审核任何内容（应写作 zerocol(T04, 政府性基金预算财政拨款) <=> empty(T07)）"}},
		{"zerocol unknown column", "    zerocol(T04, 政府性基金) <=> empty(T07)\n",
			[]string{"t.rules:2:18: A1: T04 没有列“政府性基金”"}},
		{"zerocol with =>", "    zerocol(T04, 合计) => empty(T07)\n",
			[]string{"t.rules:2:25: A1: zerocol => empty 不审核任何内容（可用：zerocol <=> empty）"}},
		{"empty paired with located", "    empty(T07) <=> located(T07)\n",
			[]string{"t.rules:2:20: A1: empty <=> located 不审核任何内容（可用：empty <=> note、empty => note）"}},
		{"note of a table without an empty statement", "    empty(T01) <=> note(T01)\n",
			[]string{"t.rules:2:25: A1: note 的第 1 个参数应为表（T07 T08 T09），实为“T01”"}},
		{"haveparents of a balance table", "    haveparents(T02, T04)\n",
			[]string{"t.rules:2:22: A1: haveparents 的第 2 个参数应为表（T02 T03 T05 T06 T07 T08 T10），实为“T04”"}},
		{"haveparents of nothing", "    haveparents(x)\n",
			[]string{"t.rules:2:17: A1: haveparents 的第 1 个参数应为表（T02 T03 T05 T06 T07 T08 T10），实为“x”"}},
		{"sides of T05", "    sides(T05)\n",
			[]string{"t.rules:2:11: A1: sides 的第 1 个参数应为表（T06），实为“T05”"}},
		{"located alone", "    located(T07)\n",
			[]string{"t.rules:2:5: A1: located 不能单独作为公式，它不审核任何内容（应写作 when located(T07)）"}},
		{"located arity", "    empty(T07) <=> note(T07) when located(T07, T08)\n",
			[]string{"t.rules:2:35: A1: located 需要 1 个参数（when located(T07)），实为 2 个"}},
		{"hascol unknown column", "    empty(T08) <=> note(T08) when hascol(T08, 本年收入x)\n",
			[]string{"t.rules:2:47: A1: T08 没有列“本年收入x”（是否为“本年收入”？）"}},
		{"subset as a condition", "    T01[本年收入合计] = 0 when subset(codes(T05), codes(T03))\n",
			[]string{"t.rules:2:26: A1: subset 不能用作条件（条件永不成立，规则不会审核）"}},
		{"change of last year", "    change(上年.T01[本年收入合计])\n",
			[]string{"t.rules:2:12: A1: change 的第 1 个参数应为本年工作簿的单元格（如 T01[本年收入合计]），实为“单元格”"}},
		{"change misspelt", "    change(T01[本年收入合记])\n",
			[]string{"t.rules:2:16: A1: T01 没有行“本年收入合记”（是否为“本年收入合计”？）"}},
		{"predicate in a loop", "    for r in rows(T02): haveparents(T02)\n",
			[]string{"t.rules:2:5: A1: 谓词 haveparents 不能用在 for 循环中（循环变量不会代入）"}},
	}
	for _, p := range preds {
		tests = append(tests, struct {
			name string
			body string
			want []string
		}{p.name, p.body, p.want})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.rules", []byte(h+tt.body))
			var got []string
			for _, d := range DiagnosticsOf(err) {
				got = append(got, d.String())
			}
			if err != nil && got == nil {
				t.Fatalf("error without diagnostics: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("diagnostics\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// Syntax and resolve errors of several rules come together, sorted by
// position; the rules after a broken one are still checked.
func TestDiagnosticsAllAtOnce(t *testing.T) {
	src := `# 注释
A1 error CERTAIN "一"
    T01[本年收入合计] = T01[经营收人]
    T01[本年收入合计] = T02[合计, 本年收入合计] ]
A2 fatal CERTAIN "二"
    T01[本年收入合计] = T01[不存在]
A3 warning USUAL fill "三"
    T01[本年收入合计] >= T01[其他收入]
A1 error CONDITIONAL "四"
    T01[本年收入合计] = T01[其他收入]
    T09[三公经费, 合计] = 0
`
	_, err := Parse("t.rules", []byte(src))
	got := err.Error()
	wantText := strings.Join([]string{
		"t.rules:3:23: A1: T01 没有行“经营收人”（是否为“经营收入”？）",
		`t.rules:4:35: A1: 多余的内容 "]"`,
		`t.rules:5:4: A2: 未知严重程度 "fatal"`,
		"t.rules:7:1: A3: 标 fill 的规则没有等式，不能用于填充",
		"t.rules:9:1: 规则 A1 重复定义（首次定义于 t.rules:2）",
		"t.rules:10:5: A1: CONDITIONAL 规则的公式没有 when 条件",
		"t.rules:11:5: A1: CONDITIONAL 规则的公式没有 when 条件",
		"t.rules:11:15: A1: T09 没有列“合计”",
	}, "\n")
	if got != wantText {
		t.Errorf("got\n%s\nwant\n%s", got, wantText)
	}
}

// Two files of one set may not declare the same rule.
func TestLoadFilesDuplicate(t *testing.T) {
	files := map[string][]byte{
		"a.rules": []byte("A1 error CERTAIN \"一\"\n    T01[本年收入合计] = T01[其他收入]\n"),
		"b.rules": []byte("\nA1 error CERTAIN \"二\"\n    T01[本年收入合计] = T01[其他收入]\n"),
	}
	_, err := loadFiles([]string{"a.rules", "b.rules"}, files)
	if got, want := err.Error(), "b.rules:2:1: 规则 A1 重复定义（首次定义于 a.rules:1）"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Narrative items are allowed and listed.
func TestNarratives(t *testing.T) {
	got := Narratives(mustRules(t))
	want := []NarrativeRef{
		{Rule: "R06.5", Key: "机关运行经费", File: "intra.rules", Line: 128, Col: 22},
		{Rule: "R06.5", Key: "机关运行经费", File: "intra.rules", Line: 129, Col: 17},
	}
	if !slices.Equal(got, want) {
		t.Errorf("narratives %v, want %v", got, want)
	}
	ds := CheckNarratives(mustRules(t), func(k string) bool { return k == "公用经费" })
	if got, want := ds.Error(), "intra.rules:128:22: R06.5: 决算说明中没有“机关运行经费”这一项（说明的项目见 narrative/bindings.txt 的名称）\n"+
		"intra.rules:129:17: R06.5: 决算说明中没有“机关运行经费”这一项（说明的项目见 narrative/bindings.txt 的名称）"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Mutation test: appending a character to any name in the body of the
// embedded rules (a table, row, column, set, predicate, variable or
// number) is always reported, on the mutated line. Nothing a typo can do
// makes a rule silently check less.
func TestEveryTypoIsCaught(t *testing.T) {
	keywords := map[string]bool{"for": true, "in": true, "when": true, "and": true}
	files := templates.RuleFiles()
	total := 0
	for _, name := range templates.RuleFileNames() {
		lines := strings.Split(string(files[name]), "\n")
		for i, line := range lines {
			if !strings.HasPrefix(line, " ") || strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			toks, err := lex(line)
			if err != nil {
				t.Fatalf("%s:%d: %v", name, i+1, err)
			}
			for _, tok := range toks {
				if tok.kind != "word" || keywords[tok.text] {
					continue
				}
				end := tok.off + len(tok.text)
				mutated := slices.Clone(lines)
				mutated[i] = line[:end] + "x" + line[end:]
				_, err := Parse(name, []byte(strings.Join(mutated, "\n")))
				total++
				onLine := false
				for _, d := range DiagnosticsOf(err) {
					onLine = onLine || d.Line == i+1
				}
				if !onLine {
					t.Errorf("%s:%d: %q → %q not reported on its line (%v)", name, i+1, tok.text, tok.text+"x", err)
				}
			}
		}
	}
	if total < 500 {
		t.Errorf("only %d mutations", total)
	}
	t.Logf("%d mutations, each reported", total)
}
