package rounding

// solve.go is the integer part of 舍位平衡: every figure is a whole number
// of cents (of 万元) that starts at its plain rounding r and may move by
// at most one cent (d ∈ {−1, 0, +1}); every identity is a linear relation
// Σ a·x = 0 (or ≤ 0 for an inequality) over those cents. The solver first
// pushes each total's residue onto its items, top-down (倒挤法), then
// repairs what the one-pass order could not (a cell that is an item of two
// sums, e.g. a row total and a column total) by a seeded local search that
// moves one cent at a time. Money is int64 cents here, never float.

import (
	"math/rand"
	"sort"
)

// variable is one figure (a class of cells that must print the same).
type variable struct {
	r     int64 // plain rounding, in cents of 万元
	rem   int64 // exact − r, in 1/10000 cent (|rem| ≤ 5000)
	size  int64 // |exact| in cents, for "largest item"
	fixed bool  // exact 0 (or blank): prints 0, never adjusted
	sign  int64 // sign of the exact figure: a figure never changes sign
	d     int64 // adjustment, −1, 0 or +1
	eqs   []int // relations the variable is in
	coefs []int64
}

func (v *variable) value() int64 { return v.r + v.d }

// relation is Σ coef·x op 0.
type relation struct {
	vars  []int
	coefs []int64
	ineq  bool // Σ ≤ 0 (otherwise = 0)
	total int  // the variable that is this relation's total (-1: none)
	e     int64
	id    int // caller's index
}

func (q *relation) cost() int64 { return costOf(q.ineq, q.e) }

func costOf(ineq bool, e int64) int64 {
	if ineq {
		return max(e, 0)
	}
	if e < 0 {
		return -e
	}
	return e
}

type system struct {
	vars []*variable
	rels []*relation
	// Statistics for the report and tests.
	pushed, repaired int
}

func (s *system) add(q *relation) {
	s.rels = append(s.rels, q)
	i := len(s.rels) - 1
	for k, v := range q.vars {
		s.vars[v].eqs = append(s.vars[v].eqs, i)
		s.vars[v].coefs = append(s.vars[v].coefs, q.coefs[k])
	}
}

func (s *system) residuals() {
	for _, q := range s.rels {
		q.e = 0
		for k, v := range q.vars {
			q.e += q.coefs[k] * s.vars[v].value()
		}
	}
}

// move changes variable v by delta cents and updates every relation it is in.
func (s *system) move(v int, delta int64) {
	x := s.vars[v]
	x.d += delta
	for k, qi := range x.eqs {
		s.rels[qi].e += x.coefs[k] * delta
	}
}

// gain is the change of the total violation if v moved by delta.
func (s *system) gain(v int, delta int64) int64 {
	x := s.vars[v]
	var g int64
	for k, qi := range x.eqs {
		q := s.rels[qi]
		g += costOf(q.ineq, q.e+x.coefs[k]*delta) - q.cost()
	}
	return g
}

func (s *system) violation() int64 {
	var t int64
	for _, q := range s.rels {
		t += q.cost()
	}
	return t
}

// canMove reports whether v may move by delta: not fixed, within one cent
// of its plain rounding, and not to the other side of 0.
func (s *system) canMove(v int, delta int64) bool {
	x := s.vars[v]
	if x.fixed || x.d+delta < -1 || x.d+delta > 1 {
		return false
	}
	n := x.r + x.d + delta
	return !(x.sign > 0 && n < 0) && !(x.sign < 0 && n > 0)
}

// distance is how far v would be from its exact value after moving by
// delta (1/10000 cent).
func (s *system) distance(v int, delta int64) int64 {
	x := s.vars[v]
	d := (x.d+delta)*10000 - x.rem
	if d < 0 {
		return -d
	}
	return d
}

