package xlsx

// Lossless annotation of a user's workbook: write filled numbers, mark cells
// by cloning their xf record with only the fill swapped, add notes, and add
// the 审核结果 sheet. Nothing else in the file is touched (see the excelize
// notes: GetStyle -> NewStyle loses parent style, quotePrefix and theme
// colours, so styles are cloned at the xf level instead).

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Mark kinds accepted by Mark, in priority order (a cell gets one mark).
const (
	MarkError   = "error"
	MarkWarning = "warning"
	MarkFilled  = "filled"
	MarkInfo    = "info"
	// MarkRelated is the lighter mark on the other cells of a broken
	// identity: the wrong cell itself (the suspect) is MarkError.
	MarkRelated = "related"
)

// markColors are the fill colours of the marks: Excel's "bad" red and
// "neutral" amber, a light blue for filled cells, a light green for 尾差.
// Each is one step off Excel's built-in cell styles (FFC7CE, FFEB9C, ...)
// so a re-upload can tell juesuan's marks from a user's own 差/中性 styling.
var markColors = map[string]string{
	MarkError:   "FFC7CF",
	MarkWarning: "FFEB9D",
	MarkFilled:  "DDEBF8",
	MarkInfo:    "E2EFDB",
	MarkRelated: "FCE8EB",
}

// MarkColor returns the RGB fill colour of a mark kind ("" if unknown).
func MarkColor(kind string) string { return markColors[kind] }

// defaultNumFmt is what filled amounts get when the cell has no number format.
const defaultNumFmt = "#,##0.00"

// ToleranceNumFmt shows a tolerance as the messages print it
// (model.FormatAmount): two decimals, a third when it has one (0.045).
const ToleranceNumFmt = "#,##0.00#"

// maxStyles is excelize's hard cap on cellXfs.
const maxStyles = 65430

// annState is a Book's annotation state (Book.annot), made on first use.
type annState struct {
	fillIDs map[string]int      // colour -> fill index
	numFmt  map[string]int      // format code -> numFmt id
	clones  map[[3]int]int      // (orig xf, kind 0=fill/1=numfmt, param) -> new xf
	marked  map[string]markRec  // sheet!A1 -> record (for re-upload restore)
	notes   map[string][]string // sheet!A1 -> texts added this run
	order   []string            // marked cells in order
	// comments: sheet -> cell -> the comment there, read once per sheet
	// (GetComments decodes every comment of the sheet: once per note, it
	// made AddNote quadratic in the notes of a sheet).
	comments map[string]map[string]excelize.Comment
}

type markRec struct {
	sheet, cell string
	orig        int
}

func (b *Book) ann() *annState {
	if b.annot == nil {
		b.annot = &annState{
			fillIDs: map[string]int{},
			numFmt:  map[string]int{},
			clones:  map[[3]int]int{},
			marked:  map[string]markRec{},
			notes:   map[string][]string{},
		}
	}
	return b.annot
}

// SetNumber writes v as a number into sheet!addr, keeping the cell's style.
// When the cell's style has no number format (General), numFmt (default
// #,##0.00) is applied by cloning the style. A formula in the cell is
// removed (only --overwrite writes into non-blank cells).
func (b *Book) SetNumber(sheet, addr string, v decimal.Decimal, numFmt string) error {
	return b.setNumber(sheet, addr, v.String(), func() (int, error) {
		if numFmt == "" {
			numFmt = defaultNumFmt
		}
		return b.numFmtID(numFmt)
	})
}

// SetNumberLike is SetNumber taking the number format, when the cell has
// none, from the reference cell refSheet!refAddr (a typed amount of the
// same table), so a filled value looks like its neighbours.
func (b *Book) SetNumberLike(sheet, addr string, v decimal.Decimal, refSheet, refAddr string) error {
	return b.setNumberText(sheet, addr, v.String(), refSheet, refAddr)
}

func (b *Book) setNumberText(sheet, addr, v, refSheet, refAddr string) error {
	return b.setNumber(sheet, addr, v, func() (int, error) {
		if refSheet != "" && refAddr != "" {
			if sid, err := b.f.GetCellStyle(refSheet, refAddr); err == nil && sid >= 0 && sid < len(b.f.Styles.CellXfs.Xf) {
				if id := b.f.Styles.CellXfs.Xf[sid].NumFmtID; id != nil && *id != 0 {
					return *id, nil
				}
			}
		}
		return b.numFmtID(defaultNumFmt)
	})
}

