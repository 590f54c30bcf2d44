package check

import (
	"strings"
	"sync/atomic"

	"github.com/juesuan/juesuan/model"
)

// tindex is what binding needs to know about one table, built once per
// workbook so that every lookup is a map access (no quadratic scans).
type tindex struct {
	t        *model.Table
	rows     []string // every row key that holds cells, sheet order
	rowOf    map[string]*model.Row
	codes    []string
	level    [4][]string // 1 类, 2 款, 3 项
	children map[string][]string
	cols     []string
	hasCol   map[string]bool
	rowCells map[string][]*model.Cell
}

type windex struct {
	wb      *model.Workbook
	located []*model.Table // wb.Located()
	tables  map[model.TableID]*tindex
	// slots holds the known tables by number (T01 in slots[1]): binding
	// looks a table up per operand, and a 9-entry map hashes every time.
	slots [12]*tindex // T00–T11
}

// slot returns the index of id in windex.slots, or -1 (not a T01–T11).
func slot(id model.TableID) int {
	if len(id) != 3 || id[0] != 'T' || id[1] < '0' || id[1] > '9' || id[2] < '0' || id[2] > '9' {
		return -1
	}
	n := int(id[1]-'0')*10 + int(id[2]-'0')
	if n >= len(windex{}.slots) {
		return -1
	}
	return n
}

// table returns the index of table id, nil when it was not located.
func (w *windex) table(id model.TableID) *tindex {
	if s := slot(id); s >= 0 {
		return w.slots[s]
	}
	return w.tables[id]
}

func newIndex(wb *model.Workbook) *windex {
	if wb == nil {
		return &windex{tables: map[model.TableID]*tindex{}}
	}
	return newIndexOf(wb, wb.Located(), nil)
}

// tsets is the part of a tindex that depends on the table's shape only:
// the members of its sets. A template keeps them (bindcache.go) and a
// workbook of its shape takes them instead of building them again; they
// are capped, so a caller appending to a set copies it.
type tsets struct {
	rows, codes []string
	level       [4][]string
	children    map[string][]string
	cols        []string
	hasCol      map[string]bool
}

func (ti *tindex) shapeSets() tsets {
	return tsets{ti.rows, ti.codes, ti.level, ti.children, ti.cols, ti.hasCol}
}

// newIndexOf indexes the located tables of wb; shared, when not nil, is
// the sets of each table, from a workbook of the same shape.
func newIndexOf(wb *model.Workbook, located []*model.Table, shared []tsets) *windex {
	w := &windex{wb: wb, located: located, tables: make(map[model.TableID]*tindex, len(located))}
	for i, t := range located {
		cells := t.Cells()
		ti := &tindex{t: t, rowOf: make(map[string]*model.Row, len(t.Rows)), rowCells: make(map[string][]*model.Cell, len(t.Rows))}
		for _, r := range t.Rows {
			if _, dup := ti.rowOf[r.Key]; !dup {
				ti.rowOf[r.Key] = r
			}
		}
		var rows []string
		if shared == nil {
			rows = make([]string, 0, len(t.Rows))
		}
		// A row's cells are one run of the reading order (one sheet row)
		// in most tables: that run is the row's slice, no copy; a row whose
		// cells come in several runs gets them appended (the runs are
		// capped, so appending copies).
		for start, i := 0, 1; start < len(cells); i++ {
			if i < len(cells) && cells[i].Row == cells[start].Row {
				continue
			}
			row, run := cells[start].Row, cells[start:i:i]
			if prev, ok := ti.rowCells[row]; ok {
				ti.rowCells[row] = append(prev, run...)
			} else {
				if shared == nil {
					rows = append(rows, row)
				}
				ti.rowCells[row] = run
			}
			start = i
		}
		// Rows printed without cells still count as rows of the table.
		for _, r := range t.Rows {
			if _, ok := ti.rowCells[r.Key]; !ok {
				ti.rowCells[r.Key] = nil
				if shared == nil {
					rows = append(rows, r.Key)
				}
			}
		}
		if shared != nil {
			sh := shared[i]
			ti.rows, ti.codes, ti.level, ti.children, ti.cols, ti.hasCol = sh.rows, sh.codes, sh.level, sh.children, sh.cols, sh.hasCol
		} else {
			ti.rows = rows[:len(rows):len(rows)]
			ti.buildSets(t, cells)
		}
		w.tables[t.ID] = ti
		if s := slot(t.ID); s >= 0 {
			w.slots[s] = ti
		}
	}
	return w
}

