package check

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// Grammar of the rule files (see templates/rules/intra.rules):
//
//	decl    = header NL { body-line NL }
//	header  = ID SEVERITY CLASS [ "fill" ] STRING            (column 0)
//	body    = clause | "when" cond                            (indented)
//	clause  = [ "for" bind { "," bind } ":" ] stmt [ "when" cond ]
//	bind    = VAR "in" set
//	set     = atom { ( "∪" | "-" ) atom }
//	atom    = FN "(" TABLE [ "," WORD ] ")" | "{" WORD { "," WORD } "}" | FN   (FN: rows codes 类 款 项 parents cols children)
//	stmt    = sum OP sum { OP sum } | pred [ ( "<=>" | "=>" ) pred ]
//	sum     = [ "-" ] term { ( "+" | "-" ) term }
//	term    = NUMBER | ref | "Σ" TABLE "[" set [ "," WORD ] "]"
//	ref     = [ "上年." ] TABLE "[" WORD [ "," WORD ] "]" | "说明[" WORD "]"
//	pred    = NAME "(" arg { "," arg } ")"
//	cond    = ( sum OP sum | pred ) { "and" ( sum OP sum | pred ) }
//	OP      = "=" | "<=" | ">=" | "≤" | "≥"
//
// A line that starts with an operator or "and" continues the previous one.

type clause struct {
	src   string
	binds []binder
	sums  []sumExpr // chain: sums[0] ops[0] sums[1] ...
	ops   []string
	pred  *pred // predicate statement instead of a chain
	conn  string
	pred2 *pred
	when  []cond
}

type binder struct {
	name string
	set  setExpr
}

type setExpr struct {
	atoms []setAtom
	ops   []string // between atoms: "∪" or "-"
}

type setAtom struct {
	fn    string // rows codes 类 款 项 parents cols children lit
	table model.TableID
	arg   string   // children's variable
	lits  []string // literal keys ("*01", "20805*" are patterns)
}

type tableRef struct {
	id        model.TableID
	prior     bool
	narrative bool
}

type ref struct {
	table tableRef
	row   string
	rows  *setExpr // Σ ref
	col   string
}

type term struct {
	sign  int
	ref   *ref
	konst decimal.Decimal
}

type sumExpr []term

type pred struct {
	name string
	args []predArg
}

type predArg struct {
	set   *setExpr
	ref   *ref
	table model.TableID
	word  string
}

type cond struct {
	pred *pred
	l, r sumExpr
	op   string
}

var predicates = map[string]bool{
	"haveparents": true, "subset": true, "zerocol": true, "empty": true, "note": true,
	"sides": true, "stated": true, "located": true, "hascol": true, "change": true,
}

var setFns = map[string]bool{"rows": true, "codes": true, "类": true, "款": true, "项": true, "parents": true, "cols": true, "children": true}

// defaultCol is the column a ref means when it names only the row: the
// tables with a single value column.
var defaultCol = map[model.TableID]string{model.T01: "决算数", model.T06: "决算数"}

func loadEmbedded() ([]*Rule, error) {
	files := templates.RuleFiles()
	var all []*Rule
	seen := map[string]bool{}
	for _, name := range templates.RuleFileNames() {
		rs, err := Parse(name, files[name])
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if seen[r.ID] {
				return nil, fmt.Errorf("%s: 规则 %s 重复定义", name, r.ID)
			}
			seen[r.ID] = true
		}
		all = append(all, rs...)
	}
	return all, nil
}

