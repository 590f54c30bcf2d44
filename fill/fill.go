// Package fill computes the derived cells of a workbook (合计, 类/款
// subtotals, row totals, bottom blocks, T06 class rows and group totals,
// T09 合计/小计, cross-table pulls) from the same bound equations check
// evaluates: a sum rule is also a fill formula (运算公式).
//
// Filling is a solve in two phases. The sweep (this file) gives every
// computable cell its straightforward value, in dependency order: a cell is
// computed once every other operand of one of its equations is known
// (typed, already filled, or a row the table does not print: 0). Among the
// ways to compute a cell it prefers the exact sum of printed items, then a
// figure printed in another table, then the way aggregating the fewest
// rounded values. The repair (repair.go) then treats the written cells as
// unknowns on the cent grid and moves them by whole cents until every
// identity check will evaluate holds within its §5.0 tolerance
// (model.Tolerance, the function check uses); what no assignment can
// satisfy is left blank with an F01 finding. Every fill records its
// operands and how it was derived (explain.go). Typed cells are never
// changed unless Options.Overwrite.
package fill

import (
	"context"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// Options control filling.
type Options struct {
	// Overwrite replaces a non-blank derived cell whose value disagrees with
	// its equation beyond the §5.0 tolerance; the Fill records the old value.
	Overwrite bool
	// Exact and Parts are check's options of the same name: the tolerance
	// the filled values must meet is the one check will apply (0 in exact
	// mode, and in 元 workbooks of whole cents; ×Parts for consolidations).
	Exact bool
	Parts int
	// Rules are bound again on the filled values for the repair phase, so
	// that CONDITIONAL rules constrain the fill exactly when check will
	// evaluate them; nil means check's embedded rule set.
	Rules []*check.Rule
}

// cell states during solving.
const (
	stKnown   = iota // value settled
	stUnknown        // blank derived or blank cross-fillable input: to compute
	stPending        // non-blank derived under Overwrite: to verify
)

// eqTerm is one operand of a usable equation, resolved to its cell (nil for
// a row the table does not print: a known 0).
type eqTerm struct {
	cell *model.Cell
	id   int32 // cell's index in solver.info (-1 for nil)
	sign int
	left bool
}

type equation struct {
	rule    string
	fill    bool // a 运算公式: may compute cells (others only constrain)
	certain bool // may be solved for any operand, not just its Left total
	terms   []eqTerm
	nLeft   int
	unknown int   // operands not yet settled
	src     int   // index in the given equations
	idx     int32 // index in solver.eqs
}

// cellInfo is the solve's state of one cell, held in a slice indexed by
// the cell's id (one map lookup per equation operand when the equations
// are built, none in the sweep's loops).
type cellInfo struct {
	state int
	// weight is the number of rounded printed values a settled cell's value
	// aggregates: 1 for a typed amount, 0 for a blank (exactly 0), the sum
	// of its operands' weights for a computed one. Its rounding uncertainty
	// is weight·½·10⁻ᵈ, so among several ways to compute a cell the one of
	// least weight is closest to the published figure.
	weight int
	// cross marks blank input cells that may be cross-filled (spec §6);
	// they become plain blanks (0) when no equation determines them.
	cross bool
	eqs   []*equation // the equations the cell is an unsettled operand of
}

type solver struct {
	wb    *model.Workbook
	eqs   []*equation
	opt   Options
	ids   map[*model.Cell]int32
	info  []cellInfo
	cells []*model.Cell // by id
	queue candHeap
	seq   int
	fills []model.Fill
	// def is the equation each written cell was computed from (its 运算公式).
	def map[*model.Cell]*equation
	// exact and parts give the §5.0 tolerance check will apply.
	exact bool
	parts int64
	// findings are the fill's own (F01: a derived cell left blank because
	// no value satisfies every identity it is in).
	findings []model.Finding
	moved    map[*model.Cell]moved // cells the repair moved off their straight value
	dropped  map[int]bool          // fills undone (conflicts), by index
	names    labeler
	stop     *model.Stop // cancellation: the sweep and repair loops end early, RunContext fails
}

// Fill writes every computable blank derived cell of wb (and the blank input
// cells spec §6 allows to cross-fill) and returns one Fill per written cell,
// in the order they were computed. Only "=" equations of rules marked Fill
// are used: a rule's Left total is computed from its Right terms, and a
// CERTAIN rule may also be solved for its one unknown operand (cross-table
// pulls, a missing bottom item). When several equations can give a cell,
// the one aggregating the fewest rounded values wins (so a total pulled
// from another table's typed figure beats a re-summation of many rounded
// 项 values, and fills agree with the published totals within §5.0).
//
// A non-blank derived cell is left for check to judge unless opt.Overwrite
// is set; then it is replaced when it differs from its best equation beyond
// the §5.0 tolerance, and the Fill records the old value.
func Fill(wb *model.Workbook, eqs []check.Equation, opt Options) []model.Fill {
	fills, _ := Run(wb, eqs, opt)
	return fills
}

// Run is Fill that also returns the fill's findings: one F01 finding per
// identity no choice of the filled values could satisfy within its §5.0
// tolerance (the cells it would have filled are left blank, and the
// warning names the printed cells that conflict).
//
// Filling is a solve, not a sweep: the sweep below gives every derived
// cell its straightforward value (the exact sum of its items, or the
// figure another table prints), then a repair phase (repair.go) treats the
// written cells as unknowns on the cent grid and moves them by whole cents,
// within the slack of every identity they are in, until every identity
// check will evaluate holds within its tolerance.
func Run(wb *model.Workbook, eqs []check.Equation, opt Options) ([]model.Fill, []model.Finding) {
	s := run(wb, eqs, opt)
	return s.fills, s.findings
}

// RunContext is Run whose loops (cells, equations, the repair's search)
// end with the coded ETimeout error of the 补填 stage once ctx is done;
// the workbook is then part-filled and must be dropped.
func RunContext(ctx context.Context, wb *model.Workbook, eqs []check.Equation, opt Options) ([]model.Fill, []model.Finding, error) {
	stop := model.NewStop(ctx, "补填")
	if stop.Now() {
		return nil, nil, stop.Err()
	}
	s := runStop(wb, eqs, opt, stop)
	if err := stop.Err(); err != nil {
		return nil, nil, err
	}
	return s.fills, s.findings, nil
}

func run(wb *model.Workbook, eqs []check.Equation, opt Options) *solver {
	return runStop(wb, eqs, opt, nil)
}

func runStop(wb *model.Workbook, eqs []check.Equation, opt Options, stop *model.Stop) *solver {
	s := newSolver(wb, eqs, opt, stop)
	if !stop.Now() {
		s.repair(eqs)
	}
	return s
}

// newSolver runs the sweep: every computable blank derived cell gets its
// straightforward value.
func newSolver(wb *model.Workbook, eqs []check.Equation, opt Options, stop *model.Stop) *solver {
	n := 0 // cells: the state and weight maps end up holding most of them
	for _, t := range wb.Located() {
		n += len(t.Cells())
	}
	s := &solver{wb: wb, opt: opt, ids: make(map[*model.Cell]int32, n), info: make([]cellInfo, 0, n), cells: make([]*model.Cell, 0, n),
		def: map[*model.Cell]*equation{}, moved: map[*model.Cell]moved{}, dropped: map[int]bool{}, names: labeler{wb: wb},
		exact: opt.Exact || check.AutoExact(wb), parts: int64(max(opt.Parts, 1)), stop: stop}
	nfill := 0
	for _, t := range wb.Located() {
		for _, c := range t.Cells() {
			if stop.Tick() {
				return s
			}
			in := &s.info[s.idOf(c)]
			switch {
			case c.Invalid:
				// Unreadable (reader S05): unknown, so neither an operand nor
				// a target; the equations that mention it are skipped below.
				in.weight = 1
			case c.Blank && c.Derived:
				in.state = stUnknown
				nfill++
			case c.Blank && crossFillable(t, c):
				in.state = stUnknown
				in.cross = true
				nfill++
			case !c.Blank && c.Derived && opt.Overwrite:
				in.state = stPending
				nfill++
			case !c.Blank:
				in.weight = 1
			}
		}
	}
	s.fills = make([]model.Fill, 0, nfill) // at most one per cell to compute
	// The equations and their operands live in slabs (an allocation per
	// chunk, not per equation); terms are gathered in one scratch list.
	eqSlab := slab[equation]{n: 128}
	termSlab := slab[eqTerm]{n: 1024}
	var scratch []eqTerm
	for ei := range eqs {
		if stop.Tick() {
			return s
		}
		e := &eqs[ei]
		// Fill rules compute; every other CERTAIN "=" rule constrains the
		// choice between candidates (R01.5, R04.7).
		// A single Left with no Right is a total of rows the table does not
		// print (合计 = Σ类 of an empty table): exactly 0.
		if e.Rule == nil || e.Op != "=" || len(e.Left) == 0 {
			continue
		}
		// CONDITIONAL rules were bound on the values before filling (their
		// condition may read blank totals), so they do not constrain.
		if !e.Rule.Fill && (e.Rule.Severity != model.SevError || e.Rule.Class != check.ClassCertain || len(e.Right) == 0) {
			continue
		}
		// One pass over the operands, which also skips an equation that
		// refers to the prior year's workbook (those cells are not this
		// workbook's to fill) or has an unreadable amount (solving with it
		// as 0 would write a wrong figure).
		scratch = scratch[:0]
		unknown, skip := 0, false
	terms:
		for side, ts := range [2][]check.Term{e.Left, e.Right} {
			for _, t := range ts {
				if t.Prior() {
					skip = true
					break terms
				}
				c := t.CellIn(wb)
				if c != nil && c.Invalid {
					skip = true
					break terms
				}
				id := int32(-1)
				if c != nil {
					id = s.idOf(c)
					if s.info[id].state != stKnown {
						unknown++
					}
				}
				scratch = append(scratch, eqTerm{cell: c, id: id, sign: signOf(t), left: side == 0})
			}
		}
		if skip || unknown == 0 {
			continue // skipped, or nothing to compute: check judges it
		}
		q := eqSlab.one()
		*q = equation{rule: e.Rule.ID, fill: e.Rule.Fill, certain: e.Rule.Class == check.ClassCertain,
			nLeft: len(e.Left), src: ei, unknown: unknown, terms: termSlab.take(len(scratch)), idx: int32(len(s.eqs))}
		copy(q.terms, scratch)
		s.eqs = append(s.eqs, q)
		if q.unknown == 1 {
			s.push(q)
		}
	}
	// Each cell's equations (those it is an unsettled operand of, in
	// equation order, once per occurrence) as windows of one array.
	count := make([]int32, len(s.info))
	total := 0
	for _, q := range s.eqs {
		for _, t := range q.terms {
			if t.id >= 0 && s.info[t.id].state != stKnown {
				count[t.id]++
				total++
			}
		}
	}
	lists := make([]*equation, total)
	off := 0
	for id, n := range count {
		if n > 0 {
			s.info[id].eqs = lists[off : off : off+int(n)]
			off += int(n)
		}
	}
	for _, q := range s.eqs {
		for _, t := range q.terms {
			if t.id >= 0 && s.info[t.id].state != stKnown {
				s.info[t.id].eqs = append(s.info[t.id].eqs, q)
			}
		}
	}
	s.drain()
	// Cross-fillable inputs no equation determined are plain blanks (0), and
	// pending derived cells whose operands never settled keep their value.
	// Then the cells that waited on them can be computed.
	var relax []*model.Cell
	for _, t := range wb.Located() {
		for _, c := range t.Cells() {
			if in := s.info[s.ids[c]]; in.state == stPending || in.state == stUnknown && in.cross {
				relax = append(relax, c)
			}
		}
	}
	for _, c := range relax {
		w := 0
		if !c.Blank {
			w = 1
		}
		s.known(c, w)
	}
	s.drain()
	return s
}

// idOf returns c's index in s.info, adding a settled entry (the zero
// cellInfo: known, weight 0) for a cell first met as an operand.
func (s *solver) idOf(c *model.Cell) int32 {
	if id, ok := s.ids[c]; ok {
		return id
	}
	id := int32(len(s.info))
	s.ids[c] = id
	s.info = append(s.info, cellInfo{})
	s.cells = append(s.cells, c)
	return id
}

// weightOf is c's weight (0 for a cell the solve never met).
func (s *solver) weightOf(c *model.Cell) int {
	if id, ok := s.ids[c]; ok {
		return s.info[id].weight
	}
	return 0
}

func signOf(t check.Term) int {
	if t.Sign < 0 {
		return -1
	}
	return 1
}

// candidate is one way to compute a cell: equation q solved for it. It
// holds no pointers (q and the cell by index), so the heap moves it
// without the GC's write barriers.
type candidate struct {
	class  int32 // rank of the way it computes (see solver.class)
	terms  int32 // operands used: fewer is more direct
	weight int
	seq    int   // equation order breaks ties: a table's own rules come first
	q      int32 // index in solver.eqs
	id     int32 // the cell's index in solver.info
}

type candHeap []candidate

func (h candHeap) Len() int { return len(h) }
func (h candHeap) Less(i, j int) bool {
	if h[i].class != h[j].class {
		return h[i].class < h[j].class
	}
	if h[i].weight != h[j].weight {
		return h[i].weight < h[j].weight
	}
	if h[i].terms != h[j].terms {
		return h[i].terms < h[j].terms
	}
	return h[i].seq < h[j].seq
}
func (h candHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

// target returns the one unsettled operand of q and whether q may be
// solved for it (a Left total always; any operand of a CERTAIN rule).
func (s *solver) target(q *equation) (*model.Cell, int32, bool) {
	if !q.fill {
		return nil, -1, false
	}
	for i, t := range q.terms {
		if t.id >= 0 && s.info[t.id].state != stKnown {
			natural := t.left && q.nLeft == 1 && i == 0
			return t.cell, t.id, natural || q.certain
		}
	}
	return nil, -1, false
}

// solve computes q for its unsettled operand u: value, weight, and whether
// every other operand is blank.
func (s *solver) solve(q *equation, u *model.Cell) (v amt, w int, blank bool, dec int) {
	blank, dec = true, -1
	var us int
	var uleft bool
	for _, t := range q.terms {
		if t.cell == u {
			us, uleft = t.sign, t.left
			continue
		}
		if t.cell == nil {
			continue
		}
		x := amtOf(t.cell.Value)
		if t.sign < 0 == t.left {
			v = v.add(x) // a right-hand operand, or a negated left one moved right
		} else {
			v = v.sub(x)
		}
		w += s.info[t.id].weight
		if !t.cell.Blank {
			blank = false
			dec = max(dec, t.cell.Decimals)
		}
	}
	// Σleft = Σright  =>  us·u = Σright − Σleft(others)  (u on the left)
	//                     us·u = Σleft − Σright(others)  (u on the right)
	if !uleft != (us < 0) {
		v = v.neg()
	}
	return v, w, blank, dec
}

func (s *solver) push(q *equation) {
	u, id, ok := s.target(q)
	if u == nil || !ok {
		return
	}
	w := 0 // solve's weight, without its value
	for _, t := range q.terms {
		if t.cell != nil && t.cell != u {
			w += s.info[t.id].weight
		}
	}
	s.seq++
	s.queue.push(candidate{class: int32(s.class(q, u)), weight: w, terms: int32(len(q.terms) - 1), seq: s.seq, q: q.idx, id: id})
}

// class ranks the ways of computing u (spec: a subtotal whose items are
// all printed is their exact sum; a figure printed in another table beats
// one computed from written cells): 0 when u is q's total and no other
// operand was written by the fill, 1 when q gives u from printed figures
// only (a pull), 2 when it uses written cells.
func (s *solver) class(q *equation, u *model.Cell) int {
	for _, t := range q.terms {
		if t.cell != nil && t.cell != u && t.cell.Filled() {
			return 2
		}
	}
	if q.nLeft == 1 && q.terms[0].cell == u {
		return 0
	}
	return 1
}

// drain settles cells in order of increasing weight (a Dijkstra order:
// weights only grow along a computation, so the first candidate popped
// for a cell is its best).
func (s *solver) drain() {
	for s.queue.Len() > 0 && !s.stop.Tick() {
		c := s.queue.pop()
		if s.info[c.id].state == stKnown {
			continue
		}
		s.settle(c)
	}
}

// known marks c settled with weight w and queues the equations that now
// have a single unsettled operand.
func (s *solver) known(c *model.Cell, w int) {
	s.knownID(s.ids[c], w)
}

func (s *solver) knownID(id int32, w int) {
	in := &s.info[id]
	in.state = stKnown
	in.weight = w
	for _, q := range in.eqs {
		q.unknown--
		if q.unknown == 1 {
			s.push(q)
		}
	}
}

// settle gives a cell a value: writes it when the cell is blank, verifies
// it when the cell is pending (Overwrite). Every equation that can compute
// the cell now is a candidate; the value chosen is the one that breaks the
// fewest equations this cell closes (all their other operands settled),
// judged with check's tolerance, then the best-ranked (popped) candidate.
// So three totals filled from different tables (合计 = 基本 + 项目) stay
// consistent with each other, not just each with its own source.
func (s *solver) settle(best candidate) {
	cell, id, bq := s.cells[best.id], best.id, s.eqs[best.q]
	type option struct {
		v      amt
		w      int
		blank  bool
		places int32
		rule   string
		q      *equation
		class  int
		broken int
	}
	var buf [4]option
	opts := buf[:0]
	add := func(q *equation) {
		v, w, blank, dec := s.solve(q, cell)
		places := int32(2)
		if dec > 2 {
			places = int32(dec)
		}
		opts = append(opts, option{v: v.round(places), w: w, blank: blank, places: places, rule: q.rule, q: q, class: s.class(q, cell)})
	}
	add(bq)
	in := &s.info[id]
	for _, q := range in.eqs {
		if q == bq || q.unknown != 1 {
			continue
		}
		if u, _, ok := s.target(q); u == cell && ok {
			add(q)
		}
	}
	pick := 0
	for i := range opts {
		opts[i].broken = s.broken(cell, opts[i].v, in.eqs)
		// A better-ranked way is never traded for fewer broken identities:
		// the repair phase reconciles those within their tolerance.
		if opts[i].class > opts[0].class {
			continue
		}
		if opts[i].broken < opts[pick].broken {
			pick = i
		}
	}
	o := opts[pick]
	switch in.state {
	case stUnknown:
		if in.cross {
			// An input is filled only when the equations agree on it, and
			// never with a rounding residue: blank already means 0.
			if o.v.abs().cmp(s.tol(o.q, cell)) <= 0 || o.broken > 0 {
				s.knownID(id, 0)
				return
			}
		} else if o.blank && o.v.isZero() {
			// A total of nothing stays blank, as real tables print it.
			s.knownID(id, 0)
			return
		}
		cell.Value, cell.Blank, cell.Decimals, cell.FilledBy = o.v.at(o.places), false, int(o.places), o.rule
		cell.Raw = o.v.fixed(o.places)
		s.def[cell] = o.q
		s.fills = append(s.fills, s.record(cell, "", cell.Raw))
		s.knownID(id, o.w)
	case stPending:
		// Keep the typed value when it breaks no more equations than the
		// computed one would (within tolerance is not a reason to change).
		if s.broken(cell, amtOf(cell.Value), in.eqs) <= o.broken {
			s.knownID(id, 1)
			return
		}
		old := cell.Raw
		if old == "" {
			old = cell.Value.StringFixed(int32(max(cell.Decimals, 0)))
		}
		cell.Value, cell.Decimals, cell.FilledBy = o.v.at(o.places), int(o.places), o.rule
		cell.Raw = o.v.fixed(o.places) // the user's formula stays; the value becomes its cached result
		s.def[cell] = o.q
		s.fills = append(s.fills, s.record(cell, old, cell.Raw))
		s.knownID(id, o.w)
	}
}

// broken counts the equations of qs closed by cell (it is their only
// unsettled operand) that value v for cell would violate beyond check's
// tolerance.
func (s *solver) broken(cell *model.Cell, v amt, qs []*equation) int {
	n := 0
	for _, q := range qs {
		if q.unknown != 1 {
			continue
		}
		want, _, _, _ := s.solve(q, cell)
		if v.sub(want).abs().cmp(s.tol(q, cell)) > 0 {
			n++
		}
	}
	return n
}

// tol is tolerance as an amt, without a decimal in the usual case (every
// operand to the cent: n·½ cent).
func (s *solver) tol(q *equation, cell *model.Cell) amt {
	if s.exact {
		return amt{}
	}
	n, cents := printedOperands(q, cell)
	if !cents {
		return amtOf(s.tolerance(q, cell))
	}
	return units(int64(n) * centUnits / 2).mul(s.parts)
}

// printedOperands counts q's operands printed once cell is written, and
// whether every one of them is to the cent.
func printedOperands(q *equation, cell *model.Cell) (n int, cents bool) {
	cents = true
	for _, t := range q.terms {
		c := t.cell
		if c == cell && c != nil && c.Blank {
			n++ // it will be printed
			continue
		}
		if c.Printed() {
			n++
			cents = cents && c.Decimals <= 2
		}
	}
	return n, cents
}

// tolerance is the §5.0 bound check will apply to q once cell is written:
// model.Tolerance over its operands with cell counted as printed, scaled by
// Parts; 0 in exact mode. (As a decimal, for the texts: its exponent is
// the one they show.)
func (s *solver) tolerance(q *equation, cell *model.Cell) decimal.Decimal {
	if s.exact {
		return decimal.Zero
	}
	// model.Tolerance counts ½·10⁻ᵈ per printed operand; with every
	// operand to the cent that is ToleranceOf(printed, 2), computed
	// without building the list.
	n, cents := printedOperands(q, cell)
	var tol decimal.Decimal
	if cents {
		tol = model.ToleranceOf(n, 2)
	} else {
		cells := make([]*model.Cell, 0, len(q.terms))
		for _, t := range q.terms {
			c := t.cell
			if c != nil && c == cell && c.Blank {
				printed := *c
				printed.Blank = false
				c = &printed
			}
			cells = append(cells, c)
		}
		tol = model.Tolerance(cells...)
	}
	if s.parts > 1 {
		tol = tol.Mul(decimal.NewFromInt(s.parts))
	}
	return tol
}

// crossFillable reports whether a blank input cell may be filled from
// another table: the `pull` marks of templates/tables.yaml (spec §6, plus
// T01 income rows 四–八 from T02 and T04 income rows, so that a workbook
// typed only at 项 level comes out complete). A cell is only filled when
// the equations that determine it agree.
func crossFillable(t *model.Table, c *model.Cell) bool {
	return templates.MustLoad().CrossFillable(t.ID, c.Row, c.Col)
}

// hasPrior reports whether e refers to the prior year's workbook (those
// cells are not this workbook's to fill).
func hasPrior(e *check.Equation) bool {
	for _, ts := range [2][]check.Term{e.Left, e.Right} {
		for _, t := range ts {
			if t.Prior() {
				return true
			}
		}
	}
	return false
}

// record is c's Fill; value is c.Value.StringFixed(c.Decimals), already
// written as c.Raw.
func (s *solver) record(c *model.Cell, old, value string) model.Fill {
	return model.Fill{
		Sheet: c.Sheet, Cell: c.Addr, Value: value,
		Rule: c.FilledBy, Table: c.Table, Row: c.Row, Col: c.Col, Old: old,
	}
}
