package xlsx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/juesuan/juesuan/model"
)

// Cell is one non-empty cell of a grid.
type Cell struct {
	Text       string // shared/inline string, or the raw number / cached formula result
	Number     bool   // a typed numeric cell (Text is the stored value, unformatted)
	Error      bool   // an error value such as #DIV/0!
	HasFormula bool
	Formula    string // formula text; "" for the followers of a shared formula
	// Decimals printed by the cell's number format; -1 for General or
	// text. Meaningful for non-empty cells only.
	Decimals int
}

// Merge is a merged range, 1-based and inclusive.
type Merge struct{ Top, Left, Bottom, Right int }

// Grid is the used range of one sheet as plain values. The value of a
// merged range lives in its top-left cell only; MergeAt reports the range
// so callers can spread header text.
type Grid struct {
	Sheet  string
	MaxRow int // last row holding a value
	MaxCol int // last column holding a value
	Merges []Merge
	rows   [][]Cell
	merge  map[int32]int32 // (row<<16|col) -> index into Merges, for cells inside the used range
}

func mkey(r, c int) int32 { return int32(r)<<16 | int32(c) }

// At returns the cell at row, col (1-based); the zero Cell when empty.
func (g *Grid) At(row, col int) Cell {
	if row < 1 || row > len(g.rows) {
		return Cell{Decimals: -1}
	}
	r := g.rows[row-1]
	if col < 1 || col > len(r) {
		return Cell{Decimals: -1}
	}
	return r[col-1]
}

// Text returns the text at row, col.
func (g *Grid) Text(row, col int) string { return g.At(row, col).Text }

// MergeAt returns the merged range containing row, col.
func (g *Grid) MergeAt(row, col int) (Merge, bool) {
	if i, ok := g.merge[mkey(row, col)]; ok {
		return g.Merges[i], true
	}
	return Merge{}, false
}

// SpreadText is the text shown at row, col: the top-left value of its
// merged range when it lies in one.
func (g *Grid) SpreadText(row, col int) string {
	if m, ok := g.MergeAt(row, col); ok {
		return g.Text(m.Top, m.Left)
	}
	return g.Text(row, col)
}

// Grid reads a sheet once (later calls return the same grid). A sheet
// part that is not well-formed XML is ECorrupt (excelize's GetRows would
// silently stop at the break); a used range beyond the limits is ETooMany.
func (b *Book) Grid(sheet string) (*Grid, error) {
	if g, ok := b.grids[sheet]; ok {
		return g, nil
	}
	p, ok := b.paths[sheet]
	if !ok {
		return nil, model.Errorf(model.ENotFound, nil, model.MsgNoSheet, sheet)
	}
	raw, ok, err := b.part(p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.Errorf(model.ECorrupt, nil, model.MsgSheetPartMissing, sheet, p)
	}
	if err := b.loadSST(); err != nil {
		return nil, err
	}
	if err := b.loadStyles(); err != nil {
		return nil, err
	}
	g, err := b.parseSheet(sheet, raw)
	if err != nil {
		return nil, err
	}
	b.grids[sheet] = g
	return g, nil
}

func (b *Book) loadSST() error {
	if b.sstOK {
		return nil
	}
	b.sstOK = true
	raw, ok, err := b.part("xl/sharedStrings.xml")
	if err != nil || !ok {
		return err
	}
	b.sst, err = parseSSTStop(raw, true, b.stop)
	return err
}

// parseSST reads the shared strings part, with the fast scanner when fast
// is set and the part is in its subset, else with encoding/xml, which
// gives the reference result or error.
func parseSST(raw []byte, fast bool) ([]string, error) { return parseSSTStop(raw, fast, nil) }

// parseSSTStop is parseSST ending with stop's error once stop is done.
func parseSSTStop(raw []byte, fast bool, stop *model.Stop) ([]string, error) {
	p := &sstParse{stop: stop}
	if fast && scanXML(raw, p) && p.depth == 0 {
		return p.strings(), nil
	}
	if err := stop.Err(); err != nil {
		return nil, err
	}
	p = &sstParse{stop: stop}
	d := xml.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if p.depth != 0 {
				return nil, model.Errorf(model.ECorrupt, io.ErrUnexpectedEOF, model.MsgSharedStringsTruncated)
			}
			return p.strings(), nil
		}
		if err != nil {
			return nil, model.Errorf(model.ECorrupt, err, model.MsgSharedStringsBroken)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := p.startTag([]byte(t.Name.Local), nil, 0, 0); err != nil {
				return nil, err
			}
		case xml.EndElement:
			p.endTag([]byte(t.Name.Local), 0, 0)
		case xml.CharData:
			p.charData(t)
		}
	}
}