// push is the top-down pass: relations in order of their total's size,
// largest first; each unbalanced equation moves its residue onto its
// largest items that are still free, one cent each, preferring items whose
// exact value lies on that side of their rounding (so they stay the floor
// or the ceiling of the exact figure). The relation's cells are then
// settled: an item adjusted here, or a total balanced here, is not moved
// again by this pass.
func (s *system) push() {
	order := make([]int, 0, len(s.rels))
	for i, q := range s.rels {
		if !q.ineq && q.total >= 0 {
			order = append(order, i)
		}
	}
	size := func(i int) int64 { return s.vars[s.rels[i].total].size }
	sort.SliceStable(order, func(a, b int) bool { return size(order[a]) > size(order[b]) })
	settled := make([]bool, len(s.vars))
	for _, qi := range order {
		q := s.rels[qi]
		settled[q.total] = true
		for q.e != 0 {
			best, bestDelta := -1, int64(0)
			for k, v := range q.vars {
				if v == q.total || settled[v] {
					continue
				}
				delta := int64(1)
				if (q.e > 0) == (q.coefs[k] > 0) {
					delta = -1
				}
				if !s.canMove(v, delta) {
					continue
				}
				if best < 0 || s.better(v, delta, best, bestDelta) {
					best, bestDelta = v, delta
				}
			}
			if best < 0 {
				break // nothing free: left to the repair
			}
			s.move(best, bestDelta)
			settled[best] = true
			s.pushed++
		}
		for _, v := range q.vars {
			settled[v] = true
		}
	}
}

// better orders candidate moves for the push: the item whose exact value
// is on the side it moves to, then the largest item.
func (s *system) better(v int, dv int64, w int, dw int64) bool {
	sideV := s.vars[v].rem*dv > 0
	sideW := s.vars[w].rem*dw > 0
	if sideV != sideW {
		return sideV
	}
	if s.vars[v].size != s.vars[w].size {
		return s.vars[v].size > s.vars[w].size
	}
	return v < w
}

// repair is the local search: pick an unsatisfied relation, move the one
// of its cells that lowers the total violation most (ties: the move that
// keeps the figure nearest its exact value, then the largest figure);
// when no move helps, take the least harmful one or, now and then, a
// random one, never undoing a move of the last few steps. It keeps the
// best state seen and stops when every relation holds or the step budget
// is spent. The seed makes the result a function of the input.
func (s *system) repair(seed int64, budget int) {
	rng := rand.New(rand.NewSource(seed))
	bad := []int{}
	for i, q := range s.rels {
		if q.cost() > 0 {
			bad = append(bad, i)
		}
	}
	if len(bad) == 0 {
		return
	}
	best := s.violation()
	bestD := s.snapshot()
	tabu := make([]int, len(s.vars))
	cur := best
	for step := 1; step <= budget && cur > 0; step++ {
		// Refresh the unsatisfied list lazily.
		for len(bad) > 0 {
			j := rng.Intn(len(bad))
			if s.rels[bad[j]].cost() > 0 {
				bad[0], bad[j] = bad[j], bad[0]
				break
			}
			bad[j] = bad[len(bad)-1]
			bad = bad[:len(bad)-1]
		}
		if len(bad) == 0 {
			for i, q := range s.rels {
				if q.cost() > 0 {
					bad = append(bad, i)
				}
			}
			if len(bad) == 0 {
				break
			}
		}
		q := s.rels[bad[0]]
		type cand struct {
			v     int
			delta int64
			gain  int64
			dist  int64
		}
		var cands []cand
		for k, v := range q.vars {
			delta := int64(1)
			if (q.e > 0) == (q.coefs[k] > 0) {
				delta = -1
			}
			if !s.canMove(v, delta) {
				continue
			}
			cands = append(cands, cand{v, delta, s.gain(v, delta), s.distance(v, delta) - s.distance(v, 0)})
		}
		if len(cands) == 0 {
			// Every cell of this relation is at its bound: move any cell of
			// it back toward its rounding to open a way.
			for _, v := range q.vars {
				if x := s.vars[v]; !x.fixed && x.d != 0 {
					cands = append(cands, cand{v, -x.d, s.gain(v, -x.d), s.distance(v, -x.d) - s.distance(v, 0)})
				}
			}
			if len(cands) == 0 {
				continue
			}
		}
		sort.Slice(cands, func(a, b int) bool {
			ca, cb := cands[a], cands[b]
			if ca.gain != cb.gain {
				return ca.gain < cb.gain
			}
			if ca.dist != cb.dist {
				return ca.dist < cb.dist
			}
			if s.vars[ca.v].size != s.vars[cb.v].size {
				return s.vars[ca.v].size > s.vars[cb.v].size
			}
			return ca.v < cb.v
		})
		pick := cands[0]
		if pick.gain >= 0 {
			if rng.Intn(5) == 0 {
				pick = cands[rng.Intn(len(cands))]
			} else {
				for _, c := range cands {
					if step-tabu[c.v] > 4 || tabu[c.v] == 0 {
						pick = c
						break
					}
				}
			}
		}
		s.move(pick.v, pick.delta)
		tabu[pick.v] = step
		s.repaired++
		cur += pick.gain
		for _, qi := range s.vars[pick.v].eqs {
			if s.rels[qi].cost() > 0 {
				bad = append(bad, qi)
			}
		}
		if cur < best {
			best = cur
			bestD = s.snapshot()
		}
	}
	if cur > best {
		s.restore(bestD)
	}
}