// buildSets builds the members of the table's sets after its rows.
func (ti *tindex) buildSets(t *model.Table, cells []*model.Cell) {
	ti.hasCol = make(map[string]bool, len(t.Columns))
	ti.cols = make([]string, 0, len(t.Columns))
	for _, c := range t.Columns {
		if !ti.hasCol[c.Key] {
			ti.hasCol[c.Key] = true
			ti.cols = append(ti.cols, c.Key)
		}
	}
	for _, c := range cells {
		if !ti.hasCol[c.Col] {
			ti.hasCol[c.Col] = true
			ti.cols = append(ti.cols, c.Col)
		}
	}
	ti.cols = ti.cols[:len(ti.cols):len(ti.cols)]
	ti.children = map[string][]string{}
	for _, k := range ti.rows {
		code := codeOf(k, ti.rowOf[k])
		if code == "" {
			continue
		}
		ti.codes = append(ti.codes, code)
		lv := model.CodeLevel(code)
		ti.level[lv] = append(ti.level[lv], code)
		if p := parentOf(code); p != "" {
			ti.children[p] = append(ti.children[p], code)
		}
	}
	ti.codes = ti.codes[:len(ti.codes):len(ti.codes)]
	for i, l := range ti.level {
		ti.level[i] = l[:len(l):len(l)]
	}
	for p, c := range ti.children {
		ti.children[p] = c[:len(c):len(c)]
	}
}

func codeOf(key string, r *model.Row) string {
	if r != nil && r.Code != "" {
		return r.Code
	}
	if model.CodeLevel(key) == 0 {
		return ""
	}
	return key
}

func parentOf(code string) string {
	switch model.CodeLevel(code) {
	case 2:
		return code[:3]
	case 3:
		return code[:5]
	}
	return ""
}

// matchPattern matches a literal set item: "*01" suffix, "20805*" prefix,
// otherwise equality.
func matchPattern(pat, s string) bool {
	switch {
	case strings.HasPrefix(pat, "*"):
		return strings.HasSuffix(s, pat[1:])
	case strings.HasSuffix(pat, "*"):
		return strings.HasPrefix(s, pat[:len(pat)-1])
	}
	return pat == s
}

type env map[string]string

func (e env) word(w string) string {
	if v, ok := e[w]; ok {
		return v
	}
	if strings.Contains(w, "/") {
		parts := strings.Split(w, "/")
		for i, p := range parts {
			if v, ok := e[p]; ok {
				parts[i] = v
			}
		}
		return strings.Join(parts, "/")
	}
	return w
}

func (w *windex) evalSet(s setExpr, e env) []string {
	var out []string
	for i, a := range s.atoms {
		items := w.evalAtom(a, e)
		if i == 0 {
			out = items
			continue
		}
		switch s.ops[i-1] {
		case "∪":
			seen := make(map[string]bool, len(out))
			for _, x := range out {
				seen[x] = true
			}
			for _, x := range items {
				if !seen[x] {
					seen[x] = true
					out = append(out, x)
				}
			}
		case "∩":
			// {*98}: the patterns' matches; a set atom: its members.
			var keep []string
			in := make(map[string]bool, len(items))
			for _, y := range items {
				in[y] = true
			}
			for _, x := range out {
				hit := in[x]
				if a.fn == "lit" {
					hit = false
					for _, p := range a.lits {
						if matchPattern(p, x) {
							hit = true
							break
						}
					}
				}
				if hit {
					keep = append(keep, x)
				}
			}
			out = keep
		case "-":
			var keep []string
			drops := make(map[string]bool, len(items))
			for _, y := range items {
				drops[y] = true
			}
			for _, x := range out {
				drop := false
				if a.fn == "lit" {
					for _, p := range a.lits {
						if matchPattern(p, x) {
							drop = true
							break
						}
					}
				} else {
					drop = drops[x]
				}
				if !drop {
					keep = append(keep, x)
				}
			}
			out = keep
		}
	}
	return out
}

