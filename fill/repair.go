package fill

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// The repair phase. The sweep gives each written cell its straightforward
// value; taken one equation at a time those values can still break an
// identity that links several written cells (X12: T05 合计 基本支出, T06
// 人员经费合计 and 公用经费合计 each summed from its own printed items, the
// three rounding residues adding up beyond the tolerance). Here the written
// cells are unknowns on the cent grid and every identity check will
// evaluate (error rules, and the fill rules) is a constraint
// |lhs − rhs| ≤ tolerance (≤/≥ for inequalities), the tolerance being
// model.Tolerance over the printed operands, as check computes it.
//
// A broken constraint is repaired by moving written cells one cent at a
// time: a chain of at most maxChain moves, each one repairing the single
// constraint the previous move pushed out of its slack. Chains that leave
// every other constraint within its slack are preferred, then the cheapest:
// a cent away from a value that is the exact sum of printed items, or that
// agrees with a printed figure, costs pinnedCost; any other cell costs less
// the more rounded values it aggregates (the more uncertain its straight
// sum is). Every applied chain lowers the total excess, so the search ends;
// it is also bounded by a budget linear in cells and constraints, so a
// hostile workbook cannot make it slow. Constraints still broken at the end
// are conflicts among printed cells: the worst one's written cells are left
// blank with an F01 finding, the identities they complete are excused, and
// the rest is solved again from the straight values (at most maxPasses
// rounds). CONDITIONAL rules are taken as bound before filling unless one
// of them cannot be satisfied; then they are bound again on the filled
// values (their condition may no longer hold) and the solve restarts.

const (
	pinnedCost = 1000
	maxChain   = 4
	maxBranch  = 12
	maxPasses  = 16
	// maxCentsPerVar bounds the break a repair tries to mend: this many
	// cents per written cell of the identity.
	maxCentsPerVar = 4
	// ruleConflict is the rule ID of the fill's own warning.
	ruleConflict = "F01"
)

// rvar is one written cell: an unknown of the repair.
type rvar struct {
	cell   *model.Cell
	base   decimal.Decimal // the sweep's value
	baseA  amt             // base, for the search's arithmetic
	delta  int64           // cents moved from base
	cost   int64           // per cent moved
	cons   []vref
	fill   int    // index in solver.fills
	reason string // rule of the identity the first move repaired
	gone   bool   // left blank (conflict)
}

// vref is one occurrence of a variable in a constraint (or of a constraint
// in a variable's list).
type vref struct {
	idx  int
	coef int64
}

// rcon is one constraint: lhs − rhs = konst + Σ coef·var.
type rcon struct {
	eq    *check.Equation
	op    string
	vars  []vref // sorted by variable cost, cheapest first
	konst amt
	tol   amt
	// tolD is tol as model.Tolerance gives it (its exponent is the one the
	// F01 text shows), when not every operand is to the cent; see tolText.
	tolD  decimal.Decimal
	tolDs bool
	r     amt // current residual lhs − rhs
	stuck bool
	// excused: it has a cell left blank by a conflict (F01 explains it).
	excused bool
	src     int         // index in the given equations, -1 when bound again
	total   *model.Cell // the single Left operand (a sum's total), if any
	size    int         // operands
}

type repairer struct {
	s       *solver
	rebound bool // CONDITIONAL rules bound on the filled values
	vars    []*rvar
	cons    []*rcon
	evals   int
	limit   int
	queue   intHeap
	inQ     []bool
	inPath  []bool // variables on the search's current chain
	worse   []int  // move's scratch list
}

// excess is how far c's relation is violated beyond its tolerance at
// residual r (0 when it holds).
func (c *rcon) excess(r amt) amt {
	var x amt
	switch c.op {
	case "<=":
		x = r
	case ">=":
		x = r.neg()
	default:
		x = r.abs()
	}
	x = x.sub(c.tol)
	if x.sign() < 0 {
		return amt{}
	}
	return x
}

