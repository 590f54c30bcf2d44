package check

// The check step of the rule language (like cel-go's checker): after
// parsing, every table id, row and column key, set function and its
// argument, predicate and its arguments, and every loop variable is
// resolved against the table spec (templates/tables.yaml). Binding happens
// per workbook and treats a cell that is not there as 0, so without this
// step a misspelt key (T01[经营收人]) would parse, find no cell and make
// its rule silently check less.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// tinfo is what the resolver knows about one table from the spec.
type tinfo struct {
	id        model.TableID
	rows      map[string][]string // labelled row key -> the sides it is on (balance tables)
	rowList   []string
	cols      map[string][]string // column key -> the sides it is on
	colList   []string
	classes   map[string]bool // balance tables: their only code rows (Spec.Classes)
	classSide string
	catalog   string // function | economic | "" (no code rows)
	levels    [4]bool
	hasEmpty  bool // an empty-table statement is recognised (note)
	groups    bool // column groups by economic class (sides)
}

func (ti *tinfo) addRow(key, side string) {
	if _, ok := ti.rows[key]; !ok {
		ti.rowList = append(ti.rowList, key)
	}
	if side != "" {
		ti.rows[key] = append(ti.rows[key], side)
	} else if ti.rows[key] == nil {
		ti.rows[key] = []string{}
	}
}

func (ti *tinfo) addCol(key, side string) {
	if _, ok := ti.cols[key]; !ok {
		ti.colList = append(ti.colList, key)
	}
	if side != "" {
		ti.cols[key] = append(ti.cols[key], side)
	} else if ti.cols[key] == nil {
		ti.cols[key] = []string{}
	}
}

var specTables = sync.OnceValue(func() map[model.TableID]*tinfo {
	spec := templates.MustLoad()
	out := map[model.TableID]*tinfo{}
	for _, id := range model.KnownTables {
		ts := spec.Table(id)
		ti := &tinfo{id: id, rows: map[string][]string{}, cols: map[string][]string{}}
		out[id] = ti
		if ts == nil {
			continue
		}
		for _, side := range ts.Sides {
			for _, c := range side.Columns {
				ti.addCol(c.Key, side.Key)
			}
			for _, r := range side.Rows {
				ti.addRow(r.Key, side.Key)
			}
			if side.Classes {
				ti.classes = map[string]bool{}
				for _, c := range spec.Classes {
					ti.classes[c.Code] = true
				}
				ti.classSide, ti.catalog, ti.levels[1] = side.Key, "function", true
			}
		}
		for _, c := range ts.Columns {
			ti.addCol(c.Key, "")
		}
		if ts.Total != nil {
			ti.addRow(ts.Total.Key, "")
		}
		if ts.Row != nil {
			ti.addRow(ts.Row.Key, "")
		}
		for _, g := range ts.Groups {
			ti.addRow(g.Total.Key, "")
			ti.groups = true
		}
		switch ts.Catalog {
		case "function":
			ti.catalog, ti.levels = "function", [4]bool{false, true, true, true}
		case "economic":
			ti.catalog, ti.levels = "economic", [4]bool{false, true, true, false}
		}
		ti.hasEmpty = ts.Empty != ""
	}
	return out
})

// row reports whether key is a row of the table and the sides it is on.
func (ti *tinfo) row(key string) ([]string, bool) {
	if s, ok := ti.rows[key]; ok {
		return s, true
	}
	lv := model.CodeLevel(key)
	if lv == 0 {
		return nil, false
	}
	if ti.classes != nil {
		if lv == 1 && ti.classes[key] {
			return []string{ti.classSide}, true
		}
		return nil, false
	}
	return nil, ti.levels[lv]
}

func (ti *tinfo) col(key string) ([]string, bool) {
	s, ok := ti.cols[key]
	return s, ok
}

func (ti *tinfo) lookup(key string, asCol bool) ([]string, bool) {
	if asCol {
		return ti.col(key)
	}
	return ti.row(key)
}

func (ti *tinfo) keys(asCol bool) []string {
	if asCol {
		return ti.colList
	}
	return ti.rowList
}