func (w *windex) evalAtom(a setAtom, e env) []string {
	if a.fn == "lit" {
		out := make([]string, len(a.lits))
		for i, l := range a.lits {
			out[i] = e.word(l)
		}
		return out
	}
	ti := w.tables[a.table]
	if ti == nil {
		return nil
	}
	switch a.fn {
	case "rows":
		return ti.rows
	case "codes":
		return ti.codes
	case "类":
		return ti.level[1]
	case "款":
		return ti.level[2]
	case "项":
		return ti.level[3]
	case "cols":
		return ti.cols
	case "parents":
		var out []string
		for _, c := range ti.codes {
			if len(ti.children[c]) > 0 {
				out = append(out, c)
			}
		}
		return out
	case "children":
		return ti.children[e[a.arg]]
	}
	return nil
}

// bindCtx is the binding state for one workbook (and its prior year).
type bindCtx struct {
	cur, prior *windex
	readerSeen map[string]bool // reader findings by rule|sheet!cell, built on first use
	// sides maps an economic class to its column group per table (tables.yaml
	// `groups`), built on first use.
	sides map[model.TableID]map[string]string
	// rule is the rule being bound or evaluated, for the unchecked list.
	rule *Rule
	// unchecked collects what could not be located (a table, a total row,
	// a column) and the rules that therefore were not checked.
	unchecked      map[missKey]*model.Unchecked
	uncheckedOrder []missKey
	// shared is the structural binding this context reuses and adds to
	// (nil: bind every clause afresh); rec collects the misses of the
	// clause being bound, so a reuse records them again.
	shared *Binding
	rec    *[]missKey
	// tbuf is the block the terms of equations are cut from (terms);
	// blocks counts the blocks made, for rollback.
	tbuf   []Term
	blocks int
	// env is the loop variables' map, reused by every clause (each
	// removes what it set).
	env env
}

type missKey struct {
	model.Key
	prior bool
}

// miss records that the current rule needs k (a table when Row and Col
// are empty, a row, or a column) and that k was not located: the rule is
// not checked there, never evaluated with a 0.
func (b *bindCtx) miss(k model.Key, prior bool) {
	mk := missKey{k, prior}
	if b.rec != nil {
		*b.rec = append(*b.rec, mk)
	}
	if b.unchecked == nil {
		b.unchecked = map[missKey]*model.Unchecked{}
	}
	u := b.unchecked[mk]
	if u == nil {
		u = &model.Unchecked{Table: k.Table, Row: k.Row, Col: k.Col, Prior: prior}
		b.unchecked[mk] = u
		b.uncheckedOrder = append(b.uncheckedOrder, mk)
	}
	if b.rule == nil {
		return
	}
	for _, id := range u.Rules {
		if id == b.rule.ID {
			return
		}
	}
	u.Rules = append(u.Rules, b.rule.ID)
}

// located reports whether the ref's row and column exist in its (located)
// table. A code row that is not printed is a located 0 (spec §2.4); a
// labelled row (合计, 本年收入合计, 人员经费合计 …) or a column that is not
// found is missing, and is recorded.
func (b *bindCtx) locatedKey(k model.Key, prior bool) bool {
	return b.locatedIn(b.idx(prior).table(k.Table), k, prior)
}

// locatedIn is locatedKey with k's table index ti already looked up.
func (b *bindCtx) locatedIn(ti *tindex, k model.Key, prior bool) bool {
	if ti.t.EmptyNote != "" && len(ti.rowCells) == 0 {
		// A table printed empty with its 无数据 note: every figure is 0.
		return true
	}
	ok := true
	// Every row of t.Rows is a key of rowCells (with nil cells when it
	// prints none), so one lookup says whether a labelled row is printed.
	if k.Row != "" && model.CodeLevel(k.Row) == 0 {
		if _, printed := ti.rowCells[k.Row]; !printed {
			b.miss(model.Key{Table: k.Table, Row: k.Row}, prior)
			ok = false
		}
	}
	if k.Col != "" && !ti.hasCol[k.Col] {
		b.miss(model.Key{Table: k.Table, Col: k.Col}, prior)
		ok = false
	}
	return ok
}

func (b *bindCtx) idx(prior bool) *windex {
	if prior {
		return b.prior
	}
	return b.cur
}

