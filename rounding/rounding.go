// Package rounding converts a nine-table workbook kept in 元 into 万元 with
// two decimals so that every identity that holds in 元 holds exactly after
// rounding (舍位平衡). The identities are the bound equations of the rule
// set (check.Bind): nothing here lists which cells add up to which.
//
// Method. Each figure starts at its plain rounding to 0.01 万元. Two cells
// that an identity says are equal (X7 T01 本年支出合计 = T03 合计, X10 T04
// 本年支出合计 = T05 合计 …) and are equal in 元 are one figure, so they are
// always published the same. A figure that is exactly 0 stays 0. Then the
// rounding residue of every total is pushed onto its largest items, one
// cent each, top-down from the largest totals (倒挤法); what that one pass
// cannot settle (an item of two sums at once: a cell of a two-way table is
// in its row's sum and its column's sum) is repaired by a local search
// that moves one cent at a time, with restarts, and last by a search for
// chains of one-cent moves (augmenting paths) that lower the violation. No figure moves more than 0.01 from its
// plain rounding. Inequalities that hold in 元 (X13 T05 ≤ T03 …) are kept
// too. Identities left unbalanced (possible when cross-table identities
// over-determine the figures) are listed, never hidden.
package rounding

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
)

// Options tune the solver; the zero value is the default.
type Options struct {
	// Budget is the local search's step budget per start (0 = 100 per
	// relation, at least 5,000).
	Budget int
	// Plain rounds every figure on its own, without the balance (to see
	// what plain rounding breaks: every broken identity is in Residual).
	Plain bool
	// Limits bound the reading of File's input (zero fields: the defaults),
	// as for every other upload.
	Limits xlsx.Limits
}

// Adjustment is one figure published one cent away from its plain
// rounding, with every cell that prints it.
type Adjustment struct {
	Cells     []model.CellRef `json:"cells"`     // Value: the 元 figure as read
	Exact     string          `json:"exact"`     // the 元 figure in 万元, unrounded
	Rounded   string          `json:"rounded"`   // plain rounding to 0.01 万元
	Published string          `json:"published"` // what is written
	Delta     string          `json:"delta"`     // published − rounded (±0.01)
}

// Identity is one bound equation, for the lists of identities that could
// not be balanced or that do not hold in the input.
type Identity struct {
	Rule       string `json:"rule"`
	Where      string `json:"where,omitempty"`
	Expr       string `json:"expr"`       // the cells, e.g. 公开01表!C12 = 公开01表!C5 + …
	Difference string `json:"difference"` // left − right, in the unit of the list
}

// Result is the 万元 figures and how they were reached.
type Result struct {
	// Values are the published 万元 figures by cell key (blank cells are
	// absent).
	Values map[model.Key]decimal.Decimal
	// Adjusted lists the figures published one cent from their plain
	// rounding, in sheet order.
	Adjusted []Adjustment
	// Residual lists identities that hold in 元 but could not be made to
	// hold exactly in 万元 (difference in 万元).
	Residual []Identity
	// Unbalanced lists identities that do not hold in the 元 input
	// (difference in 元); they are not enforced.
	Unbalanced []Identity
	// Identities is how many relations were enforced (equalities and
	// inequalities, after merging equal figures); Figures how many
	// distinct figures were rounded; Pushed and Repaired count the cents
	// moved by the top-down pass and by the local search.
	Identities, Figures, Pushed, Repaired int
	// Input is the check of the 元 workbook (File only): its errors are
	// identities that do not hold and are therefore not enforced.
	Input model.Summary
}

// restarts is how many times the local search starts afresh.
const restarts = 6

var (
	hundred  = decimal.NewFromInt(100)
	tenThous = decimal.NewFromInt(10000)
)

