package check

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"sort"
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
//	set     = atom { ( "∪" | "∩" | "-" ) atom }
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
//
// Parsing is followed by a resolve pass (resolve.go) that checks every
// table, row, column, set, predicate and loop variable against the table
// spec, so that a misspelt key cannot silently check nothing. Every node
// keeps the line and column (in characters, from 1) it was written at.

// srcPos is a position in a rule file: line and column (characters), from 1.
type srcPos struct{ line, col int }

type clause struct {
	src   string
	binds []binder
	sums  []sumExpr // chain: sums[0] ops[0] sums[1] ...
	ops   []string
	pred  *pred // predicate statement instead of a chain
	conn  string
	pred2 *pred
	when  []cond

	at    srcPos
	narr  []NarrativeRef // 决算说明 items read (resolve)
	prior bool           // some operand is in the prior year's workbook (resolve)
}

type binder struct {
	name string
	set  setExpr
	at   srcPos
}

type setExpr struct {
	atoms []setAtom
	ops   []string // between atoms: "∪", "∩" or "-"
}

type setAtom struct {
	fn    string // rows codes 类 款 项 parents cols children lit
	table model.TableID
	arg   string   // children's variable
	lits  []string // literal keys ("*01", "20805*" are patterns)

	at     srcPos   // the function name or "{"
	argAt  srcPos   // the argument
	argRaw string   // the argument as written (a table id or a variable)
	litAt  []srcPos // each literal
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

	at, rowAt, colAt srcPos
	colWritten       bool // the column was written (not the table's default)
}

type term struct {
	sign  int
	ref   *ref
	konst decimal.Decimal

	at srcPos
}

type sumExpr []term

type pred struct {
	name string
	args []predArg

	at srcPos
}

type predArg struct {
	set   *setExpr
	ref   *ref
	table model.TableID
	word  string

	at srcPos
}

type cond struct {
	pred *pred
	l, r sumExpr
	op   string

	at srcPos
}

var predicates = map[string]bool{
	"haveparents": true, "subset": true, "zerocol": true, "empty": true, "note": true,
	"sides": true, "stated": true, "located": true, "hascol": true, "change": true,
}

var setFns = map[string]bool{"rows": true, "codes": true, "类": true, "款": true, "项": true, "parents": true, "cols": true, "children": true}

// defaultCol is the column a ref means when it names only the row: the
// tables with a single value column.
var defaultCol = map[model.TableID]string{model.T01: "决算数", model.T06: "决算数"}

// Diagnostic is one problem of a rule file, at a line and column
// (characters, from 1; a tab is one character).
type Diagnostic struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"` // Chinese; names rules, tables and keys as written
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Message)
}