func (b *bindCtx) cell(t Term) *model.Cell {
	w := b.idx(t.prior)
	if w == nil {
		return nil
	}
	if t.wb == w.wb && w.wb != nil {
		return t.cell
	}
	return w.wb.Cell(t.Key)
}

// termChunk is the smallest block of terms allocated at once: the terms
// of a workbook's equations are carved out of a few large blocks rather
// than a slice per side.
const termChunk = 1024

// termHint is how many terms the last binding made, to size the first
// block of the next one (a size, never a value: no behaviour depends on it).
var termHint atomic.Int64

// eqHint is how many equations the last binding made, to size the next.
var eqHint atomic.Int64

// grow makes room for n more terms after the side being built, which
// starts at *start in b.tbuf: a full block is left to the sides already
// cut from it and the side moves to a new one.
func (b *bindCtx) grow(start *int, n int) {
	if cap(b.tbuf)-len(b.tbuf) >= n {
		return
	}
	side := b.tbuf[*start:]
	size := max(2*(len(side)+n), termChunk)
	switch {
	case b.tbuf == nil && b.shared != nil && len(b.shared.clauses) > 0:
		// Reusing a binding: only conditions and prior-year clauses are
		// bound here.
		size = max(2*(len(side)+n), 64)
	case b.tbuf == nil:
		size = max(size, int(termHint.Load()))
	}
	nb := make([]Term, len(side), size)
	copy(nb, side)
	b.tbuf, *start = nb, 0
	b.blocks++
}

// tmark is a point of b.tbuf to roll back to (rollback).
type tmark struct{ n, blocks int }

func (b *bindCtx) mark() tmark { return tmark{len(b.tbuf), b.blocks} }

// rollback gives the terms made since m back when none of them is kept
// (a condition's operands, an equation without a printed cell); after a
// new block nothing is given back, the old block's tail is simply unused.
func (b *bindCtx) rollback(m tmark) {
	if b.blocks == m.blocks {
		clear(b.tbuf[m.n:])
		b.tbuf = b.tbuf[:m.n]
	}
}

func (b *bindCtx) terms(s sumExpr, e env) ([]Term, bool) {
	start := len(b.tbuf)
	b.grow(&start, len(s))
	fail := func() ([]Term, bool) {
		clear(b.tbuf[start:])
		b.tbuf = b.tbuf[:start]
		return nil, false
	}
	for _, t := range s {
		if t.ref == nil {
			continue // a constant (only 0 is meaningful in equations)
		}
		r := t.ref
		if r.table.narrative {
			return fail()
		}
		prior := r.table.prior
		if prior && b.prior == nil {
			return fail()
		}
		w := b.idx(prior)
		// A table that was not located is reported by the reader (S01);
		// counting its cells as 0 would add a misleading finding per rule
		// that mentions it. Missing rows of a located table do count as 0
		// (spec §2.4).
		ti := w.table(r.table.id)
		if ti == nil {
			b.miss(model.Key{Table: r.table.id}, prior)
			return fail()
		}
		col := e.word(r.col)
		if r.rows != nil {
			if !b.locatedIn(ti, model.Key{Table: r.table.id, Col: col}, prior) {
				return fail()
			}
			rows := w.evalSet(*r.rows, e)
			b.grow(&start, len(rows))
			for _, row := range rows {
				b.tbuf = append(b.tbuf, Term{Key: model.Key{Table: r.table.id, Row: row, Col: col}, Sign: t.sign,
					prior: prior, wb: w.wb, cell: ti.t.Cell(row, col)})
			}
			continue
		}
		k := model.Key{Table: r.table.id, Row: e.word(r.row), Col: col}
		if !b.locatedIn(ti, k, prior) {
			return fail()
		}
		b.grow(&start, 1)
		b.tbuf = append(b.tbuf, Term{Key: k, Sign: t.sign, prior: prior, wb: w.wb, cell: ti.t.Cell(k.Row, k.Col)})
	}
	// Capped: a caller appending to a side copies it rather than writing
	// over the next side.
	return b.tbuf[start:len(b.tbuf):len(b.tbuf)], true
}

func bind(rules []*Rule, wb, prior *model.Workbook) []Equation {
	b := &bindCtx{cur: newIndex(wb)}
	if prior != nil {
		b.prior = newIndex(prior)
	}
	return b.bind(rules)
}