func (b *Book) setNumber(sheet, addr string, v string, format func() (int, error)) error {
	if err := b.edit(); err != nil {
		return err
	}
	fo, err := b.f.GetCellFormula(sheet, addr)
	if err != nil {
		return fmt.Errorf("xlsx: read the formula of %s!%s: %w", sheet, addr, err)
	}
	if fo != "" {
		// The user's formula stays: SetCellDefault would delete it (and the
		// formulas sharing it); the number becomes its cached value when
		// the sheet is written (setCachedValues).
		if err := b.cacheValue(sheet, addr, v); err != nil {
			return err
		}
	} else if err := b.f.SetCellDefault(sheet, addr, v); err != nil {
		// SetCellDefault stores the decimal text verbatim as a numeric
		// cell: no float64 round trip.
		return fmt.Errorf("xlsx: write %s!%s: %w", sheet, addr, err)
	}
	sid, err := b.f.GetCellStyle(sheet, addr)
	if err != nil {
		return fmt.Errorf("xlsx: read the style of %s!%s: %w", sheet, addr, err)
	}
	xfs := b.f.Styles.CellXfs
	if sid < 0 || sid >= len(xfs.Xf) {
		return fmt.Errorf("xlsx: %s!%s: no style %d", sheet, addr, sid)
	}
	if id := xfs.Xf[sid].NumFmtID; id != nil && *id != 0 {
		return nil // the table's own format wins
	}
	fmtID, err := format()
	if err != nil {
		return err
	}
	nid, err := b.cloneXf(sid, 1, fmtID)
	if err != nil {
		return err
	}
	return b.f.SetCellStyle(sheet, addr, addr, nid)
}

// cacheValue records v as the cached value of the formula cell
// sheet!addr, written into the sheet's part as excelize saves it.
func (b *Book) cacheValue(sheet, addr, v string) error {
	p, ok := b.paths[sheet]
	if !ok {
		for name, q := range b.paths {
			if strings.EqualFold(name, sheet) {
				p, ok = q, true
			}
		}
	}
	r, c, okRef := parseRef(addr)
	if !ok || !okRef || !plainNumber(v) {
		return fmt.Errorf("xlsx: write %s!%s: cannot keep the formula", sheet, addr)
	}
	if b.cached == nil {
		b.cached = map[string]map[int64]string{}
	}
	if b.cached[p] == nil {
		b.cached[p] = map[int64]string{}
	}
	b.cached[p][pkey(r, c)] = v
	return nil
}

// numFmtID returns the id of a number format code, adding it once.
func (b *Book) numFmtID(code string) (int, error) {
	if err := b.edit(); err != nil {
		return 0, err
	}
	st := b.ann()
	if id, ok := st.numFmt[code]; ok {
		return id, nil
	}
	id := 0
	if code == defaultNumFmt {
		id = 4 // built-in
	} else {
		c := code
		sid, err := b.f.NewStyle(&excelize.Style{CustomNumFmt: &c})
		if err != nil {
			return 0, fmt.Errorf("xlsx: number format %q: %w", code, err)
		}
		if p := b.f.Styles.CellXfs.Xf[sid].NumFmtID; p != nil {
			id = *p
		}
	}
	st.numFmt[code] = id
	return id, nil
}

// fillID returns the index of a solid fill of colour rgb, adding it once.
func (b *Book) fillID(rgb string) (int, error) {
	if err := b.edit(); err != nil {
		return 0, err
	}
	st := b.ann()
	if id, ok := st.fillIDs[rgb]; ok {
		return id, nil
	}
	sid, err := b.f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{rgb}}})
	if err != nil {
		return 0, fmt.Errorf("xlsx: fill colour %s: %w", rgb, err)
	}
	p := b.f.Styles.CellXfs.Xf[sid].FillID
	if p == nil {
		return 0, fmt.Errorf("xlsx: fill colour %s: no fill record made", rgb)
	}
	st.fillIDs[rgb] = *p
	return *p, nil
}

