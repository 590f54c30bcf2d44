package xlsx

// The results sheet on the direct path: a new worksheet part written in
// one pass (inline strings, so the shared strings stay as they are),
// added to workbook.xml, its relationships and the content types; an
// earlier results sheet of juesuan's is replaced in place (same part,
// sheetId and position) or, for a clean copy, removed.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// ResultsLayout holds the texts of the results sheet; the caller owns
// them. The first cell holds Title and the header row the column titles;
// an earlier results sheet is recognised by its name (Name, or Name(n)),
// Title in A1 and a header row with Fingerprint, MarkCell and MarkStyle.
type ResultsLayout struct {
	Name        string
	Title       string
	Columns     ResultColumns
	LegendLabel string
	Legend      []LegendItem
	LinkTip     string // tooltip of a link, followed by "sheet cell"
}

// ResultColumns are the header texts of the results table.
type ResultColumns struct {
	Seq, Level, Rule, Table, Cell, Message, Explanation,
	Expected, Actual, Difference, Tolerance, Fingerprint,
	MarkCell, MarkStyle string
}

// LegendItem is one entry of the legend: a mark kind's colour and text.
type LegendItem struct{ Kind, Text string }

type ownResultsSheet struct {
	name  string
	index int // position in the workbook's sheets
	marks map[string]int
}

type resultsReq struct {
	summary string
	rows    []ResultRow
}

// resultsHeaderRow is the row of the column titles; rows below it are
// the table.
const resultsHeaderRow = 5

// The columns of the table, in order, and their widths.
var resultsWidths = []float64{6, 8, 9, 26, 16, 60, 36, 14, 14, 12, 10, 10, 2, 18, 8}

const resultsCols = 12 // A..L; M is a gap, N and O the hidden record of marks

func (d *Direct) isResultsName(name string) bool { return isResultsName(d.opt.Results.Name, name) }

// findOwn looks for juesuan's results sheet of an earlier run.
func (d *Direct) findOwn() error {
	if d.ownDone {
		return nil
	}
	d.ownDone = true
	lay := d.opt.Results
	if lay.Title == "" || lay.Columns.Fingerprint == "" {
		return nil
	}
	for idx, s := range d.b.sheets {
		if !d.isResultsName(s.Name) {
			continue
		}
		rows, err := d.b.gridRows(s.Name)
		if err != nil {
			return err
		}
		if len(rows) == 0 || len(rows[0]) == 0 || strings.TrimSpace(rows[0][0]) != lay.Title {
			continue
		}
		for h, r := range rows {
			col := map[string]int{}
			for j, v := range r {
				col[strings.TrimSpace(v)] = j
			}
			fc, ok1 := col[lay.Columns.Fingerprint]
			mc, ok2 := col[lay.Columns.MarkCell]
			ms, ok3 := col[lay.Columns.MarkStyle]
			if !ok1 || !ok2 || !ok3 {
				continue
			}
			_ = fc
			own := &ownResultsSheet{name: s.Name, index: idx, marks: map[string]int{}}
			for _, r := range rows[h+1:] {
				if mc >= len(r) || ms >= len(r) {
					continue
				}
				sheet, cell, ok := SplitRef(r[mc])
				orig, err := strconv.Atoi(strings.TrimSpace(r[ms]))
				if ok && err == nil {
					own.marks[sheet+"!"+cell] = orig
				}
			}
			d.own = own
			return nil
		}
	}
	return nil
}

// AddResultsSheet adds the results sheet (replacing juesuan's earlier
// one): a title, the summary line, a legend, and one row per finding and
// fill with a link to its cell; the cells marked by Apply are recorded in
// hidden columns for the next run's ClearAnnotations.
func (d *Direct) AddResultsSheet(summary string, rows []ResultRow) error {
	if d.opt.Results.Name == "" || d.opt.Results.Title == "" {
		return fmt.Errorf("xlsx: results layout without a name or title")
	}
	if err := d.findOwn(); err != nil {
		return err
	}
	d.results = &resultsReq{summary: summary, rows: rows}
	return nil
}

type resultsStyles struct {
	title, bold, hdr, body, num, tol, link, expl int
	level                                        map[string]int
}

