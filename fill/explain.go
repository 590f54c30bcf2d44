package fill

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// moved records a written cell the repair moved off its straightforward
// value, and the rule whose identity required it.
type moved struct {
	base   decimal.Decimal
	reason string
}

// labeler names cells for notes and messages: 公开06表 人员经费合计,
// 公开05表 201 基本支出, 公开05表 合计行 基本支出.
type labeler struct {
	wb     *model.Workbook
	num    map[model.TableID]string
	single map[model.TableID]bool
}

func (l *labeler) label(c *model.Cell) string {
	return string(l.appendLabel(nil, c))
}

// appendLabel appends c's label to b.
func (l *labeler) appendLabel(b []byte, c *model.Cell) []byte {
	if l.num == nil {
		l.num, l.single = map[model.TableID]string{}, map[model.TableID]bool{}
	}
	num, ok := l.num[c.Table]
	t := l.wb.Table(c.Table)
	if !ok {
		num = string(c.Table)
		if t != nil && t.Number != "" {
			num = t.Number
		} else if sp, err := templates.Load(); err == nil {
			if ts := sp.Table(c.Table); ts != nil {
				num = ts.NumberLabel()
			}
		}
		l.num[c.Table] = num
		l.single[c.Table] = t == nil || singleColumn(t)
	}
	row := c.Row
	if row == "合计" {
		row = msgRowTotal
	}
	b = append(append(append(b, num...), ' '), row...)
	if l.single[c.Table] || c.Col == "" {
		return b
	}
	return append(append(b, ' '), c.Col...)
}

// singleColumn reports whether every amount of t is in one column key
// (T01, T06): the column adds nothing to a cell's name.
func singleColumn(t *model.Table) bool {
	col := ""
	for _, c := range t.Cells() {
		if col == "" {
			col = c.Col
		} else if c.Col != col {
			return false
		}
	}
	return true
}

func ref(l *labeler, c *model.Cell) model.CellRef {
	v := ""
	if !c.Blank {
		v = amtOf(c.Value).text()
	}
	r := model.CellRef{Sheet: c.Sheet, Cell: c.Addr, Value: v, Table: c.Table, Row: c.Row, Col: c.Col}
	if l != nil {
		r.Label = l.label(c)
	}
	return r
}

// operandText lists up to three operands with their values, then the count.
func operandText(l *labeler, cells []*model.Cell) string {
	var buf [384]byte // three labels and amounts fit: the string is the only allocation
	b := buf[:0]
	for i, c := range cells {
		if i == 3 {
			break
		}
		if i > 0 {
			b = append(b, msgOperandSep...)
		}
		b = append(l.appendLabel(b, c), ' ')
		b = append(b, formatAmount(c.Value)...)
	}
	if len(cells) > 3 {
		b = append(b, msgf(msgMoreOperands, strconv.Itoa(len(cells)))...)
	}
	return string(b)
}

// describe records on every fill its operands, how it was derived and the
// value another identity gives when that differs.
func (p *repairer) describe() {
	s := p.s
	var ops []*model.Cell // reused: operandText copies what it needs
	for _, v := range p.vars {
		if v.gone {
			continue
		}
		f := &s.fills[v.fill]
		c := v.cell
		q := s.def[c]
		if q == nil {
			continue
		}
		places := int32(max(c.Decimals, 2))
		ops = ops[:0]
		n := 0
		for _, t := range q.terms {
			if t.cell != nil && t.cell != c {
				n++
			}
		}
		f.Operands = slices.Grow(f.Operands, n)
		for _, t := range q.terms {
			if t.cell != nil && t.cell != c {
				ops = append(ops, t.cell)
				// Located by sheet, cell, table, row and column; the
				// readable names are in the note (a label on each of
				// hundreds of operands would multiply the report's size).
				f.Operands = append(f.Operands, ref(nil, t.cell))
			}
		}
		sv, _, _, _ := s.solve(q, c)
		straight := sv.round(places)
		cv := amtOf(c.Value)
		value := formatAt(cv, places)
		switch {
		case len(ops) == 0:
			f.Note = msgf(msgNoteNothing, q.rule, value)
		case straight.cmp(cv) == 0:
			f.Note = msgf(msgNote, q.rule, operandText(&s.names, ops), value)
		default:
			sd := straight.at(places)
			f.Note = msgf(msgNoteAdjusted, q.rule, operandText(&s.names, ops), formatAmount(sd), value,
				formatAmount(c.Value.Sub(sd).Abs()), formatAmount(s.tolerance(q, c)))
			if m, ok := s.moved[c]; ok && m.reason != "" && m.reason != q.rule {
				f.Note += msgf(msgNoteFor, m.reason)
			}
		}
		// Another identity that gives the cell directly, when its value
		// differs (within tolerance: the difference is a rounding residue).
		var alts []string
		seen := [4]amt{cv, straight}
		nseen := 2
		for _, cr := range v.cons {
			k := p.cons[cr.idx]
			// Only another way of computing the cell itself: as the total
			// of other items, or equal to one other cell (a solved item of
			// a long sum would only restate the sum's residue).
			if k.op != "=" || abs64(cr.coef) != 1 || k.src == q.src || k.total != c && k.size != 2 {
				continue
			}
			// coef·x + rest = r  =>  x = value − r/coef (coef is ±1)
			alt := seen[0].add(k.r.mul(-cr.coef)).round(places)
			if slices.ContainsFunc(seen[:nseen], func(x amt) bool { return x.cmp(alt) == 0 }) {
				continue
			}
			seen[nseen] = alt
			nseen++
			alts = append(alts, msgf(msgAlternative, k.eq.Rule.ID, formatAt(alt, places)))
			if len(alts) == 2 {
				break
			}
		}
		f.Alternative = strings.Join(alts, msgAltSep)
	}
}

