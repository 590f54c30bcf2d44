package check

// A batch reads many workbooks printed from one template: the same
// tables, rows, columns and cells, other values. Binding a clause depends
// on nothing but that shape (which tables are located and whether they
// print an empty-table note; each table's rows with their codes, columns
// and cells, in order) and on the rule: the located tables, rows and
// columns a ref needs (locatedIn), the members of a set (evalSet over
// rows, codes, levels, children and columns), the loop values and thus
// Where, and which operands have a cell (their index in the table's
// reading order). Values matter only to a clause's condition, which is
// evaluated on every use and is not cached. So the clauses bound for one
// workbook are kept, keyed by its exact shape, and reused for the next
// workbook of that shape with its own cells put in.

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/juesuan/juesuan/model"
)

// shapeTable is what binding reads of one located table.
type shapeTable struct {
	id    model.TableID
	note  bool     // an empty-table note is printed (EmptyNote != "")
	rows  []string // key, code of every row of t.Rows
	cols  []string // key of every column of t.Columns
	cells []string // row, col of every cell, in reading order
}

// bindTemplate is the shared clauses of one binding, workbook-free: a
// term names its cell by its index in the table's Cells().
type bindTemplate struct {
	hash    uint64
	rules   []*Rule // the rule set bound (clauses are its pointers)
	shape   []shapeTable
	sets    []tsets // each table's sets (tindex), for newIndexOf
	clauses map[*clause]*tmplClause
	used    atomic.Int64 // the cache's clock at the last hit, for eviction
}

type tmplClause struct {
	misses []missKey
	eqs    []tmplEq
}

type tmplEq struct {
	rule  *Rule
	op    string
	where string
	nl    int // terms[:nl] is the left side, terms[nl:] the right
	terms []tmplTerm
}

type tmplTerm struct {
	key  model.Key
	sign int
	cell int32 // index in Cells() of the key's table; -1: no cell
}

// shapeCache holds the templates of the shapes seen at least twice. A
// shape is made a template only when its hash comes again: a batch of
// workbooks that all differ pays one hash each, not a template each.
type shapeCache struct {
	max     int
	entries atomic.Pointer[[]*bindTemplate] // replaced whole (copy on write)
	mu      sync.Mutex                      // serialises writers
	seen    []uint64                        // ring of hashes seen once
	next    int
	clock   atomic.Int64
	hits    atomic.Int64
	off     atomic.Bool // every binding fresh (bench measures both)
}

// ShapeCache turns the reuse of bindings between workbooks of one shape
// on or off (on by default) and returns how many bindings were reused so
// far. A generated bench batch has few shapes, a real one many, so
// `juesuan bench` measures the batch both ways.
func ShapeCache(on bool) (reused int64) {
	bindShapes.off.Store(!on)
	return bindShapes.hits.Load()
}

// bindShapes is the process's cache: 16 shapes of some 300 KB each.
var bindShapes = &shapeCache{max: 16, seen: make([]uint64, 64)}

var shapeSeed = maphash.MakeSeed()

// shapeHash hashes the shape of the located tables.
func shapeHash(tables []*model.Table) uint64 {
	var h maphash.Hash
	h.SetSeed(shapeSeed)
	for _, t := range tables {
		h.WriteString(string(t.ID))
		if t.EmptyNote != "" {
			h.WriteByte(1)
		} else {
			h.WriteByte(0)
		}
		for _, r := range t.Rows {
			h.WriteString(r.Key)
			h.WriteByte(0)
			h.WriteString(r.Code)
			h.WriteByte(0)
		}
		h.WriteByte(1)
		for _, c := range t.Columns {
			h.WriteString(c.Key)
			h.WriteByte(0)
		}
		h.WriteByte(1)
		for _, c := range t.Cells() {
			h.WriteString(c.Row)
			h.WriteByte(0)
			h.WriteString(c.Col)
			h.WriteByte(0)
		}
		h.WriteByte(2)
	}
	return h.Sum64()
}

// matches reports whether the located tables have exactly shape s.
func matches(s []shapeTable, tables []*model.Table) bool {
	if len(s) != len(tables) {
		return false
	}
	for i, t := range tables {
		st := &s[i]
		if t.ID != st.id || (t.EmptyNote != "") != st.note || 2*len(t.Rows) != len(st.rows) ||
			len(t.Columns) != len(st.cols) || 2*len(t.Cells()) != len(st.cells) {
			return false
		}
	}
	for i, t := range tables {
		st := &s[i]
		for j, r := range t.Rows {
			if r.Key != st.rows[2*j] || r.Code != st.rows[2*j+1] {
				return false
			}
		}
		for j, c := range t.Columns {
			if c.Key != st.cols[j] {
				return false
			}
		}
		for j, c := range t.Cells() {
			if c.Row != st.cells[2*j] || c.Col != st.cells[2*j+1] {
				return false
			}
		}
	}
	return true
}

