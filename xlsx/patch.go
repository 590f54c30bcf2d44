package xlsx

// Cell edits written straight into a sheet's XML. excelize edits a cell by
// unmarshalling the whole sheet into its object model and marshalling it
// again on write: for a nine-table workbook that round trip was a third of
// the cost of annotating. Apply instead rewrites only the <c> elements it
// changes (and inserts the ones that are missing), leaving every other
// byte of the sheet as the user's program wrote it. Styles still go
// through excelize's style table (cloneXf), so the result is what
// SetNumberLike and Mark produce. A formula in a target cell is kept: the
// number becomes its cached value. A sheet the patcher does not understand
// fully (rows or cells without addresses,
// prefixed element names, a sheet excelize has already loaded) is edited
// through excelize as before.

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// CellChange is one cell's annotation: a number written into it, a mark,
// or both (the mark is applied to the filled cell).
type CellChange struct {
	Sheet, Cell string
	// Number is decimal text (as decimal.Decimal.String writes it) stored
	// as a numeric cell; "" leaves the value alone.
	Number string
	// RefSheet!RefCell lends its number format when the cell has none
	// (see SetNumberLike).
	RefSheet, RefCell string
	Mark              string // a mark kind, "" for none
}

// Apply makes the changes as SetNumberLike then Mark on each cell would.
// Marks are recorded (for ClearAnnotations) in the order of changes.
func (b *Book) Apply(changes []CellChange) error {
	if err := b.edit(); err != nil {
		return err
	}
	for _, c := range changes {
		if c.Number != "" && !plainNumber(c.Number) {
			return fmt.Errorf("xlsx: %s!%s: %q is not a number", c.Sheet, c.Cell, c.Number)
		}
		if c.Mark != "" && markColors[c.Mark] == "" {
			return fmt.Errorf("xlsx: unknown mark %q", c.Mark)
		}
	}
	var sheets []string
	bySheet := map[string][]int{}
	for i, c := range changes {
		if _, ok := bySheet[c.Sheet]; !ok {
			sheets = append(sheets, c.Sheet)
		}
		bySheet[c.Sheet] = append(bySheet[c.Sheet], i)
	}
	recs := make([]markRec, len(changes))
	for _, sh := range sheets {
		idx := bySheet[sh]
		done, err := b.patchSheet(sh, changes, idx, recs)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		for _, i := range idx {
			if b.stop.Tick() {
				return b.stop.Err()
			}
			c := changes[i]
			if c.Number != "" {
				if err := b.setNumberText(c.Sheet, c.Cell, c.Number, c.RefSheet, c.RefCell); err != nil {
					return err
				}
			}
			if c.Mark != "" {
				rec, err := b.markCell(c.Sheet, c.Cell, c.Mark)
				if err != nil {
					return err
				}
				recs[i] = rec
			}
		}
	}
	for i, c := range changes {
		if c.Mark != "" {
			b.recordMark(recs[i])
		}
	}
	return nil
}

// maxPatchCells bounds the cells a plan records (a nine-table sheet has a
// few thousand).
const maxPatchCells = 1 << 17

// pkey is a cell's key in a patch plan (rows up to 2^21, columns 2^14).
func pkey(r, c int) int64 { return int64(r)<<20 | int64(c) }

// plainNumber accepts what decimal.Decimal.String writes: -?digits(.digits)?
func plainNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	ip, fp, dot := strings.Cut(s, ".")
	digits := func(x string) bool {
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return false
			}
		}
		return x != ""
	}
	return digits(ip) && (!dot || digits(fp))
}

type colStyle struct{ min, max, style int }

type rowInfo struct {
	r, s        int
	off, tagEnd int // the start tag
	closeOff    int // start of </row>; == tagEnd for <row/>
	self        bool
	firstCell   int // index into plan.cells
}

