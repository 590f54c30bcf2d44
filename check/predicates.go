package check

import (
	"fmt"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// Predicates are the non-arithmetic rules (structure, empty tables, year
// on year changes). They yield findings directly instead of equations.

func (b *bindCtx) table(id model.TableID) *tindex { return b.cur.tables[id] }

// readerRules maps a rule to the reader's structural finding that covers
// it: S03 orphan code (R02.4), S09 negative amount (the "≥ 0" parts of
// R01.7 and R09.6). A finding the reader already made at the same cell is
// not repeated.
var readerRules = map[string]string{"R02.4": "S03", "R01.7": "S09", "R09.6": "S09"}

// readerAt reports whether the reader made the finding covering rule at
// sheet!cell.
func (b *bindCtx) readerAt(rule, sheet, cell string) bool {
	rr := readerRules[rule]
	if rr == "" {
		return false
	}
	if b.readerSeen == nil {
		b.readerSeen = map[string]bool{}
		for _, f := range b.cur.wb.Findings {
			b.readerSeen[f.Rule+"|"+f.Sheet+"!"+f.Cell] = true
		}
	}
	return b.readerSeen[rr+"|"+sheet+"!"+cell]
}

// readerReported reports whether the reader already emitted rule (or its
// reader equivalent) for table id: such structural findings are not
// repeated.
func (b *bindCtx) readerReported(rule string, id model.TableID) bool {
	for _, f := range b.cur.wb.Findings {
		if (f.Rule == rule || f.Rule == readerRules[rule]) && (f.Table == id || f.Table == "") {
			return true
		}
	}
	return false
}

// isEmpty: every value of the table is 0 (a table that was not found is
// empty).
func (b *bindCtx) isEmpty(id model.TableID) bool {
	ti := b.table(id)
	if ti == nil {
		return true
	}
	for _, c := range ti.t.Cells() {
		if !c.Value.IsZero() {
			return false
		}
	}
	return true
}

func (b *bindCtx) firstNonZero(id model.TableID, col string) *model.Cell {
	ti := b.table(id)
	if ti == nil {
		return nil
	}
	for _, c := range ti.t.Cells() {
		if (col == "" || c.Col == col) && !c.Value.IsZero() {
			return c
		}
	}
	return nil
}

func (b *bindCtx) predTrue(p *pred) bool {
	arg := func(i int) predArg {
		if i < len(p.args) {
			return p.args[i]
		}
		return predArg{}
	}
	switch p.name {
	case "located":
		if b.table(arg(0).table) == nil {
			// A regional table beyond the nine is absent from most
			// workbooks by design: its rules simply do not apply.
			if !model.IsExtra(arg(0).table) {
				b.miss(model.Key{Table: arg(0).table}, false)
			}
			return false
		}
		return true
	case "hascol":
		ti := b.table(arg(0).table)
		return ti != nil && ti.hasCol[arg(1).word]
	case "stated":
		return false // the workbook carries no narrative (决算说明)
	case "empty":
		return b.isEmpty(arg(0).table)
	case "note":
		ti := b.table(arg(0).table)
		return ti != nil && ti.t.EmptyNote != ""
	case "zerocol":
		return b.firstNonZero(arg(0).table, arg(1).word) == nil
	}
	return false
}

func (b *bindCtx) finding(r *Rule, cells ...*model.Cell) model.Finding {
	f := model.Finding{Rule: r.ID, Severity: r.Severity}
	for _, c := range cells {
		if c == nil {
			continue
		}
		if f.Cell == "" {
			f.Table, f.Sheet, f.Cell = c.Table, c.Sheet, c.Addr
		}
		f.Cells = append(f.Cells, b.cellRef(c, false))
	}
	return f
}

func (b *bindCtx) firstCell(id model.TableID, row string) *model.Cell {
	if ti := b.table(id); ti != nil && len(ti.rowCells[row]) > 0 {
		return ti.rowCells[row][0]
	}
	return nil
}

func (b *bindCtx) rowLabel(id model.TableID, row string) string {
	return b.rowColLabel(model.Key{Table: id, Row: row, Col: defaultCol[id]}, false)
}

func (b *bindCtx) predFindings(r *Rule, cl *clause) []model.Finding {
	var out []model.Finding
	p := cl.pred
	switch p.name {
	case "haveparents":
		for _, a := range p.args {
			ti := b.table(a.table)
			if ti == nil {
				b.miss(model.Key{Table: a.table}, false)
				continue
			}
			if b.readerReported(r.ID, a.table) {
				continue
			}
			for _, code := range ti.codes {
				par := parentOf(code)
				if par == "" || ti.rowCells[par] != nil || ti.rowOf[par] != nil {
					continue
				}
				f := b.finding(r, b.firstCell(a.table, code))
				f.Table, f.Sheet = a.table, ti.t.Sheet
				f.Message = fmt.Sprintf(msgOrphan, r.Message, b.tableLabel(a.table, false), code, par)
				out = append(out, f)
			}
		}
	case "subset":
		if len(p.args) != 2 || p.args[0].set == nil || p.args[1].set == nil {
			return nil
		}
		src, dst := p.args[0].set, p.args[1].set
		// Codes of a table that was not located are unknown, not absent:
		// no finding per code (the reader's S01 says it once).
		if !b.allLocated(src, dst) {
			return nil
		}
		inDst := map[string]bool{}
		for _, x := range b.cur.evalSet(*dst, env{}) {
			inDst[x] = true
		}
		srcT, dstT := src.atoms[0].table, dst.atoms[0].table
		for _, x := range b.cur.evalSet(*src, env{}) {
			if inDst[x] || b.rowZero(srcT, x) {
				continue
			}
			f := b.finding(r, b.nonZeroCells(srcT, x)...)
			f.Message = fmt.Sprintf(msgNotSubset, r.Message, b.tableLabel(srcT, false), b.rowLabel(srcT, x), b.tableLabel(dstT, false))
			out = append(out, f)
		}
	case "zerocol", "empty":
		if cl.pred2 == nil {
			return nil
		}
		if !b.predLocated(p) || !b.predLocated(cl.pred2) {
			return nil
		}
		lhs, rhs := b.predTrue(p), b.predTrue(cl.pred2)
		if p.name == "zerocol" && cl.pred2.name == "empty" {
			if lhs == rhs {
				return nil
			}
			colT, col, tab := p.args[0].table, p.args[1].word, cl.pred2.args[0].table
			var nz *model.Cell
			var msg string
			if lhs { // column all zero, table has data
				nz = b.firstNonZero(tab, "")
				msg = fmt.Sprintf(msgZeroVsData, r.Message, b.tableLabel(colT, false)+" "+col, msgAllZero,
					b.tableLabel(tab, false), fmt.Sprintf(msgHasData, b.rowColLabel(nz.Key, false), model.FormatAmount(nz.Value)))
			} else {
				nz = b.firstNonZero(colT, col)
				msg = fmt.Sprintf(msgZeroVsData, r.Message, b.tableLabel(colT, false)+" "+col,
					fmt.Sprintf(msgHasData, b.rowColLabel(nz.Key, false), model.FormatAmount(nz.Value)), b.tableLabel(tab, false), msgIsEmpty)
			}
			f := b.finding(r, nz)
			f.Message = msg
			out = append(out, f)
			return out
		}
		// empty(T) <=> / => note(T)
		id := p.args[0].table
		ti := b.table(id)
		if ti == nil {
			return nil
		}
		switch {
		case lhs && !rhs:
			f := b.finding(r, b.firstCell(id, firstRow(ti)))
			f.Table, f.Sheet = id, ti.t.Sheet
			f.Message = fmt.Sprintf(msgEmptyNote, r.Message, b.tableLabel(id, false))
			out = append(out, f)
		case !lhs && rhs && cl.conn == "<=>":
			nz := b.firstNonZero(id, "")
			f := b.finding(r, nz)
			f.Message = fmt.Sprintf(msgNoteData, r.Message, b.tableLabel(id, false), b.rowColLabel(nz.Key, false), model.FormatAmount(nz.Value), ti.t.EmptyNote)
			out = append(out, f)
		}
	case "sides":
		for _, a := range p.args {
			ti := b.table(a.table)
			if ti == nil {
				b.miss(model.Key{Table: a.table}, false)
				continue
			}
			if b.readerReported(r.ID, a.table) {
				continue
			}
			for _, row := range ti.t.Rows {
				code := codeOf(row.Key, row)
				if code == "" || len(code) < 3 || row.Side == "" {
					continue
				}
				// The side a class belongs to is the spec's (tables.yaml
				// `groups`, the same classes R06.2/R06.3 sum); a class no
				// group lists is not judged here (S08 reports unknown codes).
				want, known := b.classSide(a.table, code[:3])
				if !known || want == row.Side {
					continue
				}
				f := b.finding(r, b.firstCell(a.table, row.Key))
				f.Table, f.Sheet = a.table, ti.t.Sheet
				f.Message = fmt.Sprintf(msgWrongSide, r.Message, b.tableLabel(a.table, false), b.rowLabel(a.table, row.Key), row.Side)
				out = append(out, f)
			}
		}
	case "change":
		if b.prior == nil || len(p.args) == 0 || p.args[0].ref == nil {
			return nil
		}
		rf := p.args[0].ref
		k := model.Key{Table: rf.table.id, Row: rf.row, Col: rf.col}
		if b.cur.tables[k.Table] == nil {
			b.miss(model.Key{Table: k.Table}, false)
			return nil
		}
		if b.prior.tables[k.Table] == nil {
			b.miss(model.Key{Table: k.Table}, true)
			return nil
		}
		if !b.locatedKey(k, false) || !b.locatedKey(k, true) {
			return nil
		}
		cur, old := b.cur.wb.Cell(k), b.prior.wb.Cell(k)
		if cur == nil || old == nil {
			return nil
		}
		d := cur.Value.Sub(old.Value)
		dir := msgNoChange
		switch d.Sign() {
		case 1:
			dir = msgIncrease
		case -1:
			dir = msgDecrease
		}
		pct := msgChangeNA
		if !old.Value.IsZero() {
			pct = d.Abs().Mul(decimal.NewFromInt(100)).Div(old.Value.Abs()).StringFixed(2) + "%"
		}
		f := b.finding(r, cur)
		f.Cells = append(f.Cells, b.cellRef(old, true))
		f.Actual, f.Expected, f.Difference = cur.Value.String(), old.Value.String(), d.String()
		if !d.IsZero() {
			dir = fmt.Sprintf(msgChangeBy, dir, model.FormatAmount(d.Abs()), pct)
		}
		f.Message = fmt.Sprintf(msgChange, r.Message, b.tableLabel(k.Table, false)+" "+b.rowColLabel(k, false),
			model.FormatAmount(cur.Value), model.FormatAmount(old.Value), dir)
		out = append(out, f)
	}
	return out
}

// allLocated reports whether every table the sets read was located,
// recording those that were not.
func (b *bindCtx) allLocated(sets ...*setExpr) bool {
	ok := true
	for _, s := range sets {
		for _, a := range s.atoms {
			if a.fn == "lit" {
				continue
			}
			if b.table(a.table) == nil {
				b.miss(model.Key{Table: a.table}, false)
				ok = false
			}
		}
	}
	return ok
}

// predLocated reports whether the tables a predicate judges were located
// (an empty() of a table that is not there is unknown, not empty).
func (b *bindCtx) predLocated(p *pred) bool {
	ok := true
	for _, a := range p.args {
		if a.table != "" && b.table(a.table) == nil {
			b.miss(model.Key{Table: a.table}, false)
			ok = false
		}
		if a.set != nil && !b.allLocated(a.set) {
			ok = false
		}
	}
	return ok
}

func firstRow(ti *tindex) string {
	if len(ti.rows) > 0 {
		return ti.rows[0]
	}
	return ""
}

func (b *bindCtx) rowZero(id model.TableID, row string) bool {
	if ti := b.table(id); ti != nil {
		for _, c := range ti.rowCells[row] {
			if !c.Value.IsZero() {
				return false
			}
		}
	}
	return true
}

func (b *bindCtx) nonZeroCells(id model.TableID, row string) []*model.Cell {
	var out []*model.Cell
	if ti := b.table(id); ti != nil {
		for _, c := range ti.rowCells[row] {
			if !c.Value.IsZero() {
				out = append(out, c)
			}
		}
	}
	return out
}

// classSide returns the column group (side) that economic class cls belongs
// to in table id, from templates/tables.yaml `groups`.
func (b *bindCtx) classSide(id model.TableID, cls string) (string, bool) {
	if b.sides == nil {
		b.sides = map[model.TableID]map[string]string{}
	}
	m, ok := b.sides[id]
	if !ok {
		m = map[string]string{}
		if ts := templates.MustLoad().Table(id); ts != nil {
			for _, g := range ts.Groups {
				for _, c := range g.Classes {
					m[c] = g.Key
				}
			}
		}
		b.sides[id] = m
	}
	side, ok := m[cls]
	return side, ok
}