// find returns the template of rules on the tables' shape (hash h), or
// nil; in that case publish says whether h was seen before, so that the
// binding about to be made should become a template.
func (c *shapeCache) find(h uint64, rules []*Rule, tables []*model.Table) (t *bindTemplate, publish bool) {
	if c.off.Load() {
		return nil, false
	}
	if es := c.entries.Load(); es != nil {
		for _, e := range *es {
			if e.hash == h && slices.Equal(e.rules, rules) && matches(e.shape, tables) {
				e.used.Store(c.clock.Add(1))
				c.hits.Add(1)
				return e, false
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.seen {
		if s == h {
			return nil, true
		}
	}
	c.seen[c.next] = h
	c.next = (c.next + 1) % len(c.seen)
	return nil, false
}

// add publishes t, evicting the template hit longest ago when full; a
// template of the same shape published meanwhile is kept instead.
func (c *shapeCache) add(t *bindTemplate, tables []*model.Table) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var old []*bindTemplate
	if es := c.entries.Load(); es != nil {
		old = *es
	}
	for _, e := range old {
		if e.hash == t.hash && slices.Equal(e.rules, t.rules) && matches(e.shape, tables) {
			return
		}
	}
	t.used.Store(c.clock.Add(1))
	es := make([]*bindTemplate, 0, min(len(old)+1, c.max))
	if len(old) >= c.max {
		lru := 0
		for i, e := range old {
			if e.used.Load() < old[lru].used.Load() {
				lru = i
			}
		}
		es = append(es, old[:lru]...)
		es = append(es, old[lru+1:]...)
	} else {
		es = append(es, old...)
	}
	es = append(es, t)
	c.entries.Store(&es)
}

// newTemplate makes the template of bd's shared clauses, bound to the
// located tables of hash h. Strings are copied so that a template keeps
// no workbook's buffers alive.
func newTemplate(bd *Binding, h uint64, tables []*model.Table) *bindTemplate {
	in := map[string]string{}
	intern := func(s string) string {
		if v, ok := in[s]; ok {
			return v
		}
		v := strings.Clone(s)
		in[v] = v
		return v
	}
	key := func(k model.Key) model.Key {
		return model.Key{Table: model.TableID(intern(string(k.Table))), Row: intern(k.Row), Col: intern(k.Col)}
	}
	t := &bindTemplate{hash: h, rules: bd.rules, shape: make([]shapeTable, len(tables)), clauses: make(map[*clause]*tmplClause, len(bd.clauses))}
	index := map[*model.Cell]int32{}
	for i, tb := range tables {
		st := shapeTable{id: tb.ID, note: tb.EmptyNote != "",
			rows: make([]string, 0, 2*len(tb.Rows)), cols: make([]string, 0, len(tb.Columns)), cells: make([]string, 0, 2*len(tb.Cells()))}
		for _, r := range tb.Rows {
			st.rows = append(st.rows, intern(r.Key), intern(r.Code))
		}
		for _, c := range tb.Columns {
			st.cols = append(st.cols, intern(c.Key))
		}
		for j, c := range tb.Cells() {
			st.cells = append(st.cells, intern(c.Row), intern(c.Col))
			index[c] = int32(j)
		}
		t.shape[i] = st
		t.sets = append(t.sets, internSets(bd.idx.table(tb.ID).shapeSets(), intern))
	}
	wb := bd.idx.wb
clauses:
	for cl, bc := range bd.clauses {
		tc := &tmplClause{misses: make([]missKey, len(bc.misses)), eqs: make([]tmplEq, len(bc.eqs))}
		for i, mk := range bc.misses {
			tc.misses[i] = missKey{key(mk.Key), mk.prior}
		}
		for i, eq := range bc.eqs {
			te := tmplEq{rule: eq.Rule, op: eq.Op, where: intern(eq.Where), nl: len(eq.Left),
				terms: make([]tmplTerm, 0, len(eq.Left)+len(eq.Right))}
			for _, side := range [2][]Term{eq.Left, eq.Right} {
				for _, tm := range side {
					if tm.prior || tm.wb != wb {
						continue clauses // not this workbook's cells: bound afresh each time
					}
					tt := tmplTerm{key: key(tm.Key), sign: tm.Sign, cell: -1}
					if tm.cell != nil {
						j, ok := index[tm.cell]
						if !ok {
							continue clauses
						}
						tt.cell = j
					}
					te.terms = append(te.terms, tt)
				}
			}
			tc.eqs[i] = te
		}
		t.clauses[cl] = tc
	}
	return t
}

// instantiate appends the equations of template clause tc, put on the
// cells of the workbook being bound, to out.
func (b *bindCtx) instantiate(tc *tmplClause, out []Equation) []Equation {
	w := b.cur
	for i := range tc.eqs {
		te := &tc.eqs[i]
		start := len(b.tbuf)
		b.grow(&start, len(te.terms))
		for _, tt := range te.terms {
			var cell *model.Cell
			if tt.cell >= 0 {
				cell = w.table(tt.key.Table).t.Cells()[tt.cell]
			}
			b.tbuf = append(b.tbuf, Term{Key: tt.key, Sign: tt.sign, wb: w.wb, cell: cell})
		}
		ts := b.tbuf[start:len(b.tbuf):len(b.tbuf)]
		out = append(out, Equation{Rule: te.rule, Op: te.op, Left: ts[:te.nl:te.nl], Right: ts[te.nl:], Where: te.where})
	}
	return out
}

// internSets copies the sets' strings (intern) into new slices and maps,
// capped like the originals.
func internSets(s tsets, intern func(string) string) tsets {
	list := func(l []string) []string {
		if l == nil {
			return nil
		}
		out := make([]string, len(l))
		for i, x := range l {
			out[i] = intern(x)
		}
		return out
	}
	out := tsets{rows: list(s.rows), codes: list(s.codes), cols: list(s.cols),
		children: make(map[string][]string, len(s.children)), hasCol: make(map[string]bool, len(s.hasCol))}
	for i, l := range s.level {
		out.level[i] = list(l)
	}
	for p, c := range s.children {
		out.children[intern(p)] = list(c)
	}
	for k, v := range s.hasCol {
		out.hasCol[intern(k)] = v
	}
	return out
}