// Diagnostics are every problem found in rule files, sorted by position.
// As an error it prints one diagnostic per line.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// normalize sorts by file (in first-seen order), line and column, and
// drops exact repeats (a rule-level condition is resolved once per clause).
func (ds Diagnostics) normalize() Diagnostics {
	order := map[string]int{}
	for _, d := range ds {
		if _, ok := order[d.File]; !ok {
			order[d.File] = len(order)
		}
	}
	out := append(Diagnostics(nil), ds...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return order[a.File] < order[b.File]
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	seen := map[Diagnostic]bool{}
	n := 0
	for _, d := range out {
		if seen[d] {
			continue
		}
		seen[d] = true
		out[n] = d
		n++
	}
	return out[:n]
}

// DiagnosticsOf returns the diagnostics carried by an error of Parse or
// Load (nil for any other error).
func DiagnosticsOf(err error) Diagnostics {
	var ds Diagnostics
	if errors.As(err, &ds) {
		return ds
	}
	return nil
}

func loadEmbedded() ([]*Rule, error) {
	packs, err := templates.LoadPacks()
	if err != nil {
		return nil, err
	}
	rs, err := loadFiles(templates.RuleFileNames(), templates.RuleFiles())
	if err != nil {
		return nil, err
	}
	// The rules of a pack's files apply from that pack's year on.
	since := packs.Since()
	for _, r := range rs {
		r.Since = since[r.file]
	}
	return rs, nil
}

// ParseSet parses and checks a rule set of several files (names in order,
// files by name), as Load does for the embedded files: a rule ID may be
// declared once in the whole set. Errors are Diagnostics.
func ParseSet(names []string, files map[string][]byte) ([]*Rule, error) {
	return loadFiles(names, files)
}

// loadFiles parses and resolves a rule set of several files, in order; a
// rule ID may be declared once in the whole set.
func loadFiles(names []string, files map[string][]byte) ([]*Rule, error) {
	var all []*Rule
	var ds Diagnostics
	seen := map[string]string{}
	for _, name := range names {
		rs, heads, fds := parseFile(name, files[name])
		ds = append(ds, fds...)
		for _, r := range rs {
			r.file = name
		}
		for i, r := range rs {
			if where, dup := seen[r.ID]; dup {
				ds = append(ds, Diagnostic{File: name, Line: heads[i].line, Col: heads[i].col,
					Message: fmt.Sprintf(msgDiagDupRule, r.ID, where)})
				continue
			}
			seen[r.ID] = fmt.Sprintf("%s:%d", name, heads[i].line)
		}
		all = append(all, rs...)
	}
	if len(ds) > 0 {
		return nil, ds.normalize()
	}
	return all, nil
}

// Parse reads one rule file and checks it against the table spec: every
// table, row and column key, set, predicate and loop variable must
// resolve. name is used in the diagnostics. On any problem it returns no
// rules and Diagnostics (every problem, sorted by position) as the error.
func Parse(name string, src []byte) ([]*Rule, error) {
	rs, heads, ds := parseFile(name, src)
	seen := map[string]int{}
	for i, r := range rs {
		if line, dup := seen[r.ID]; dup {
			ds = append(ds, Diagnostic{File: name, Line: heads[i].line, Col: heads[i].col,
				Message: fmt.Sprintf(msgDiagDupRule, r.ID, fmt.Sprintf("%s:%d", name, line))})
			continue
		}
		seen[r.ID] = heads[i].line
	}
	if len(ds) > 0 {
		return nil, ds.normalize()
	}
	return rs, nil
}

// logical is one logical body line: physical lines joined by a space.
type logical struct {
	text string
	segs []segment
}

// segment is where a physical line starts in the logical text.
type segment struct{ off, line, col int }

// pos maps a byte offset of the logical text to its line and column.
func (l *logical) pos(off int) srcPos {
	if off > len(l.text) {
		off = len(l.text)
	}
	s := l.segs[0]
	for _, g := range l.segs[1:] {
		if g.off > off {
			break
		}
		s = g
	}
	return srcPos{s.line, s.col + utf8.RuneCountInString(l.text[s.off:off])}
}

func (l *logical) add(t string, line, col int) {
	if l.text != "" {
		l.text += " "
	}
	l.segs = append(l.segs, segment{off: len(l.text), line: line, col: col})
	l.text += t
}

// parseFile parses one rule file and resolves what parsed: the rules, the
// position of each header, and every problem.
func parseFile(name string, src []byte) ([]*Rule, []srcPos, Diagnostics) {
	var ds Diagnostics
	add := func(at srcPos, id, msg string) {
		if id != "" {
			msg = id + ": " + msg
		}
		ds = append(ds, Diagnostic{File: name, Line: at.line, Col: at.col, Message: msg})
	}
	addErr := func(err error, at func(int) srcPos, id string) {
		var oe *offErr
		if errors.As(err, &oe) {
			add(at(oe.off), id, oe.msg)
			return
		}
		var pe *posErr
		if errors.As(err, &pe) {
			add(pe.at, id, pe.msg)
			return
		}
		add(at(0), id, err.Error())
	}
	var rules []*Rule
	var heads []srcPos
	partial := map[*Rule]bool{} // a body line did not parse
	var cur *Rule
	var curAt srcPos
	var lines []*logical // logical body lines of cur
	orphan := false      // body lines without a header are reported once
	flush := func() {
		if cur == nil {
			return
		}
		var exprs []string
		var ruleWhen []cond
		failed := false
		for _, l := range lines {
			if strings.HasPrefix(l.text, "when ") {
				at := func(off int) srcPos { return l.pos(off + len("when ")) }
				c, err := parseCondAt(strings.TrimPrefix(l.text, "when "), at)
				if err != nil {
					addErr(err, at, cur.ID)
					failed = true
					continue
				}
				ruleWhen = append(ruleWhen, c...)
				// Several rule-level when lines all hold: one condition.
				if cur.When != "" {
					cur.When += " and "
				}
				cur.When += strings.TrimPrefix(l.text, "when ")
				continue
			}
			cl, err := parseClauseAt(l.text, l.pos)
			if err != nil {
				addErr(err, l.pos, cur.ID)
				failed = true
				continue
			}
			cur.clauses = append(cur.clauses, cl)
			exprs = append(exprs, l.text)
		}
		if len(cur.clauses) == 0 && !failed {
			add(curAt, cur.ID, msgDiagNoBody)
		}
		if failed {
			partial[cur] = true
		}
		for _, cl := range cur.clauses {
			cl.when = append(cl.when, ruleWhen...)
		}
		cur.Expr = strings.Join(exprs, "\n")
		rules = append(rules, cur)
		heads = append(heads, curAt)
		cur, lines = nil, nil
	}
	// A file saved by Notepad may start with a byte order mark.
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	n := 0
	skip := false // the header of the current declaration did not parse
	for sc.Scan() {
		n++
		raw := sc.Text()
		t := strings.TrimSpace(raw)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if raw[0] != ' ' && raw[0] != '\t' {
			flush()
			orphan = false
			r, err := parseHeader(t)
			if err != nil {
				addErr(err, func(off int) srcPos { return srcPos{n, 1 + utf8.RuneCountInString(t[:min(off, len(t))])} }, "")
				skip = true
				continue
			}
			skip = false
			cur, curAt = r, srcPos{n, 1}
			continue
		}
		if skip {
			continue
		}
		col := 1 + utf8.RuneCountInString(raw[:len(raw)-len(strings.TrimLeftFunc(raw, unicode.IsSpace))])
		if cur == nil {
			if !orphan {
				add(srcPos{n, col}, "", msgDiagNoHeader)
				orphan = true
			}
			continue
		}
		if len(lines) > 0 && (isContinuation(t) || endsOpen(lines[len(lines)-1].text)) {
			lines[len(lines)-1].add(t, n, col)
			continue
		}
		l := &logical{}
		l.add(t, n, col)
		lines = append(lines, l)
	}
	flush()
	if err := sc.Err(); err != nil {
		add(srcPos{n + 1, 1}, "", fmt.Sprintf(msgDiagRead, err))
	}
	for i, r := range rules {
		ds = append(ds, resolveRule(name, r, heads[i], partial[r])...)
	}
	return rules, heads, ds
}

func isContinuation(t string) bool {
	for _, p := range []string{"+", "-", "=", "<", ">", "≤", "≥", "∪", "∩", "and "} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// endsOpen reports whether a line cannot end a clause (a binder list or an
// operator at its end).
func endsOpen(l string) bool {
	for _, s := range []string{":", ",", "+", "-", "=", "∪", "∩", " and"} {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	return false
}

// offErr is a syntax error at a byte offset of the text being parsed.
type offErr struct {
	off int
	msg string
}

func (e *offErr) Error() string { return e.msg }

// posErr is an error at a known file position.
type posErr struct {
	at  srcPos
	msg string
}

func (e *posErr) Error() string { return e.msg }

func errAt(off int, format string, args ...any) error {
	return &offErr{off: off, msg: fmt.Sprintf(format, args...)}
}

func parseHeader(t string) (*Rule, error) {
	q := strings.IndexByte(t, '"')
	if q < 0 || !strings.HasSuffix(t, `"`) || q == len(t)-1 {
		return nil, errAt(0, msgSynHeaderQuote, t)
	}
	// fields of t[:q] with their offsets
	type field struct {
		text string
		off  int
	}
	var f []field
	for i := 0; i < q; {
		for i < q && (t[i] == ' ' || t[i] == '\t') {
			i++
		}
		j := i
		for j < q && t[j] != ' ' && t[j] != '\t' {
			j++
		}
		if j > i {
			f = append(f, field{t[i:j], i})
		}
		i = j
	}
	r := &Rule{Message: t[q+1 : len(t)-1]}
	if len(f) < 3 || len(f) > 4 {
		return nil, errAt(0, msgSynHeaderFields, t)
	}
	r.ID = f[0].text
	switch model.Severity(f[1].text) {
	case model.SevError, model.SevWarning, model.SevInfo:
		r.Severity = model.Severity(f[1].text)
	default:
		return nil, errAt(f[1].off, msgSynSeverity, r.ID, f[1].text)
	}
	switch f[2].text {
	case ClassCertain, ClassCertainIneq, ClassConditional, ClassUsual, ClassStructure:
		r.Class = f[2].text
	default:
		return nil, errAt(f[2].off, msgSynClass, r.ID, f[2].text)
	}
	if len(f) == 4 {
		if f[3].text != "fill" {
			return nil, errAt(f[3].off, msgSynFlag, r.ID, f[3].text)
		}
		r.Fill = true
	}
	return r, nil
}

// ---- lexer ----

type token struct {
	kind string // word, str, op, punct
	text string
	off  int // byte offset in the source
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
			out = append(out, token{"op", "<=>", i})
			i += 3
		case strings.HasPrefix(s[i:], "=>"), strings.HasPrefix(s[i:], "<="), strings.HasPrefix(s[i:], ">="):
			out = append(out, token{"op", s[i : i+2], i})
			i += 2
		case r == '≤':
			out = append(out, token{"op", "<=", i})
			i += w
		case r == '≥':
			out = append(out, token{"op", ">=", i})
			i += w
		case r == '=':
			out = append(out, token{"op", "=", i})
			i += w
		case r == 'Σ' || r == '∪' || r == '∩' || r == '-':
			out = append(out, token{"punct", string(r), i})
			i += w
		case strings.ContainsRune(punct, r):
			out = append(out, token{"punct", string(r), i})
			i += w
		default:
			j := i
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(r2) || strings.ContainsRune(punct+"=<>≤≥Σ∪∩-", r2) {
					break
				}
				j += w2
			}
			if j == i {
				// A lone '<' or '>' (not <=, >=, =>, <=>) would otherwise
				// yield an empty word forever (found by FuzzParseClause).
				r, _ := utf8.DecodeRuneInString(s[i:])
				return nil, errAt(i, msgSynSymbol, r)
			}
			out = append(out, token{"word", s[i:j], i})
			i = j
		}
	}
	return out, nil
}