type cellInfo struct {
	row, col    int
	off, tagEnd int
	end         int // after </c> (or "/>")
	self        bool
	s           int
	attrs       []attr // target cells only (spans into the part)
	// Target cells only: the end of the <f> element (0: no formula), the
	// <v> and <is> elements to drop, the start of </c>.
	fEnd     int
	drop     [][2]int
	closeTag int
}

// patchPlan is the first pass over a sheet: where rows and cells are, and
// the styles of the cells Apply needs.
type patchPlan struct {
	raw            []byte
	want           map[int64]bool // targets and references
	depth          int
	inCols         bool
	sdOff, sdEnd   int // <sheetData> start tag
	sdClose        int // start of </sheetData>
	sdSelf, sdSeen bool
	inSheetData    bool
	cols           []colStyle
	rows           []rowInfo
	cells          []cellInfo
	cellAt         map[int64]int // want key -> index into cells
	inRow, inCell  bool
	curCell        int
	childOff       int // start of the current child of a target cell
	inMerges       bool
	merges         []string // mergeCell refs as written
	bad            bool
	top            *sheetTop // when set, the sheet's top level is read in the same pass
}

func (p *patchPlan) fail() error { p.bad = true; return errPatch }

var errPatch = fmt.Errorf("sheet not patchable")

// plain reports whether the tag at off is written without a prefix.
func (p *patchPlan) plain(off int, local []byte) bool {
	rest := p.raw[off+1:]
	if !bytes.HasPrefix(rest, local) || len(rest) == len(local) {
		return false
	}
	switch rest[len(local)] {
	case ' ', '\t', '\n', '\r', '>', '/':
		return true
	}
	return false
}

func (p *patchPlan) startTag(local []byte, attrs []attr, off, end int) error {
	if p.top != nil {
		p.top.startTag(local, attrs, off, end)
	}
	p.depth++
	self := p.raw[end-2] == '/'
	switch {
	case p.depth == 2 && string(local) == "cols":
		p.inCols = true
	case p.depth == 2 && string(local) == "mergeCells":
		p.inMerges = true
	case p.depth == 3 && p.inMerges && string(local) == "mergeCell":
		for _, a := range attrs {
			if string(a.local) == "ref" {
				p.merges = append(p.merges, string(a.value))
			}
		}
	case p.depth == 3 && p.inCols && string(local) == "col":
		var c colStyle
		for _, a := range attrs {
			v, err := atoi(a.value)
			switch string(a.local) {
			case "min":
				c.min = v
			case "max":
				c.max = v
			case "style":
				c.style = v
			default:
				continue
			}
			if err != nil {
				return p.fail()
			}
		}
		p.cols = append(p.cols, c)
	case p.depth == 2 && string(local) == "sheetData":
		if !p.plain(off, local) || p.sdSeen {
			return p.fail()
		}
		p.sdSeen, p.sdOff, p.sdEnd, p.sdSelf = true, off, end, self
		p.sdClose, p.inSheetData = end, !self
	case p.depth == 3 && p.inSheetData && string(local) == "row":
		if !p.plain(off, local) {
			return p.fail()
		}
		ri := rowInfo{off: off, tagEnd: end, closeOff: end, self: self, firstCell: len(p.cells)}
		for _, a := range attrs {
			switch string(a.local) {
			case "r":
				n, err := atoi(a.value)
				if err != nil || n <= 0 {
					return p.fail()
				}
				ri.r = n
			case "s":
				n, err := atoi(a.value)
				if err != nil {
					return p.fail()
				}
				ri.s = n
			}
		}
		if ri.r == 0 || len(p.rows) > 0 && ri.r <= p.rows[len(p.rows)-1].r {
			return p.fail()
		}
		p.rows = append(p.rows, ri)
		p.inRow = true
	case p.depth == 4 && p.inRow && string(local) == "c":
		if !p.plain(off, local) {
			return p.fail()
		}
		ci := cellInfo{off: off, tagEnd: end, end: end, self: self}
		row := &p.rows[len(p.rows)-1]
		for _, a := range attrs {
			switch string(a.local) {
			case "r":
				r, c, ok := parseRef(string(a.value))
				if !ok || r != row.r {
					return p.fail()
				}
				ci.row, ci.col = r, c
			case "s":
				n, err := atoi(a.value)
				if err != nil {
					return p.fail()
				}
				ci.s = n
			}
		}
		if ci.row == 0 {
			return p.fail()
		}
		if n := len(p.cells); n > row.firstCell && ci.col <= p.cells[n-1].col {
			return p.fail()
		}
		k := pkey(ci.row, ci.col)
		if p.want[k] {
			ci.attrs = append([]attr(nil), attrs...)
			p.cellAt[k] = len(p.cells)
		}
		if len(p.cells) >= maxPatchCells {
			return p.fail() // a sheet of styled blanks: leave it to excelize
		}
		p.cells = append(p.cells, ci)
		p.inCell, p.curCell = true, len(p.cells)-1
	case p.depth == 5 && p.inCell:
		p.childOff = off
	}
	return nil
}

