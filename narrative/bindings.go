package narrative

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

//go:embed bindings.txt
var bindingsTxt []byte

// Relation is how a bound figure relates to its table cell.
type Relation string

const (
	RelEqual   Relation = "=" // equal within the §5.0 tolerance (error beyond)
	RelAtMost  Relation = "≤" // not greater (error when greater)
	RelUsually Relation = "≈" // usually equal (warning when not)
)

// Bindings is the parsed bindings.txt: sections, figure bindings, roles
// and sums.
type Bindings struct {
	Sections []Section
	Binds    []*Binding
	Roles    []*Role
	Sums     []*Sum
	names    map[string]*Binding // name (template) → first binding
}

// Section maps heading text to a section name.
type Section struct {
	Name string
	re   *regexp.Regexp
	Line int
}

// Binding is one `bind` line.
type Binding struct {
	Section string // "*" for any
	Pattern string
	Unit    string
	Name    string // may hold {类} {款} {项}
	Cell    *CellSpec
	Rel     Relation
	Denom   string // name of the denominator of a following 占%
	// After, when set, is the name the previous figure of the same
	// sentence must have ("全年预算数" right after 预算绩效评价项目N个).
	After string
	Line  int
	re    *regexp.Regexp
}

// CellSpec is a table cell address of a binding: T05[{项}, 合计].
type CellSpec struct {
	Table model.TableID
	Row   string // key or placeholder {类} / {项}
	Col   string
}

func (c *CellSpec) String() string { return fmt.Sprintf("%s[%s, %s]", c.Table, c.Row, c.Col) }

// Role is one `role` line: a figure that names no subject of its own.
type Role struct {
	Name    string
	Pattern string
	Unit    string
	Line    int
	re      *regexp.Regexp
}

// Sum is one `sum` line: Total = Parts… or Total = Σ Prefix*.
type Sum struct {
	Total  string
	Parts  []string
	Prefix string // Σ form
	Line   int
}

// The roles the checker knows (bindings.txt may use only these).
var knownRoles = map[string]bool{
	"占比": true, "增加": true, "减少": true, "增长": true, "下降": true, "年初预算": true,
	"全年预算": true, "决算数": true, "差异率": true, "完成率": true, "价值": true,
}

var knownUnits = map[string]bool{
	"万元": true, "元": true, "%": true, "人": true, "个": true, "辆": true, "次": true, "批次": true,
	"人次": true, "台(套)": true, "平方米": true, "家": true,
}

var (
	bindOnce   sync.Once
	bindLoaded *Bindings
	bindErr    error
)

// LoadBindings returns the embedded bindings, parsed and checked against
// the table spec once.
func LoadBindings() (*Bindings, error) {
	bindOnce.Do(func() { bindLoaded, bindErr = ParseBindings(bindingsTxt, templates.MustLoad()) })
	return bindLoaded, bindErr
}

// Go regexps name groups in ASCII only; bindings.txt names them in
// Chinese, translated here.
var groupNames = strings.NewReplacer("(?P<类>", "(?P<lei>", "(?P<款>", "(?P<kuan>", "(?P<项>", "(?P<xiang>", "(?P<分母>", "(?P<denom>")
var groupBack = map[string]string{"lei": "类", "kuan": "款", "xiang": "项", "denom": "分母"}

func compilePattern(p string) (*regexp.Regexp, error) {
	return regexp.Compile(`(?:` + groupNames.Replace(p) + `)$`)
}

// groupsOf returns the named groups of a match, by their Chinese names.
func groupsOf(re *regexp.Regexp, m []string) map[string]string {
	var out map[string]string
	for i, g := range re.SubexpNames() {
		if g == "" || i >= len(m) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		if c, ok := groupBack[g]; ok {
			g = c
		}
		out[g] = m[i]
	}
	return out
}

var (
	cellRe = regexp.MustCompile(`^(T0[1-9])\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]$`)
	phRe   = regexp.MustCompile(`\{(类|款|项)\}`)
)