// cloneXf appends a copy of xf orig with either the fill (kind 0) or the
// number format (kind 1) replaced by param, once per (orig, kind, param).
func (b *Book) cloneXf(orig, kind, param int) (int, error) {
	if err := b.edit(); err != nil {
		return 0, err
	}
	st := b.ann()
	key := [3]int{orig, kind, param}
	if id, ok := st.clones[key]; ok {
		return id, nil
	}
	xfs := b.f.Styles.CellXfs
	if orig < 0 || orig >= len(xfs.Xf) {
		return 0, fmt.Errorf("xlsx: no style %d", orig)
	}
	if len(xfs.Xf) >= maxStyles {
		return 0, &StyleLimitError{Count: len(xfs.Xf), Limit: maxStyles}
	}
	x := xfs.Xf[orig] // value copy; pointer fields are shared but never mutated
	on, p := true, param
	switch kind {
	case 0:
		x.FillID, x.ApplyFill = &p, &on
	default:
		x.NumFmtID, x.ApplyNumberFormat = &p, &on
	}
	// Reuse an identical record (one a previous run of juesuan left in the
	// workbook): re-annotating the same file must not grow its styles.
	for id := range xfs.Xf {
		if reflect.DeepEqual(xfs.Xf[id], x) {
			st.clones[key] = id
			return id, nil
		}
	}
	xfs.Xf = append(xfs.Xf, x)
	xfs.Count = len(xfs.Xf)
	id := len(xfs.Xf) - 1
	st.clones[key] = id
	return id, nil
}

// Mark colours sheet!addr for kind (error, warning, filled, info) by cloning
// the cell's xf record and replacing only its fill. Marking a cell twice
// keeps the first original style on record.
func (b *Book) Mark(sheet, addr, kind string) error {
	rec, err := b.markCell(sheet, addr, kind)
	if err != nil {
		return err
	}
	b.recordMark(rec)
	return nil
}

// markCell marks a cell and returns the record of its original style.
func (b *Book) markCell(sheet, addr, kind string) (markRec, error) {
	rgb := markColors[kind]
	if rgb == "" {
		return markRec{}, fmt.Errorf("xlsx: unknown mark %q", kind)
	}
	if err := b.edit(); err != nil {
		return markRec{}, err
	}
	sid, err := b.f.GetCellStyle(sheet, addr)
	if err != nil {
		return markRec{}, fmt.Errorf("xlsx: read the style of %s!%s: %w", sheet, addr, err)
	}
	fid, err := b.fillID(rgb)
	if err != nil {
		return markRec{}, err
	}
	if rec, seen := b.ann().marked[sheet+"!"+addr]; seen {
		sid = rec.orig // re-mark from the original, not from our clone
	}
	nid, err := b.cloneXf(sid, 0, fid)
	if err != nil {
		return markRec{}, err
	}
	if err := b.f.SetCellStyle(sheet, addr, addr, nid); err != nil {
		return markRec{}, fmt.Errorf("xlsx: mark %s!%s: %w", sheet, addr, err)
	}
	return markRec{sheet: sheet, cell: addr, orig: sid}, nil
}

// recordMark keeps the first record of a marked cell.
func (b *Book) recordMark(rec markRec) {
	st := b.ann()
	k := rec.sheet + "!" + rec.cell
	if _, seen := st.marked[k]; !seen {
		st.marked[k] = rec
		st.order = append(st.order, k)
	}
}

