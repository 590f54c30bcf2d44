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

// ColName returns the column letters of a 1-based column number.
func ColName(col int) string {
	var buf [8]byte
	i := len(buf)
	for col > 0 {
		col--
		i--
		buf[i] = byte('A' + col%26)
		col /= 26
	}
	return string(buf[i:])
}

// Addr returns the A1 address of row, col.
func Addr(row, col int) string { return ColName(col) + strconv.Itoa(row) }

// RangeAddr returns an A1 range such as "A1:F40".
func RangeAddr(top, left, bottom, right int) string {
	return Addr(top, left) + ":" + Addr(bottom, right)
}

// parseRef splits "AB12" into row 12, col 28; ok is false when malformed.
func parseRef(s string) (row, col int, ok bool) {
	i := 0
	for i < len(s) {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		if ch < 'A' || ch > 'Z' {
			break
		}
		col = col*26 + int(ch-'A'+1)
		if col > 1<<14 {
			return 0, 0, false
		}
		i++
	}
	if i == 0 || i == len(s) {
		return 0, 0, false
	}
	for ; i < len(s); i++ {
		ch := s[i]
		if ch == '$' {
			continue
		}
		if ch < '0' || ch > '9' {
			return 0, 0, false
		}
		row = row*10 + int(ch-'0')
		if row > 1<<21 {
			return 0, 0, false
		}
	}
	return row, col, row > 0
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
		return nil, model.Errorf(model.ENotFound, nil, "没有名为“%s”的工作表。", sheet)
	}
	raw, ok := b.part(p)
	if !ok {
		return nil, model.Errorf(model.ECorrupt, nil, "工作表“%s”的数据部件（%s）缺失，文件已损坏。", sheet, p)
	}
	if err := b.loadSST(); err != nil {
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
	raw, ok := b.part("xl/sharedStrings.xml")
	if !ok {
		return nil
	}
	d := xml.NewDecoder(bytes.NewReader(raw))
	var (
		cur   strings.Builder
		inT   bool
		inRPh bool
		inSI  bool
		depth int
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if depth != 0 {
				return model.Errorf(model.ECorrupt, io.ErrUnexpectedEOF, "共享字符串部件不完整，文件已损坏。")
			}
			return nil
		}
		if err != nil {
			return model.Errorf(model.ECorrupt, err, "共享字符串部件已损坏。")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "si":
				inSI = true
				cur.Reset()
			case "t":
				inT = true
			case "rPh":
				inRPh = true
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "si":
				inSI = false
				b.sst = append(b.sst, cur.String())
			case "t":
				inT = false
			case "rPh":
				inRPh = false
			}
		case xml.CharData:
			if inSI && inT && !inRPh {
				cur.Write(t)
			}
		}
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
	if st, err := b.f.GetStyle(s); err == nil && st != nil {
		if st.CustomNumFmt != nil {
			d = formatDecimals(*st.CustomNumFmt)
		} else {
			d = builtinDecimals(st.NumFmt)
		}
	}
	b.styles[s] = d
	return d
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
// the positive section of a number format, skipping quoted text.
func formatDecimals(code string) int {
	if code == "" || strings.EqualFold(code, "general") {
		return -1
	}
	inQuote, afterDot, n, digits := false, false, 0, false
	for i := 0; i < len(code); i++ {
		ch := code[i]
		switch {
		case ch == '"':
			inQuote = !inQuote
		case inQuote:
		case ch == '\\':
			i++
		case ch == ';':
			i = len(code)
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

func (b *Book) parseSheet(sheet string, raw []byte) (*Grid, error) {
	g := &Grid{Sheet: sheet}
	lim := b.lim
	corrupt := func(err error) error {
		return model.Errorf(model.ECorrupt, err, "工作表“%s”的数据已损坏（XML 不完整或格式错误），请在 Excel/WPS 中重新保存后上传。", sheet)
	}
	d := xml.NewDecoder(bytes.NewReader(raw))
	var (
		depth            int
		row, col         int // current row and cell position
		inSheetData      bool
		cell             Cell
		cellType         string
		inCell           bool
		inV, inF, inIS   bool
		inT, inRPh       bool
		cellRow, cellCol int
		cellVal          strings.Builder
		formula          strings.Builder
		cells            int
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if depth != 0 {
				return nil, corrupt(errTruncated)
			}
			break
		}
		if err != nil {
			return nil, corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > 64 {
				return nil, corrupt(errors.New("XML nested too deeply"))
			}
			switch t.Name.Local {
			case "sheetData":
				inSheetData = true
			case "row":
				if !inSheetData {
					continue
				}
				row++
				col = 0
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if n, err := strconv.Atoi(a.Value); err == nil && n > 0 {
							row = n
						}
					}
				}
			case "c":
				if !inSheetData {
					continue
				}
				inCell = true
				col++
				cell = Cell{Decimals: -1}
				cellType = ""
				cellRow, cellCol = row, col
				cellVal.Reset()
				formula.Reset()
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						if r, c, ok := parseRef(a.Value); ok {
							cellRow, cellCol = r, c
							row, col = r, c
						}
					case "t":
						cellType = a.Value
					case "s":
						if n, err := strconv.Atoi(a.Value); err == nil {
							cell.Decimals = b.decimals(n)
						}
					}
				}
			case "v":
				inV = inCell
			case "f":
				if inCell {
					inF = true
					cell.HasFormula = true
				}
			case "is":
				inIS = inCell
			case "t":
				inT = inIS
			case "rPh":
				inRPh = true
			case "mergeCell":
				for _, a := range t.Attr {
					if a.Name.Local != "ref" {
						continue
					}
					m, ok := parseRange(a.Value)
					if !ok {
						continue
					}
					if len(g.Merges) >= lim.MaxCells {
						return nil, model.Errorf(model.ETooMany, nil, "工作表“%s”的合并单元格过多（超过 %d 个）。", sheet, lim.MaxCells)
					}
					g.Merges = append(g.Merges, m)
				}
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "sheetData":
				inSheetData = false
			case "v":
				inV = false
			case "f":
				inF = false
			case "is":
				inIS = false
			case "t":
				inT = false
			case "rPh":
				inRPh = false
			case "c":
				if !inCell {
					continue
				}
				inCell = false
				v := cellVal.String()
				cell.Formula = formula.String()
				switch cellType {
				case "s":
					v = strings.TrimSpace(v)
					if v == "" {
						break
					}
					i, err := strconv.Atoi(v)
					if err != nil || i < 0 || i >= len(b.sst) {
						return nil, model.Errorf(model.ECorrupt, err, "工作表“%s”单元格 %s 引用了不存在的共享字符串，文件已损坏。", sheet, Addr(cellRow, cellCol))
					}
					v = b.sst[i]
				case "", "n":
					v = strings.TrimSpace(v)
					cell.Number = v != ""
				case "e":
					cell.Error = true
				case "b":
					if v == "1" {
						v = "TRUE"
					} else if v == "0" {
						v = "FALSE"
					}
				}
				cell.Text = v
				if v == "" && !cell.HasFormula {
					continue
				}
				if cellRow > lim.MaxRows {
					return nil, model.Errorf(model.ETooMany, nil, "工作表“%s”的数据超过 %d 行（单元格 %s），超出读取上限。", sheet, lim.MaxRows, Addr(cellRow, cellCol))
				}
				if cellCol > lim.MaxCols {
					return nil, model.Errorf(model.ETooMany, nil, "工作表“%s”的数据超过 %d 列（单元格 %s），超出读取上限。", sheet, lim.MaxCols, Addr(cellRow, cellCol))
				}
				cells++
				if cells > lim.MaxCells {
					return nil, model.Errorf(model.ETooMany, nil, "工作表“%s”的非空单元格超过 %d 个，超出读取上限。", sheet, lim.MaxCells)
				}
				g.put(cellRow, cellCol, cell)
			}
		case xml.CharData:
			switch {
			case inV:
				cellVal.Write(t)
			case inF:
				formula.Write(t)
			case inT && !inRPh:
				cellVal.Write(t)
			}
		}
	}
	if err := g.indexMerges(lim.MaxCells); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *Grid) put(r, c int, cell Cell) {
	for len(g.rows) < r {
		g.rows = append(g.rows, nil)
	}
	row := g.rows[r-1]
	if len(row) < c {
		if cap(row) >= c {
			row = row[:c]
		} else {
			n := make([]Cell, c, c+4)
			copy(n, row)
			row = n
		}
	}
	row[c-1] = cell
	g.rows[r-1] = row
	g.MaxRow = max(g.MaxRow, r)
	g.MaxCol = max(g.MaxCol, c)
}

func parseRange(s string) (Merge, bool) {
	a, bb, ok := strings.Cut(s, ":")
	if !ok {
		return Merge{}, false
	}
	r1, c1, ok1 := parseRef(a)
	r2, c2, ok2 := parseRef(bb)
	if !ok1 || !ok2 {
		return Merge{}, false
	}
	return Merge{Top: min(r1, r2), Left: min(c1, c2), Bottom: max(r1, r2), Right: max(c1, c2)}, true
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
					return model.Errorf(model.ETooMany, nil, "工作表“%s”的合并单元格覆盖范围过大，超出读取上限。", g.Sheet)
				}
				g.merge[mkey(r, c)] = int32(i)
			}
		}
	}
	return nil
}