func (p *patchPlan) endTag(local []byte, off, end int) error {
	if p.top != nil {
		p.top.endTag(local, off, end)
	}
	switch {
	case p.depth == 2 && string(local) == "cols":
		p.inCols = false
	case p.depth == 2 && string(local) == "mergeCells":
		p.inMerges = false
	case p.depth == 2 && string(local) == "sheetData" && p.sdSeen:
		if p.inSheetData {
			p.sdClose = off
		}
		p.inSheetData = false
	case p.depth == 3 && p.inRow && string(local) == "row":
		p.rows[len(p.rows)-1].closeOff = off
		p.inRow = false
	case p.depth == 5 && p.inCell:
		c := &p.cells[p.curCell]
		if !p.want[pkey(c.row, c.col)] {
			break
		}
		switch string(local) {
		case "f":
			c.fEnd = end
		case "v", "is":
			c.drop = append(c.drop, [2]int{p.childOff, end})
		}
	case p.depth == 4 && p.inCell && string(local) == "c":
		p.cells[p.curCell].end = end
		p.cells[p.curCell].closeTag = off
		p.inCell = false
	}
	p.depth--
	return nil
}

func (p *patchPlan) charData([]byte) {}

// style is excelize's GetCellStyle on the planned sheet: the cell's style,
// else its row's, else its column's.
func (p *patchPlan) style(row, col int) int {
	if i, ok := p.cellAt[pkey(row, col)]; ok && p.cells[i].s != 0 {
		return p.cells[i].s
	}
	if i := p.rowIndex(row); i >= 0 && p.rows[i].s != 0 {
		return p.rows[i].s
	}
	for _, c := range p.cols {
		if c.min <= col && col <= c.max && c.style != 0 {
			return c.style
		}
	}
	return 0
}

func (p *patchPlan) rowIndex(r int) int {
	i := sort.Search(len(p.rows), func(i int) bool { return p.rows[i].r >= r })
	if i < len(p.rows) && p.rows[i].r == r {
		return i
	}
	return -1
}