// AddNote adds juesuan's note to sheet!addr, as opt.NoteAuthor. Several
// notes on one cell are merged into one comment (Excel allows one per
// cell); a note the user wrote is kept, with juesuan's text appended after
// opt.NoteMarker.
func (b *Book) AddNote(sheet, addr, text string, opt DirectOptions) error {
	if err := b.edit(); err != nil {
		return err
	}
	if opt.NoteMarker == "" {
		return fmt.Errorf("xlsx: note without a marker")
	}
	author := opt.NoteAuthor
	st := b.ann()
	k := sheet + "!" + addr
	st.notes[k] = append(st.notes[k], text)
	cs, err := b.commentsOf(sheet)
	if err != nil {
		return err
	}
	var runs []excelize.RichTextRun
	if existing, ok := cs[addr]; ok {
		runs = userRuns(existing, opt.NoteMarker)
		if existing.Author != "" && existing.Author != author && len(runs) > 0 {
			author = existing.Author
		}
		if err := b.f.DeleteComment(sheet, addr); err != nil {
			return fmt.Errorf("xlsx: replace the comment on %s!%s: %w", sheet, addr, err)
		}
		delete(cs, addr)
	}
	ours := opt.NoteMarker + "\n" + strings.Join(st.notes[k], "\n")
	if len(runs) > 0 {
		ours = "\n\n" + ours
	}
	runs = append(runs, excelize.RichTextRun{Text: ours})
	c := excelize.Comment{Author: author, Cell: addr, Paragraph: runs, Width: 320, Height: 140}
	if err := b.f.AddComment(sheet, c); err != nil {
		return fmt.Errorf("xlsx: add a comment on %s!%s: %w", sheet, addr, err)
	}
	cs[addr] = c
	return nil
}

// commentsOf is the comments of sheet by cell, read from excelize once
// (AddNote keeps the map up to date as it replaces comments).
func (b *Book) commentsOf(sheet string) (map[string]excelize.Comment, error) {
	st := b.ann()
	if cs, ok := st.comments[sheet]; ok {
		return cs, nil
	}
	list, err := b.f.GetComments(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: read the comments of %s: %w", sheet, err)
	}
	cs := make(map[string]excelize.Comment, len(list))
	for _, c := range list {
		if _, dup := cs[c.Cell]; !dup { // the first, as the scan did
			cs[c.Cell] = c
		}
	}
	if st.comments == nil {
		st.comments = map[string]map[string]excelize.Comment{}
	}
	st.comments[sheet] = cs
	return cs, nil
}

// userRuns returns the runs of a comment that precede juesuan's marker
// (the user's own text), keeping their fonts.
func userRuns(c excelize.Comment, marker string) []excelize.RichTextRun {
	var runs []excelize.RichTextRun
	if c.Text != "" {
		runs = append(runs, excelize.RichTextRun{Text: c.Text})
	}
	runs = append(runs, c.Paragraph...)
	for i, r := range runs {
		if j := strings.Index(r.Text, marker); j >= 0 {
			runs = runs[:i+1]
			runs[i].Text = strings.TrimRight(r.Text[:j], "\n")
			if runs[i].Text == "" {
				runs = runs[:i]
			}
			break
		}
	}
	// Drop a trailing empty run left by the trim.
	for len(runs) > 0 && strings.TrimSpace(runs[len(runs)-1].Text) == "" {
		runs = runs[:len(runs)-1]
	}
	return runs
}

// ResultRow is one row of the results sheet: a finding or a fill.
type ResultRow struct {
	Kind        string // error | warning | info | filled (colours the level cell)
	Level       string // the severity's words
	Rule        string
	Table       string // the table's number and name
	Sheet, Cell string // target of the hyperlink
	Message     string
	Expected    string
	Actual      string
	Difference  string
	Tolerance   string
	Fingerprint string
	Explanation string // typed by the user (kept across uploads)
}

// titles are the column titles of the results table, A..L in order;
// both write paths put the row's fields in this order (rowCells).
func (c ResultColumns) titles() []string {
	return []string{c.Seq, c.Level, c.Rule, c.Table, c.Cell, c.Message, c.Explanation, c.Expected, c.Actual, c.Difference, c.Tolerance, c.Fingerprint}
}