// Parse reads one rule file. name is used in error messages.
func Parse(name string, src []byte) ([]*Rule, error) {
	var rules []*Rule
	var cur *Rule
	var lines []string // logical body lines of cur
	var lineNo []int
	flush := func() error {
		if cur == nil {
			return nil
		}
		var exprs []string
		var ruleWhen []cond
		for i, l := range lines {
			if strings.HasPrefix(l, "when ") {
				c, err := parseCondSrc(strings.TrimPrefix(l, "when "))
				if err != nil {
					return fmt.Errorf("%s:%d: %s: %w", name, lineNo[i], cur.ID, err)
				}
				ruleWhen = append(ruleWhen, c...)
				cur.When = strings.TrimPrefix(l, "when ")
				continue
			}
			cl, err := parseClause(l)
			if err != nil {
				return fmt.Errorf("%s:%d: %s: %w", name, lineNo[i], cur.ID, err)
			}
			cur.clauses = append(cur.clauses, cl)
			exprs = append(exprs, l)
		}
		if len(cur.clauses) == 0 {
			return fmt.Errorf("%s: %s: 没有公式", name, cur.ID)
		}
		for _, cl := range cur.clauses {
			cl.when = append(cl.when, ruleWhen...)
		}
		cur.Expr = strings.Join(exprs, "\n")
		rules = append(rules, cur)
		cur, lines, lineNo = nil, nil, nil
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(src))
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		t := strings.TrimSpace(raw)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if raw[0] != ' ' && raw[0] != '\t' {
			if err := flush(); err != nil {
				return nil, err
			}
			r, err := parseHeader(t)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, n, err)
			}
			cur = r
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s:%d: 公式行前缺少规则首行", name, n)
		}
		if len(lines) > 0 && (isContinuation(t) || endsOpen(lines[len(lines)-1])) {
			lines[len(lines)-1] += " " + t
			continue
		}
		lines = append(lines, t)
		lineNo = append(lineNo, n)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return rules, sc.Err()
}

func isContinuation(t string) bool {
	for _, p := range []string{"+", "-", "=", "<", ">", "≤", "≥", "∪", "and "} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// endsOpen reports whether a line cannot end a clause (a binder list or an
// operator at its end).
func endsOpen(l string) bool {
	for _, s := range []string{":", ",", "+", "-", "=", "∪", " and"} {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	return false
}

func parseHeader(t string) (*Rule, error) {
	q := strings.IndexByte(t, '"')
	if q < 0 || !strings.HasSuffix(t, `"`) || q == len(t)-1 {
		return nil, fmt.Errorf("规则首行应以带引号的中文说明结尾: %q", t)
	}
	f := strings.Fields(t[:q])
	r := &Rule{Message: t[q+1 : len(t)-1]}
	if len(f) < 3 || len(f) > 4 {
		return nil, fmt.Errorf("规则首行应为 编号 严重程度 类别 [fill] \"说明\": %q", t)
	}
	r.ID = f[0]
	switch model.Severity(f[1]) {
	case model.SevError, model.SevWarning, model.SevInfo:
		r.Severity = model.Severity(f[1])
	default:
		return nil, fmt.Errorf("%s: 未知严重程度 %q", r.ID, f[1])
	}
	switch f[2] {
	case ClassCertain, ClassCertainIneq, ClassConditional, ClassUsual, ClassStructure:
		r.Class = f[2]
	default:
		return nil, fmt.Errorf("%s: 未知类别 %q", r.ID, f[2])
	}
	if len(f) == 4 {
		if f[3] != "fill" {
			return nil, fmt.Errorf("%s: 未知标记 %q", r.ID, f[3])
		}
		r.Fill = true
	}
	return r, nil
}

// ---- lexer ----

type token struct {
	kind string // word, str, op, punct
	text string
}

const punct = "[],(){}:+"

func lex(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case strings.HasPrefix(s[i:], "<=>"):
			out = append(out, token{"op", "<=>"})
			i += 3
		case strings.HasPrefix(s[i:], "=>"), strings.HasPrefix(s[i:], "<="), strings.HasPrefix(s[i:], ">="):
			out = append(out, token{"op", s[i : i+2]})
			i += 2
		case r == '≤':
			out = append(out, token{"op", "<="})
			i += w
		case r == '≥':
			out = append(out, token{"op", ">="})
			i += w
		case r == '=':
			out = append(out, token{"op", "="})
			i += w
		case r == 'Σ' || r == '∪' || r == '-':
			out = append(out, token{"punct", string(r)})
			i += w
		case strings.ContainsRune(punct, r):
			out = append(out, token{"punct", string(r)})
			i += w
		default:
			j := i
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(r2) || strings.ContainsRune(punct+"=<>≤≥Σ∪-", r2) {
					break
				}
				j += w2
			}
			if j == i {
				// A lone '<' or '>' (not <=, >=, =>, <=>) would otherwise
				// yield an empty word forever (found by FuzzParseClause).
				r, _ := utf8.DecodeRuneInString(s[i:])
				return nil, fmt.Errorf("无法识别的符号 %q", r)
			}
			out = append(out, token{"word", s[i:j]})
			i = j
		}
	}
	return out, nil
}