// tolText is c's tolerance as the decimal model.Tolerance (×Parts) gives:
// n·0.005 with exponent −3 when every printed operand is to the cent, 0
// when none is printed or in exact mode.
func (c *rcon) tolText() decimal.Decimal {
	if c.tolDs {
		return c.tolD
	}
	if c.tol.isZero() {
		return decimal.Zero
	}
	return decimal.New(c.tol.u/10, -3)
}

// need is the direction c's residual must move to reduce its excess.
func (c *rcon) need() int64 {
	switch c.op {
	case "<=":
		return -1
	case ">=":
		return 1
	}
	if c.r.sign() > 0 {
		return -1
	}
	return 1
}

// constraints returns the equations the repair must satisfy: the given
// equations of the error rules (CERTAIN, CERTAIN-INEQ, CONDITIONAL) and of
// the fill rules. With rebind, the CONDITIONAL error rules (opt.Rules, else
// the embedded rule set) are bound again on the filled values instead, so
// they count exactly when check will evaluate them. Without it the given
// ones stand in: their conditions test amounts for 0, and before filling a
// blank total reads 0, so a condition false then is false after filling
// too; one true then may have become false, which matters only when such
// an equation cannot be satisfied (repair then binds them again).
func (s *solver) constraints(eqs []check.Equation, rebind bool) ([]*check.Equation, []int) {
	var conditional []*check.Rule
	if rebind {
		rs := s.opt.Rules
		if rs == nil {
			rs = embedded()
		}
		for _, r := range rs {
			if r.Class == check.ClassConditional && r.Severity == model.SevError {
				conditional = append(conditional, r)
			}
		}
		rebind = rs != nil
	}
	// Pointers into eqs (and the equations bound again), not copies.
	out := make([]*check.Equation, 0, len(eqs))
	src := make([]int, 0, len(eqs))
	keep := func(e *check.Equation, i int, fromRebind bool) {
		// (An unreadable operand is skipped when the system is built.)
		if e.Rule == nil || len(e.Left)+len(e.Right) == 0 || hasPrior(e) {
			return
		}
		// "X = 0" of a non-fill rule (K25.1: no 特别国债 款 in T05) says a
		// printed figure must not be there: not an identity to satisfy by
		// moving a filled value, which would hide the finding.
		if !e.Rule.Fill && (len(e.Left) == 0 || len(e.Right) == 0) {
			return
		}
		switch e.Op {
		case "=", "<=", ">=":
		default:
			return
		}
		if e.Rule.Class == check.ClassConditional {
			if fromRebind || !rebind && (e.Rule.Severity == model.SevError || e.Rule.Fill && e.Op == "=") {
				out, src = append(out, e), append(src, i)
			}
			return
		}
		if e.Rule.Fill && e.Op == "=" || e.Rule.Severity == model.SevError &&
			(e.Rule.Class == check.ClassCertain || e.Rule.Class == check.ClassCertainIneq) {
			out, src = append(out, e), append(src, i)
		}
	}
	for i := range eqs {
		keep(&eqs[i], i, false)
	}
	if rebind && len(conditional) > 0 {
		bound := check.Bind(conditional, s.wb)
		for i := range bound {
			keep(&bound[i], -1, true)
		}
	}
	return out, src
}

// repair moves written cells by whole cents until every constraint holds,
// and leaves blank the cells of the constraints that cannot be satisfied.
func (s *solver) repair(eqs []check.Equation) {
	if len(s.fills) == 0 {
		return
	}
	// Overwrite may have replaced a total a condition reads.
	rebind := s.opt.Overwrite
	for {
		p := s.system(eqs, rebind)
		ok := !s.stop.Now() && p.run()
		if s.stop.Err() != nil {
			return // RunContext fails: nothing is committed
		}
		if ok || rebind {
			p.commit()
			return
		}
		rebind = true
	}
}