type parser struct {
	toks []token
	pos  int
	end  int // length of the source: the offset of errors at its end
	vars map[string]bool
	at   func(off int) srcPos
}

func newParser(src string, at func(int) srcPos) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	if at == nil {
		at = func(off int) srcPos { return srcPos{1, 1 + utf8.RuneCountInString(src[:min(off, len(src))])} }
	}
	return &parser{toks: toks, end: len(src), vars: map[string]bool{}, at: at}, nil
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{off: p.end}
}
func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return token{off: p.end}
}
func (p *parser) next() token { t := p.peek(); p.pos++; return t }
func (p *parser) is(text string) bool {
	t := p.peek()
	return t.kind != "" && t.text == text
}
func (p *parser) here() srcPos { return p.at(p.peek().off) }
func (p *parser) expect(text string) error {
	if !p.is(text) {
		return errAt(p.peek().off, msgSynExpect, text, p.peek().text)
	}
	p.pos++
	return nil
}
func (p *parser) word() (string, error) {
	t := p.next()
	if t.kind != "word" {
		return "", errAt(t.off, msgSynName, t.text)
	}
	return t.text, nil
}

func parseClause(src string) (*clause, error) { return parseClauseAt(src, nil) }

// parseClauseAt parses one logical formula line; at maps its byte offsets
// to file positions (nil: line 1, columns of src).
func parseClauseAt(src string, at func(int) srcPos) (*clause, error) {
	p, err := newParser(src, at)
	if err != nil {
		return nil, err
	}
	cl := &clause{src: src, at: p.here()}
	if p.is("for") {
		p.next()
		for {
			bat := p.here()
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
			cl.binds = append(cl.binds, binder{name: name, set: set, at: bat})
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
			return nil, errAt(p.peek().off, msgSynNoOp)
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
						return nil, &posErr{at: t.ref.at, msg: msgSynVarInCond}
					}
				}
			}
		}
	}
	if p.pos != len(p.toks) {
		return nil, errAt(p.peek().off, msgSynTrailing, p.peek().text)
	}
	return cl, nil
}