func (d *Direct) resultsStyles() (resultsStyles, error) {
	st, err := d.styles()
	if err != nil {
		return resultsStyles{}, err
	}
	var rs resultsStyles
	fail := func(id int, e error) int {
		if err == nil {
			err = e
		}
		return id
	}
	border := st.thinBorder()
	bold := st.font(true, 0, "", false)
	plain := st.font(false, 0, "", false)
	top := `vertical="top" wrapText="1"`
	rs.title = fail(st.plainXf(0, st.font(true, 14, "", false), 0, 0, ""))
	rs.bold = fail(st.plainXf(0, bold, 0, 0, ""))
	rs.hdr = fail(st.plainXf(0, bold, st.solidFill("D9D9D9"), border, `horizontal="center" vertical="center" wrapText="1"`))
	rs.body = fail(st.plainXf(0, plain, 0, border, top))
	rs.num = fail(st.plainXf(4, plain, 0, border, `vertical="top"`))
	// A tolerance is a multiple of half a cent (0.045): #,##0.00 would show
	// 0.05 beside a message saying 0.045.
	rs.tol = fail(st.plainXf(st.numFmtFor(ToleranceNumFmt), plain, 0, border, `vertical="top"`))
	rs.link = fail(st.plainXf(0, st.font(false, 0, "0563C1", true), 0, border, `vertical="top"`))
	rs.expl = fail(st.plainXf(0, plain, st.solidFill("FFF2CC"), border, top))
	rs.level = map[string]int{}
	for _, k := range []string{MarkError, MarkWarning, MarkFilled, MarkInfo, MarkRelated} {
		rs.level[k] = fail(st.plainXf(0, plain, st.fillFor(markColors[k]), border, `horizontal="center" vertical="top" wrapText="1"`))
	}
	return rs, err
}

// solidFill is the index of a solid fill of colour rgb.
func (st *styleTable) solidFill(rgb string) int {
	p := st.pfx
	return st.addRec(&st.fills, []byte(`<`+p+`fill><`+p+`patternFill patternType="solid"><`+p+`fgColor rgb="FF`+rgb+`"/><`+p+`bgColor indexed="64"/></`+p+`patternFill></`+p+`fill>`))
}

// sheetWriter writes the cells of a generated sheet, appending into the
// buffer's spare room (sized up front): no string is built per cell.
type sheetWriter struct {
	w   bytes.Buffer
	row int
}