// sstParse collects the shared strings: the text of each <si>, phonetic
// runs (<rPh>) left out. The texts are gathered in one buffer and cut
// from one string at the end (strings), not allocated one by one.
type sstParse struct {
	spans            []span // each string in all
	all              []byte
	cur              int // where the text of the current <si> starts in all
	depth            int
	inSI, inT, inRPh bool
	stop             *model.Stop
}

// strings returns the shared strings read.
func (p *sstParse) strings() []string {
	if p.spans == nil {
		return nil
	}
	all := string(p.all)
	out := make([]string, len(p.spans))
	for i, sp := range p.spans {
		out[i] = all[sp.off:sp.end]
	}
	return out
}

func (p *sstParse) startTag(local []byte, _ []attr, _, _ int) error {
	if p.stop.Tick() {
		return p.stop.Err()
	}
	p.depth++
	switch string(local) {
	case "si":
		p.inSI = true
		p.cur = len(p.all)
	case "t":
		p.inT = true
	case "rPh":
		p.inRPh = true
	}
	return nil
}

func (p *sstParse) endTag(local []byte, _, _ int) error {
	p.depth--
	switch string(local) {
	case "si":
		p.inSI = false
		// Text is added only inside an <si>, so all[cur:] is its text
		// (again, for an </si> without a new <si>).
		p.spans = append(p.spans, span{int32(p.cur), int32(len(p.all))})
	case "t":
		p.inT = false
	case "rPh":
		p.inRPh = false
	}
	return nil
}

func (p *sstParse) charData(t []byte) {
	if p.inSI && p.inT && !p.inRPh {
		p.all = append(p.all, t...)
	}
}

// decimals returns the decimals printed by the number format of style s.
func (b *Book) decimals(s int) int {
	if s == 0 {
		return -1
	}
	if d, ok := b.styles[s]; ok {
		return d
	}
	if b.styles == nil {
		b.styles = map[int]int{}
	}
	d := -1
	if s > 0 && s < len(b.xfFmt) {
		id := b.xfFmt[s]
		if code, ok := b.fmts[id]; ok && !builtinFmt(id) {
			d = formatDecimals(code)
		} else {
			d = builtinDecimals(id)
		}
	}
	b.styles[s] = d
	return d
}

// builtinFmt mirrors excelize's choice of a built-in format over a custom
// one of the same id (builtInNumFmt and isLangNumFmt).
func builtinFmt(id int) bool {
	return id >= 0 && id <= 4 || id >= 9 && id <= 22 || id >= 27 && id <= 62 || id >= 67 && id <= 81
}

type xmlStyles struct {
	NumFmts []struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	} `xml:"numFmts>numFmt"`
	Xfs []struct {
		NumFmt int `xml:"numFmtId,attr"`
	} `xml:"cellXfs>xf"`
}

// parseStyles reads what xmlStyles holds, with the fast scanner when fast
// is set and the part is in its subset, else with xml.Unmarshal.
func parseStyles(raw []byte, fast bool) (xmlStyles, error) {
	if fast {
		p := &stylesParse{}
		if scanXML(raw, p) && !p.bad && p.depth == 0 {
			return p.st, nil
		}
	}
	var st xmlStyles
	if err := xml.Unmarshal(raw, &st); err != nil && err != io.EOF {
		return xmlStyles{}, model.Errorf(model.ECorrupt, err, model.MsgStylesBroken)
	}
	return st, nil
}

// stylesParse is xml.Unmarshal into xmlStyles for the scanner. It gives
// up (bad) where Unmarshal could disagree: mismatched end tags, a number
// attribute that is not plain digits.
type stylesParse struct {
	st    xmlStyles
	stack []string
	depth int
	roots int // Unmarshal reads the first root element only
	bad   bool
}

