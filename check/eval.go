package check

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// Options control a check run.
type Options struct {
	// Exact compares with exact decimal equality (no 尾差 tolerance).
	Exact bool
	// Prior is last year's workbook for the cross-year rules (Y1–Y5).
	Prior *model.Workbook
	// Year is the 决算年度 of the workbook's rule pack: a rule whose Since
	// is later is not checked. 0: the workbook's Year (0 there too: the
	// default pack's year).
	Year int
	// Parts is how many separately rounded workbooks each figure sums (a
	// department consolidated from its units): each figure then stands for
	// ±Parts·½·10⁻ᵈ, so the tolerance scales with it. 0 or 1: one unit.
	Parts int
	// Binding is wb's structural binding made for fill (NewBinding): the
	// checker reuses it instead of binding every rule again. nil, or one
	// made for another workbook: bind afresh.
	Binding *Binding
}

// Checker holds the rules bound to one workbook: bind once, run many times.
type Checker struct {
	b       *bindCtx
	rules   []*Rule
	eqs     []Equation
	exact   bool
	parts   decimal.Decimal // Options.Parts, at least 1
	stop    *model.Stop     // set by RunContext for one run
	evs     []evaluated     // the CERTAIN outcomes of the last run, reused
	cellBuf []*model.Cell   // scratch operand list for a tolerance
	// labels are the cells' labels named in this run's findings: a total
	// stands in many of them, and in a finding's text and its Cells.
	labels map[labelKey]cellLabel
}

type labelKey struct {
	cell  *model.Cell
	prior bool
}

// cellLabel is rowColLabel of a cell's key (row) and its CellRef label
// (the table's label, then row).
type cellLabel struct{ row, full string }

func (c *Checker) cellLabel(cell *model.Cell, prior bool) cellLabel {
	k := labelKey{cell, prior}
	if l, ok := c.labels[k]; ok {
		return l
	}
	if c.labels == nil {
		c.labels = map[labelKey]cellLabel{}
	}
	row := c.b.rowColLabel(cell.Key, prior)
	l := cellLabel{row: row, full: c.b.tableLabel(cell.Table, prior) + " " + row}
	c.labels[k] = l
	return l
}

// cellRef is bindCtx.cellRef with the label of this run's cache.
func (c *Checker) cellRef(cell *model.Cell, prior bool) model.CellRef {
	return model.CellRef{Sheet: cell.Sheet, Cell: cell.Addr, Value: cell.Value.String(), Table: cell.Table, Row: cell.Row, Col: cell.Col,
		Label: c.cellLabel(cell, prior).full}
}

// NewChecker binds rules to wb (and opt.Prior).
func NewChecker(wb *model.Workbook, rules []*Rule, opt Options) *Checker {
	if wb == nil {
		wb = &model.Workbook{}
	}
	b := &bindCtx{}
	if bd := opt.Binding; bd != nil && bd.idx.wb == wb {
		b.cur, b.shared = bd.idx, bd
	} else {
		b.cur = newIndex(wb)
	}
	if opt.Prior != nil {
		b.prior = newIndex(opt.Prior)
	}
	year := opt.Year
	if year == 0 {
		year = wb.Year
	}
	rules = ForYear(rules, year)
	parts := int64(max(opt.Parts, 1))
	c := &Checker{b: b, rules: rules, eqs: b.bind(rules), exact: opt.Exact || AutoExact(wb), parts: decimal.NewFromInt(parts)}
	// A table no bound identity reads is listed as such in the report
	// (model.TableRef.NoRules) rather than passing as checked.
	// Operands come in runs of one table: look a table up when it changes.
	var last model.TableID
	for _, eq := range c.eqs {
		for _, side := range [][]Term{eq.Left, eq.Right} {
			for _, t := range side {
				if t.prior || t.Key.Table == last {
					continue
				}
				last = t.Key.Table
				if tb := wb.Tables[last]; tb != nil {
					tb.Checked = true
				}
			}
		}
	}
	return c
}