// AddResultsSheet creates (or replaces) the results sheet of lay on the
// excelize path: the same sheet the direct path writes (resultsXML) — a
// title, the summary line, a legend and one row per finding and fill,
// each linking to its cell; 应为/实为/差额/容差 as numbers; a frozen
// header with an AutoFilter; A4 landscape one page wide with the header
// row repeated. It also records the cells marked in this run (hidden
// columns) so that a re-upload can restore their original styles.
func (b *Book) AddResultsSheet(lay ResultsLayout, summary string, rows []ResultRow) error {
	if lay.Name == "" || lay.Title == "" {
		return fmt.Errorf("xlsx: results layout without a name or title")
	}
	if err := b.edit(); err != nil {
		return err
	}
	f := b.f
	// Only juesuan's own results sheet is replaced; a sheet of the user's
	// that happens to have its name stays, and ours takes the next free
	// name.
	name, _, _, _, err := b.resultsTable(lay)
	if err != nil {
		return err
	}
	if name != "" {
		if err := f.DeleteSheet(name); err != nil {
			return fmt.Errorf("xlsx: delete the old results sheet %s: %w", name, err)
		}
	} else {
		for n := 1; ; n++ {
			if idx, _ := f.GetSheetIndex(resultsName(lay.Name, n)); idx < 0 {
				name = resultsName(lay.Name, n)
				break
			}
		}
	}
	if _, err := f.NewSheet(name); err != nil {
		return fmt.Errorf("xlsx: new results sheet %s: %w", name, err)
	}
	st, err := b.resultStyles()
	if err != nil {
		return err
	}
	w := &resultsWriter{f: f, sheet: name}
	for i, width := range resultsWidths {
		col := ColName(i + 1)
		w.do(f.SetColWidth(name, col, col, width))
	}
	// Hidden record of this run's marks: a re-upload restores these cells'
	// original styles before marking again (ClearAnnotations).
	mc := resultsCols + 2
	w.do(f.SetColVisible(name, ColName(mc)+":"+ColName(mc+1), false))
	w.do(f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: resultsHeaderRow, TopLeftCell: Addr(resultsHeaderRow+1, 1), ActivePane: "bottomLeft"}))
	w.text(1, 1, lay.Title, st.title)
	w.text(2, 1, summary, 0)
	w.text(3, 1, lay.LegendLabel, st.bold)
	for i, l := range lay.Legend {
		lv, ok := st.level[l.Kind]
		if !ok {
			lv = st.body
		}
		w.text(3, 2+2*i, l.Text, lv)
	}
	for i, h := range lay.Columns.titles() {
		w.text(resultsHeaderRow, i+1, h, st.hdr)
	}
	w.text(resultsHeaderRow, mc, lay.Columns.MarkCell, 0)
	w.text(resultsHeaderRow, mc+1, lay.Columns.MarkStyle, 0)
	as := b.ann()
	for i, r := range rows {
		n := resultsHeaderRow + 1 + i
		lv, ok := st.level[r.Kind]
		if !ok {
			lv = st.body
		}
		w.int(n, 1, i+1, st.body)
		w.text(n, 2, r.Level, lv)
		w.text(n, 3, r.Rule, st.body)
		w.text(n, 4, r.Table, st.body)
		if r.Sheet != "" && r.Cell != "" {
			w.text(n, 5, r.Sheet+"!"+r.Cell, st.link)
			loc := QuoteSheet(r.Sheet) + "!" + r.Cell
			var opts []excelize.HyperlinkOpts
			if lay.LinkTip != "" {
				tip := lay.LinkTip + r.Sheet + " " + r.Cell
				opts = append(opts, excelize.HyperlinkOpts{Tooltip: &tip})
			}
			w.do(f.SetCellHyperLink(name, Addr(n, 5), loc, "Location", opts...))
		} else {
			w.text(n, 5, "", st.body)
		}
		w.text(n, 6, r.Message, st.body)
		w.text(n, 7, r.Explanation, st.expl)
		w.value(n, 8, r.Expected, st.num, st.body)
		w.value(n, 9, r.Actual, st.num, st.body)
		w.value(n, 10, r.Difference, st.num, st.body)
		w.value(n, 11, r.Tolerance, st.tol, st.body)
		w.text(n, 12, r.Fingerprint, st.body)
	}
	for i, k := range as.order {
		rec := as.marked[k]
		n := resultsHeaderRow + 1 + i
		w.text(n, mc, QuoteSheet(rec.sheet)+"!"+rec.cell, 0)
		w.int(n, mc+1, rec.orig, 0)
	}
	lastData := resultsHeaderRow + len(rows)
	w.do(f.AutoFilter(name, RangeAddr(resultsHeaderRow, 1, lastData, resultsCols), nil))
	w.do(f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: name,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", QuoteSheet(name), resultsHeaderRow, resultsHeaderRow)}))
	fit, landscape, paper, one, none := true, "landscape", 9, 1, 0
	w.do(f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}))
	w.do(f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &paper, Orientation: &landscape, FitToWidth: &one, FitToHeight: &none}))
	if w.err != nil {
		return fmt.Errorf("xlsx: write the results sheet %s: %w", name, w.err)
	}
	return nil
}