// system builds the repair's unknowns and constraints.
func (s *solver) system(eqs []check.Equation, rebind bool) *repairer {
	p := &repairer{s: s, rebound: rebind}
	// Variables, constraints and their operand lists live in slabs sized
	// once (one allocation each, not one per variable or constraint).
	varOf := make(map[*model.Cell]int, len(s.fills))
	vslab := make([]rvar, 0, len(s.fills))
	p.vars = make([]*rvar, 0, len(s.fills))
	for i, f := range s.fills {
		c := s.wb.Cell(model.Key{Table: f.Table, Row: f.Row, Col: f.Col})
		if c == nil {
			continue
		}
		varOf[c] = len(p.vars)
		vslab = append(vslab, rvar{cell: c, base: c.Value, baseA: amtOf(c.Value), fill: i})
		p.vars = append(p.vars, &vslab[len(vslab)-1])
	}
	for _, v := range p.vars {
		v.cost = s.costOf(v.cell, varOf)
	}
	all, src := s.constraints(eqs, rebind)
	p.cons = make([]*rcon, 0, len(all))
	conSlab := slab[rcon]{n: 128}
	varSlab := slab[vref]{n: 1024}
	nrefs := 0
	size := 0
	var coef []vref
	var cells []*model.Cell
	for i := range all {
		if s.stop.Tick() {
			return p
		}
		e := all[i]
		// Built here, copied to the slab when kept.
		c := &rcon{eq: e, op: e.Op, src: src[i]}
		coef = coef[:0]
		cells = cells[:0]
		invalid := false
		for side, ts := range [2][]check.Term{e.Left, e.Right} {
			for _, t := range ts {
				cell := t.CellIn(s.wb)
				cells = append(cells, cell)
				if cell == nil {
					continue
				}
				invalid = invalid || cell.Invalid
				sg := int64(signOf(t))
				if side == 1 {
					sg = -sg
				}
				if vi, ok := varOf[cell]; ok {
					found := false
					for j := range coef {
						if coef[j].idx == vi {
							coef[j].coef += sg
							found = true
						}
					}
					if !found {
						coef = append(coef, vref{vi, sg})
					}
					continue
				}
				if sg > 0 {
					c.konst = c.konst.add(amtOf(cell.Value))
				} else {
					c.konst = c.konst.sub(amtOf(cell.Value))
				}
			}
		}
		if invalid {
			continue // an unreadable amount: check does not evaluate it
		}
		nv := 0
		for _, vr := range coef {
			if vr.coef != 0 {
				coef[nv] = vr
				nv++
			}
		}
		if nv == 0 {
			continue // nothing written: check judges the user's figures
		}
		c.vars = varSlab.take(nv)
		copy(c.vars, coef[:nv])
		nrefs += nv
		slices.SortFunc(c.vars, func(a, b vref) int {
			if ca, cb := p.vars[a.idx].cost, p.vars[b.idx].cost; ca != cb {
				return cmp.Compare(ca, cb)
			}
			return cmp.Compare(a.idx, b.idx)
		})
		c.size = len(cells)
		if len(e.Left) == 1 {
			c.total = cells[0]
		}
		if !s.exact {
			// model.Tolerance, in amt when every printed operand is to the
			// cent (n·½ cent), else the decimal itself.
			n, cents := int64(0), true
			for _, cell := range cells {
				if cell.Printed() {
					n++
					cents = cents && cell.Decimals <= 2
				}
			}
			if cents {
				c.tol = units(n * centUnits / 2).mul(s.parts)
				if c.tol.isBig() { // beyond int64 (absurd Parts): the text's decimal as model.Tolerance has it
					c.tolD, c.tolDs = model.ToleranceOf(int(n), 2).Mul(decimal.NewFromInt(s.parts)), true
				}
			} else {
				c.tolD, c.tolDs = model.Tolerance(cells...), true
				if s.parts > 1 {
					c.tolD = c.tolD.Mul(decimal.NewFromInt(s.parts))
				}
				c.tol = amtOf(c.tolD)
			}
		}
		kept := conSlab.one()
		*kept = *c
		p.cons = append(p.cons, kept)
		size += len(cells)
	}
	// Each variable's constraints, in constraint order, as windows of one
	// array.
	count := make([]int, len(p.vars))
	for _, c := range p.cons {
		for _, vr := range c.vars {
			count[vr.idx]++
		}
	}
	lists := make([]vref, nrefs)
	off := 0
	for vi, n := range count {
		p.vars[vi].cons = lists[off : off : off+n]
		off += n
	}
	for ci, c := range p.cons {
		for _, vr := range c.vars {
			v := p.vars[vr.idx]
			v.cons = append(v.cons, vref{ci, vr.coef})
		}
	}
	p.inQ = make([]bool, len(p.cons))
	p.inPath = make([]bool, len(p.vars))
	// Budget: chain evaluations linear in the size of the system. The
	// factors bound a department-sized, badly broken workbook (3,500 fills,
	// 4,000 findings) to about a second of CPU (64 and 8 took 5.7 s); the
	// repairs of real workbooks need far fewer (fill's property tests).
	p.limit = 8*(len(p.vars)+len(p.cons)) + size + 4096
	return p
}