// ForYear keeps the rules that apply to year (Rule.Since); 0 means the
// default pack's year.
func ForYear(rules []*Rule, year int) []*Rule {
	if year == 0 {
		year = templates.MustPacks().Default
	}
	out := rules[:0:0]
	for _, r := range rules {
		if r.Since <= year {
			out = append(out, r)
		}
	}
	return out
}

// Equations returns the bound equations.
func (c *Checker) Equations() []Equation { return c.eqs }

// Exact reports whether the run compares exactly.
func (c *Checker) Exact() bool { return c.exact }

// Check binds rules to wb and evaluates them; the findings are unsorted
// (model.NewReport sorts them).
func Check(wb *model.Workbook, rules []*Rule, opt Options) []model.Finding {
	return NewChecker(wb, rules, opt).Run()
}

// Run evaluates every bound equation and predicate against the current
// cell values.
func (c *Checker) Run() []model.Finding {
	c.stop = nil
	return c.run()
}

// RunContext is Run whose loops (equations, predicates, the suspects
// search) end with the coded ETimeout error of the 审核 stage once ctx is
// done: no partial list of findings.
func (c *Checker) RunContext(ctx context.Context) ([]model.Finding, error) {
	c.stop = model.NewStop(ctx, "审核")
	defer func() { c.stop = nil }()
	if c.stop.Now() {
		return nil, c.stop.Err()
	}
	out := c.run()
	if err := c.stop.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (c *Checker) run() []model.Finding {
	clear(c.labels) // labels are only trusted for one run
	// A sample-sized workbook has a score of findings (its 尾差 mostly): a
	// Finding is large, so the list does not grow from nothing.
	out := make([]model.Finding, 0, 32)
	type seenKey struct {
		fingerprint string
		sev         model.Severity
	}
	seen := map[seenKey]bool{}
	add := func(f model.Finding) {
		if c.b.readerAt(f.Rule, f.Sheet, f.Cell) {
			return
		}
		f.SetFingerprint()
		k := seenKey{f.Fingerprint, f.Severity}
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, f)
	}
	evs := c.evs[:0]
	for i := range c.eqs {
		if c.stop.Tick() {
			return nil
		}
		eq := &c.eqs[i]
		// Most identities hold: their sign is decided exactly without a
		// decimal or a slice, and only a violated one is summed, judged
		// against its tolerance and put into words.
		sign, invalid := c.residualSign(eq)
		if invalid {
			continue // unknown, neither broken nor holding
		}
		ev := evaluated{eq: eq, finding: -1}
		if violated(eq.Op, sign) {
			// Each side is summed once, for the finding and for the suspects.
			l, r := c.side(eq.Left), c.side(eq.Right)
			var tol *decimal.Decimal
			if f, ok := c.evalSides(eq, l, r, &tol); ok {
				n := len(out)
				add(f)
				if len(out) > n && f.Severity == model.SevError {
					ev.finding, ev.broken = n, true
				}
			}
		}
		if certain(eq.Rule) {
			evs = append(evs, ev)
		}
	}
	c.evs = evs
	c.nameSuspects(out, evs)
	for _, r := range c.rules {
		if c.stop.Now() {
			return nil
		}
		c.b.rule = r
		for _, cl := range r.clauses {
			if cl.pred == nil {
				continue
			}
			if !c.b.holds(cl.when, env{}) {
				continue
			}
			for _, f := range c.b.predFindings(r, cl) {
				if c.stop.Tick() {
					return nil
				}
				add(f)
			}
		}
	}
	c.b.rule = nil
	for _, f := range c.uncheckedFindings() {
		add(f)
	}
	return out
}

// AutoExact reports whether every located table is in 元 with values that
// are whole cents: such figures are exact, so no 尾差 is allowed.
func AutoExact(wb *model.Workbook) bool {
	if wb == nil {
		return false
	}
	ts := wb.Located()
	if len(ts) == 0 {
		return false
	}
	hundred := decimal.NewFromInt(100)
	for _, t := range ts {
		if t.Unit != model.Yuan {
			return false
		}
		for _, c := range t.Cells() {
			if !c.Value.Mul(hundred).IsInteger() {
				return false
			}
		}
	}
	return true
}