// resultsWriter writes the results sheet's cells through excelize, keeping
// the first error.
type resultsWriter struct {
	f     *excelize.File
	sheet string
	err   error
}

func (w *resultsWriter) do(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *resultsWriter) style(row, col, style int) {
	if style != 0 {
		a := Addr(row, col)
		w.do(w.f.SetCellStyle(w.sheet, a, a, style))
	}
}

func (w *resultsWriter) text(row, col int, v string, style int) {
	if v != "" {
		w.do(w.f.SetCellStr(w.sheet, Addr(row, col), v))
	}
	w.style(row, col, style)
}

func (w *resultsWriter) int(row, col, v, style int) {
	w.do(w.f.SetCellInt(w.sheet, Addr(row, col), int64(v)))
	w.style(row, col, style)
}

// value writes v as a number when it is one (SetCellDefault keeps the
// decimal text verbatim: no float64), else as text.
func (w *resultsWriter) value(row, col int, v string, num, text int) {
	if t := strings.TrimSpace(v); t != "" && plainNumber(t) {
		w.do(w.f.SetCellDefault(w.sheet, Addr(row, col), t))
		w.style(row, col, num)
		return
	}
	w.text(row, col, v, text)
}

type resultStyles struct {
	title, bold, hdr, body, num, tol, link, expl int
	level                                        map[string]int
}

func (b *Book) resultStyles() (resultStyles, error) {
	if err := b.edit(); err != nil {
		return resultStyles{}, err
	}
	f := b.f
	var st resultStyles
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	st.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	st.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	st.hdr = mk(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Border:    thinBorder(),
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	st.body = mk(&excelize.Style{Border: thinBorder(), Alignment: top})
	// Amounts as the direct path shows them: #,##0.00 (built-in 4); a
	// tolerance with its third decimal (0.045).
	st.num = mk(&excelize.Style{NumFmt: 4, Border: thinBorder(), Alignment: &excelize.Alignment{Vertical: "top"}})
	tol := ToleranceNumFmt
	st.tol = mk(&excelize.Style{CustomNumFmt: &tol, Border: thinBorder(), Alignment: &excelize.Alignment{Vertical: "top"}})
	st.link = mk(&excelize.Style{Border: thinBorder(), Font: &excelize.Font{Color: "0563C1", Underline: "single"}, Alignment: &excelize.Alignment{Vertical: "top"}})
	st.expl = mk(&excelize.Style{Border: thinBorder(), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}, Alignment: top})
	st.level = map[string]int{}
	for _, kind := range []string{MarkError, MarkWarning, MarkFilled, MarkInfo, MarkRelated} {
		st.level[kind] = mk(&excelize.Style{Border: thinBorder(), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{markColors[kind]}}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}})
	}
	return st, err
}

func thinBorder() []excelize.Border {
	var bs []excelize.Border
	for _, t := range []string{"left", "right", "top", "bottom"} {
		bs = append(bs, excelize.Border{Type: t, Color: "BFBFBF", Style: 1})
	}
	return bs
}

// resultsName is the n-th candidate name of the results sheet: base,
// base(2), base(3)… (a sheet of the user's with the plain name is never
// replaced).
func resultsName(base string, n int) string {
	if n <= 1 {
		return base
	}
	return fmt.Sprintf("%s(%d)", base, n)
}

// isResultsName reports whether name is one of resultsName(base, n).
func isResultsName(base, name string) bool {
	if base == "" {
		return false
	}
	if name == base {
		return true
	}
	rest, ok := strings.CutPrefix(name, base+"(")
	if !ok || !strings.HasSuffix(rest, ")") {
		return false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(rest, ")"))
	return err == nil && n >= 2 && resultsName(base, n) == name
}