func (p *stylesParse) startTag(local []byte, attrs []attr, _, _ int) error {
	p.depth++
	p.stack = append(p.stack, string(local))
	if p.depth == 1 {
		if p.roots++; p.roots > 1 {
			p.bad = true
			return errPatch
		}
	}
	if p.depth != 3 {
		return nil
	}
	num := func(v []byte) int {
		n, err := atoi(v)
		if err != nil || len(v) == 0 || v[0] < '0' || v[0] > '9' {
			p.bad = true
		}
		return n
	}
	switch {
	case p.stack[1] == "numFmts" && string(local) == "numFmt":
		var f struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		}
		for _, a := range attrs {
			switch string(a.local) {
			case "numFmtId":
				f.ID = num(a.value)
			case "formatCode":
				f.Code = string(a.value)
			}
		}
		p.st.NumFmts = append(p.st.NumFmts, f)
	case p.stack[1] == "cellXfs" && string(local) == "xf":
		var x struct {
			NumFmt int `xml:"numFmtId,attr"`
		}
		for _, a := range attrs {
			if string(a.local) == "numFmtId" {
				x.NumFmt = num(a.value)
			}
		}
		p.st.Xfs = append(p.st.Xfs, x)
	}
	if p.bad {
		return errPatch
	}
	return nil
}

func (p *stylesParse) endTag(local []byte, _, _ int) error {
	if p.depth == 0 || p.stack[len(p.stack)-1] != string(local) {
		p.bad = true
		return errPatch
	}
	p.stack = p.stack[:len(p.stack)-1]
	p.depth--
	return nil
}

func (p *stylesParse) charData([]byte) {}

// loadStyles reads the number format of every cell style from styles.xml
// (the only part of the styles the reader needs).
func (b *Book) loadStyles() error {
	if b.stOK {
		return nil
	}
	b.stOK = true
	raw, ok, err := b.part("xl/styles.xml")
	if err != nil || !ok {
		return err
	}
	st, err := parseStyles(raw, true)
	if err != nil {
		return err
	}
	b.fmts = make(map[int]string, len(st.NumFmts))
	for _, f := range st.NumFmts {
		b.fmts[f.ID] = f.Code // the last definition wins, as in excelize
	}
	b.xfFmt = make([]int, len(st.Xfs))
	for i, x := range st.Xfs {
		b.xfFmt[i] = x.NumFmt
	}
	return nil
}

func builtinDecimals(id int) int {
	switch id {
	case 1, 3, 9, 37, 38, 41, 42:
		return 0
	case 2, 4, 10, 11, 39, 40, 43, 44:
		return 2
	}
	return -1
}

// formatDecimals counts the 0/# placeholders after the decimal point of
// the first section of a number format that has digit placeholders (the
// positive one, unless a conditional or literal section comes first, as
// in [=0]"-";#,##0.00), skipping quoted text, escaped characters, the
// character after _ or *, and bracketed colours, conditions and locales
// ([Red], [>=100], [$¥-804], [DBNum2]). General, alone or with a locale,
// prints as many decimals as the value has: -1.
func formatDecimals(code string) int {
	inQuote, afterDot, n, digits := false, false, 0, false
	for i := 0; i < len(code); i++ {
		ch := code[i]
		switch {
		case ch == '"':
			inQuote = !inQuote
		case inQuote:
		case ch == '\\' || ch == '_' || ch == '*':
			i++
		case ch == '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				i += j
			}
		case ch == ';':
			if digits {
				return n
			}
			afterDot, n = false, 0
		case ch == 'G' || ch == 'g':
			if len(code)-i >= 7 && strings.EqualFold(code[i:i+7], "general") {
				return -1
			}
		case ch == '.':
			afterDot = true
		case ch == '0' || ch == '#' || ch == '?':
			digits = true
			if afterDot {
				n++
			}
		case afterDot && n > 0:
			afterDot = false
		}
	}
	if !digits {
		return -1
	}
	return n
}

var errTruncated = errors.New("sheet XML ends inside an element")

// attr is one attribute of a start tag: the local name, the decoded value
// and, from the fast scanner, where it lies in the part (name to closing
// quote).
type attr struct {
	local, value []byte
	off, end     int
}