// run solves the system; false when a CONDITIONAL equation bound before
// filling cannot be satisfied, so they must be bound again first.
func (p *repairer) run() bool {
	// A constraint no cent moves can satisfy is a conflict among printed
	// cells: its written cells are left blank, the identities they complete
	// are excused (the F01 finding explains them), and the others are
	// solved again from the straight values.
	for pass := 0; ; pass++ {
		p.reset()
		p.solve()
		if p.s.stop.Now() {
			return true // repair commits nothing: RunContext fails
		}
		var stuck []*rcon
		for _, c := range p.cons {
			if !c.excused && !c.excess(c.r).isZero() {
				stuck = append(stuck, c)
			}
		}
		if len(stuck) == 0 || pass == maxPasses {
			return true
		}
		if !p.rebound {
			for _, c := range stuck {
				if c.eq.Rule.Class == check.ClassConditional {
					return false
				}
			}
		}
		p.conflicts(stuck)
	}
}

// reset puts every variable back on its straight value and queues the
// broken constraints.
func (p *repairer) reset() {
	for _, v := range p.vars {
		v.delta, v.reason = 0, ""
	}
	p.queue = p.queue[:0]
	for ci, c := range p.cons {
		c.r, c.stuck, p.inQ[ci] = c.konst, false, false
		for _, vr := range c.vars {
			if v := p.vars[vr.idx]; !v.gone {
				c.r = c.r.add(v.baseA.mul(vr.coef))
			}
		}
		p.enqueue(ci)
	}
}

// costOf is what moving cell one cent away from its straightforward value
// costs: pinnedCost when that value is the exact sum of printed items or a
// printed figure of another table (its equation has no other written
// operand), otherwise less the more rounded values it aggregates.
func (s *solver) costOf(cell *model.Cell, varOf map[*model.Cell]int) int64 {
	q := s.def[cell]
	if q == nil {
		return pinnedCost
	}
	for _, t := range q.terms {
		if t.cell == nil || t.cell == cell {
			continue
		}
		if _, ok := varOf[t.cell]; ok {
			return 1 + 64/int64(max(s.weightOf(cell), 1))
		}
	}
	return pinnedCost
}

func (p *repairer) enqueue(ci int) {
	if c := p.cons[ci]; p.inQ[ci] || c.stuck || c.excused || c.excess(p.cons[ci].r).isZero() {
		return
	}
	p.inQ[ci] = true
	p.queue.push(ci)
}

// move shifts variable vi by d cents and returns the change of the total
// excess and the constraints whose excess grew (in p.worse, valid until
// the next move).
func (p *repairer) move(vi int, d int64) (delta amt, worse []int) {
	v := p.vars[vi]
	v.delta += d
	worse = p.worse[:0]
	for _, cr := range v.cons {
		c := p.cons[cr.idx]
		before := c.excess(c.r)
		c.r = c.r.addCents(cr.coef * d)
		after := c.excess(c.r)
		delta = delta.add(after.sub(before))
		if after.cmp(before) > 0 {
			worse = append(worse, cr.idx)
		}
	}
	p.worse = worse
	return delta, worse
}