type side struct {
	sum   decimal.Decimal
	cells []*model.Cell // nil entries for missing cells
	terms []Term
}

// invalid reports whether an operand is an unreadable amount.
func (s side) invalid() bool {
	for _, c := range s.cells {
		if c != nil && (c.Invalid || c.Unresolved) {
			return true
		}
	}
	return false
}

// printed counts the operands the table prints (the non-nil cells).
func (s side) printed() int {
	n := 0
	for _, c := range s.cells {
		if c != nil {
			n++
		}
	}
	return n
}

// side lists the cells of ts and sums them: exactly in int64 when that
// fits (one decimal made, not one per operand), else in decimal. Only
// the sum's value is used (its texts do not depend on the exponent).
func (c *Checker) side(ts []Term) side {
	s := side{terms: ts, cells: make([]*model.Cell, len(ts))}
	minExp, fits := int32(0), true
	for i := range ts {
		cell := c.b.cell(ts[i])
		s.cells[i] = cell
		if cell != nil && !cell.Value.IsZero() {
			minExp = min(minExp, cell.Value.Exponent())
			fits = fits && cell.Value.NumDigits() <= 18
		}
	}
	if fits {
		if acc, ok := c.fixedSum(0, ts, false, minExp); ok {
			s.sum = decimal.New(acc, minExp)
			return s
		}
	}
	for i, t := range ts {
		cell := s.cells[i]
		if cell == nil {
			continue
		}
		if t.Sign < 0 {
			s.sum = s.sum.Sub(cell.Value)
		} else {
			s.sum = s.sum.Add(cell.Value)
		}
	}
	return s
}

// violated reports whether an identity op with residual sign sign
// (Σleft − Σright) is off, by any amount (within tolerance or not).
func violated(op string, sign int) bool {
	switch op {
	case "=":
		return sign != 0
	case "<=":
		return sign > 0
	case ">=":
		return sign < 0
	}
	return false
}

// pow10 are the powers of ten that fit an int64.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return
}()

// residualSign returns the sign of Σleft − Σright of eq, and whether an
// operand is unreadable (the sign is then meaningless). The sum is exact:
// int64 at the finest exponent of the operands (the cent, nearly always),
// shopspring decimal whenever that could overflow.
func (c *Checker) residualSign(eq *Equation) (sign int, invalid bool) {
	minExp, fits := int32(0), true
	for _, ts := range [2][]Term{eq.Left, eq.Right} {
		for i := range ts {
			cell := c.b.cell(ts[i])
			if cell == nil {
				continue
			}
			if cell.Invalid || cell.Unresolved {
				return 0, true
			}
			if cell.Value.IsZero() {
				continue
			}
			minExp = min(minExp, cell.Value.Exponent())
			fits = fits && cell.Value.NumDigits() <= 18
		}
	}
	if fits {
		if acc, ok := c.fixedResidual(eq, minExp); ok {
			switch {
			case acc > 0:
				return 1, false
			case acc < 0:
				return -1, false
			}
			return 0, false
		}
	}
	return c.b.sum(eq.Left).Cmp(c.b.sum(eq.Right)), false
}

// fixedResidual is Σleft − Σright in units of 10^exp; false on overflow.
func (c *Checker) fixedResidual(eq *Equation, exp int32) (int64, bool) {
	acc, ok := c.fixedSum(0, eq.Left, false, exp)
	if ok {
		acc, ok = c.fixedSum(acc, eq.Right, true, exp)
	}
	return acc, ok
}

// fixedSum adds Σts (subtracted when neg) to acc in units of 10^exp;
// false on overflow.
func (c *Checker) fixedSum(acc int64, ts []Term, neg bool, exp int32) (int64, bool) {
	for i := range ts {
		cell := c.b.cell(ts[i])
		if cell == nil || cell.Value.IsZero() {
			continue
		}
		k := cell.Value.Exponent() - exp
		if k >= int32(len(pow10)) {
			return 0, false
		}
		x, p := cell.Value.CoefficientInt64(), pow10[k]
		if x > math.MaxInt64/p || x < -math.MaxInt64/p {
			return 0, false
		}
		x *= p
		if (ts[i].Sign < 0) != neg {
			x = -x
		}
		s := acc + x
		if (acc > 0 && x > 0 && s < 0) || (acc < 0 && x < 0 && s >= 0) {
			return 0, false
		}
		acc = s
	}
	return acc, true
}