// ParseBindings parses a bindings document and checks every table, row and
// column key against spec. All problems are reported together, each with
// its line.
func ParseBindings(doc []byte, spec *templates.Spec) (*Bindings, error) {
	b := &Bindings{names: map[string]*Binding{}}
	var errs []string
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("第 %d 行：%s", line, fmt.Sprintf(format, args...)))
	}
	sections := map[string]bool{"*": true}
	lines := strings.Split(string(doc), "\n")
	if len(lines) > 10000 {
		return nil, fmt.Errorf("bindings: too many lines")
	}
	for i, raw := range lines {
		ln := i + 1
		line := raw
		if j := strings.Index(line, "#"); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		kw, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch kw {
		case "section":
			f := splitBar(rest)
			if len(f) != 2 || f[0] == "" || f[1] == "" {
				fail(ln, "section 应为“节名 | 标题文字”")
				continue
			}
			re, err := regexp.Compile(f[1])
			if err != nil {
				fail(ln, "标题正则有误：%v", err)
				continue
			}
			sections[f[0]] = true
			b.Sections = append(b.Sections, Section{Name: f[0], re: re, Line: ln})
		case "bind":
			f := splitBar(rest)
			for len(f) < 8 {
				f = append(f, "")
			}
			if len(f) > 8 || f[0] == "" || f[1] == "" || f[3] == "" || f[4] == "" {
				fail(ln, "bind 应为“节名 | 说法 | 单位 | 名称 | 单元格 | 关系 | 分母 | 前一个数字”")
				continue
			}
			bd := &Binding{Section: f[0], Pattern: f[1], Unit: f[2], Name: f[3], Rel: Relation(f[5]), Denom: f[6], After: f[7], Line: ln}
			if bd.Unit == "" {
				bd.Unit = "万元"
			}
			if !knownUnits[bd.Unit] {
				fail(ln, "未知单位 %q", bd.Unit)
			}
			if !sections[bd.Section] {
				fail(ln, "未声明的节 %q", bd.Section)
			}
			if bd.Rel == "" {
				bd.Rel = RelEqual
			}
			if bd.Rel != RelEqual && bd.Rel != RelAtMost && bd.Rel != RelUsually {
				fail(ln, "关系应为 =、≤ 或 ≈，收到 %q", bd.Rel)
			}
			re, err := compilePattern(bd.Pattern)
			if err != nil {
				fail(ln, "说法正则有误：%v", err)
				continue
			}
			bd.re = re
			groups := map[string]bool{}
			for _, g := range re.SubexpNames() {
				if c, ok := groupBack[g]; ok {
					groups[c] = true
				}
			}
			for _, m := range phRe.FindAllStringSubmatch(bd.Name+f[4], -1) {
				if !groups[m[1]] {
					fail(ln, "名称或单元格用了 {%s}，说法中没有 (?P<%s>…)", m[1], m[1])
				}
			}
			if f[4] != "-" {
				m := cellRe.FindStringSubmatch(f[4])
				if m == nil {
					fail(ln, "单元格应写作 表[行, 列] 或 -，收到 %q", f[4])
					continue
				}
				cs := &CellSpec{Table: model.TableID(m[1]), Row: m[2], Col: m[3]}
				if err := checkCell(spec, cs); err != "" {
					fail(ln, "%s", err)
					continue
				}
				bd.Cell = cs
			} else if bd.Rel != RelEqual {
				fail(ln, "没有单元格时不能写关系 %s", bd.Rel)
			}
			if prev, ok := b.names[bd.Name]; ok {
				if (prev.Cell == nil) != (bd.Cell == nil) || (prev.Cell != nil && *prev.Cell != *bd.Cell) {
					fail(ln, "名称 %q 在第 %d 行对应另一个单元格", bd.Name, prev.Line)
				}
			} else {
				b.names[bd.Name] = bd
			}
			b.Binds = append(b.Binds, bd)
		case "role":
			f := splitBar(rest)
			if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" {
				fail(ln, "role 应为“角色 | 说法 | 单位”")
				continue
			}
			if !knownRoles[f[0]] {
				fail(ln, "未知角色 %q", f[0])
			}
			if !knownUnits[f[2]] {
				fail(ln, "未知单位 %q", f[2])
			}
			re, err := compilePattern(f[1])
			if err != nil {
				fail(ln, "说法正则有误：%v", err)
				continue
			}
			b.Roles = append(b.Roles, &Role{Name: f[0], Pattern: f[1], Unit: f[2], Line: ln, re: re})
		case "sum":
			total, parts, ok := strings.Cut(rest, "=")
			if !ok {
				fail(ln, "sum 应为“名称 = 名称 + …”")
				continue
			}
			s := &Sum{Total: strings.TrimSpace(total), Line: ln}
			parts = strings.TrimSpace(parts)
			if p, ok := strings.CutPrefix(parts, "Σ"); ok {
				s.Prefix = strings.TrimSuffix(strings.TrimSpace(p), "*")
			} else {
				for _, p := range strings.Split(parts, "+") {
					s.Parts = append(s.Parts, strings.TrimSpace(p))
				}
			}
			b.Sums = append(b.Sums, s)
		default:
			fail(ln, "未知的行首 %q（应为 section、bind、role 或 sum）", kw)
		}
	}
	// Names used by sums and denominators must be bound somewhere.
	for _, s := range b.Sums {
		for _, n := range append([]string{s.Total}, s.Parts...) {
			if _, ok := b.names[n]; !ok && n != "" {
				fail(s.Line, "合计关系用了未定义的名称 %q", n)
			}
		}
		if s.Prefix != "" && !b.hasPrefix(s.Prefix) {
			fail(s.Line, "没有以 %q 开头的名称", s.Prefix)
		}
	}
	for _, bd := range b.Binds {
		if bd.After != "" {
			if _, ok := b.names[bd.After]; !ok {
				fail(bd.Line, "前一个数字 %q 不是已定义的名称", bd.After)
			}
		}
		if bd.Denom != "" {
			if _, ok := b.names[bd.Denom]; !ok {
				fail(bd.Line, "分母 %q 不是已定义的名称", bd.Denom)
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "；"))
	}
	return b, nil
}