// sheetParse is the state of reading one sheet's XML. It is fed start,
// end and text events by either tokenizer (scan.go's fast one, or
// encoding/xml's RawToken when the fast one declines).
type sheetParse struct {
	b                *Book
	g                *Grid
	lim              Limits
	depth            int
	row, col         int // current row and cell position
	inSheetData      bool
	cell             Cell
	cellType         []byte
	inCell           bool
	inV, inF, inIS   bool
	inT, inRPh       bool
	cellRow, cellCol int
	cellVal          []byte
	formula          []byte
	cells            int
	// The grid is built once the part is read (build): the cells so far,
	// their texts and formulas in one buffer that becomes one string, so
	// a sheet costs a few allocations rather than two per cell. Both
	// buffers are the book's, reused from sheet to sheet.
	pending []pendingCell
	arena   []byte
}

// pendingCell is a cell read but not yet placed (32 bytes, not a Cell's
// 56): its text is the arena's, a shared string or a constant.
type pendingCell struct {
	row, col int32
	decimals int32
	number   bool
	err      bool
	formula  bool
	text     textKind
	span     span // the text in the arena, or {index, 0} of the shared string
	fspan    span // the formula in the arena
}

type textKind uint8

const (
	textNone textKind = iota
	textArena
	textShared
	textTrue
	textFalse
)

type span struct{ off, end int32 }

// keep copies b to the arena.
func (p *sheetParse) keep(b []byte) span {
	off := len(p.arena)
	p.arena = append(p.arena, b...)
	return span{int32(off), int32(len(p.arena))}
}

// build places the pending cells into the grid's rows (one slab for all
// of them; a later cell at the same address replaces an earlier one, as
// when each was put in turn) and indexes the merges.
func (p *sheetParse) build() (*Grid, error) {
	g, b := p.g, p.b
	texts := string(p.arena)
	var widths []int32
	total := 0
	for i := range p.pending {
		pc := &p.pending[i]
		for len(widths) < int(pc.row) {
			widths = append(widths, 0)
		}
		if w := widths[pc.row-1]; pc.col > w {
			total += int(pc.col - w)
			widths[pc.row-1] = pc.col
		}
	}
	if len(widths) > 0 {
		slab := make([]Cell, total)
		g.rows = make([][]Cell, len(widths))
		for r, w := range widths {
			if w > 0 {
				g.rows[r], slab = slab[:w:w], slab[w:]
				g.MaxCol = max(g.MaxCol, int(w))
			}
		}
		g.MaxRow = len(widths)
	}
	for i := range p.pending {
		pc := &p.pending[i]
		c := Cell{Number: pc.number, Error: pc.err, HasFormula: pc.formula, Decimals: int(pc.decimals)}
		switch pc.text {
		case textArena:
			c.Text = texts[pc.span.off:pc.span.end]
		case textShared:
			c.Text = b.sst[pc.span.off]
		case textTrue:
			c.Text = "TRUE"
		case textFalse:
			c.Text = "FALSE"
		}
		if pc.fspan.end > pc.fspan.off {
			c.Formula = texts[pc.fspan.off:pc.fspan.end]
		}
		g.rows[pc.row-1][pc.col-1] = c
	}
	b.pendBuf, b.arenaBuf = p.pending[:0], p.arena[:0]
	p.pending, p.arena = nil, nil
	if err := g.indexMerges(p.lim.MaxCells); err != nil {
		return nil, err
	}
	return g, nil
}

func (p *sheetParse) corrupt(err error) error {
	return model.Errorf(model.ECorrupt, err, model.MsgSheetBroken, p.g.Sheet)
}

// The sheet size of the file format (A1:XFD1048576).
const (
	maxSheetRows = MaxRow
	maxSheetCols = MaxCol
)

// badRef is the error for a row number or cell address outside the sheet
// or not an address at all.
func (p *sheetParse) badRef(what string, v []byte) error {
	s := string(v)
	if r := []rune(s); len(r) > 24 {
		s = string(r[:24]) + "…"
	}
	return model.Errorf(model.ECorrupt, nil, model.MsgBadRef, p.g.Sheet, what, s)
}