// Tolerance returns the §5.0 bound of an equation (model.Tolerance over its
// printed operands: a blank is an exact 0 and widens nothing), scaled by
// Options.Parts; 0 in exact mode.
func (c *Checker) Tolerance(eq *Equation) decimal.Decimal {
	if c.exact {
		return decimal.Zero
	}
	cells := make([]*model.Cell, 0, len(eq.Left)+len(eq.Right))
	for _, ts := range [][]Term{eq.Left, eq.Right} {
		for _, t := range ts {
			cells = append(cells, c.b.cell(t))
		}
	}
	return c.scaled(model.Tolerance(cells...))
}

// scaled is tol × Options.Parts; tol itself (the same decimal a product
// by 1 gives) for one unit, without the big.Int product.
func (c *Checker) scaled(tol decimal.Decimal) decimal.Decimal {
	if c.parts.Equal(one) {
		return tol
	}
	return tol.Mul(c.parts)
}

var one = decimal.NewFromInt(1)

// eqTolerance is Tolerance(eq) over a reused operand list.
func (c *Checker) eqTolerance(eq *Equation) decimal.Decimal {
	if c.exact {
		return decimal.Zero
	}
	buf := c.cellBuf[:0]
	for _, ts := range [2][]Term{eq.Left, eq.Right} {
		for i := range ts {
			buf = append(buf, c.b.cell(ts[i]))
		}
	}
	c.cellBuf = buf
	return c.scaled(model.Tolerance(buf...))
}

// residual is Σleft − Σright of eq (exact: int64 when it fits, as
// residualSign).
func (c *Checker) residual(eq *Equation) decimal.Decimal {
	minExp, fits := int32(0), true
	for _, ts := range [2][]Term{eq.Left, eq.Right} {
		for i := range ts {
			if cell := c.b.cell(ts[i]); cell != nil && !cell.Value.IsZero() {
				minExp = min(minExp, cell.Value.Exponent())
				fits = fits && cell.Value.NumDigits() <= 18
			}
		}
	}
	if fits {
		if acc, ok := c.fixedResidual(eq, minExp); ok {
			return decimal.New(acc, minExp)
		}
	}
	return c.b.sum(eq.Left).Sub(c.b.sum(eq.Right))
}

// sidesTolerance is Tolerance over the operands of sides l and r, computed
// once into *memo.
func (c *Checker) sidesTolerance(l, r side, memo **decimal.Decimal) decimal.Decimal {
	if *memo == nil {
		tol := decimal.Zero
		if !c.exact {
			c.cellBuf = append(append(c.cellBuf[:0], l.cells...), r.cells...)
			tol = c.scaled(model.Tolerance(c.cellBuf...))
		}
		*memo = &tol
	}
	return **memo
}