type parser struct {
	toks []token
	pos  int
	vars map[string]bool
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{}
}
func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return token{}
}
func (p *parser) next() token { t := p.peek(); p.pos++; return t }
func (p *parser) is(text string) bool {
	t := p.peek()
	return t.kind != "" && t.text == text
}
func (p *parser) expect(text string) error {
	if !p.is(text) {
		return fmt.Errorf("此处应为 %q，实为 %q", text, p.peek().text)
	}
	p.pos++
	return nil
}
func (p *parser) word() (string, error) {
	t := p.next()
	if t.kind != "word" {
		return "", fmt.Errorf("此处应为名称，实为 %q", t.text)
	}
	return t.text, nil
}

func parseClause(src string) (*clause, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, vars: map[string]bool{}}
	cl := &clause{src: src}
	if p.is("for") {
		p.next()
		for {
			name, err := p.word()
			if err != nil {
				return nil, err
			}
			if err := p.expect("in"); err != nil {
				return nil, err
			}
			set, err := p.set("")
			if err != nil {
				return nil, err
			}
			cl.binds = append(cl.binds, binder{name: name, set: set})
			p.vars[name] = true
			if p.is(",") {
				p.next()
				continue
			}
			break
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.kind == "word" && predicates[t.text] && p.peekAt(1).text == "(" {
		cl.pred, err = p.pred()
		if err != nil {
			return nil, err
		}
		if p.is("<=>") || p.is("=>") {
			cl.conn = p.next().text
			if cl.pred2, err = p.pred(); err != nil {
				return nil, err
			}
		}
	} else {
		s, err := p.sum()
		if err != nil {
			return nil, err
		}
		cl.sums = append(cl.sums, s)
		for p.peek().kind == "op" && p.peek().text != "=>" && p.peek().text != "<=>" {
			cl.ops = append(cl.ops, p.next().text)
			s, err := p.sum()
			if err != nil {
				return nil, err
			}
			cl.sums = append(cl.sums, s)
		}
		if len(cl.ops) == 0 {
			return nil, fmt.Errorf("公式缺少 = 或 <= 或 >=")
		}
	}
	if p.is("when") {
		p.next()
		cl.when, err = p.conds()
		if err != nil {
			return nil, err
		}
		for _, c := range cl.when {
			for _, s := range []sumExpr{c.l, c.r} {
				for _, t := range s {
					if t.ref != nil && (p.vars[t.ref.row] || p.vars[t.ref.col]) {
						return nil, fmt.Errorf("条件中不能使用循环变量")
					}
				}
			}
		}
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("多余的内容 %q", p.peek().text)
	}
	return cl, nil
}

func parseCondSrc(src string) ([]cond, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, vars: map[string]bool{}}
	cs, err := p.conds()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("条件中多余的内容 %q", p.peek().text)
	}
	return cs, nil
}

func (p *parser) conds() ([]cond, error) {
	var out []cond
	for {
		if t := p.peek(); t.kind == "word" && predicates[t.text] && p.peekAt(1).text == "(" {
			pr, err := p.pred()
			if err != nil {
				return nil, err
			}
			out = append(out, cond{pred: pr})
		} else {
			l, err := p.sum()
			if err != nil {
				return nil, err
			}
			op := p.next()
			if op.kind != "op" {
				return nil, fmt.Errorf("条件缺少比较符")
			}
			r, err := p.sum()
			if err != nil {
				return nil, err
			}
			out = append(out, cond{l: l, r: r, op: op.text})
		}
		if !p.is("and") {
			return out, nil
		}
		p.next()
	}
}

func (p *parser) sum() (sumExpr, error) {
	var s sumExpr
	sign := 1
	if p.is("-") {
		p.next()
		sign = -1
	}
	for {
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		t.sign = sign
		s = append(s, t)
		switch {
		case p.is("+"):
			sign = 1
		case p.is("-"):
			sign = -1
		default:
			return s, nil
		}
		p.next()
	}
}