func (p *repairer) moveCost(vi int, d int64) int64 {
	v := p.vars[vi]
	return v.cost * (abs64(v.delta+d) - abs64(v.delta))
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

type step struct {
	v int
	d int64
}

type chain struct {
	steps []step
	clean bool
	cost  int64
	gain  amt // total excess removed (> 0)
}

// betterSteps is whether a, of n steps (its steps not yet copied), is
// better than b.
func (a chain) betterSteps(n int, b chain, have bool) bool {
	if !have {
		return true
	}
	if a.clean != b.clean {
		return a.clean
	}
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	if c := a.gain.cmp(b.gain); c != 0 {
		return c > 0
	}
	return n < len(b.steps)
}

// search finds the best chain of moves starting at constraint ci: each
// move reduces the excess of the constraint it targets; a move that pushes
// exactly one other constraint out of its slack is followed by a move
// repairing that one.
func (p *repairer) search(ci int) (best chain, ok bool) {
	var path []step
	in := p.inPath
	var dfs func(ci int, gain amt, cost int64)
	dfs = func(ci int, gain amt, cost int64) {
		c := p.cons[ci]
		need := c.need()
		n := 0
		for _, vr := range c.vars {
			if n >= maxBranch || p.evals >= p.limit {
				return
			}
			v := p.vars[vr.idx]
			if in[vr.idx] || v.gone {
				continue
			}
			if p.s.stop.Tick() {
				return
			}
			n++
			p.evals++
			d := need
			if vr.coef < 0 {
				d = -d
			}
			mc := p.moveCost(vr.idx, d)
			delta, worse := p.move(vr.idx, d)
			nworse, next := len(worse), -1
			if nworse == 1 {
				next = worse[0]
			}
			g := gain.sub(delta)
			path = append(path, step{vr.idx, d})
			in[vr.idx] = true
			if g.sign() > 0 {
				cand := chain{clean: nworse == 0, cost: cost + mc, gain: g}
				if cand.betterSteps(len(path), best, ok) {
					cand.steps = append(best.steps[:0:0], path...)
					best, ok = cand, true
				}
			}
			if nworse == 1 && len(path) < maxChain {
				dfs(next, g, cost+mc)
			}
			in[vr.idx] = false
			path = path[:len(path)-1]
			p.move(vr.idx, -d)
		}
	}
	dfs(ci, amt{}, 0)
	return best, ok
}

// solve applies the best chain for the first broken constraint until none
// is left or none can be improved.
func (p *repairer) solve() {
	for p.queue.Len() > 0 && p.evals < p.limit && !p.s.stop.Tick() {
		ci := p.queue.pop()
		p.inQ[ci] = false
		c := p.cons[ci]
		x := c.excess(c.r)
		if c.stuck || x.isZero() {
			continue
		}
		// Rounding residues are repaired by a few cents per written cell;
		// a break beyond that is a wrong printed figure (or two printed
		// figures that disagree), which no cent search can mend: it is a
		// conflict at once, without spending the budget on it.
		if x.cmp(units(centUnits*maxCentsPerVar*int64(len(c.vars)))) > 0 {
			c.stuck = true
			continue
		}
		best, ok := p.search(ci)
		if !ok {
			c.stuck = true
			continue
		}
		for _, st := range best.steps {
			v := p.vars[st.v]
			if v.reason == "" {
				v.reason = c.eq.Rule.ID
			}
			p.move(st.v, st.d)
			for _, cr := range v.cons {
				p.enqueue(cr.idx)
			}
		}
		p.enqueue(ci)
	}
}

// conflicts leaves blank the written cells of every stuck constraint
// (its total when that is a written cell, else every written operand) and
// reports each with an F01 finding (its rule's severity) naming the printed cells.
func (p *repairer) conflicts(stuck []*rcon) {
	s := p.s
	// The messages show the straight values.
	for _, v := range p.vars {
		if !v.gone {
			v.cell.Value = v.base
		}
	}
	// The worst conflict first (by its excess on the straight values), and
	// only constraints sharing no written cell with one handled in this
	// pass: the others may only have been broken by moves tried for it.
	base := make([]amt, len(stuck))
	for i, c := range stuck {
		r := c.konst
		for _, vr := range c.vars {
			if v := p.vars[vr.idx]; !v.gone {
				r = r.add(v.baseA.mul(vr.coef))
			}
		}
		base[i] = c.excess(r)
	}
	order := make([]int, len(stuck))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return base[order[a]].cmp(base[order[b]]) > 0 })
	touched := map[int]bool{}
	handled := 0
	for _, i := range order {
		c := stuck[i]
		if c.excused || handled > 0 && base[i].isZero() {
			continue
		}
		shares := false
		for _, vr := range c.vars {
			shares = shares || touched[vr.idx]
		}
		if shares {
			continue
		}
		for _, vr := range c.vars {
			touched[vr.idx] = true
		}
		handled++
		var blank []*rvar
		if len(c.eq.Left) == 1 {
			if cell := c.eq.Left[0].CellIn(s.wb); cell != nil {
				for _, vr := range c.vars {
					if v := p.vars[vr.idx]; v.cell == cell && !v.gone {
						blank = append(blank, v)
					}
				}
			}
		}
		if len(blank) == 0 {
			for _, vr := range c.vars {
				if v := p.vars[vr.idx]; !v.gone {
					blank = append(blank, v)
				}
			}
		}
		if len(blank) == 0 {
			continue
		}
		s.findings = append(s.findings, s.conflict(c, blank))
		for _, v := range blank {
			v.gone = true
			for _, cr := range v.cons {
				p.cons[cr.idx].excused = true
			}
			s.unfill(v)
		}
	}
}