// atoi is strconv.Atoi for the plain digit strings sheets hold, without
// a string conversion; other forms go through strconv.
func atoi(b []byte) (int, error) {
	if n := len(b); n > 0 && n <= 18 {
		v := 0
		for _, ch := range b {
			if ch < '0' || ch > '9' {
				return strconv.Atoi(string(b))
			}
			v = v*10 + int(ch-'0')
		}
		return v, nil
	}
	return strconv.Atoi(string(b))
}

func (p *sheetParse) start(local []byte, attrs []attr) error {
	if p.b.stop.Tick() {
		return p.b.stop.Err()
	}
	p.depth++
	if p.depth > 64 {
		return p.corrupt(errors.New("XML nested too deeply"))
	}
	switch string(local) {
	case "sheetData":
		p.inSheetData = true
	case "row":
		if !p.inSheetData {
			return nil
		}
		p.row++
		p.col = 0
		for _, a := range attrs {
			if string(a.local) == "r" {
				n, err := atoi(a.value)
				if err != nil || n < 1 || n > maxSheetRows {
					return p.badRef(model.MsgRefRow, a.value)
				}
				p.row = n
			}
		}
	case "c":
		if !p.inSheetData {
			return nil
		}
		p.inCell = true
		p.col++
		p.cell = Cell{Decimals: -1}
		p.cellType = p.cellType[:0]
		p.cellRow, p.cellCol = p.row, p.col
		p.cellVal = p.cellVal[:0]
		p.formula = p.formula[:0]
		for _, a := range attrs {
			switch string(a.local) {
			case "r":
				// excelize, which writes the annotated copy, fails on an
				// address outside A1:XFD1048576: refuse it here, so that
				// check and fill both answer "corrupt".
				r, c, ok := parseRef(string(a.value))
				if !ok || r > maxSheetRows || c > maxSheetCols {
					return p.badRef(model.MsgRefCell, a.value)
				}
				p.cellRow, p.cellCol = r, c
				p.row, p.col = r, c
			case "t":
				p.cellType = append(p.cellType[:0], a.value...)
			case "s":
				if n, err := atoi(a.value); err == nil {
					p.cell.Decimals = p.b.decimals(n)
				}
			}
		}
	case "v":
		p.inV = p.inCell
	case "f":
		if p.inCell {
			p.inF = true
			p.cell.HasFormula = true
		}
	case "is":
		p.inIS = p.inCell
	case "t":
		p.inT = p.inIS
	case "rPh":
		p.inRPh = true
	case "mergeCell":
		for _, a := range attrs {
			if string(a.local) != "ref" {
				continue
			}
			m, ok := parseRange(string(a.value))
			if !ok {
				if bytes.ContainsRune(a.value, ':') {
					// excelize fails on it when the sheet is annotated.
					return p.badRef(model.MsgRefMerge, a.value)
				}
				continue
			}
			if m.Bottom > maxSheetRows || m.Right > maxSheetCols {
				return p.badRef(model.MsgRefMerge, a.value)
			}
			if len(p.g.Merges) >= p.lim.MaxCells {
				return model.Errorf(model.ETooMany, nil, model.MsgTooManyMerges, p.g.Sheet, p.lim.MaxCells)
			}
			p.g.Merges = append(p.g.Merges, m)
		}
	}
	return nil
}

func (p *sheetParse) text(t []byte) {
	switch {
	case p.inV:
		p.cellVal = append(p.cellVal, t...)
	case p.inF:
		p.formula = append(p.formula, t...)
	case p.inT && !p.inRPh:
		p.cellVal = append(p.cellVal, t...)
	}
}

func (p *sheetParse) end(local []byte) error {
	p.depth--
	switch string(local) {
	case "sheetData":
		p.inSheetData = false
	case "v":
		p.inV = false
	case "f":
		p.inF = false
	case "is":
		p.inIS = false
	case "t":
		p.inT = false
	case "rPh":
		p.inRPh = false
	case "c":
		if !p.inCell {
			return nil
		}
		p.inCell = false
		return p.endCell()
	}
	return nil
}