// ownResults recognises juesuan's own results sheet by lay's title in A1
// and a header row with every column title of lay, the hidden record of
// marks included; col is nil otherwise.
func ownResults(lay ResultsLayout, rows [][]string) (col map[string]int, hdr int) {
	if lay.Title == "" || len(rows) == 0 || len(rows[0]) == 0 || strings.TrimSpace(rows[0][0]) != lay.Title {
		return nil, -1
	}
	c := lay.Columns
	for i, r := range rows {
		m := map[string]int{}
		for j, v := range r {
			m[strings.TrimSpace(v)] = j
		}
		if _, ok := m[c.Fingerprint]; !ok {
			continue
		}
		for _, h := range append(c.titles(), c.MarkCell, c.MarkStyle) {
			if _, ok := m[h]; !ok {
				return nil, -1
			}
		}
		return m, i
	}
	return nil, -1
}

// resultsTable finds juesuan's own results sheet among the sheets named
// as lay's and returns its name ("" when there is none), rows and the
// column index of each header. Before the book is edited the sheets are
// read from their grids (the reader has parsed them already).
func (b *Book) resultsTable(lay ResultsLayout) (name string, rows [][]string, col map[string]int, hdr int, err error) {
	var names []string
	if b.f != nil {
		names = b.f.GetSheetList()
	} else {
		for _, s := range b.sheets {
			names = append(names, s.Name)
		}
	}
	for _, n := range names {
		if !isResultsName(lay.Name, n) {
			continue
		}
		if b.f != nil {
			rows, err = b.f.GetRows(n)
		} else {
			rows, err = b.gridRows(n)
		}
		if err != nil {
			return "", nil, nil, -1, err
		}
		if col, hdr = ownResults(lay, rows); col != nil {
			return n, rows, col, hdr, nil
		}
	}
	return "", nil, nil, -1, nil
}