// Binding is a rule set bound to one workbook's structure, made once and
// shared by fill and check (binding is a third of what checking costs).
// Which cells an equation adds up depends only on the rows and columns the
// workbook prints, which neither fill nor check changes; what depends on
// values, a clause's condition (when), is evaluated again on every use,
// and clauses that read the prior year are bound afresh where the prior
// workbook is known.
type Binding struct {
	rules   []*Rule // the rules for the workbook's year
	idx     *windex
	clauses map[*clause]*boundClause
	total   int // equations of the largest use so far, to size the next
	// all is the first use's equations, which the clauses' are ranges of.
	all []Equation
	// tmpl is the template of a workbook of the same shape (bindcache.go)
	// whose clauses are put on this workbook's cells instead of bound;
	// publish: none was found but the shape was seen before, so this
	// binding becomes the template once its first use is bound (hash).
	tmpl    *bindTemplate
	publish bool
	hash    uint64
	cache   *shapeCache
}

// boundClause is one clause bound: its equations and the misses (tables,
// rows, columns not located) binding it recorded, in order.
type boundClause struct {
	eqs    []Equation
	misses []missKey
}

// NewBinding binds rules (those for wb's year) to wb's structure.
func NewBinding(rules []*Rule, wb *model.Workbook) *Binding {
	return newBinding(rules, wb, bindShapes)
}

// newBinding is NewBinding with the template cache c (nil: none).
func newBinding(rules []*Rule, wb *model.Workbook, c *shapeCache) *Binding {
	year := 0
	if wb != nil {
		year = wb.Year
	}
	bd := &Binding{rules: ForYear(rules, year), clauses: map[*clause]*boundClause{}}
	if c == nil || wb == nil {
		bd.idx = newIndex(wb)
		return bd
	}
	located := wb.Located()
	bd.hash = shapeHash(located)
	bd.tmpl, bd.publish = c.find(bd.hash, bd.rules, located)
	bd.cache = c
	var sets []tsets
	if bd.tmpl != nil {
		sets = bd.tmpl.sets
	}
	bd.idx = newIndexOf(wb, located, sets)
	return bd
}

// Equations returns the equations on the workbook's current values, as
// Bind does.
func (bd *Binding) Equations() []Equation {
	b := &bindCtx{cur: bd.idx, shared: bd}
	return b.bind(bd.rules)
}

// readsPrior reports whether a clause's operands are in the prior year's
// workbook: bound only where it is known.
func (cl *clause) readsPrior() bool { return cl.prior }