func (p *parser) term() (term, error) {
	if p.is("Σ") {
		p.next()
		tr, err := p.tableRef()
		if err != nil {
			return term{}, err
		}
		if err := p.expect("["); err != nil {
			return term{}, err
		}
		set, err := p.set(tr.id)
		if err != nil {
			return term{}, err
		}
		r := &ref{table: tr, rows: &set, col: defaultCol[tr.id]}
		if p.is(",") {
			p.next()
			if r.col, err = p.word(); err != nil {
				return term{}, err
			}
		}
		if r.col == "" {
			return term{}, fmt.Errorf("%s 需要指明列", tr.id)
		}
		return term{ref: r}, p.expect("]")
	}
	t := p.peek()
	if t.kind == "word" {
		if d, err := decimal.NewFromString(t.text); err == nil {
			p.next()
			return term{konst: d}, nil
		}
	}
	r, err := p.ref()
	return term{ref: r}, err
}

func (p *parser) tableRef() (tableRef, error) {
	w, err := p.word()
	if err != nil {
		return tableRef{}, err
	}
	var tr tableRef
	if strings.HasPrefix(w, "上年.") {
		tr.prior = true
		w = strings.TrimPrefix(w, "上年.")
	}
	if w == "说明" {
		tr.narrative = true
		return tr, nil
	}
	id := model.TableID(w)
	for _, k := range model.AllTables {
		if k == id {
			tr.id = id
			return tr, nil
		}
	}
	return tableRef{}, fmt.Errorf("未知的表 %q", w)
}

func (p *parser) ref() (*ref, error) {
	tr, err := p.tableRef()
	if err != nil {
		return nil, err
	}
	if err := p.expect("["); err != nil {
		return nil, err
	}
	r := &ref{table: tr, col: defaultCol[tr.id]}
	if r.row, err = p.word(); err != nil {
		return nil, err
	}
	if p.is(",") {
		p.next()
		if r.col, err = p.word(); err != nil {
			return nil, err
		}
	}
	if r.col == "" && !tr.narrative {
		return nil, fmt.Errorf("%s[%s] 需要指明列", tr.id, r.row)
	}
	return r, p.expect("]")
}

func (p *parser) pred() (*pred, error) {
	name, _ := p.word()
	pr := &pred{name: name}
	if err := p.expect("("); err != nil {
		return nil, err
	}
	for {
		var a predArg
		t := p.peek()
		switch {
		case t.kind == "word" && setFns[t.text] && p.peekAt(1).text == "(":
			s, err := p.set("")
			if err != nil {
				return nil, err
			}
			a.set = &s
		case t.kind == "word" && p.peekAt(1).text == "[":
			r, err := p.ref()
			if err != nil {
				return nil, err
			}
			a.ref = r
		case t.kind == "word":
			p.next()
			a.word = t.text
			if len(t.text) == 3 && t.text[0] == 'T' {
				a.table = model.TableID(t.text)
			}
		default:
			return nil, fmt.Errorf("%s 的参数有误: %q", name, t.text)
		}
		pr.args = append(pr.args, a)
		if p.is(",") {
			p.next()
			continue
		}
		break
	}
	return pr, p.expect(")")
}

// set parses a set expression; implicit is the table of an enclosing Σ ref
// (so "类" alone means the 类 rows of that table).
func (p *parser) set(implicit model.TableID) (setExpr, error) {
	var s setExpr
	for {
		a, err := p.setAtom(implicit)
		if err != nil {
			return s, err
		}
		s.atoms = append(s.atoms, a)
		if p.is("∪") || p.is("-") {
			s.ops = append(s.ops, p.next().text)
			continue
		}
		return s, nil
	}
}

func (p *parser) setAtom(implicit model.TableID) (setAtom, error) {
	if p.is("{") {
		p.next()
		a := setAtom{fn: "lit"}
		for {
			w, err := p.word()
			if err != nil {
				return a, err
			}
			a.lits = append(a.lits, w)
			if p.is(",") {
				p.next()
				continue
			}
			break
		}
		return a, p.expect("}")
	}
	w, err := p.word()
	if err != nil {
		return setAtom{}, err
	}
	if !setFns[w] {
		return setAtom{}, fmt.Errorf("未知的集合 %q", w)
	}
	a := setAtom{fn: w, table: implicit}
	if !p.is("(") {
		if implicit == "" || w == "children" {
			return a, fmt.Errorf("%s 需要参数", w)
		}
		return a, nil
	}
	p.next()
	arg, err := p.word()
	if err != nil {
		return a, err
	}
	if w == "children" {
		if !p.vars[arg] {
			return a, fmt.Errorf("children(%s): %s 不是循环变量", arg, arg)
		}
		a.arg = arg
	} else {
		a.table = model.TableID(arg)
	}
	return a, p.expect(")")
}