// gridRows is a sheet's text as rows, read from its grid.
func (b *Book) gridRows(sheet string) ([][]string, error) {
	g, err := b.Grid(sheet)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	for r := 1; r <= g.MaxRow; r++ {
		row := make([]string, 0, g.MaxCol)
		for c := 1; c <= g.MaxCol; c++ {
			row = append(row, g.Text(r, c))
		}
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// ReadExplanations returns fingerprint -> explanation typed into juesuan's
// results sheet of layout lay, written by either path (empty when there
// is none).
func (b *Book) ReadExplanations(lay ResultsLayout) (map[string]string, error) {
	out := map[string]string{}
	_, rows, col, hdr, err := b.resultsTable(lay)
	if err != nil || col == nil {
		return out, err
	}
	fc, fok := col[lay.Columns.Fingerprint]
	ec, eok := col[lay.Columns.Explanation]
	if !fok || !eok {
		return out, nil
	}
	for _, r := range rows[hdr+1:] {
		if fc >= len(r) || ec >= len(r) {
			continue
		}
		fp, ex := strings.TrimSpace(r[fc]), strings.TrimSpace(r[ec])
		if fp != "" && ex != "" {
			out[fp] = ex
		}
	}
	return out, nil
}

// ClearAnnotations undoes an earlier run's annotations on a re-uploaded
// workbook: marked cells get their recorded original style back (only when
// the cell still carries one of juesuan's mark colours, so a style the user
// changed since is kept), and juesuan's part of every note (after
// opt.NoteMarker) is removed. The results sheet itself is replaced by
// AddResultsSheet.
func (b *Book) ClearAnnotations(opt DirectOptions) error {
	if err := b.edit(); err != nil {
		return err
	}
	if opt.NoteMarker == "" {
		return fmt.Errorf("xlsx: clear without a note marker")
	}
	own, rows, col, hdr, err := b.resultsTable(opt.Results)
	if err != nil {
		return err
	}
	if col != nil {
		mc, cok := col[opt.Results.Columns.MarkCell]
		ms, sok := col[opt.Results.Columns.MarkStyle]
		if cok && sok {
			for _, r := range rows[hdr+1:] {
				if mc >= len(r) || ms >= len(r) {
					continue
				}
				sheet, cell, ok := SplitRef(r[mc])
				orig, err := strconv.Atoi(strings.TrimSpace(r[ms]))
				if !ok || err != nil {
					continue
				}
				if err := b.restoreStyle(sheet, cell, orig); err != nil {
					return err
				}
			}
		}
	}
	for _, sheet := range b.f.GetSheetList() {
		if sheet == own {
			continue
		}
		cs, err := b.f.GetComments(sheet)
		if err != nil {
			return fmt.Errorf("xlsx: read the comments of %s: %w", sheet, err)
		}
		for _, c := range cs {
			if !strings.Contains(c.Text+runsText(c.Paragraph), opt.NoteMarker) {
				continue
			}
			keep := userRuns(c, opt.NoteMarker)
			if err := b.f.DeleteComment(sheet, c.Cell); err != nil {
				return fmt.Errorf("xlsx: delete the comment on %s!%s: %w", sheet, c.Cell, err)
			}
			if len(keep) > 0 {
				if err := b.f.AddComment(sheet, excelize.Comment{Author: c.Author, Cell: c.Cell, Paragraph: keep}); err != nil {
					return fmt.Errorf("xlsx: restore the comment on %s!%s: %w", sheet, c.Cell, err)
				}
			}
		}
	}
	b.ann().comments = nil // read again after these edits
	return nil
}

func runsText(rs []excelize.RichTextRun) string {
	var s strings.Builder
	for _, r := range rs {
		s.WriteString(r.Text)
	}
	return s.String()
}

// restoreStyle gives sheet!cell style orig back if its current fill is one
// of the mark colours and orig is the same style apart from the fill (a
// program that renumbered the styles makes the record useless: then only
// the mark colour is removed).
func (b *Book) restoreStyle(sheet, cell string, orig int) error {
	if err := b.edit(); err != nil {
		return err
	}
	if idx, _ := b.f.GetSheetIndex(sheet); idx < 0 {
		return nil
	}
	xfs := b.f.Styles.CellXfs
	sid, err := b.f.GetCellStyle(sheet, cell)
	if err != nil || sid < 0 || sid >= len(xfs.Xf) {
		return nil // a bad record is ignored, not fatal
	}
	if !b.isMarkFill(xfs.Xf[sid].FillID) {
		return nil
	}
	if orig < 0 || orig >= len(xfs.Xf) || sansFill(xfs.Xf[orig]) != sansFill(xfs.Xf[sid]) {
		return b.Unmark(sheet, cell)
	}
	return b.f.SetCellStyle(sheet, cell, cell, orig)
}

// sansFill describes an xf record without its fill.
func sansFill[X any](x X) string {
	b, _ := json.Marshal(x)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	delete(m, "FillID")
	delete(m, "ApplyFill")
	out, _ := json.Marshal(m)
	return string(out)
}

// HasMarks reports whether the workbook's style table holds any of
// juesuan's mark colours, i.e. whether it may carry an earlier run's marks
// (a fresh upload does not, and then nothing needs unmarking).
func (b *Book) HasMarks() bool {
	if b.edit() != nil {
		return false
	}
	fills := b.f.Styles.Fills
	if fills == nil {
		return false
	}
	for i := range fills.Fill {
		id := i
		if b.isMarkFill(&id) {
			return true
		}
	}
	return false
}

// Unmark removes a juesuan mark colour from sheet!addr (the fill becomes
// none, everything else of the style stays); other cells are untouched.
// It cleans marks whose record was lost, e.g. when a user deleted the
// results sheet before re-uploading.
func (b *Book) Unmark(sheet, addr string) error {
	if err := b.edit(); err != nil {
		return err
	}
	sid, err := b.f.GetCellStyle(sheet, addr)
	if err != nil {
		return fmt.Errorf("xlsx: read the style of %s!%s: %w", sheet, addr, err)
	}
	xfs := b.f.Styles.CellXfs
	if sid < 0 || sid >= len(xfs.Xf) || !b.isMarkFill(xfs.Xf[sid].FillID) {
		return nil
	}
	nid, err := b.cloneXf(sid, 0, 0)
	if err != nil {
		return err
	}
	return b.f.SetCellStyle(sheet, addr, addr, nid)
}

func (b *Book) isMarkFill(id *int) bool {
	if b.edit() != nil {
		return false
	}
	fills := b.f.Styles.Fills
	if id == nil || fills == nil || *id < 0 || *id >= len(fills.Fill) {
		return false
	}
	pf := fills.Fill[*id].PatternFill
	if pf == nil || pf.FgColor == nil {
		return false
	}
	rgb := strings.ToUpper(pf.FgColor.RGB)
	for _, c := range markColors {
		if rgb == c || rgb == "FF"+c {
			return true
		}
	}
	return false
}