// apply writes v's current value into its cell.
func (p *repairer) apply(v *rvar) {
	if v.gone {
		return
	}
	places := int32(max(v.cell.Decimals, 2))
	if v.delta == 0 {
		// The sweep's value, whose texts (cell.Raw, the fill's Value) it
		// wrote; conflicts may have set Value back to base meanwhile.
		v.cell.Value = v.base
		return
	}
	val := v.base.Add(decimal.New(v.delta, -2))
	v.cell.Value = val
	v.cell.Raw = val.StringFixed(places)
	p.s.fills[v.fill].Value = v.cell.Raw
	p.s.moved[v.cell] = moved{base: v.base, reason: v.reason}
}

// commit writes the repaired values and drops the fills left blank.
func (p *repairer) commit() {
	s := p.s
	for _, v := range p.vars {
		p.apply(v)
	}
	p.describe()
	keep := s.fills[:0]
	for i, f := range s.fills {
		if !s.dropped[i] {
			keep = append(keep, f)
		}
	}
	s.fills = keep
}

// unfill undoes v's fill: a blank stays blank, a replaced value (Overwrite)
// gets its old value back.
func (s *solver) unfill(v *rvar) {
	c := v.cell
	f := s.fills[v.fill]
	s.dropped[v.fill] = true
	delete(s.def, c)
	c.FilledBy = ""
	if f.Old != "" {
		if old, err := decimal.NewFromString(f.Old); err == nil {
			c.Value, c.Raw = old, f.Old
			if _, frac, ok := strings.Cut(f.Old, "."); ok {
				c.Decimals = len(frac)
			} else {
				c.Decimals = 0
			}
			return
		}
	}
	c.Value, c.Blank, c.Raw = decimal.Zero, true, ""
	// Unknown, not 0: its F01 finding explains it, and no identity with
	// it is judged (as for an unreadable amount).
	c.Unresolved = true
}

var (
	rulesOnce sync.Once
	rulesSet  []*check.Rule
)

// embedded returns check's embedded rule set, parsed once (nil if it does
// not load; check reports that itself).
func embedded() []*check.Rule {
	rulesOnce.Do(func() {
		if rs, err := check.Load(); err == nil {
			rulesSet = rs
		}
	})
	return rulesSet
}

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