// patchSheet applies changes[idx] (all on sheet) to the sheet's XML. It
// returns false, having changed nothing, when the sheet must go through
// excelize instead.
func (b *Book) patchSheet(sheet string, changes []CellChange, idx []int, recs []markRec) (bool, error) {
	p, ok := b.paths[sheet]
	if !ok || b.wbPath != "xl/workbook.xml" || !strings.HasPrefix(p, "xl/worksheets/") || strings.Contains(p, "..") {
		return false, nil
	}
	for _, s := range b.sheets {
		if s.Name != sheet && strings.EqualFold(s.Name, sheet) {
			return false, nil // excelize finds sheets case-insensitively
		}
	}
	if _, loaded := b.f.Sheet.Load(p); loaded {
		return false, nil
	}
	v, ok := b.f.Pkg.Load(p)
	if !ok {
		return false, nil
	}
	raw, ok := v.([]byte)
	if !ok {
		return false, nil
	}
	type target struct {
		row, col, i int
	}
	targets := make([]target, 0, len(idx))
	plan := &patchPlan{raw: raw, want: map[int64]bool{}, cellAt: map[int64]int{}}
	for _, i := range idx {
		c := changes[i]
		r, col, ok := parseRef(c.Cell)
		if !ok || Addr(r, col) != c.Cell {
			return false, nil
		}
		if plan.want[pkey(r, col)] {
			return false, nil // the same cell twice: leave the order to excelize
		}
		plan.want[pkey(r, col)] = true
		targets = append(targets, target{r, col, i})
		if c.Number != "" && c.RefSheet != "" && c.RefCell != "" {
			if c.RefSheet != sheet {
				return false, nil
			}
			rr, rc, ok := parseRef(c.RefCell)
			if !ok {
				return false, nil
			}
			plan.want[pkey(rr, rc)] = true
		}
	}
	if !scanXMLStop(raw, plan, b.stop) || plan.bad || plan.depth != 0 || !plan.sdSeen {
		return false, b.stop.Err()
	}
	// excelize redirects an edit inside a merged range to the range's first
	// cell; leave any cell in a merge to excelize.
	for _, ref := range plan.merges {
		if !strings.Contains(ref, ":") {
			ref += ":" + ref
		}
		m, ok := parseRange(ref)
		if !ok {
			return false, nil
		}
		for k := range plan.want {
			if r, c := int(k>>20), int(k&0xfffff); r >= m.Top && r <= m.Bottom && c >= m.Left && c <= m.Right {
				return false, nil
			}
		}
	}
	xfs := b.f.Styles.CellXfs
	numFmtOf := func(s int) (int, bool) {
		if s < 0 || s >= len(xfs.Xf) {
			return 0, false
		}
		if id := xfs.Xf[s].NumFmtID; id != nil {
			return *id, true
		}
		return 0, true
	}
	// Check every style before changing the style table, so that a
	// fallback to excelize starts from the same state.
	for _, t := range targets {
		if _, ok := numFmtOf(plan.style(t.row, t.col)); !ok {
			return false, nil
		}
	}
	st := b.ann()
	newStyle := make([]int, len(targets))
	for k, t := range targets {
		c := changes[t.i]
		s := plan.style(t.row, t.col)
		if c.Number != "" {
			if id, _ := numFmtOf(s); id == 0 {
				fmtID := 0
				if c.RefSheet != "" && c.RefCell != "" {
					rr, rc, _ := parseRef(c.RefCell)
					if id, ok := numFmtOf(plan.style(rr, rc)); ok && id != 0 {
						fmtID = id
					}
				}
				if fmtID == 0 {
					var err error
					if fmtID, err = b.numFmtID(defaultNumFmt); err != nil {
						return false, err
					}
				}
				nid, err := b.cloneXf(s, 1, fmtID)
				if err != nil {
					return false, err
				}
				s = nid
			}
		}
		if c.Mark != "" {
			fid, err := b.fillID(markColors[c.Mark])
			if err != nil {
				return false, err
			}
			orig := s
			if rec, seen := st.marked[sheet+"!"+c.Cell]; seen {
				orig = rec.orig
			}
			nid, err := b.cloneXf(orig, 0, fid)
			if err != nil {
				return false, err
			}
			recs[t.i] = markRec{sheet: sheet, cell: c.Cell, orig: orig}
			s = nid
		}
		newStyle[k] = s
	}
	out := plan.rewrite(targets2(targets, func(t target) (int, int, int) { return t.row, t.col, t.i }), changes, newStyle)
	b.f.Pkg.Store(p, out)
	b.patched++
	return true, nil
}

type tcell struct{ row, col, i, k int }

func targets2[T any](ts []T, f func(T) (int, int, int)) []tcell {
	out := make([]tcell, len(ts))
	for k, t := range ts {
		r, c, i := f(t)
		out[k] = tcell{r, c, i, k}
	}
	return out
}

type splice struct {
	start, end int
	with       []byte
}