func (p *sheetParse) endCell() error {
	lim, sheet, b := p.lim, p.g.Sheet, p.b
	pc := pendingCell{decimals: int32(p.cell.Decimals), formula: p.cell.HasFormula}
	// The text is a shared string, a constant or raw (bytes kept in the
	// arena once the cell is known to be stored).
	var raw []byte
	switch string(p.cellType) {
	case "s":
		t := bytes.TrimSpace(p.cellVal)
		if len(t) == 0 {
			break
		}
		i, err := atoi(t)
		if err != nil || i < 0 || i >= len(b.sst) {
			return model.Errorf(model.ECorrupt, err, model.MsgBadSharedString, sheet, Addr(p.cellRow, p.cellCol))
		}
		if b.sst[i] != "" {
			pc.text, pc.span = textShared, span{int32(i), 0}
		}
	case "", "n":
		raw = bytes.TrimSpace(p.cellVal)
		pc.number = len(raw) > 0
	case "e":
		pc.err = true
		raw = p.cellVal
	case "b":
		switch string(p.cellVal) {
		case "1":
			pc.text = textTrue
		case "0":
			pc.text = textFalse
		default:
			raw = p.cellVal
		}
	default:
		raw = p.cellVal
	}
	if pc.text == textNone && len(raw) == 0 && !pc.formula {
		return nil
	}
	if p.cellRow < 1 {
		// A cell before any <row>, without an address: no position.
		return p.corrupt(errors.New("cell outside a row"))
	}
	if p.cellRow > lim.MaxRows {
		return model.Errorf(model.ETooMany, nil, model.MsgTooManyRows, sheet, lim.MaxRows, Addr(p.cellRow, p.cellCol))
	}
	if p.cellCol > lim.MaxCols {
		return model.Errorf(model.ETooMany, nil, model.MsgTooManyCols, sheet, lim.MaxCols, Addr(p.cellRow, p.cellCol))
	}
	p.cells++
	if p.cells > lim.MaxCells {
		return model.Errorf(model.ETooMany, nil, model.MsgTooManyCells, sheet, lim.MaxCells)
	}
	pc.row, pc.col = int32(p.cellRow), int32(p.cellCol)
	if len(raw) > 0 {
		pc.text, pc.span = textArena, p.keep(raw)
	}
	if len(p.formula) > 0 {
		pc.fspan = p.keep(p.formula)
	}
	p.pending = append(p.pending, pc)
	return nil
}

func (b *Book) newSheetParse(sheet string) *sheetParse {
	return &sheetParse{b: b, g: &Grid{Sheet: sheet}, lim: b.lim, pending: b.pendBuf[:0], arena: b.arenaBuf[:0]}
}

func (b *Book) parseSheet(sheet string, raw []byte) (*Grid, error) {
	if g, ok, err := b.scanSheet(sheet, raw); ok {
		return g, err
	}
	return b.parseSheetXML(sheet, raw)
}

// parseSheetXML reads a sheet with encoding/xml: the reference reader,
// used for anything the fast scanner does not accept.
func (b *Book) parseSheetXML(sheet string, raw []byte) (*Grid, error) {
	p := b.newSheetParse(sheet)
	d := xml.NewDecoder(bytes.NewReader(raw))
	var attrs []attr
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if p.depth != 0 {
				return nil, p.corrupt(errTruncated)
			}
			break
		}
		if err != nil {
			return nil, p.corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			attrs = attrs[:0]
			for _, a := range t.Attr {
				attrs = append(attrs, attr{local: []byte(a.Name.Local), value: []byte(a.Value)})
			}
			if err := p.start([]byte(t.Name.Local), attrs); err != nil {
				return nil, err
			}
		case xml.EndElement:
			if err := p.end([]byte(t.Name.Local)); err != nil {
				return nil, err
			}
		case xml.CharData:
			p.text(t)
		}
	}
	return p.build()
}

// indexMerges maps every cell of a merged range inside the used range to
// the range; the work is bounded by limit so merge storms cannot blow up.
func (g *Grid) indexMerges(limit int) error {
	if len(g.Merges) == 0 {
		return nil
	}
	g.merge = make(map[int32]int32, len(g.Merges)*4)
	budget := 4 * limit
	for i, m := range g.Merges {
		for r := m.Top; r <= min(m.Bottom, g.MaxRow); r++ {
			for c := m.Left; c <= min(m.Right, g.MaxCol); c++ {
				budget--
				if budget < 0 {
					return model.Errorf(model.ETooMany, nil, model.MsgMergesTooLarge, g.Sheet)
				}
				g.merge[mkey(r, c)] = int32(i)
			}
		}
	}
	return nil
}