// Round computes the 万元 figures of wb, a workbook in 元 (filled: blank
// derived cells should carry their values, audit.Check's workbook).
func Round(wb *model.Workbook, rules []*check.Rule, opt Options) (*Result, error) {
	if wb == nil || len(wb.Located()) == 0 {
		return nil, model.Errorf(model.ENoTables, nil, msgNoTables)
	}
	for _, t := range wb.Located() {
		if unitOf(wb, t) != model.Yuan {
			return nil, model.Errorf(model.ENotYuan, nil, msgNotYuan, t.Sheet, unitOf(wb, t))
		}
	}
	b := newBuilder(wb)
	res := &Result{Values: map[model.Key]decimal.Decimal{}}
	eqs := check.Bind(rules, wb)
	bound := map[string]bool{}
	for _, eq := range eqs {
		bound[signature(eq)] = true
		b.relation(eq, res)
	}
	budget := opt.Budget
	solve := func() *system {
		s := b.system()
		if budget <= 0 {
			budget = max(100*len(s.rels), 5000)
		}
		// Restarts from the plain rounding with another seed when the
		// local search stalls; the best state is kept.
		var best []int64
		bestV := int64(-1)
		if opt.Plain {
			s.residuals()
			return s
		}
		for try := range int64(restarts) {
			for _, v := range s.vars {
				if !v.fixed {
					v.d = 0
				}
			}
			s.residuals()
			s.push()
			s.repair(b.seed()+try, budget)
			if s.violation() > 0 {
				s.chains(8, 20000)
			}
			if v := s.violation(); bestV < 0 || v < bestV {
				bestV, best = v, s.snapshot()
			}
			if bestV == 0 {
				break
			}
		}
		s.restore(best)
		return s
	}
	s := solve()
	// A figure not 0 in 元 but printed 0.00 can make a CONDITIONAL rule
	// apply to the 万元 workbook that did not apply in 元 (X16: "T04 年初 =
	// 0 and 年末 = 0"). Such figures are then printed as ±0.01 (still
	// within a cent of their plain rounding), one at a time, labelled
	// totals first, each kept only if fewer conditions flip with it.
	if n := len(b.flipped(rules, s, bound)); n > 0 && !opt.Plain {
		for _, root := range b.tiny(s) {
			b.force[root] = int64(b.exact[root].Sign())
			t := solve()
			m := len(b.flipped(rules, t, bound))
			if m >= n {
				delete(b.force, root) // no help: printed 0.00 after all
				continue
			}
			s, n = t, m
			if n == 0 {
				break
			}
		}
		b.sys = s
	}
	res.Identities, res.Figures = len(s.rels), len(s.vars)
	res.Pushed, res.Repaired = s.pushed, s.repaired
	b.results(s, res)
	for _, eq := range b.flipped(rules, s, bound) {
		if diff := b.difference(eq, res.Values); !diff.IsZero() {
			res.Residual = append(res.Residual, b.identity(eq, diff, 2))
		}
	}
	return res, nil
}

func unitOf(wb *model.Workbook, t *model.Table) model.Unit {
	if t.Unit != "" {
		return t.Unit
	}
	if wb.Unit != "" {
		return wb.Unit
	}
	return model.Wan
}

// builder maps cells to figures (union-find over equal cells) and bound
// equations to relations.
type builder struct {
	wb     *model.Workbook
	keys   []model.Key // figure index -> first cell key
	index  map[model.Key]int
	parent []int
	exact  []decimal.Decimal // 元
	cells  []*model.Cell
	raw    []rawRel
	figOf  []int // cell index -> variable, once the system is built
	sys    *system
	force  map[int]int64 // root cell -> printed cents for a forced figure
	roots  []int         // variable -> root cell
}

type rawRel struct {
	terms []rterm
	ineq  bool
	total int // figure index of the left single term, -1 if none
	eq    check.Equation
}

type rterm struct {
	fig  int
	coef int64
}

func newBuilder(wb *model.Workbook) *builder {
	b := &builder{wb: wb, index: map[model.Key]int{}}
	for _, t := range wb.Located() {
		for _, c := range t.Cells() {
			k := model.Key{Table: t.ID, Row: c.Row, Col: c.Col}
			if _, ok := b.index[k]; ok {
				continue
			}
			b.index[k] = len(b.keys)
			b.keys = append(b.keys, k)
			b.parent = append(b.parent, len(b.parent))
			v := c.Value
			if c.Blank && !c.Filled() {
				v = decimal.Zero
			}
			b.exact = append(b.exact, v)
			b.cells = append(b.cells, c)
		}
	}
	return b
}

func (b *builder) find(i int) int {
	for b.parent[i] != i {
		b.parent[i] = b.parent[b.parent[i]]
		i = b.parent[i]
	}
	return i
}