// rewrite produces the patched part.
func (p *patchPlan) rewrite(ts []tcell, changes []CellChange, newStyle []int) []byte {
	sort.Slice(ts, func(a, b int) bool {
		if ts[a].row != ts[b].row {
			return ts[a].row < ts[b].row
		}
		return ts[a].col < ts[b].col
	})
	raw := p.raw
	var sp []splice
	newCell := func(t tcell) []byte {
		var w []byte
		w = append(w, `<c r="`...)
		w = append(w, Addr(t.row, t.col)...)
		w = append(w, '"')
		if s := newStyle[t.k]; s != 0 {
			w = append(w, ` s="`...)
			w = strconv.AppendInt(w, int64(s), 10)
			w = append(w, '"')
		}
		if n := changes[t.i].Number; n != "" {
			w = append(w, `><v>`...)
			w = append(w, n...)
			return append(w, `</v></c>`...)
		}
		return append(w, `/>`...)
	}
	// openTag is a start tag rewritten without its s (and, for a filled
	// cell, t) attribute, with the new style.
	openTag := func(ci cellInfo, s int, dropT, self bool) []byte {
		w := []byte(`<c`)
		for _, a := range ci.attrs {
			switch string(a.local) {
			case "s":
				continue
			case "t":
				if dropT {
					continue
				}
			}
			w = append(w, ' ')
			w = append(w, raw[a.off:a.end]...)
		}
		if s != 0 {
			w = append(w, ` s="`...)
			w = strconv.AppendInt(w, int64(s), 10)
			w = append(w, '"')
		}
		if self {
			return append(w, `/>`...)
		}
		return append(w, '>')
	}
	// Missing cells are gathered per insertion point.
	inserts := map[int][]byte{}
	var insertAt []int
	addInsert := func(at int, b []byte) {
		if _, ok := inserts[at]; !ok {
			insertAt = append(insertAt, at)
		}
		inserts[at] = append(inserts[at], b...)
	}
	for ti := 0; ti < len(ts); {
		t := ts[ti]
		ri := p.rowIndex(t.row)
		if ri < 0 {
			// A new row with every target of that row.
			var w []byte
			w = append(w, `<row r="`...)
			w = strconv.AppendInt(w, int64(t.row), 10)
			w = append(w, `">`...)
			for ; ti < len(ts) && ts[ti].row == t.row; ti++ {
				w = append(w, newCell(ts[ti])...)
			}
			w = append(w, `</row>`...)
			at := p.sdClose
			if j := sort.Search(len(p.rows), func(j int) bool { return p.rows[j].r > t.row }); j < len(p.rows) {
				at = p.rows[j].off
			}
			addInsert(at, w)
			continue
		}
		row := p.rows[ri]
		end := len(p.cells)
		if ri+1 < len(p.rows) {
			end = p.rows[ri+1].firstCell
		}
		rowCells := p.cells[row.firstCell:end]
		var reopen []byte // cells for a self-closing row
		for ; ti < len(ts) && ts[ti].row == t.row; ti++ {
			t := ts[ti]
			c := changes[t.i]
			if ci, ok := p.cellAt[pkey(t.row, t.col)]; ok {
				cell := p.cells[ci]
				if c.Number != "" && cell.fEnd > 0 {
					w := cachedCell(raw, cell, openTag(cell, newStyle[t.k], true, false), c.Number)
					sp = append(sp, splice{cell.off, cell.end, w})
				} else if c.Number != "" {
					w := openTag(cell, newStyle[t.k], true, false)
					w = append(w, `<v>`...)
					w = append(w, c.Number...)
					w = append(w, `</v></c>`...)
					sp = append(sp, splice{cell.off, cell.end, w})
				} else {
					sp = append(sp, splice{cell.off, cell.tagEnd, openTag(cell, newStyle[t.k], false, cell.self)})
				}
				continue
			}
			if row.self {
				reopen = append(reopen, newCell(t)...)
				continue
			}
			at := row.closeOff
			for _, rc := range rowCells {
				if rc.col > t.col {
					at = rc.off
					break
				}
			}
			addInsert(at, newCell(t))
		}
		if len(reopen) > 0 {
			// <row .../> becomes <row ...>cells</row>.
			tag := bytes.TrimRight(raw[row.off:row.tagEnd-2], " \t\n\r")
			w := append(append([]byte{}, tag...), '>')
			w = append(w, reopen...)
			w = append(w, `</row>`...)
			sp = append(sp, splice{row.off, row.tagEnd, w})
		}
	}
	for _, at := range insertAt {
		ins := inserts[at]
		if at == p.sdClose && p.sdSelf {
			tag := bytes.TrimRight(raw[p.sdOff:p.sdEnd-2], " \t\n\r")
			w := append(append([]byte{}, tag...), '>')
			w = append(w, ins...)
			w = append(w, `</sheetData>`...)
			sp = append(sp, splice{p.sdOff, p.sdEnd, w})
			continue
		}
		sp = append(sp, splice{at, at, ins})
	}
	sort.SliceStable(sp, func(a, b int) bool {
		if sp[a].start != sp[b].start {
			return sp[a].start < sp[b].start
		}
		return sp[a].end < sp[b].end
	})
	out := make([]byte, 0, len(raw)+64*len(ts))
	pos := 0
	for _, s := range sp {
		out = append(out, raw[pos:s.start]...)
		out = append(out, s.with...)
		pos = s.end
	}
	return append(out, raw[pos:]...)
}