func whatOf(asCol bool) string {
	if asCol {
		return msgDiagCol
	}
	return msgDiagRow
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// lit is a literal key with where it is written.
type lit struct {
	text string
	at   srcPos
}

// src is a set function of a table (rows(T02), cols(T09), children(k) …).
type src struct {
	fn    string
	table model.TableID
}

func (s src) String() string {
	if s.fn == "children" {
		return "children(…)"
	}
	return s.fn + "(" + string(s.table) + ")"
}

func (s src) isCol() bool { return s.fn == "cols" }

// domain is what a set can hold: literal keys known now, and set
// functions whose members are known only per workbook.
type domain struct {
	lits []lit
	srcs []src
}

type varInfo struct {
	name string
	at   srcPos
	dom  domain
	used bool
}

type scope map[string]*varInfo

// staticVal is a key known at load time, for the row/column side check of
// balance tables.
type staticVal struct {
	text  string
	at    srcPos
	sides []string
}

type resolver struct {
	file string
	rule string
	info map[model.TableID]*tinfo
	ds   Diagnostics
	cl   *clause
	// per clause: 说明[…] refs of the statement, and stated(…) guards
	inCond      bool
	narrRefs    []lit
	statedGuard []lit
}

func (r *resolver) errf(at srcPos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if r.rule != "" {
		msg = r.rule + ": " + msg
	}
	r.ds = append(r.ds, Diagnostic{File: r.file, Line: at.line, Col: at.col, Message: msg})
}

// resolveRule checks every clause of a parsed rule.
// partial: some body line did not parse, so the rule-level checks
// (CONDITIONAL needs when, fill needs an equation) are left out.
func resolveRule(file string, rule *Rule, head srcPos, partial bool) Diagnostics {
	r := &resolver{file: file, rule: rule.ID, info: specTables()}
	equation := false
	for _, cl := range rule.clauses {
		r.clause(cl)
		if rule.Class == ClassConditional && len(cl.when) == 0 && !partial {
			r.errf(cl.at, msgDiagNoCond)
		}
		for _, op := range cl.ops {
			equation = equation || op == "="
		}
	}
	if rule.Fill && !equation && len(rule.clauses) > 0 && !partial {
		r.errf(head, msgDiagFillNoEq)
	}
	return r.ds
}

func (r *resolver) clause(cl *clause) {
	r.cl = cl
	cl.narr = nil
	// Binding asks this of every clause of every workbook.
	cl.prior = false
	for _, s := range cl.sums {
		for _, t := range s {
			cl.prior = cl.prior || (t.ref != nil && t.ref.table.prior)
		}
	}
	r.narrRefs, r.statedGuard = nil, nil
	sc := scope{}
	var order []*varInfo
	for _, b := range cl.binds {
		d := r.set(b.set, "", sc)
		if sc[b.name] != nil {
			r.errf(b.at, msgDiagDupVar, b.name)
			continue
		}
		v := &varInfo{name: b.name, at: b.at, dom: d}
		sc[b.name] = v
		order = append(order, v)
	}
	if cl.pred != nil {
		if len(cl.binds) > 0 {
			r.errf(cl.at, msgDiagPredFor, cl.pred.name)
		}
		r.predStmt(cl)
	} else {
		n := 0
		for _, s := range cl.sums {
			n += r.sum(s, sc)
		}
		if n == 0 {
			r.errf(cl.at, msgDiagNoCells)
		}
		for _, v := range order {
			if !v.used {
				r.errf(v.at, msgDiagUnusedVar, v.name)
			}
		}
	}
	for _, c := range cl.when {
		r.inCond = true
		r.cond(c)
		r.inCond = false
	}
	// A narrative item is read only when the narrative states it (R06.5:
	// … = 说明[机关运行经费] when stated(机关运行经费)); the two must agree.
	for _, n := range r.narrRefs {
		if !slices.ContainsFunc(r.statedGuard, func(g lit) bool { return g.text == n.text }) {
			r.errf(n.at, msgDiagNarrNoGuard, n.text, n.text)
		}
	}
	for _, g := range r.statedGuard {
		if !slices.ContainsFunc(r.narrRefs, func(n lit) bool { return n.text == g.text }) {
			r.errf(g.at, msgDiagGuardNoNarr, g.text, g.text)
		}
	}
}

// sum resolves the terms of a sum and returns how many refer to cells.
func (r *resolver) sum(s sumExpr, sc scope) int {
	n := 0
	for _, t := range s {
		if t.ref == nil {
			// Binding ignores constants: only 0 means what it says.
			if !t.konst.IsZero() {
				r.errf(t.at, msgDiagConst, t.konst.String())
			}
			continue
		}
		r.ref(t.ref, sc)
		n++
	}
	return n
}

func (r *resolver) cond(c cond) {
	if c.pred != nil {
		sig := predSigs[c.pred.name]
		if !sig.cond {
			r.errf(c.pred.at, msgDiagPredNotCond, c.pred.name)
		}
		r.predArgs(c.pred)
		return
	}
	r.sum(c.l, nil)
	r.sum(c.r, nil)
}

func (r *resolver) ref(rf *ref, sc scope) {
	if rf.table.narrative {
		if rf.table.prior {
			r.errf(rf.at, msgDiagNarrativePrior)
		}
		if rf.colWritten {
			r.errf(rf.colAt, msgDiagNarrativeCol)
		}
		if rf.rows == nil {
			r.narrative(rf.row, rf.rowAt)
			if !r.inCond {
				r.narrRefs = append(r.narrRefs, lit{rf.row, rf.rowAt})
			}
		}
		return
	}
	ti := r.info[rf.table.id]
	if ti == nil {
		r.errf(rf.at, msgDiagUnknownTable, rf.table.id)
		return
	}
	var rows []staticVal
	if rf.rows != nil {
		d := r.set(*rf.rows, rf.table.id, sc)
		rows = r.members(d, ti, false, rf.rowAt, msgDiagSumRows)
	} else {
		rows = r.word(rf.row, rf.rowAt, ti, false, sc)
	}
	if !rf.colWritten {
		return // the table's only column
	}
	cols := r.word(rf.col, rf.colAt, ti, true, sc)
	// Balance tables: a row of one side has no cell in the other side's columns.
	for _, rv := range rows {
		for _, cv := range cols {
			if len(rv.sides) == 0 || len(cv.sides) == 0 || intersects(rv.sides, cv.sides) {
				continue
			}
			r.errf(rv.at, msgDiagSideMismatch, ti.id, rv.text, strings.Join(rv.sides, "、"), cv.text, strings.Join(cv.sides, "、"))
		}
	}
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func (r *resolver) narrative(key string, at srcPos) {
	r.cl.narr = append(r.cl.narr, NarrativeRef{Rule: r.rule, Key: key, File: r.file, Line: at.line, Col: at.col})
}

// word resolves one row or column word of a ref in table ti: a loop
// variable, a literal key, or a word like 年初/c or 决算数/c that combines
// literals with variables (env.word). It returns the keys known now.
func (r *resolver) word(w string, at srcPos, ti *tinfo, asCol bool, sc scope) []staticVal {
	if v := sc[w]; v != nil {
		v.used = true
		return r.varUse(v, at, ti, asCol)
	}
	if strings.Contains(w, "/") {
		parts := strings.Split(w, "/")
		var vars []*varInfo
		for _, p := range parts {
			if v := sc[p]; v != nil {
				v.used = true
				vars = append(vars, v)
			}
		}
		if len(vars) > 0 {
			return r.compound(w, parts, at, ti, asCol, sc)
		}
	}
	sides, ok := ti.lookup(w, asCol)
	if !ok {
		r.unknown(w, at, ti, asCol, "")
		return nil
	}
	return []staticVal{{w, at, sides}}
}

// unknown reports a key that is not in the table, with a likely
// intended key when one is close.
func (r *resolver) unknown(w string, at srcPos, ti *tinfo, asCol bool, suffix string) {
	if identRe.MatchString(w) {
		r.errf(at, "%s", fmt.Sprintf(msgDiagUnbound, w, ti.id, whatOf(asCol))+suffix)
		return
	}
	msg := fmt.Sprintf(msgDiagNoKey, ti.id, whatOf(asCol), w)
	if best := closest(w, ti.keys(asCol)); best != "" {
		msg += fmt.Sprintf(msgDiagDidYouMean, best)
	} else if _, ok := ti.lookup(w, !asCol); ok {
		msg += fmt.Sprintf(msgDiagSwapped, w, ti.id, whatOf(!asCol))
	}
	r.errf(at, "%s", msg+suffix)
}

// varUse checks the use of loop variable v as a row or column of ti.
func (r *resolver) varUse(v *varInfo, at srcPos, ti *tinfo, asCol bool) []staticVal {
	var out []staticVal
	for _, l := range v.dom.lits {
		sides, ok := ti.lookup(l.text, asCol)
		if !ok {
			r.unknown(l.text, l.at, ti, asCol, fmt.Sprintf(msgDiagVarValue, v.name, at.line, at.col))
			continue
		}
		out = append(out, staticVal{l.text, l.at, sides})
	}
	who := fmt.Sprintf(msgDiagLoopVar, v.name)
	for _, s := range v.dom.srcs {
		r.compat(s, ti, asCol, at, who)
	}
	return out
}

// compound resolves a word that combines literal parts with variables.
func (r *resolver) compound(w string, parts []string, at srcPos, ti *tinfo, asCol bool, sc scope) []staticVal {
	static := true
	combos := 1
	for _, p := range parts {
		if v := sc[p]; v != nil {
			if len(v.dom.srcs) > 0 {
				static = false
			}
			combos = min(combos*max(len(v.dom.lits), 1), 257)
		}
	}
	if !static || combos > 256 {
		// Members known only per workbook: some key of the table must have
		// this shape.
		for _, k := range ti.keys(asCol) {
			kp := strings.Split(k, "/")
			if len(kp) != len(parts) {
				continue
			}
			ok := true
			for i, p := range parts {
				if sc[p] == nil && kp[i] != p {
					ok = false
					break
				}
			}
			if ok {
				return nil
			}
		}
		r.errf(at, msgDiagNoShape, ti.id, whatOf(asCol), w)
		return nil
	}
	// Every variable has literal values: check each combination.
	var out []staticVal
	var walk func(i int, acc []string, vat srcPos, vals []string)
	walk = func(i int, acc []string, vat srcPos, vals []string) {
		if i == len(parts) {
			key := strings.Join(acc, "/")
			sides, ok := ti.lookup(key, asCol)
			if !ok {
				r.unknown(key, vat, ti, asCol, fmt.Sprintf(msgDiagWordValue, w, strings.Join(vals, "、"), at.line, at.col))
				return
			}
			out = append(out, staticVal{key, vat, sides})
			return
		}
		v := sc[parts[i]]
		if v == nil {
			walk(i+1, append(acc, parts[i]), vat, vals)
			return
		}
		for _, l := range v.dom.lits {
			walk(i+1, append(append([]string(nil), acc...), l.text), l.at, append(append([]string(nil), vals...), v.name+"="+l.text))
		}
	}
	walk(0, nil, at, nil)
	return out
}

// members checks the members of a set used as the rows (or columns) of ti.
func (r *resolver) members(d domain, ti *tinfo, asCol bool, at srcPos, who string) []staticVal {
	var out []staticVal
	for _, l := range d.lits {
		sides, ok := ti.lookup(l.text, asCol)
		if !ok {
			r.unknown(l.text, l.at, ti, asCol, "")
			continue
		}
		out = append(out, staticVal{l.text, l.at, sides})
	}
	for _, s := range d.srcs {
		r.compat(s, ti, asCol, at, who)
	}
	return out
}

// compat checks that the members of set function s can be rows (columns)
// of ti: a column set is not used as rows, another table's labelled rows
// or columns exist in ti, codes of the same catalogue.
func (r *resolver) compat(s src, ti *tinfo, asCol bool, at srcPos, who string) {
	if s.isCol() != asCol {
		r.errf(at, msgDiagKind, who, s, whatOf(s.isCol()), whatOf(asCol))
		return
	}
	if s.table == ti.id || s.table == "" {
		return
	}
	st := r.info[s.table]
	if st == nil {
		return // reported where the set is written
	}
	if asCol {
		for _, k := range st.colList {
			if _, ok := ti.col(k); !ok {
				r.errf(at, msgDiagFromOther, who, s, whatOf(true), k, ti.id)
				return
			}
		}
		return
	}
	if s.fn == "rows" {
		for _, k := range st.rowList {
			if _, ok := ti.row(k); !ok {
				r.errf(at, msgDiagFromOther, who, s, whatOf(false), k, ti.id)
				return
			}
		}
	}
	if st.catalog == "" {
		return
	}
	switch {
	case ti.catalog == "":
		r.errf(at, msgDiagNoCodes, who, s, ti.id)
	case ti.catalog != st.catalog:
		r.errf(at, msgDiagCatalog, who, s, catalogName(st.catalog), ti.id, catalogName(ti.catalog))
	case ti.classes != nil && st.classes == nil && s.fn != "类":
		r.errf(at, msgDiagClassesOnly, who, s, ti.id)
	}
}

func catalogName(c string) string {
	if c == "economic" {
		return msgDiagEconomic
	}
	return msgDiagFunction
}

// set resolves a set expression; implicit is the table of an enclosing
// Σ ref ("" for binders and predicate arguments).
func (r *resolver) set(s setExpr, implicit model.TableID, sc scope) domain {
	var d domain
	kind := 0 // 0 unknown, 1 rows, 2 columns
	for i, a := range s.atoms {
		op := ""
		if i > 0 {
			op = s.ops[i-1]
		}
		if a.fn == "lit" {
			if op == "-" {
				d = r.filter(a, d)
				continue
			}
			if op == "∩" {
				d = r.intersect(a, d)
				continue
			}
			for j, l := range a.lits {
				if v := sc[l]; v != nil {
					v.used = true
					d.lits = append(d.lits, v.dom.lits...)
					d.srcs = append(d.srcs, v.dom.srcs...)
					continue
				}
				if strings.Contains(l, "*") {
					r.errf(a.litAt[j], msgDiagPatternUse, l)
					continue
				}
				d.lits = append(d.lits, lit{l, a.litAt[j]})
			}
			continue
		}
		k := 1
		if a.fn == "cols" {
			k = 2
		}
		if kind != 0 && kind != k {
			r.errf(a.at, msgDiagMixedSet)
		}
		kind = k
		if a.fn == "children" {
			if v := sc[a.arg]; v == nil {
				r.errf(a.argAt, msgDiagUnboundVar, a.arg)
			} else {
				v.used = true
				for _, vs := range v.dom.srcs {
					if vs.isCol() {
						r.errf(a.argAt, msgDiagKind, fmt.Sprintf(msgDiagLoopVar, v.name), vs, whatOf(true), whatOf(false))
						break
					}
				}
			}
			if a.table == "" {
				r.errf(a.at, msgDiagChildrenNoSum, a.arg)
				continue
			}
			if ti := r.info[a.table]; ti != nil && !ti.levels[2] {
				r.errf(a.at, msgDiagEmptySet, "children", a.arg, a.table, msgDiagLower)
				continue
			}
			d.srcs = append(d.srcs, src{a.fn, a.table})
			continue
		}
		ti := r.info[a.table]
		if ti == nil {
			at := a.argAt
			if at.line == 0 {
				at = a.at
			}
			r.errf(at, msgDiagUnknownTable, a.argRaw)
			continue
		}
		var need int
		var what string
		switch a.fn {
		case "codes", "类":
			need, what = 1, msgDiagCodeRows
		case "款":
			need, what = 2, msgDiagLevel2
		case "parents":
			need, what = 2, msgDiagLower
		case "项":
			need, what = 3, msgDiagLevel3
		}
		if need > 0 && !ti.levels[need] {
			r.errf(a.at, msgDiagEmptySet, a.fn, a.table, a.table, what)
			continue
		}
		d.srcs = append(d.srcs, src{a.fn, a.table})
	}
	return d
}

var patternRe = regexp.MustCompile(`^(\*[^*]+|[^*]+\*)$`)

// intersect checks the literals of a "∩ {…}" atom: code patterns (*98,
// 221*) or keys of the set d they narrow; the set keeps what they match.
func (r *resolver) intersect(a setAtom, d domain) domain {
	for j, l := range a.lits {
		if strings.Contains(l, "*") {
			body := strings.Trim(l, "*")
			codeSet := len(d.srcs) > 0 && !d.srcs[0].isCol()
			if !patternRe.MatchString(l) || (codeSet && (strings.Trim(body, "0123456789") != "" || len(body) >= 7)) {
				r.errf(a.litAt[j], msgDiagBadPattern, l)
			}
		}
	}
	if len(d.srcs) == 0 {
		var keep []lit
		for _, x := range d.lits {
			for _, p := range a.lits {
				if matchPattern(p, x.text) {
					keep = append(keep, x)
					break
				}
			}
		}
		d.lits = keep
	}
	return d
}

// filter checks the literals of a "- {…}" atom against the set d they are
// taken from, and removes them from its literal members.
func (r *resolver) filter(a setAtom, d domain) domain {
	for j, l := range a.lits {
		at := a.litAt[j]
		if strings.Contains(l, "*") {
			body := strings.Trim(l, "*")
			codeSet := len(d.srcs) > 0 && !d.srcs[0].isCol()
			if !patternRe.MatchString(l) || (codeSet && (strings.Trim(body, "0123456789") != "" || len(body) >= 7)) {
				r.errf(at, msgDiagBadPattern, l)
			}
			continue
		}
		if len(d.srcs) == 0 {
			found := false
			for _, x := range d.lits {
				if x.text == l {
					found = true
				}
			}
			if !found {
				r.errf(at, msgDiagUselessFilter, l)
			}
			continue
		}
		ok := false
		for _, s := range d.srcs {
			ti := r.info[s.table]
			if ti == nil {
				ok = true // the set's table was reported
				break
			}
			if _, in := ti.lookup(l, s.isCol()); !in {
				continue
			}
			lv := model.CodeLevel(l)
			switch s.fn {
			case "类":
				ok = ok || lv == 1
			case "款":
				ok = ok || lv == 2
			case "项":
				ok = ok || lv == 3
			case "codes":
				ok = ok || lv > 0
			case "parents":
				ok = ok || lv == 1 || lv == 2
			default:
				ok = true
			}
		}
		if !ok {
			r.errf(at, msgDiagUselessFilter, l)
		}
	}
	var keep []lit
	for _, x := range d.lits {
		drop := false
		for _, p := range a.lits {
			if matchPattern(p, x.text) {
				drop = true
			}
		}
		if !drop {
			keep = append(keep, x)
		}
	}
	d.lits = keep
	return d
}

// ---- predicates ----

type argKind int

const (
	argTable      argKind = iota // any table
	argTableHier                 // a table with parent codes (haveparents)
	argTableGroup                // a table with column groups (sides)
	argTableEmpty                // a table with an empty-table statement (note)
	argCol                       // a column of the previous argument's table
	argSet                       // a set of codes
	argCell                      // a cell of the current workbook
	argName                      // a narrative item (stated)
)

// predSig is what a predicate takes and where it may stand.
type predSig struct {
	args     []argKind
	variadic bool              // args[0], one or more times
	stmt     bool              // a statement on its own
	pairs    map[string]string // statement "p <conn> q": partner -> allowed connectives
	cond     bool              // usable in a condition
	usage    string            // how it is written (for messages)
}

var predSigs = map[string]predSig{
	"haveparents": {args: []argKind{argTableHier}, variadic: true, stmt: true, usage: "haveparents(T02, T03, …)"},
	"sides":       {args: []argKind{argTableGroup}, variadic: true, stmt: true, usage: "sides(T06)"},
	"subset":      {args: []argKind{argSet, argSet}, stmt: true, usage: "subset(codes(T05), codes(T03))"},
	"change":      {args: []argKind{argCell}, stmt: true, usage: "change(T01[本年收入合计])"},
	"zerocol":     {args: []argKind{argTable, argCol}, pairs: map[string]string{"empty": "<=>"}, cond: true, usage: "zerocol(T04, 政府性基金预算财政拨款) <=> empty(T07)"},
	"empty":       {args: []argKind{argTable}, pairs: map[string]string{"note": "<=> =>"}, cond: true, usage: "empty(T07) <=> note(T07)"},
	"note":        {args: []argKind{argTableEmpty}, cond: true, usage: "empty(T07) <=> note(T07)"},
	"located":     {args: []argKind{argTable}, cond: true, usage: "when located(T07)"},
	"hascol":      {args: []argKind{argTable, argCol}, cond: true, usage: "when hascol(T08, 本年收入)"},
	"stated":      {args: []argKind{argName}, cond: true, usage: "when stated(机关运行经费)"},
}

func (r *resolver) predStmt(cl *clause) {
	p := cl.pred
	sig := predSigs[p.name]
	r.predArgs(p)
	if p.name == "subset" && len(p.args) == 2 && p.args[0].set != nil && p.args[1].set != nil {
		// Codes of one catalogue are never in a table of the other.
		a, b := p.args[0].set.atoms[0], p.args[1].set.atoms[0]
		ta, tb := r.info[a.table], r.info[b.table]
		if ta != nil && tb != nil && ta.catalog != "" && tb.catalog != "" && ta.catalog != tb.catalog {
			r.errf(p.args[1].at, msgDiagSubsetCatalog, a.table, catalogName(ta.catalog), b.table, catalogName(tb.catalog))
		}
	}
	if cl.pred2 == nil {
		if !sig.stmt {
			r.errf(p.at, msgDiagPredNotStmt, p.name, sig.usage)
		}
		return
	}
	r.predArgs(cl.pred2)
	allowed := sig.pairs[cl.pred2.name]
	if allowed == "" || !strings.Contains(" "+allowed+" ", " "+cl.conn+" ") {
		var can []string
		for q, conns := range sig.pairs {
			for _, c := range strings.Fields(conns) {
				can = append(can, p.name+" "+c+" "+q)
			}
		}
		hint := msgDiagNone
		if len(can) > 0 {
			hint = strings.Join(can, "、")
		}
		r.errf(cl.pred2.at, msgDiagPredPair, p.name, cl.conn, cl.pred2.name, hint)
	}
}

func (r *resolver) predArgs(p *pred) {
	sig, ok := predSigs[p.name]
	if !ok {
		r.errf(p.at, msgDiagUnknownPred, p.name)
		return
	}
	n := len(sig.args)
	switch {
	case sig.variadic && len(p.args) < 1:
		r.errf(p.at, msgDiagPredArity, p.name, msgDiagOneOrMore, sig.usage, len(p.args))
		return
	case !sig.variadic && len(p.args) != n:
		r.errf(p.at, msgDiagPredArity, p.name, fmt.Sprint(n), sig.usage, len(p.args))
		return
	}
	var prev *tinfo
	for i, a := range p.args {
		k := sig.args[min(i, n-1)]
		switch k {
		case argTable, argTableHier, argTableGroup, argTableEmpty:
			prev = nil
			ti := r.info[model.TableID(a.word)]
			if a.word == "" || ti == nil {
				r.errf(a.at, msgDiagPredArg, p.name, i+1, r.tablesFor(k), argText(a))
				continue
			}
			prev = ti
			if (k == argTableHier && !ti.levels[2]) || (k == argTableGroup && !ti.groups) || (k == argTableEmpty && !ti.hasEmpty) {
				r.errf(a.at, msgDiagPredArg, p.name, i+1, r.tablesFor(k), argText(a))
			}
		case argCol:
			if a.word == "" {
				r.errf(a.at, msgDiagPredArg, p.name, i+1, msgDiagArgCol, argText(a))
				continue
			}
			if prev != nil {
				if _, ok := prev.col(a.word); !ok {
					r.unknown(a.word, a.at, prev, true, "")
				}
			}
		case argSet:
			if a.set == nil {
				r.errf(a.at, msgDiagPredArg, p.name, i+1, msgDiagArgSet, argText(a))
				continue
			}
			d := r.set(*a.set, "", nil)
			if a.set.atoms[0].fn == "lit" || a.set.atoms[0].fn == "children" {
				r.errf(a.at, msgDiagPredArg, p.name, i+1, msgDiagArgSet, argText(a))
				continue
			}
			for _, s := range d.srcs {
				if s.isCol() {
					r.errf(a.at, msgDiagPredArg, p.name, i+1, msgDiagArgSet, argText(a))
					break
				}
			}
		case argCell:
			if a.ref == nil || a.ref.table.prior || a.ref.table.narrative {
				r.errf(a.at, msgDiagPredArg, p.name, i+1, msgDiagArgCell, argText(a))
				continue
			}
			r.ref(a.ref, nil)
		case argName:
			if a.word == "" {
				r.errf(a.at, msgDiagPredArg, p.name, i+1, msgDiagArgName, argText(a))
				continue
			}
			r.narrative(a.word, a.at)
			if r.inCond {
				r.statedGuard = append(r.statedGuard, lit{a.word, a.at})
			}
		}
	}
}

// tablesFor lists the tables an argument kind accepts.
func (r *resolver) tablesFor(k argKind) string {
	var ids []string
	for _, id := range model.KnownTables {
		ti := r.info[id]
		if ti == nil {
			continue
		}
		if (k == argTableHier && !ti.levels[2]) || (k == argTableGroup && !ti.groups) || (k == argTableEmpty && !ti.hasEmpty) {
			continue
		}
		ids = append(ids, string(id))
	}
	if k == argTable {
		return msgDiagArgTable
	}
	return fmt.Sprintf(msgDiagArgTables, strings.Join(ids, " "))
}

func argText(a predArg) string {
	switch {
	case a.word != "":
		return a.word
	case a.set != nil:
		return msgDiagASet
	case a.ref != nil:
		return msgDiagACell
	}
	return ""
}

// closest returns the key nearest to w (at most two characters apart and
// less than half of w), or "".
func closest(w string, keys []string) string {
	best, bestD := "", 3
	n := utf8.RuneCountInString(w)
	for _, k := range keys {
		d := editDistance(w, k)
		if d < bestD && d*2 < n {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// NarrativeRef is a 决算说明 item a rule reads (说明[…] or stated(…)),
// where it is written. The check package does not know the narrative's
// items (package narrative does: the names of narrative/bindings.txt), so
// resolve allows any name; callers that know them check these (juesuan
// rules, and a test of the embedded rules).
type NarrativeRef struct {
	Rule string `json:"rule"`
	Key  string `json:"key"`
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// CheckNarratives returns a diagnostic, sorted, for every narrative item
// the rules read that known does not accept (known: whether the narrative
// has a figure of that name, e.g. the names of narrative.Bindings).
func CheckNarratives(rules []*Rule, known func(key string) bool) Diagnostics {
	var ds Diagnostics
	for _, n := range Narratives(rules) {
		if !known(n.Key) {
			ds = append(ds, Diagnostic{File: n.File, Line: n.Line, Col: n.Col, Message: n.Rule + ": " + fmt.Sprintf(msgDiagNarrUnknown, n.Key)})
		}
	}
	return ds.normalize()
}

// Narratives lists every place the rules read a narrative item, in rule
// order (a rule-level condition shared by several clauses once).
func Narratives(rules []*Rule) []NarrativeRef {
	var out []NarrativeRef
	seen := map[NarrativeRef]bool{}
	for _, r := range rules {
		for _, cl := range r.clauses {
			for _, n := range cl.narr {
				if !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
	}
	return out
}