func (s *sheetWriter) startRow(r int) {
	s.row = r
	b := append(s.w.AvailableBuffer(), `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	s.w.Write(append(b, `">`...))
}

func (s *sheetWriter) endRow() { s.w.WriteString(`</row>`) }

// appendOpen appends a cell's start tag up to its attributes' end.
func (s *sheetWriter) appendOpen(b []byte, col, style int) []byte {
	b = append(b, `<c r="`...)
	b = append(b, ColName(col)...)
	b = strconv.AppendInt(b, int64(s.row), 10)
	b = append(b, `" s="`...)
	b = strconv.AppendInt(b, int64(style), 10)
	return append(b, '"')
}

func (s *sheetWriter) text(col int, v string, style int) {
	if v == "" {
		if style != 0 {
			s.w.Write(append(s.appendOpen(s.w.AvailableBuffer(), col, style), `/>`...))
		}
		return
	}
	b := s.appendOpen(s.w.AvailableBuffer(), col, style)
	b = append(b, ` t="inlineStr"><is><t xml:space="preserve">`...)
	b = appendEscText(b, v)
	s.w.Write(append(b, `</t></is></c>`...))
}

func (s *sheetWriter) number(col int, v string, style int) {
	b := s.appendOpen(s.w.AvailableBuffer(), col, style)
	b = append(b, `><v>`...)
	b = append(b, v...)
	s.w.Write(append(b, `</v></c>`...))
}

// value writes v as a number when it is one, else as text.
func (s *sheetWriter) value(col int, v string, num, text int) {
	if t := strings.TrimSpace(v); t != "" && plainNumber(t) {
		s.number(col, t, num)
		return
	}
	s.text(col, v, text)
}

func (d *Direct) resultsXML(name string, req *resultsReq) ([]byte, int, error) {
	rs, err := d.resultsStyles()
	if err != nil {
		return nil, 0, err
	}
	lay := d.opt.Results
	c := lay.Columns
	n := max(len(req.rows), len(d.marks))
	last := resultsHeaderRow + n
	lastData := resultsHeaderRow + len(req.rows)
	var sw sheetWriter
	w := &sw.w
	w.Grow(4096 + 1200*n)
	w.WriteString(xmlDecl)
	w.WriteString(`<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">`)
	w.WriteString(`<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>`)
	fmt.Fprintf(w, `<dimension ref="A1:%s"/>`, Addr(last, len(resultsWidths)))
	fmt.Fprintf(w, `<sheetViews><sheetView workbookViewId="0"><pane ySplit="%d" topLeftCell="A%d" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A%d" sqref="A%d"/></sheetView></sheetViews>`,
		resultsHeaderRow, resultsHeaderRow+1, resultsHeaderRow+1, resultsHeaderRow+1)
	w.WriteString(`<sheetFormatPr defaultRowHeight="15"/><cols>`)
	for i, width := range resultsWidths {
		hidden := ""
		if i >= resultsCols+1 {
			hidden = ` hidden="1"`
		}
		fmt.Fprintf(w, `<col min="%d" max="%d" width="%g" customWidth="1"%s/>`, i+1, i+1, width, hidden)
	}
	w.WriteString(`</cols><sheetData>`)
	sw.startRow(1)
	sw.text(1, lay.Title, rs.title)
	sw.endRow()
	sw.startRow(2)
	sw.text(1, req.summary, 0)
	sw.endRow()
	sw.startRow(3)
	sw.text(1, lay.LegendLabel, rs.bold)
	for i, l := range lay.Legend {
		st, ok := rs.level[l.Kind]
		if !ok {
			st = rs.body
		}
		sw.text(2+2*i, l.Text, st)
	}
	sw.endRow()
	sw.startRow(resultsHeaderRow)
	for i, h := range c.titles() {
		sw.text(i+1, h, rs.hdr)
	}
	sw.text(resultsCols+2, c.MarkCell, 0)
	sw.text(resultsCols+3, c.MarkStyle, 0)
	sw.endRow()
	var links bytes.Buffer
	links.Grow(160 * len(req.rows))
	for i := 0; i < n; i++ {
		sw.startRow(resultsHeaderRow + 1 + i)
		if i < len(req.rows) {
			r := req.rows[i]
			lv, ok := rs.level[r.Kind]
			if !ok {
				lv = rs.body
			}
			sw.number(1, strconv.Itoa(i+1), rs.body)
			sw.text(2, r.Level, lv)
			sw.text(3, r.Rule, rs.body)
			sw.text(4, r.Table, rs.body)
			if r.Sheet != "" && r.Cell != "" {
				disp := r.Sheet + "!" + r.Cell
				sw.text(5, disp, rs.link)
				b := append(links.AvailableBuffer(), `<hyperlink ref="`...)
				b = append(b, ColName(5)...)
				b = strconv.AppendInt(b, int64(sw.row), 10)
				b = append(b, `" location="`...)
				b = appendEscAttr(b, QuoteSheet(r.Sheet)+"!"+r.Cell)
				b = append(b, `" display="`...)
				b = appendEscAttr(b, disp)
				b = append(b, '"')
				if lay.LinkTip != "" {
					b = append(b, ` tooltip="`...)
					b = appendEscAttr(b, lay.LinkTip+r.Sheet+" "+r.Cell)
					b = append(b, '"')
				}
				links.Write(append(b, "/>"...))
			} else {
				sw.text(5, "", rs.body)
			}
			sw.text(6, r.Message, rs.body)
			sw.text(7, r.Explanation, rs.expl)
			sw.value(8, r.Expected, rs.num, rs.body)
			sw.value(9, r.Actual, rs.num, rs.body)
			sw.value(10, r.Difference, rs.num, rs.body)
			sw.value(11, r.Tolerance, rs.tol, rs.body)
			sw.text(12, r.Fingerprint, rs.body)
		}
		if i < len(d.marks) {
			m := d.marks[i]
			sw.text(resultsCols+2, QuoteSheet(m.sheet)+"!"+m.cell, 0)
			sw.number(resultsCols+3, strconv.Itoa(m.orig), 0)
		}
		sw.endRow()
	}
	w.WriteString(`</sheetData>`)
	fmt.Fprintf(w, `<autoFilter ref="A%d:%s"/>`, resultsHeaderRow, Addr(lastData, resultsCols))
	if links.Len() > 0 {
		w.WriteString(`<hyperlinks>`)
		w.Write(links.Bytes())
		w.WriteString(`</hyperlinks>`)
	}
	w.WriteString(`<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>`)
	w.WriteString(`<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>`)
	w.WriteString(`</worksheet>`)
	return w.Bytes(), lastData, nil
}

// workbookEdit is workbook.xml with pending edits.
type workbookEdit struct {
	t          *xtree
	rels       *relsPart
	sheets     int   // the <sheets> node
	sheetNodes []int // its <sheet> children
	names      int   // the <definedNames> node, -1
	nameNodes  []int
	addSheets  [][]byte
	addNames   [][]byte
	dropNodes  map[int]bool
	retag      map[int][]byte // node -> new start tag
	relPfx     string
	edited     bool
}

func (d *Direct) workbook() (*workbookEdit, error) {
	if d.wb != nil {
		return d.wb, nil
	}
	raw, ok, err := d.cur(d.b.wbPath)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, unsupported("no workbook part")
	}
	t, err := parseTree(raw)
	if err != nil {
		return nil, unsupported("workbook: %v", err)
	}
	e := &workbookEdit{t: t, sheets: t.child(0, "sheets"), names: t.child(0, "definedNames"), dropNodes: map[int]bool{}, retag: map[int][]byte{}}
	if e.sheets < 0 || t.nodes[e.sheets].self() {
		return nil, unsupported("workbook without sheets")
	}
	for _, i := range t.children(e.sheets) {
		if t.nodes[i].local == "sheet" {
			e.sheetNodes = append(e.sheetNodes, i)
		}
	}
	if len(e.sheetNodes) != len(d.b.sheets) {
		return nil, unsupported("workbook sheets do not match")
	}
	if e.names >= 0 {
		e.nameNodes = append(e.nameNodes, t.children(e.names)...)
	}
	if p, ok := t.nsPrefix(nsRel); ok && p != "" {
		e.relPfx = p
	}
	if e.rels, err = d.relsOf(d.b.wbPath); err != nil {
		return nil, err
	}
	d.wb = e
	return e, nil
}