func parseCondSrc(src string) ([]cond, error) { return parseCondAt(src, nil) }

func parseCondAt(src string, at func(int) srcPos) ([]cond, error) {
	p, err := newParser(src, at)
	if err != nil {
		return nil, err
	}
	cs, err := p.conds()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, errAt(p.peek().off, msgSynCondTrailing, p.peek().text)
	}
	return cs, nil
}

func (p *parser) conds() ([]cond, error) {
	var out []cond
	for {
		at := p.here()
		if t := p.peek(); t.kind == "word" && predicates[t.text] && p.peekAt(1).text == "(" {
			pr, err := p.pred()
			if err != nil {
				return nil, err
			}
			out = append(out, cond{pred: pr, at: at})
		} else {
			l, err := p.sum()
			if err != nil {
				return nil, err
			}
			op := p.next()
			if op.kind != "op" {
				return nil, errAt(op.off, msgSynCondNoOp)
			}
			r, err := p.sum()
			if err != nil {
				return nil, err
			}
			out = append(out, cond{l: l, r: r, op: op.text, at: at})
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
	at := p.here()
	if p.is("Σ") {
		p.next()
		tat := p.here()
		tr, err := p.tableRef()
		if err != nil {
			return term{}, err
		}
		if err := p.expect("["); err != nil {
			return term{}, err
		}
		rowAt := p.here()
		set, err := p.set(tr.id)
		if err != nil {
			return term{}, err
		}
		r := &ref{table: tr, rows: &set, col: defaultCol[tr.id], at: tat, rowAt: rowAt}
		if p.is(",") {
			p.next()
			r.colAt, r.colWritten = p.here(), true
			if r.col, err = p.word(); err != nil {
				return term{}, err
			}
		}
		if r.col == "" {
			return term{}, errAt(p.peek().off, msgSynSumCol, tr.id)
		}
		return term{ref: r, at: at}, p.expect("]")
	}
	t := p.peek()
	if t.kind == "word" {
		if d, err := decimal.NewFromString(t.text); err == nil {
			p.next()
			return term{konst: d, at: at}, nil
		}
	}
	r, err := p.ref()
	return term{ref: r, at: at}, err
}

func (p *parser) tableRef() (tableRef, error) {
	off := p.peek().off
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
	for _, k := range model.KnownTables {
		if k == id {
			tr.id = id
			return tr, nil
		}
	}
	return tableRef{}, errAt(off, msgDiagUnknownTable, w)
}

func (p *parser) ref() (*ref, error) {
	at := p.here()
	tr, err := p.tableRef()
	if err != nil {
		return nil, err
	}
	if err := p.expect("["); err != nil {
		return nil, err
	}
	r := &ref{table: tr, col: defaultCol[tr.id], at: at, rowAt: p.here()}
	if r.row, err = p.word(); err != nil {
		return nil, err
	}
	if p.is(",") {
		p.next()
		r.colAt, r.colWritten = p.here(), true
		if r.col, err = p.word(); err != nil {
			return nil, err
		}
	}
	if r.col == "" && !tr.narrative {
		return nil, errAt(p.peek().off, msgSynRefCol, tr.id, r.row)
	}
	return r, p.expect("]")
}

func (p *parser) pred() (*pred, error) {
	pr := &pred{at: p.here()}
	pr.name, _ = p.word()
	if err := p.expect("("); err != nil {
		return nil, err
	}
	for {
		a := predArg{at: p.here()}
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
			return nil, errAt(t.off, msgSynPredArg, pr.name, t.text)
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
		if p.is("∪") || p.is("∩") || p.is("-") {
			s.ops = append(s.ops, p.next().text)
			continue
		}
		return s, nil
	}
}

func (p *parser) setAtom(implicit model.TableID) (setAtom, error) {
	if p.is("{") {
		a := setAtom{fn: "lit", at: p.here()}
		p.next()
		for {
			at := p.here()
			w, err := p.word()
			if err != nil {
				return a, err
			}
			a.lits = append(a.lits, w)
			a.litAt = append(a.litAt, at)
			if p.is(",") {
				p.next()
				continue
			}
			break
		}
		return a, p.expect("}")
	}
	at := p.here()
	off := p.peek().off
	w, err := p.word()
	if err != nil {
		return setAtom{}, err
	}
	if !setFns[w] {
		return setAtom{}, errAt(off, msgSynSet, w)
	}
	a := setAtom{fn: w, table: implicit, at: at}
	if !p.is("(") {
		if implicit == "" || w == "children" {
			return a, errAt(off, msgSynSetArg, w)
		}
		return a, nil
	}
	p.next()
	a.argAt = p.here()
	off = p.peek().off
	arg, err := p.word()
	if err != nil {
		return a, err
	}
	a.argRaw = arg
	if w == "children" {
		if !p.vars[arg] {
			return a, errAt(off, msgSynChildren, arg, arg)
		}
		a.arg = arg
	} else {
		a.table = model.TableID(arg)
	}
	return a, p.expect(")")
}