// relation records one bound equation: equalities and inequalities that
// hold exactly in 元 are enforced, others listed.
func (b *builder) relation(eq check.Equation, res *Result) {
	if eq.Op != "=" && eq.Op != "<=" && eq.Op != ">=" {
		return
	}
	sign := int64(1)
	if eq.Op == ">=" {
		sign = -1 // a >= b  <=>  b - a <= 0
	}
	var terms []rterm
	sum := decimal.Zero
	for side, ts := range [][]check.Term{eq.Left, eq.Right} {
		for _, t := range ts {
			if t.Prior() {
				return // cross-year: the prior workbook is not rounded here
			}
			c := b.wb.Cell(t.Key)
			if c == nil {
				continue // a row not printed counts as 0
			}
			if c.Invalid {
				return // unknown amount: the identity says nothing
			}
			coef := int64(t.Sign)
			if side == 1 {
				coef = -coef
			}
			coef *= sign
			fig := b.index[t.Key]
			terms = append(terms, rterm{fig, coef})
			sum = sum.Add(b.exact[fig].Mul(decimal.NewFromInt(coef)))
		}
	}
	if len(terms) == 0 {
		return
	}
	ineq := eq.Op != "="
	if ineq && sum.IsZero() {
		// Tight in 元 (T05 = T03 where all spending is fiscal): kept as an
		// equality, so the two sides are rounded alike.
		ineq = false
	}
	if (ineq && sum.Sign() > 0) || (!ineq && !sum.IsZero()) {
		if !ineq && eq.Rule.Class != check.ClassUsual {
			res.Unbalanced = append(res.Unbalanced, b.identity(eq, sum, 2))
		}
		return
	}
	// Exact zeros print 0 and never move: they do not take part (so a
	// 合计 over one non-zero 类 is that 类's figure).
	nz := terms[:0:0]
	for _, t := range terms {
		if !b.exact[t.fig].IsZero() {
			nz = append(nz, t)
		}
	}
	if len(nz) > 0 {
		terms = nz
	}
	total := -1
	if len(eq.Left) == 1 && eq.Op == "=" {
		if i, ok := b.index[eq.Left[0].Key]; ok {
			total = i
		}
	}
	// Two cells said equal and equal in 元 are one figure.
	if !ineq && len(terms) == 2 && terms[0].coef+terms[1].coef == 0 && (terms[0].coef == 1 || terms[0].coef == -1) {
		x, y := b.find(terms[0].fig), b.find(terms[1].fig)
		if x != y {
			if x > y {
				x, y = y, x
			}
			b.parent[y] = x
		}
		return
	}
	b.raw = append(b.raw, rawRel{terms: terms, ineq: ineq, total: total, eq: eq})
}

// system builds the integer problem over the merged figures.
func (b *builder) system() *system {
	s := &system{}
	figOf := make([]int, len(b.keys)) // cell index -> variable
	varRoot := map[int]int{}
	b.roots = b.roots[:0]
	for i := range b.keys {
		r := b.find(i)
		v, ok := varRoot[r]
		if !ok {
			v = len(s.vars)
			varRoot[r] = v
			s.vars = append(s.vars, b.newVar(r))
			b.roots = append(b.roots, r)
		}
		figOf[i] = v
	}
	b.figOf = figOf
	seen := map[string]bool{}
	for ri, rr := range b.raw {
		coefs := map[int]int64{}
		for _, t := range rr.terms {
			coefs[figOf[t.fig]] += t.coef
		}
		vars := make([]int, 0, len(coefs))
		for v, c := range coefs {
			if c != 0 && (!s.vars[v].fixed || s.vars[v].value() != 0) {
				vars = append(vars, v)
			}
		}
		if len(vars) == 0 {
			continue
		}
		sort.Ints(vars)
		// Normalise the sign of equalities for de-duplication.
		flip := int64(1)
		if !rr.ineq && coefs[vars[0]] < 0 {
			flip = -1
		}
		var sig strings.Builder
		if rr.ineq {
			sig.WriteString("≤")
		}
		q := &relation{ineq: rr.ineq, total: -1, id: ri}
		for _, v := range vars {
			q.vars = append(q.vars, v)
			q.coefs = append(q.coefs, coefs[v]*flip)
			fmt.Fprintf(&sig, "%d:%d,", v, coefs[v]*flip)
		}
		if seen[sig.String()] {
			continue
		}
		seen[sig.String()] = true
		if rr.total >= 0 {
			if t := figOf[rr.total]; coefs[t] != 0 && !s.vars[t].fixed {
				q.total = t
			}
		}
		if q.total < 0 && !q.ineq {
			// The largest figure stands for the total.
			for _, v := range q.vars {
				if q.total < 0 || s.vars[v].size > s.vars[q.total].size {
					q.total = v
				}
			}
		}
		s.add(q)
	}
	b.sys = s
	return s
}