func (e *workbookEdit) dirty() bool { return e.edited }

func (e *workbookEdit) sheetRID(i int) string {
	n := &e.t.nodes[e.sheetNodes[i]]
	for _, a := range n.attrs {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

// dropSheetNames removes the defined names local to sheet index idx
// among names (all of them when names is nil).
func (e *workbookEdit) dropSheetNames(idx int, names map[string]bool) {
	for _, i := range e.nameNodes {
		n := &e.t.nodes[i]
		if v, ok := n.attr("localSheetId"); ok && v == strconv.Itoa(idx) {
			if nm, _ := n.attr("name"); names == nil || names[nm] {
				e.dropNodes[i] = true
				e.edited = true
			}
		}
	}
}

func (e *workbookEdit) render() []byte {
	t := e.t
	var sp []splice
	for i := range e.dropNodes {
		sp = append(sp, splice{t.nodes[i].start, t.nodes[i].end, nil})
	}
	for i, tag := range e.retag {
		if !e.dropNodes[i] {
			sp = append(sp, splice{t.nodes[i].start, t.nodes[i].open, tag})
		}
	}
	sn := &t.nodes[e.sheets]
	if len(e.addSheets) > 0 {
		sp = append(sp, splice{sn.close, sn.close, bytes.Join(e.addSheets, nil)})
	}
	if len(e.addNames) > 0 {
		body := bytes.Join(e.addNames, nil)
		switch {
		case e.names >= 0 && !t.nodes[e.names].self():
			sp = append(sp, splice{t.nodes[e.names].close, t.nodes[e.names].close, body})
		case e.names >= 0:
			n := &t.nodes[e.names]
			w := []byte("<" + n.pfx() + "definedNames>")
			w = append(w, body...)
			w = append(w, "</"+n.pfx()+"definedNames>"...)
			sp = append(sp, splice{n.start, n.end, w})
		default:
			at := sn.end
			for _, name := range []string{"functionGroups", "externalReferences"} {
				if j := t.child(0, name); j >= 0 {
					at = max(at, t.nodes[j].end)
				}
			}
			p := t.nodes[0].pfx()
			w := []byte("<" + p + "definedNames>")
			w = append(w, body...)
			w = append(w, "</"+p+"definedNames>"...)
			sp = append(sp, splice{at, at, w})
		}
	}
	return applySplices(t.raw, sp)
}

func (e *workbookEdit) definedName(name string, idx int, hidden bool, ref string) []byte {
	p := e.t.nodes[0].pfx()
	if e.names >= 0 {
		p = e.t.nodes[e.names].pfx()
	}
	h := ""
	if hidden {
		h = ` hidden="1"`
	}
	return []byte(fmt.Sprintf(`<%sdefinedName name="%s" localSheetId="%d"%s>%s</%sdefinedName>`, p, name, idx, h, escText(ref), p))
}

var printNames = map[string]bool{"_xlnm._FilterDatabase": true, "_xlnm.Print_Titles": true, "_xlnm.Print_Area": true}

func (d *Direct) finishResults() error {
	if d.results == nil {
		if d.own != nil && d.clearNotes {
			return d.removeOwn()
		}
		return nil
	}
	e, err := d.workbook()
	if err != nil {
		return err
	}
	var name, part string
	var idx int
	if d.own != nil {
		name, idx = d.own.name, d.own.index
		r, ok := e.rels.byID(e.sheetRID(idx))
		if !ok {
			return unsupported("results sheet without a relationship")
		}
		part = e.rels.resolve(r)
		if _, ok := d.b.zfiles[relsName(part)]; ok {
			d.deletePart(relsName(part))
		}
		e.dropSheetNames(idx, printNames)
	} else {
		taken := map[string]bool{}
		for _, s := range d.b.sheets {
			taken[strings.ToLower(s.Name)] = true
		}
		for n := 1; ; n++ {
			name = d.opt.Results.Name
			if n > 1 {
				name = fmt.Sprintf("%s(%d)", d.opt.Results.Name, n)
			}
			if !taken[strings.ToLower(name)] {
				break
			}
		}
		idx = len(d.b.sheets)
		part = d.freeName("xl/worksheets/sheet", ".xml")
		rid := e.rels.add(relTypeSheet, part)
		maxID := 0
		for _, i := range e.sheetNodes {
			if v, err := strconv.Atoi(attrOr(&e.t.nodes[i], "sheetId")); err == nil {
				maxID = max(maxID, v)
			}
		}
		p := e.t.nodes[e.sheets].pfx()
		ridAttr := `r:id="` + rid + `" xmlns:r="` + nsRel + `"`
		if e.relPfx != "" {
			ridAttr = e.relPfx + `:id="` + rid + `"`
		}
		e.addSheets = append(e.addSheets, []byte(fmt.Sprintf(`<%ssheet name="%s" sheetId="%d" %s/>`, p, escAttr(name), maxID+1, ridAttr)))
	}
	data, lastData, err := d.resultsXML(name, d.results)
	if err != nil {
		return err
	}
	q := QuoteSheet(name)
	e.addNames = append(e.addNames,
		e.definedName("_xlnm._FilterDatabase", idx, true, fmt.Sprintf("%s!$A$%d:$%s$%d", q, resultsHeaderRow, ColName(resultsCols), lastData)),
		e.definedName("_xlnm.Print_Titles", idx, false, fmt.Sprintf("%s!$%d:$%d", q, resultsHeaderRow, resultsHeaderRow)))
	e.edited = true
	d.setPart(part, data)
	d.ct.ensure(part, ctWorksheet, false)
	return nil
}

// removeOwn deletes juesuan's earlier results sheet (the clean copy).
func (d *Direct) removeOwn() error {
	e, err := d.workbook()
	if err != nil {
		return err
	}
	idx := d.own.index
	rid := e.sheetRID(idx)
	if r, ok := e.rels.byID(rid); ok {
		part := e.rels.resolve(r)
		d.deletePart(part)
		if _, ok := d.b.zfiles[relsName(part)]; ok {
			d.deletePart(relsName(part))
		}
		e.rels.remove(rid)
	}
	e.dropNodes[e.sheetNodes[idx]] = true
	e.dropSheetNames(idx, nil)
	for _, i := range e.nameNodes {
		n := &e.t.nodes[i]
		if v, err := strconv.Atoi(attrOr(n, "localSheetId")); err == nil && v > idx {
			e.retag[i] = setAttrInTag(e.t.raw[n.start:n.open], "localSheetId", strconv.Itoa(v-1))
		}
	}
	if bv := e.t.child(0, "bookViews"); bv >= 0 {
		for _, i := range e.t.children(bv) {
			n := &e.t.nodes[i]
			tag := e.t.raw[n.start:n.open]
			changed := false
			for _, a := range []string{"activeTab", "firstSheet"} {
				if v, err := strconv.Atoi(attrOr(n, a)); err == nil && v >= idx && v > 0 {
					tag = setAttrInTag(tag, a, strconv.Itoa(v-1))
					changed = true
				}
			}
			if changed {
				e.retag[i] = tag
			}
		}
	}
	e.edited = true
	return nil
}