// conflict is the F01 finding for constraint c, whose written cells blank
// are left blank. Its severity is the rule's: the printed figures break an
// identity that must hold (an error of the input), and the blank cells are
// not judged by check (model.Cell.Unresolved), so this finding is what says
// so; a warning of a usual rule stays a warning.
func (s *solver) conflict(c *rcon, blank []*rvar) model.Finding {
	e := c.eq
	isBlank := map[*model.Cell]bool{}
	var names []string
	for _, v := range blank {
		isBlank[v.cell] = true
		names = append(names, s.names.label(v.cell))
	}
	f := model.Finding{Rule: ruleConflict, Severity: model.SevWarning}
	if e.Rule != nil && e.Rule.Severity == model.SevError {
		f.Severity = model.SevError
	}
	first := blank[0].cell
	f.Table, f.Sheet, f.Cell = first.Table, first.Sheet, first.Addr
	var typed []string
	var sums [2]decimal.Decimal
	var texts [2][]string
	for side, ts := range [2][]check.Term{e.Left, e.Right} {
		for _, t := range ts {
			cell := t.CellIn(s.wb)
			if cell == nil {
				continue
			}
			r := ref(&s.names, cell)
			if isBlank[cell] {
				r.Value = "" // left blank
			}
			f.Cells = append(f.Cells, r)
			v := cell.Value
			if t.Sign < 0 {
				v = v.Neg()
			}
			sums[side] = sums[side].Add(v)
			if cell.Value.IsZero() && len(ts) > 3 {
				continue
			}
			txt := s.names.label(cell) + " " + model.FormatAmount(cell.Value)
			if isBlank[cell] {
				txt = s.names.label(cell) + fmt.Sprintf(msgWouldBe, model.FormatAmount(cell.Value))
			} else if !cell.Filled() && !cell.Blank {
				typed = append(typed, s.names.label(cell))
			}
			if t.Sign < 0 {
				txt = "− " + txt
			} else if len(texts[side]) > 0 {
				txt = "+ " + txt
			}
			texts[side] = append(texts[side], txt)
		}
	}
	diff := sums[0].Sub(sums[1])
	typedText := msgNoTyped
	if len(typed) > 0 {
		typedText = strings.Join(typed, msgOperandSep)
	}
	// And the printed cells the left-blank values were computed from.
	var src []*model.Cell
	seen := map[*model.Cell]bool{}
	for _, v := range blank {
		s.sources(v.cell, seen, &src)
	}
	if len(src) > 0 {
		names := make([]string, 0, 6)
		for i, c := range src {
			if i == 6 {
				names = append(names, fmt.Sprintf(msgMoreCells, len(src)))
				break
			}
			names = append(names, s.names.label(c))
		}
		typedText += fmt.Sprintf(msgSources, strings.Join(names, msgOperandSep))
	}
	f.Message = fmt.Sprintf(msgConflict, strings.Join(names, msgOperandSep), e.Rule.ID, e.Rule.Message,
		strings.Join(texts[0], " "), opText(e.Op), strings.Join(texts[1], " "),
		model.FormatAmount(diff), model.FormatAmount(c.tolText()), typedText)
	f.Actual, f.Expected, f.Difference, f.Tolerance = sums[0].String(), sums[1].String(), diff.String(), c.tolText().String()
	f.SetFingerprint()
	return f
}

// sources collects the printed cells c's value was computed from, through
// the written cells in between (bounded: a long chain names its first
// cells only).
func (s *solver) sources(c *model.Cell, seen map[*model.Cell]bool, out *[]*model.Cell) {
	q := s.def[c]
	if q == nil || len(seen) > 256 {
		return
	}
	seen[c] = true
	for _, t := range q.terms {
		if t.cell == nil || t.cell == c || seen[t.cell] {
			continue
		}
		if t.cell.Filled() {
			s.sources(t.cell, seen, out)
			continue
		}
		seen[t.cell] = true
		if !t.cell.Blank {
			*out = append(*out, t.cell)
		}
	}
}

func opText(op string) string {
	switch op {
	case "<=":
		return msgOpLe
	case ">=":
		return msgOpGe
	}
	return msgOpEq
}
