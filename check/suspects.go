package check

import (
	"fmt"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// Naming the wrong cell (issue 10). One wrong cell breaks every identity it
// takes part in, and each identity's own total is not the culprit. After
// evaluation the broken CERTAIN identities are grouped into components
// (identities sharing cells); in each, a cell explains the component when
// it takes part in every broken identity of it and one change of its value
// repairs them all without breaking an identity that holds now. Those
// cells are the suspects: the primary cell of the findings, painted red;
// ties are kept and named. Where no single cell explains a component, a
// smallest covering set is chosen greedily (most broken identities first,
// fewest holding ones).

// evaluated is one equation's outcome, kept for the suspect search.
type evaluated struct {
	eq       *Equation
	residual decimal.Decimal // Σleft − Σright
	tol      decimal.Decimal
	broken   bool // beyond tolerance, an error of a CERTAIN rule
	finding  int  // index into Run's output, -1 if none
	cells    []*model.Cell
	coef     []int // coefficient of cells[i] in Σleft − Σright
}

// certain reports whether the rule's identity holds by construction, so a
// break means some cell of it is wrong. A CONDITIONAL rule is bound only
// where its condition holds, and is then as certain.
func certain(r *Rule) bool {
	return r != nil && r.Severity == model.SevError &&
		(r.Class == ClassCertain || r.Class == ClassCertainIneq || r.Class == ClassConditional)
}

func (c *Checker) operands(eq *Equation) ([]*model.Cell, []int) {
	var cells []*model.Cell
	var coef []int
	// A cell may stand on both sides; most equations are short, so a map
	// is made only for long ones.
	var idx map[*model.Cell]int
	if len(eq.Left)+len(eq.Right) > 16 {
		idx = map[*model.Cell]int{}
	}
	find := func(cell *model.Cell) (int, bool) {
		if idx != nil {
			i, ok := idx[cell]
			return i, ok
		}
		for i, x := range cells {
			if x == cell {
				return i, true
			}
		}
		return 0, false
	}
	for side, ts := range [2][]Term{eq.Left, eq.Right} {
		for _, t := range ts {
			cell := c.b.cell(t)
			if cell == nil || t.prior {
				continue
			}
			a := 1
			if t.Sign < 0 {
				a = -1
			}
			if side == 1 {
				a = -a
			}
			if i, ok := find(cell); ok {
				coef[i] += a
				continue
			}
			if idx != nil {
				idx[cell] = len(cells)
			}
			cells = append(cells, cell)
			coef = append(coef, a)
		}
	}
	return cells, coef
}

// reads reports whether eq has an operand of this year's workbook in set
// (the cells operands lists).
func (c *Checker) reads(eq *Equation, set map[*model.Cell]bool) bool {
	for _, ts := range [2][]Term{eq.Left, eq.Right} {
		for i := range ts {
			if cell := c.b.cell(ts[i]); cell != nil && !ts[i].prior && set[cell] {
				return true
			}
		}
	}
	return false
}

// interval is a set of deltas [lo, hi]; nil ends mean unbounded.
type interval struct{ lo, hi *decimal.Decimal }

func (iv *interval) meet(lo, hi *decimal.Decimal) {
	if lo != nil && (iv.lo == nil || lo.GreaterThan(*iv.lo)) {
		iv.lo = lo
	}
	if hi != nil && (iv.hi == nil || hi.LessThan(*iv.hi)) {
		iv.hi = hi
	}
}

func (iv interval) empty() bool { return iv.lo != nil && iv.hi != nil && iv.lo.GreaterThan(*iv.hi) }

// constrain narrows iv to the deltas d of a cell with coefficient a in e
// for which e holds: residual + a·d within e's tolerance for its operator.
func constrain(iv *interval, e *evaluated, a int) {
	if a == 0 {
		return
	}
	r, tol := e.residual, e.tol
	// residual + a·d ∈ [loR, hiR]
	var loR, hiR *decimal.Decimal
	switch e.eq.Op {
	case "=":
		l, h := tol.Neg(), tol
		loR, hiR = &l, &h
	case "<=":
		h := tol
		hiR = &h
	case ">=":
		l := tol.Neg()
		loR = &l
	}
	conv := func(x *decimal.Decimal) *decimal.Decimal {
		if x == nil {
			return nil
		}
		v := x.Sub(r)
		// A cell stands once in most identities: dividing by ±1 is exact
		// (as Div is, to its DivisionPrecision decimals), without the
		// long division.
		switch {
		case a == 1 && v.Exponent() >= -int32(decimal.DivisionPrecision):
		case a == -1 && v.Exponent() >= -int32(decimal.DivisionPrecision):
			v = v.Neg()
		default:
			v = v.Div(decimal.NewFromInt(int64(a)))
		}
		return &v
	}
	lo, hi := conv(loR), conv(hiR)
	if a < 0 {
		lo, hi = hi, lo
	}
	iv.meet(lo, hi)
}

// nameSuspects sets Suspects (and the primary cell) of the findings of
// broken CERTAIN identities.
func (c *Checker) nameSuspects(out []model.Finding, evs []evaluated) {
	var broken []int
	for i := range evs {
		if evs[i].broken && evs[i].finding >= 0 {
			broken = append(broken, i)
		}
	}
	if len(broken) == 0 {
		return // nothing to explain: the operands are not even listed
	}
	// The search asks only about cells of broken identities: the operands,
	// residual and tolerance are found for the identities that read one of
	// those cells, holding or broken, and for no other.
	suspect := map[*model.Cell]bool{}
	for _, i := range broken {
		e := &evs[i]
		e.cells, e.coef = c.operands(e.eq)
		for _, cell := range e.cells {
			suspect[cell] = true
		}
	}
	of := map[*model.Cell][]int{} // cell -> evaluated indexes
	for i := range evs {
		if c.stop.Tick() {
			return
		}
		e := &evs[i]
		if !certain(e.eq.Rule) {
			continue
		}
		if !e.broken {
			if !c.reads(e.eq, suspect) {
				continue
			}
			e.cells, e.coef = c.operands(e.eq)
		}
		// Both only meet comparisons (constrain): exact values suffice.
		e.residual, e.tol = c.residual(e.eq), c.eqTolerance(e.eq)
		for _, cell := range e.cells {
			of[cell] = append(of[cell], i)
		}
	}
	// Components of broken identities linked by shared cells (union-find).
	parent := map[int]int{}
	var find func(int) int
	find = func(x int) int {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	owner := map[*model.Cell]int{}
	for _, i := range broken {
		find(i)
		for _, cell := range evs[i].cells {
			if j, ok := owner[cell]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[cell] = i
			}
		}
	}
	comps := map[int][]int{}
	var roots []int
	for _, i := range broken {
		r := find(i)
		if _, ok := comps[r]; !ok {
			roots = append(roots, r)
		}
		comps[r] = append(comps[r], i)
	}
	for _, r := range roots {
		if c.stop.Tick() {
			return
		}
		comp := comps[r]
		sus := c.singleExplanations(evs, comp, of)
		tie := len(sus) > 1
		if len(sus) == 0 {
			sus = c.cover(evs, comp, of)
		}
		in := map[*model.Cell]bool{}
		for _, s := range sus {
			in[s] = true
		}
		for _, i := range comp {
			f := &out[evs[i].finding]
			var mine []*model.Cell
			for _, cell := range evs[i].cells {
				if in[cell] {
					mine = append(mine, cell)
				}
			}
			if len(mine) == 0 {
				continue
			}
			f.Suspects = f.Suspects[:0]
			for _, s := range mine {
				f.Suspects = append(f.Suspects, c.cellRef(s, false))
			}
			f.Table, f.Sheet, f.Cell = mine[0].Table, mine[0].Sheet, mine[0].Addr
			f.Message += c.suspectText(mine, tie && len(mine) > 1)
		}
	}
}

// singleExplanations returns the cells each of which alone explains the
// broken identities comp.
func (c *Checker) singleExplanations(evs []evaluated, comp []int, of map[*model.Cell][]int) []*model.Cell {
	first := &evs[comp[0]]
	var out []*model.Cell
	for _, cell := range first.cells {
		if cell.Filled() || cell.Invalid || cell.Unresolved {
			continue // juesuan computed it; the user's cells are the suspects
		}
		inAll := true
		for _, i := range comp[1:] {
			if c.stop.Tick() {
				return nil
			}
			if coefOf(&evs[i], cell) == 0 {
				inAll = false
				break
			}
		}
		if !inAll {
			continue
		}
		var iv interval
		for _, i := range of[cell] {
			constrain(&iv, &evs[i], coefOf(&evs[i], cell))
			if iv.empty() {
				break
			}
		}
		if !iv.empty() && (iv.lo == nil || iv.hi == nil || !(iv.lo.Sign() <= 0 && iv.hi.Sign() >= 0)) {
			out = append(out, cell)
		}
	}
	return out
}

func coefOf(e *evaluated, cell *model.Cell) int {
	for i, x := range e.cells {
		if x == cell {
			return e.coef[i]
		}
	}
	return 0
}

// cover picks, greedily, cells until every broken identity of comp has
// one: the cell in most uncovered broken identities, then in fewest
// holding ones, then first in reading order.
func (c *Checker) cover(evs []evaluated, comp []int, of map[*model.Cell][]int) []*model.Cell {
	uncovered := map[int]bool{}
	for _, i := range comp {
		uncovered[i] = true
	}
	var out []*model.Cell
	for len(uncovered) > 0 && len(out) < len(comp) {
		var best *model.Cell
		bestHit, bestHold := 0, 0
		for _, i := range comp {
			if !uncovered[i] {
				continue
			}
			for _, cell := range evs[i].cells {
				if c.stop.Tick() {
					return nil
				}
				if cell.Filled() || cell.Invalid || cell.Unresolved {
					continue
				}
				hit, hold := 0, 0
				for _, j := range of[cell] {
					if uncovered[j] {
						hit++
					} else if !evs[j].broken {
						hold++
					}
				}
				if hit > bestHit || hit == bestHit && hold < bestHold {
					best, bestHit, bestHold = cell, hit, hold
				}
			}
		}
		if best == nil {
			break
		}
		out = append(out, best)
		for _, j := range of[best] {
			delete(uncovered, j)
		}
	}
	return out
}

func (c *Checker) suspectText(cells []*model.Cell, tie bool) string {
	const maxNamed = 5
	var names []string
	for i, s := range cells {
		if i == maxNamed {
			names = append(names, fmt.Sprintf(msgMoreCells, len(cells)))
			break
		}
		names = append(names, c.cellLabel(s, false).full+"（"+s.Sheet+"!"+s.Addr+"）")
	}
	if tie {
		return fmt.Sprintf(msgSuspectsTie, strings.Join(names, "、"))
	}
	return fmt.Sprintf(msgSuspect, strings.Join(names, "、"))
}