// newVar is the figure of root cell r: its plain rounding in cents of 万元.
func (b *builder) newVar(r int) *variable {
	exact := b.exact[r].Div(hundred) // cents of 万元
	rounded := exact.Round(0)
	rem := exact.Sub(rounded).Mul(tenThous).Truncate(0)
	if d, ok := b.force[r]; ok {
		return &variable{r: 0, d: d, fixed: true, sign: d, size: exact.Abs().Truncate(0).IntPart(),
			rem: rem.IntPart()}
	}
	return &variable{
		r:     rounded.IntPart(),
		rem:   rem.IntPart(),
		size:  exact.Abs().Truncate(0).IntPart(),
		fixed: b.exact[r].IsZero(),
		sign:  int64(b.exact[r].Sign()),
	}
}

// seed derives the local search's seed from the figures, so the same
// workbook is always rounded the same.
func (b *builder) seed() int64 {
	h := fnv.New64a()
	for i, k := range b.keys {
		fmt.Fprintf(h, "%s|%s|%s|%s;", k.Table, k.Row, k.Col, b.exact[i].String())
	}
	return int64(h.Sum64() >> 1)
}

// signature identifies a bound equation across two bindings.
func signature(eq check.Equation) string {
	var sb strings.Builder
	sb.WriteString(eq.Rule.ID + "|" + eq.Where + "|" + eq.Op)
	for _, ts := range [][]check.Term{eq.Left, eq.Right} {
		sb.WriteByte('|')
		for _, t := range ts {
			fmt.Fprintf(&sb, "%s/%s/%s/%d,", t.Key.Table, t.Key.Row, t.Key.Col, t.Sign)
		}
	}
	return sb.String()
}

// rounded is wb with the solved 万元 figures: the workbook the output will
// be read as.
func (b *builder) rounded(s *system) *model.Workbook {
	out := &model.Workbook{Tables: map[model.TableID]*model.Table{}, Unit: model.Wan, UnitName: b.wb.UnitName}
	for _, t := range b.wb.Located() {
		nt := model.NewTable(t.ID)
		nt.Name, nt.Sheet, nt.Style, nt.Unit, nt.Variant, nt.EmptyNote = t.Name, t.Sheet, t.Style, model.Wan, t.Variant, t.EmptyNote
		nt.Rows, nt.Columns = t.Rows, t.Columns
		for _, c := range t.Cells() {
			nc := *c
			if i, ok := b.index[model.Key{Table: t.ID, Row: c.Row, Col: c.Col}]; ok && !(c.Blank && !c.Filled()) {
				nc.Value = decimal.New(s.vars[b.figOf[i]].value(), -2)
				nc.Decimals = 2
			}
			nt.SetCell(&nc)
		}
		out.Tables[t.ID] = nt
	}
	return out
}

// flipped returns the equations that bind on the rounded workbook but did
// not bind on the 元 workbook (a condition that became true).
func (b *builder) flipped(rules []*check.Rule, s *system, bound map[string]bool) []check.Equation {
	var out []check.Equation
	for _, eq := range check.Bind(rules, b.rounded(s)) {
		if !bound[signature(eq)] {
			out = append(out, eq)
		}
	}
	return out
}

// tiny lists the figures that are not 0 in 元 but print 0.00 (root
// cells): labelled rows (totals such as 年初结转和结余) first, then larger
// figures first, at most 16.
func (b *builder) tiny(s *system) []int {
	if b.force == nil {
		b.force = map[int]int64{}
	}
	var out []int
	for v, x := range s.vars {
		if !x.fixed && x.sign != 0 && x.value() == 0 {
			out = append(out, b.roots[v])
		}
	}
	labelled := func(r int) bool { return model.CodeLevel(b.keys[r].Row) == 0 }
	sort.SliceStable(out, func(i, j int) bool {
		if labelled(out[i]) != labelled(out[j]) {
			return labelled(out[i])
		}
		return b.exact[out[i]].Abs().GreaterThan(b.exact[out[j]].Abs())
	})
	return out[:min(len(out), 16)]
}

// difference is left − right of eq over the published figures.
func (b *builder) difference(eq check.Equation, values map[model.Key]decimal.Decimal) decimal.Decimal {
	diff := decimal.Zero
	for side, ts := range [][]check.Term{eq.Left, eq.Right} {
		for _, t := range ts {
			v := values[t.Key]
			if (side == 0) == (t.Sign > 0) {
				diff = diff.Add(v)
			} else {
				diff = diff.Sub(v)
			}
		}
	}
	return diff
}