func (b *Bindings) hasPrefix(p string) bool {
	for n := range b.names {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// byName returns the binding that defines name (a template such as
// 类:{类} matches 类:社会保障和就业支出).
func (b *Bindings) byName(name string) *Binding {
	if bd, ok := b.names[name]; ok {
		return bd
	}
	return nil
}

// splitBar splits a line at its column separators: a "|" with white space
// (or the line's end) on both sides. A "|" inside a pattern, as in
// (年初|上年), touches its neighbours and is not a separator.
func splitBar(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '|' {
			continue
		}
		before := i == 0 || s[i-1] == ' ' || s[i-1] == '\t'
		after := i == len(s)-1 || s[i+1] == ' ' || s[i+1] == '\t'
		if before && after {
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	out = append(out, strings.TrimSpace(s[start:]))
	// A trailing separator leaves an empty last column: drop it.
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// checkCell checks a cell spec against tables.yaml.
func checkCell(spec *templates.Spec, c *CellSpec) string {
	ts := spec.Table(c.Table)
	if ts == nil {
		return fmt.Sprintf("未知的表 %s", c.Table)
	}
	rows := map[string]bool{}
	cols := map[string]bool{}
	placeholders := map[string]bool{}
	for _, sd := range ts.Sides {
		for _, r := range sd.Rows {
			rows[r.Key] = true
		}
		for _, col := range sd.Columns {
			cols[col.Key] = true
		}
		if sd.Classes {
			placeholders["{类}"] = true
			for _, cl := range spec.Classes {
				rows[cl.Code] = true
			}
		}
	}
	for _, col := range ts.Columns {
		cols[col.Key] = true
	}
	if ts.Total != nil {
		rows[ts.Total.Key] = true
	}
	if ts.Row != nil {
		rows[ts.Row.Key] = true
	}
	for _, g := range ts.Groups {
		rows[g.Total.Key] = true
	}
	if ts.Kind == templates.KindCoded {
		placeholders["{类}"], placeholders["{款}"], placeholders["{项}"] = true, true, true
	}
	if !rows[c.Row] && !placeholders[c.Row] && !isCode(c.Row) {
		return fmt.Sprintf("%s 没有行 %q", ts.Name, c.Row)
	}
	if !cols[c.Col] {
		return fmt.Sprintf("%s 没有列 %q", ts.Name, c.Col)
	}
	return ""
}

func isCode(s string) bool {
	if len(s) != 3 && len(s) != 5 && len(s) != 7 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