func (s *system) snapshot() []int64 {
	d := make([]int64, len(s.vars))
	for i, v := range s.vars {
		d[i] = v.d
	}
	return d
}

func (s *system) restore(d []int64) {
	for i, v := range s.vars {
		v.d = d[i]
	}
	s.residuals()
}

// chains is the last resort when the local search stalls: for each
// unsatisfied relation, a depth-first search for a chain of one-cent
// moves (each repairing the relation the previous move broke, no figure
// moved twice) that lowers the total violation, as an augmenting path
// does in a flow network: +0.01 on a row's item, −0.01 on another column
// of that row, +0.01 on that column's total …. The search is bounded by
// depth and by a node budget.
func (s *system) chains(depth, budget int) {
	for pass := 0; pass < 4 && s.violation() > 0; pass++ {
		improved := false
		for qi, q := range s.rels {
			if q.cost() == 0 {
				continue
			}
			nodes := budget
			moved := map[int]bool{}
			if s.chain(qi, depth, 0, moved, &nodes) {
				improved = true
			}
		}
		if !improved {
			return
		}
	}
}

// chain tries to repair relation qi by moving one of its figures, then
// recursively the relation that move made worse; acc is the violation
// change so far. It keeps the moves and returns true when the chain ends
// with a lower total violation.
func (s *system) chain(qi, depth int, acc int64, moved map[int]bool, nodes *int) bool {
	q := s.rels[qi]
	if q.cost() == 0 {
		return false
	}
	for k, v := range q.vars {
		if *nodes <= 0 {
			return false
		}
		if moved[v] {
			continue
		}
		delta := int64(1)
		if (q.e > 0) == (q.coefs[k] > 0) {
			delta = -1
		}
		if !s.canMove(v, delta) {
			continue
		}
		g := s.gain(v, delta)
		if g > 1 {
			continue // breaks two more relations: not a path
		}
		*nodes--
		s.move(v, delta)
		moved[v] = true
		if acc+g < 0 {
			s.repaired++
			return true
		}
		if depth > 1 {
			x := s.vars[v]
			for j, rj := range x.eqs {
				r := s.rels[rj]
				if rj == qi || r.cost() == 0 || costOf(r.ineq, r.e-x.coefs[j]*delta) >= r.cost() {
					continue // only follow a relation this move made worse
				}
				if s.chain(rj, depth-1, acc+g, moved, nodes) {
					s.repaired++
					return true
				}
			}
		}
		s.move(v, -delta)
		delete(moved, v)
	}
	return false
}