func (b *bindCtx) bind(rules []*Rule) []Equation {
	var out []Equation
	// Reusing a binding whose clauses all bind as before gives the same
	// equations in the same order: while each reused clause's equations
	// are the next range of the first use's (all), nothing is copied (pos
	// is how far they match); the first clause that differs copies the
	// range matched so far into out, which then grows as usual.
	var all []Equation
	pos := 0
	if b.shared != nil {
		all = b.shared.all
	}
	copyOut := func() {
		if all == nil {
			return
		}
		out = append(make([]Equation, 0, max(b.shared.total, pos)), all[:pos]...)
		all = nil
	}
	if all == nil {
		if b.shared != nil && b.shared.total > 0 {
			out = make([]Equation, 0, b.shared.total)
		} else if n := eqHint.Load(); n > 0 {
			out = make([]Equation, 0, n)
		}
	}
	if b.env == nil {
		b.env = env{}
	}
	// spans are the clauses bound here for the shared binding: their
	// equations are a range of out, set once out is complete.
	type span struct {
		bc         *boundClause
		start, end int
	}
	var spans []span
	for _, r := range rules {
		b.rule = r
		for _, cl := range r.clauses {
			if cl.pred != nil {
				continue
			}
			// Conditions do not use loop variables (the parser checks), so
			// they are evaluated once per clause; their operands are not
			// kept.
			m := b.mark()
			holds := b.holds(cl.when, nil)
			b.rollback(m)
			if !holds {
				continue
			}
			share := b.shared != nil && !cl.readsPrior()
			if bc := b.shared.lookup(cl); share && bc != nil {
				// Bound before: the same misses, the same equations.
				for _, mk := range bc.misses {
					b.miss(mk.Key, mk.prior)
				}
				if all != nil && (len(bc.eqs) == 0 || pos < len(all) && &bc.eqs[0] == &all[pos]) {
					pos += len(bc.eqs)
					continue
				}
				copyOut()
				out = append(out, bc.eqs...)
				continue
			}
			// A clause bound here for the binding is a range of out: copy
			// before taking its start. One that is not (it reads the prior
			// year) copies only if it has an equation.
			if share {
				copyOut()
			}
			start := len(out)
			if tc := b.shared.template(cl); share && tc != nil {
				// Bound for a workbook of the same shape: its misses, its
				// equations on this workbook's cells.
				for _, mk := range tc.misses {
					b.miss(mk.Key, mk.prior)
				}
				out = b.instantiate(tc, out)
				bc := &boundClause{misses: tc.misses}
				b.shared.clauses[cl] = bc
				spans = append(spans, span{bc, start, len(out)})
				continue
			}
			var misses []missKey
			if share {
				b.rec = &misses
			}
			located := true
			for _, bd := range cl.binds {
				located = b.allLocated(&bd.set) && located
			}
			if !located {
				if share {
					b.rec = nil
					b.shared.clauses[cl] = &boundClause{misses: misses}
				}
				continue
			}
			// sides is scratch: the equations keep its elements, not it.
			sides := make([][]Term, len(cl.sums))
			b.each(cl, 0, b.env, func(e env) {
				m := b.mark()
				for i, s := range cl.sums {
					ts, ok := b.terms(s, e)
					if !ok {
						b.rollback(m)
						return
					}
					sides[i] = ts
				}
				where := b.where(cl, e)
				kept := false
				for i, op := range cl.ops {
					eq := Equation{Rule: r, Op: op, Left: sides[i], Right: sides[i+1], Where: where}
					if b.anyCell(eq) {
						copyOut()
						out = append(out, eq)
						kept = true
					}
				}
				if !kept {
					b.rollback(m)
				}
			})
			if share {
				b.rec = nil
				bc := &boundClause{misses: misses}
				b.shared.clauses[cl] = bc
				spans = append(spans, span{bc, start, len(out)})
			}
		}
	}
	b.rule = nil
	for _, sp := range spans {
		sp.bc.eqs = out[sp.start:sp.end:sp.end]
	}
	if all != nil {
		return all[:pos:pos]
	}
	if bd := b.shared; bd != nil {
		if bd.all == nil {
			bd.all = out
		}
		bd.total = max(bd.total, len(out))
		if bd.publish {
			bd.publish = false
			bd.cache.add(newTemplate(bd, bd.hash, bd.idx.located), bd.idx.located)
		}
	}
	if len(out) > 0 {
		eqHint.Store(int64(len(out)))
	}
	if b.tbuf != nil && b.blocks == 1 {
		termHint.Store(int64(len(b.tbuf)))
	}
	return out
}

func (bd *Binding) lookup(cl *clause) *boundClause {
	if bd == nil {
		return nil
	}
	return bd.clauses[cl]
}

// template returns the template's binding of cl, or nil.
func (bd *Binding) template(cl *clause) *tmplClause {
	if bd == nil || bd.tmpl == nil {
		return nil
	}
	return bd.tmpl.clauses[cl]
}

func (b *bindCtx) where(cl *clause, e env) string {
	switch len(cl.binds) {
	case 0:
		return ""
	case 1:
		return e[cl.binds[0].name]
	}
	parts := make([]string, len(cl.binds))
	for i, bd := range cl.binds {
		parts[i] = e[bd.name]
	}
	return strings.Join(parts, "，")
}

func (b *bindCtx) anyCell(eq Equation) bool {
	for _, t := range eq.Left {
		if b.cell(t) != nil {
			return true
		}
	}
	for _, t := range eq.Right {
		if b.cell(t) != nil {
			return true
		}
	}
	return false
}

// each calls f once per combination of the clause's binders.
func (b *bindCtx) each(cl *clause, i int, e env, f func(env)) {
	if i == len(cl.binds) {
		f(e)
		return
	}
	bd := cl.binds[i]
	for _, v := range b.cur.evalSet(bd.set, e) {
		e[bd.name] = v
		b.each(cl, i+1, e, f)
	}
	delete(e, bd.name)
}