// evalSides judges eq on its summed sides l and r; tol memoizes the
// tolerance (sidesTolerance).
func (c *Checker) evalSides(eq *Equation, l, r side, memo **decimal.Decimal) (model.Finding, bool) {
	// An operand the reader could not read (S05) is unknown, not 0: the
	// equation says nothing until it is corrected.
	if l.invalid() || r.invalid() {
		return model.Finding{}, false
	}
	diff := l.sum.Sub(r.sum)
	var excess decimal.Decimal // how far the relation is violated
	switch eq.Op {
	case "=":
		excess = diff.Abs()
	case "<=":
		excess = diff
	case ">=":
		excess = diff.Neg()
	}
	if excess.Sign() <= 0 {
		return model.Finding{}, false
	}
	tol := c.sidesTolerance(l, r, memo)
	sev := eq.Rule.Severity
	if excess.LessThanOrEqual(tol) {
		sev = model.SevInfo
	}
	f := model.Finding{Rule: eq.Rule.ID, Severity: sev}
	if n := l.printed() + r.printed(); n > 0 {
		f.Cells = make([]model.CellRef, 0, n)
	}
	var primary *model.Cell
	for _, s := range [2]side{l, r} {
		for i, cell := range s.cells {
			if cell == nil {
				continue
			}
			if primary == nil {
				primary = cell
			}
			f.Cells = append(f.Cells, c.cellRef(cell, s.terms[i].prior))
		}
	}
	if primary != nil {
		f.Table, f.Sheet, f.Cell = primary.Table, primary.Sheet, primary.Addr
	}
	f.Actual = l.sum.String()
	f.Expected = r.sum.String()
	f.Difference = diff.String()
	f.Tolerance = tol.String()
	ctx := &textCtx{}
	lt := c.sideText(l, ctx)
	rt := c.sideText(r, ctx)
	switch {
	case sev == model.SevInfo:
		f.Message = fmt.Sprintf(msgResidue, eq.Rule.Message, lt, rt, model.FormatAmount(diff.Abs()), model.FormatAmount(tol))
	case eq.Rule.Class == ClassUsual:
		// A heuristic is a hint, not an equation: no difference, no tolerance.
		f.Message = fmt.Sprintf(msgUsualHint, eq.Rule.Message, lt, usualOp(eq.Op), rt)
	case c.exact:
		f.Message = fmt.Sprintf(msgFailExact, eq.Rule.Message, lt, failOp(eq.Op), rt, model.FormatAmount(diff))
	default:
		f.Message = fmt.Sprintf(msgFail, eq.Rule.Message, lt, failOp(eq.Op), rt, model.FormatAmount(diff), model.FormatAmount(tol))
	}
	return f, true
}

func usualOp(op string) string {
	switch op {
	case "<=":
		return msgUsuallyAtMost
	case ">=":
		return msgUsuallyAtLeast
	}
	return msgUsuallyEqual
}

func failOp(op string) string {
	switch op {
	case "<=":
		return ">"
	case ">=":
		return "<"
	}
	return "≠"
}

// holds evaluates a condition list (exact comparisons).
func (b *bindCtx) holds(cs []cond, e env) bool {
	for _, c := range cs {
		if c.pred != nil {
			if !b.predTrue(c.pred) {
				return false
			}
			continue
		}
		l, ok1 := b.terms(c.l, e)
		r, ok2 := b.terms(c.r, e)
		if !ok1 || !ok2 {
			return false
		}
		if b.anyInvalid(l) || b.anyInvalid(r) {
			return false // an unknown operand: the condition is not known to hold
		}
		lv, rv := b.sum(l), b.sum(r)
		var ok bool
		switch c.op {
		case "=":
			ok = lv.Equal(rv)
		case "<=":
			ok = lv.LessThanOrEqual(rv)
		case ">=":
			ok = lv.GreaterThanOrEqual(rv)
		}
		if !ok {
			return false
		}
	}
	return true
}

func (b *bindCtx) anyInvalid(ts []Term) bool {
	for _, t := range ts {
		if cell := b.cell(t); cell != nil && (cell.Invalid || cell.Unresolved) {
			return true
		}
	}
	return false
}

func (b *bindCtx) sum(ts []Term) decimal.Decimal {
	s := decimal.Zero
	for _, t := range ts {
		if cell := b.cell(t); cell != nil {
			if t.Sign < 0 {
				s = s.Sub(cell.Value)
			} else {
				s = s.Add(cell.Value)
			}
		}
	}
	return s
}

// ---- readable texts ----

func (b *bindCtx) tableLabel(id model.TableID, prior bool) string {
	w := b.idx(prior)
	lbl := ""
	if w != nil && w.tables[id] != nil {
		t := w.tables[id].t
		lbl = t.Number
		if lbl == "" {
			lbl = t.Name
		}
		if lbl == "" {
			lbl = t.Title
		}
	}
	if lbl == "" {
		// Not located: its name, never a 公开0N表 number the workbook may
		// not print.
		if ts := templates.MustLoad().Table(id); ts != nil {
			lbl = ts.Name
		} else {
			lbl = string(id)
		}
	}
	if prior {
		lbl = "上年" + lbl
	}
	return lbl
}