// cachedCell writes a formula cell with number as its cached value: open
// is the new start tag; the formula and any other children stay as they
// were, the old <v> (and an inline string) go, and <v>number</v> follows
// the <f> element.
func cachedCell(raw []byte, ci cellInfo, open []byte, number string) []byte {
	w := append([]byte{}, open...)
	pos := ci.tagEnd
	emit := func(to int) {
		for _, d := range ci.drop {
			if d[0] >= pos && d[1] <= to {
				w = append(w, raw[pos:d[0]]...)
				pos = d[1]
			}
		}
		w = append(w, raw[pos:to]...)
		pos = to
	}
	emit(ci.fEnd)
	w = append(w, `<v>`...)
	w = append(w, number...)
	w = append(w, `</v>`...)
	emit(ci.closeTag)
	return append(w, `</c>`...)
}

// setCachedValues gives the formula cells of a sheet part written by
// excelize their cached values (part-key -> decimal text): the excelize
// path of Apply keeps a target's formula (SetCellDefault would delete it,
// with the formulas sharing it) and leaves its value to this pass. A part
// the planner does not read is returned unchanged: the formulas are kept
// either way.
func setCachedValues(raw []byte, vals map[int64]string) []byte {
	plan := &patchPlan{raw: raw, want: map[int64]bool{}, cellAt: map[int64]int{}}
	for k := range vals {
		plan.want[k] = true
	}
	if !scanXML(raw, plan) || plan.bad || plan.depth != 0 {
		return raw
	}
	var sp []splice
	for k, n := range vals {
		i, ok := plan.cellAt[k]
		if !ok || plan.cells[i].fEnd == 0 {
			continue
		}
		ci := plan.cells[i]
		open := []byte(`<c`)
		for _, a := range ci.attrs {
			if string(a.local) == "t" {
				continue // the cached value is a number
			}
			open = append(open, ' ')
			open = append(open, raw[a.off:a.end]...)
		}
		open = append(open, '>')
		sp = append(sp, splice{ci.off, ci.end, cachedCell(raw, ci, open, n)})
	}
	sort.Slice(sp, func(a, b int) bool { return sp[a].start < sp[b].start })
	out := make([]byte, 0, len(raw)+32*len(sp))
	pos := 0
	for _, s := range sp {
		out = append(out, raw[pos:s.start]...)
		out = append(out, s.with...)
		pos = s.end
	}
	return append(out, raw[pos:]...)
}