func (b *bindCtx) rowColLabel(k model.Key, prior bool) string {
	// The row, then the column unless it is the table's default: joined
	// by a space without a slice (this runs per operand of every finding).
	row, hasRow := "", k.Table != model.T09
	if hasRow {
		row = k.Row
		if w := b.idx(prior); w != nil && w.tables[k.Table] != nil {
			if r := w.tables[k.Table].rowOf[k.Row]; r != nil && model.CodeLevel(codeOf(k.Row, r)) > 0 {
				if lbl := strings.TrimSpace(r.Label); lbl != "" && !strings.HasPrefix(lbl, k.Row) {
					row = k.Row + " " + lbl
				}
			}
		}
		if row == "合计" {
			row = msgRowTotal
		}
		row = strings.TrimSpace(row)
	}
	hasCol := defaultCol[k.Table] != k.Col
	switch {
	case hasRow && hasCol:
		return row + " " + k.Col
	case hasCol:
		return k.Col
	}
	return row
}

func (b *bindCtx) cellRef(c *model.Cell, prior bool) model.CellRef {
	return model.CellRef{Sheet: c.Sheet, Cell: c.Addr, Value: c.Value.String(), Table: c.Table, Row: c.Row, Col: c.Col,
		Label: b.tableLabel(c.Table, prior) + " " + b.rowColLabel(c.Key, prior)}
}

// textCtx carries the table and row last printed, so a message names each
// only once: "公开03表 224 … 本年支出合计 3,244.79 与 基本支出 1,428.31 + …".
type textCtx struct{ table, row string }

// sideText renders one side: "公开06表 人员经费合计 1,633.51 + 公用经费合计
// 121.25 = 1,754.76". Zero operands of long sums are left out of the text
// (they stay in Cells).
func (c *Checker) sideText(s side, ctx *textCtx) string {
	b := c.b
	if len(s.terms) == 0 {
		return "0"
	}
	var sb strings.Builder
	const maxShown = 8
	sb.Grow(48 * min(len(s.terms), maxShown+1))
	shown, skipped := 0, 0
	for i, t := range s.terms {
		cell := s.cells[i]
		if len(s.terms) > 2 && cell != nil && cell.Value.IsZero() {
			skipped++
			continue
		}
		if shown == maxShown {
			sb.WriteString(" ")
			fmt.Fprintf(&sb, msgMore, len(s.terms))
			break
		}
		if shown > 0 || t.Sign < 0 {
			if t.Sign < 0 {
				sb.WriteString(" − ")
			} else {
				sb.WriteString(" + ")
			}
		}
		shown++
		tl := b.tableLabel(t.Key.Table, t.prior)
		if tl != ctx.table {
			sb.WriteString(tl)
			sb.WriteString(" ")
			ctx.table, ctx.row = tl, ""
		}
		var full string
		if cell != nil && cell.Key == t.Key {
			full = c.cellLabel(cell, t.prior).row
		} else {
			full = b.rowColLabel(t.Key, t.prior)
		}
		dc := defaultCol[t.Key.Table]
		rowTxt := full // the same label when the term is in the default column
		if t.Key.Col != dc {
			rowTxt = b.rowColLabel(model.Key{Table: t.Key.Table, Row: t.Key.Row, Col: dc}, t.prior)
		}
		if rowTxt != "" && rowTxt == ctx.row && full != rowTxt {
			sb.WriteString(strings.TrimSpace(strings.TrimPrefix(full, rowTxt)))
		} else {
			sb.WriteString(full)
			ctx.row = rowTxt
		}
		if cell != nil {
			sb.WriteString(" ")
			sb.WriteString(model.FormatAmount(cell.Value))
		} else {
			sb.WriteString(" 0")
			sb.WriteString(msgMissing)
		}
	}
	if shown == 0 {
		sb.WriteString("0")
	}
	if len(s.terms) != 1 {
		sb.WriteString(" = ")
		sb.WriteString(model.FormatAmount(s.sum))
	}
	if skipped > 0 {
		sb.WriteString(msgRestZero)
	}
	return sb.String()
}
