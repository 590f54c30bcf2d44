package xlsx

// The direct write path: a user's workbook annotated without excelize.
// Every edit is a splice into the part's bytes (sheet cells, styles,
// comments and their VML drawing, relationships, content types, the
// workbook's sheet list); the results sheet is a new worksheet part
// written in one pass; parts not edited are copied into the output zip
// still compressed, so they are byte-identical to the upload. Nothing is
// written into the Book: a Direct holds its edits until WriteTo, and a
// workbook it cannot edit (ErrDirectUnsupported) is left as it was for
// the excelize path.

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/juesuan/juesuan/model"
)

// DirectOptions are the texts either write path (direct, or excelize's
// as the fallback) writes and recognises; the caller (package annotate)
// owns them.
type DirectOptions struct {
	// NoteAuthor is the author of notes on cells without a comment.
	NoteAuthor string
	// NoteMarker is the separator line that starts juesuan's part of a
	// note (required). Text after it is juesuan's and is
	// replaced on re-annotation; text before it is the user's and is kept
	// verbatim.
	NoteMarker string
	// OldMarkers are further separators recognised as juesuan's.
	OldMarkers []string
	// Results describes the results sheet (its texts) and how an earlier
	// one is recognised.
	Results ResultsLayout
}

// Direct is a set of edits to one Book, written by WriteTo.
type Direct struct {
	b     *Book
	opt   DirectOptions
	out   map[string][]byte // edited and new parts
	del   map[string]bool   // deleted parts
	added []string          // new parts in order
	st    *styleTable
	ct    *contentTypes
	rels  map[string]*relsPart // rels part name -> part
	wb    *workbookEdit

	notes      map[string]map[int64][]string // sheet -> cell -> texts
	noteOrder  map[string][]int64
	clearNotes bool
	marks      []markRec // cells marked, in order (the results sheet's record)
	marked     map[string]int

	shapeNext, blockNext int // VML shape ids and idmap blocks (nextShapeIDs)

	tops map[string]*sheetTop // sheet part -> its top level, read by Apply (sheetTopOf)

	own     *ownResultsSheet // juesuan's sheet from an earlier run, nil if none
	ownDone bool
	results *resultsReq
	done    bool
}

// Direct starts a set of direct edits of b.
func (b *Book) Direct(opt DirectOptions) (*Direct, error) {
	if opt.NoteMarker == "" {
		return nil, fmt.Errorf("xlsx: direct edits without a note marker")
	}
	d := &Direct{b: b, opt: opt, out: map[string][]byte{}, del: map[string]bool{}, rels: map[string]*relsPart{},
		notes: map[string]map[int64][]string{}, noteOrder: map[string][]int64{}, marked: map[string]int{}, tops: map[string]*sheetTop{}}
	raw, ok, err := b.part("[Content_Types].xml")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, unsupported("no [Content_Types].xml")
	}
	if d.ct, err = parseContentTypes(raw); err != nil {
		return nil, unsupported("content types: %v", err)
	}
	// Strict OOXML names its namespaces differently; the parts the
	// direct path adds are transitional.
	if wb, ok, err := b.part(b.wbPath); err != nil {
		return nil, err
	} else if !ok || bytes.Contains(wb, []byte("purl.oclc.org/ooxml")) {
		return nil, unsupported("strict OOXML")
	}
	return d, nil
}

// cur is the current bytes of a part (edited or as uploaded).
func (d *Direct) cur(name string) ([]byte, bool, error) {
	if d.del[name] {
		return nil, false, nil
	}
	if data, ok := d.out[name]; ok {
		return data, true, nil
	}
	return d.b.part(name)
}

func (d *Direct) exists(name string) bool {
	if d.del[name] {
		return false
	}
	if _, ok := d.out[name]; ok {
		return true
	}
	_, ok := d.b.zfiles[name]
	return ok
}

func (d *Direct) setPart(name string, data []byte) {
	_, orig := d.b.zfiles[name]
	delete(d.del, name) // a deleted original written again stays in place
	if _, seen := d.out[name]; !orig && !seen {
		d.added = append(d.added, name)
	}
	d.out[name] = data
}

func (d *Direct) deletePart(name string) {
	delete(d.out, name)
	for i, a := range d.added {
		if a == name {
			d.added = append(d.added[:i], d.added[i+1:]...)
			break
		}
	}
	if _, orig := d.b.zfiles[name]; orig {
		d.del[name] = true
	}
	d.ct.remove(name)
}

// freeName is the first "prefix<N>suffix" part name not in use, N >= 1.
func (d *Direct) freeName(prefix, suffix string) string {
	for n := 1; ; n++ {
		name := prefix + strconv.Itoa(n) + suffix
		if d.exists(name) || d.existsFold(name) {
			continue
		}
		return name
	}
}

func (d *Direct) existsFold(name string) bool {
	for n := range d.b.zfiles {
		if strings.EqualFold(n, name) && !d.del[n] {
			return true
		}
	}
	for n := range d.out {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// relsOf is the relationships of part (empty when it has none).
func (d *Direct) relsOf(part string) (*relsPart, error) {
	name := relsName(part)
	if r := d.rels[name]; r != nil {
		return r, nil
	}
	r := &relsPart{name: name, owner: part}
	raw, ok, err := d.cur(name)
	if err != nil {
		return nil, err
	}
	if ok {
		t, err := parseTree(raw)
		if err != nil {
			return nil, unsupported("%s: %v", name, err)
		}
		r.tree = t
		for _, i := range t.children(0) {
			n := &t.nodes[i]
			if n.local != "Relationship" {
				continue
			}
			r.rels = append(r.rels, rel{ID: attrOr(n, "Id"), Type: attrOr(n, "Type"), Target: attrOr(n, "Target"), Mode: attrOr(n, "TargetMode"), node: i})
		}
	}
	d.rels[name] = r
	return r, nil
}

func (d *Direct) styles() (*styleTable, error) {
	if d.st != nil {
		return d.st, nil
	}
	raw, ok, err := d.b.part("xl/styles.xml")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, unsupported("no xl/styles.xml")
	}
	if d.st, err = parseStyleTable(raw); err != nil {
		return nil, err
	}
	return d.st, nil
}

// sheetPart is the part of a sheet.
func (d *Direct) sheetPart(sheet string) (string, error) {
	if p, ok := d.b.paths[sheet]; ok && p != "" {
		return p, nil
	}
	for name, p := range d.b.paths {
		if strings.EqualFold(name, sheet) && p != "" {
			return p, nil
		}
	}
	return "", fmt.Errorf("xlsx: no sheet %q", sheet)
}

// Apply writes the numbers and marks of changes (see CellChange) into the
// sheets, one pass over each sheet's XML.
func (d *Direct) Apply(changes []CellChange) error {
	st, err := d.styles()
	if err != nil {
		return err
	}
	var sheets []string
	bySheet := map[string][]CellChange{}
	at := map[string]int{}
	for _, c := range changes {
		if c.Number != "" && !plainNumber(c.Number) {
			return fmt.Errorf("xlsx: %s!%s: %q is not a number", c.Sheet, c.Cell, c.Number)
		}
		if c.Mark != "" && markColors[c.Mark] == "" {
			return fmt.Errorf("xlsx: unknown mark %q", c.Mark)
		}
		if _, ok := bySheet[c.Sheet]; !ok {
			sheets = append(sheets, c.Sheet)
		}
		k := c.Sheet + "!" + c.Cell
		if i, ok := at[k]; ok {
			prev := &bySheet[c.Sheet][i]
			if c.Number != "" {
				prev.Number, prev.RefSheet, prev.RefCell = c.Number, c.RefSheet, c.RefCell
			}
			if c.Mark != "" {
				prev.Mark = c.Mark
			}
			continue
		}
		at[k] = len(bySheet[c.Sheet])
		bySheet[c.Sheet] = append(bySheet[c.Sheet], c)
	}
	for _, sh := range sheets {
		if err := d.applySheet(st, sh, bySheet[sh]); err != nil {
			return err
		}
	}
	return nil
}

func (d *Direct) applySheet(st *styleTable, sheet string, cs []CellChange) error {
	part, err := d.sheetPart(sheet)
	if err != nil {
		return err
	}
	raw, ok, err := d.cur(part)
	if err != nil {
		return err
	}
	if !ok {
		return unsupported("sheet part %s missing", part)
	}
	plan := &patchPlan{raw: raw, want: make(map[int64]bool, 2*len(cs)), cellAt: make(map[int64]int, 2*len(cs)), top: &sheetTop{raw: raw, legacy: -1},
		// A cell is written in 30-60 bytes, a row in 400 or more: room
		// for most sheets without growing.
		cells: make([]cellInfo, 0, len(raw)/40), rows: make([]rowInfo, 0, len(raw)/400+1)}
	ts := make([]tcell, 0, len(cs))
	for i, c := range cs {
		r, col, ok := parseRef(c.Cell)
		if !ok {
			return fmt.Errorf("xlsx: bad cell %q", c.Cell)
		}
		plan.want[pkey(r, col)] = true
		ts = append(ts, tcell{row: r, col: col, i: i, k: i})
		if c.Number != "" && c.RefSheet == sheet && c.RefCell != "" {
			if rr, rc, ok := parseRef(c.RefCell); ok {
				plan.want[pkey(rr, rc)] = true
			}
		}
	}
	if !scanXMLStop(raw, plan, d.b.stop) || plan.bad || plan.depth != 0 || !plan.sdSeen {
		if err := d.b.stop.Err(); err != nil {
			return err
		}
		return unsupported("sheet %s: XML outside the patcher's subset", part)
	}
	fmtOf := func(s int) int {
		if st.valid(s) {
			return st.xf[s].numFmt
		}
		return 0
	}
	newStyle := make([]int, len(cs))
	for k, t := range ts {
		c := cs[t.i]
		s := plan.style(t.row, t.col)
		if !st.valid(s) {
			return unsupported("%s!%s: style %d out of range", sheet, c.Cell, s)
		}
		if c.Number != "" && fmtOf(s) == 0 {
			id := 0
			if c.RefSheet == sheet && c.RefCell != "" {
				if rr, rc, ok := parseRef(c.RefCell); ok {
					id = fmtOf(plan.style(rr, rc))
				}
			}
			if id == 0 {
				id = st.numFmtFor(defaultNumFmt)
			}
			if s, err = st.withNumFmt(s, id); err != nil {
				return err
			}
		}
		if c.Mark != "" {
			orig := s
			if s, err = st.withFill(orig, st.fillFor(markColors[c.Mark])); err != nil {
				return err
			}
			key := sheet + "!" + c.Cell
			if i, seen := d.marked[key]; seen {
				d.marks[i].orig = orig
			} else {
				d.marked[key] = len(d.marks)
				d.marks = append(d.marks, markRec{sheet: sheet, cell: c.Cell, orig: orig})
			}
		}
		newStyle[k] = s
	}
	out := plan.rewrite(ts, cs, newStyle)
	d.out[part] = out
	// The rewrite edits only sheetData's content: what follows moves by
	// the change in length, so the comments step need not scan the sheet
	// again for its top level.
	d.tops[part] = plan.top.shifted(out, plan.sdClose, len(out)-len(raw))
	return nil
}

// AddNote adds text to juesuan's note on sheet!addr (several calls on one
// cell make one note). The comments are written by WriteTo.
func (d *Direct) AddNote(sheet, addr, text string) error {
	r, c, ok := parseRef(addr)
	if !ok {
		return fmt.Errorf("xlsx: bad cell %q", addr)
	}
	if _, err := d.sheetPart(sheet); err != nil {
		return err
	}
	m := d.notes[sheet]
	if m == nil {
		m = map[int64][]string{}
		d.notes[sheet] = m
	}
	k := pkey(r, c)
	if _, seen := m[k]; !seen {
		d.noteOrder[sheet] = append(d.noteOrder[sheet], k)
	}
	m[k] = append(m[k], text)
	return nil
}

// clearSink finds the cells of a sheet whose style has a mark fill.
type clearSink struct {
	depth int
	hits  []clearHit
	mark  func(s int) bool
}

type clearHit struct {
	row, col int
	s        int
	off, end int // the s attribute
}

func (p *clearSink) startTag(local []byte, attrs []attr, _, _ int) error {
	p.depth++
	if p.depth != 4 || string(local) != "c" {
		return nil
	}
	h := clearHit{s: -1}
	for _, a := range attrs {
		switch string(a.local) {
		case "r":
			h.row, h.col, _ = parseRef(string(a.value))
		case "s":
			if n, err := atoi(a.value); err == nil && p.mark(n) {
				h.s, h.off, h.end = n, a.off, a.end
			}
		}
	}
	if h.s >= 0 {
		p.hits = append(p.hits, h)
	}
	return nil
}

func (p *clearSink) endTag([]byte, int, int) error { p.depth--; return nil }
func (p *clearSink) charData([]byte)               {}

// ClearAnnotations removes an earlier run's marks and juesuan's part of
// every note: a marked cell gets the style recorded in the earlier
// results sheet back when that style still matches it apart from the
// fill, and otherwise its mark fill is removed. One pass over each sheet
// that holds a marked cell, and one over each comments part (when the
// edits are written). The earlier results sheet is replaced by
// AddResultsSheet, or removed when there is none.
func (d *Direct) ClearAnnotations() error {
	d.clearNotes = true
	if err := d.findOwn(); err != nil {
		return err
	}
	st, err := d.styles()
	if err != nil {
		return err
	}
	if !st.hasMarks() {
		return nil
	}
	recs := map[string]int{}
	if d.own != nil {
		for k, v := range d.own.marks {
			recs[k] = v
		}
	}
	for _, s := range d.b.sheets {
		if d.own != nil && s.Name == d.own.name {
			continue
		}
		part, err := d.sheetPart(s.Name)
		if err != nil {
			continue
		}
		raw, ok, err := d.cur(part)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		sink := &clearSink{mark: st.isMark}
		if !scanXMLStop(raw, sink, d.b.stop) || sink.depth != 0 {
			if err := d.b.stop.Err(); err != nil {
				return err
			}
			return unsupported("sheet %s: XML outside the scanner's subset", part)
		}
		if len(sink.hits) == 0 {
			continue
		}
		sp := make([]splice, 0, len(sink.hits))
		for _, h := range sink.hits {
			ns := -1
			if h.row > 0 {
				if orig, ok := recs[s.Name+"!"+Addr(h.row, h.col)]; ok && !st.isMark(orig) && st.sameSansFill(orig, h.s) {
					ns = orig
				}
			}
			if ns < 0 {
				if ns, err = st.withFill(h.s, 0); err != nil {
					return err
				}
			}
			sp = append(sp, splice{h.off, h.end, []byte(`s="` + strconv.Itoa(ns) + `"`)})
		}
		d.out[part] = applySplices(raw, sp)
	}
	return nil
}

// WriteTo writes the edited workbook: edited parts deflated by bestSpeed,
// every other part copied from the upload as it was compressed.
func (d *Direct) WriteTo(w io.Writer) (int64, error) {
	if err := d.finish(); err != nil {
		return 0, err
	}
	if d.b == nil {
		return 0, fmt.Errorf("xlsx: committed direct edits are written by Book.WriteTo")
	}
	return d.writeZip(d.b, w)
}

// writeZip writes the package of b with the edits.
func (d *Direct) writeZip(b *Book, w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	zw := zip.NewWriter(cw)
	zw.RegisterCompressor(zip.Deflate, bestSpeed)
	files := make([]*zip.File, 0, len(b.zfiles))
	names := map[*zip.File]string{}
	for name, zf := range b.zfiles {
		files = append(files, zf)
		names[zf] = name
	}
	sort.Slice(files, func(i, j int) bool {
		a, _ := files[i].DataOffset()
		b, _ := files[j].DataOffset()
		return a < b
	})
	for _, zf := range files {
		if b.stop.Now() {
			return cw.n, b.stop.Err()
		}
		name := names[zf]
		if d.del[name] {
			continue
		}
		data, edited := d.out[name]
		if !edited {
			if err := copyRaw(zw, zf); err != nil {
				return cw.n, err
			}
			continue
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified})
		if err != nil {
			return cw.n, err
		}
		if err := writeChunks(fw, data, b.stop); err != nil {
			return cw.n, err
		}
	}
	for _, name := range d.added {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return cw.n, err
		}
		if err := writeChunks(fw, d.out[name], b.stop); err != nil {
			return cw.n, err
		}
	}
	err := zw.Close()
	return cw.n, err
}

// writeChunks writes data in pieces and looks at stop between them: a
// sheet of many MiB takes tens of milliseconds to deflate.
func writeChunks(w io.Writer, data []byte, stop *model.Stop) error {
	const chunk = 256 << 10
	for len(data) > 0 {
		if stop.Now() {
			return stop.Err()
		}
		n := min(chunk, len(data))
		if _, err := w.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// finish renders the pending edits into parts, once.
func (d *Direct) finish() error {
	if d.done {
		return nil
	}
	if err := d.finishResults(); err != nil {
		return err
	}
	if err := d.finishComments(); err != nil {
		return err
	}
	if d.st != nil && d.st.dirty {
		d.out["xl/styles.xml"] = d.st.render()
	}
	names := make([]string, 0, len(d.rels))
	for n := range d.rels {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r := d.rels[n]
		if !r.dirty {
			continue
		}
		switch {
		case !r.live() && r.tree != nil:
			d.deletePart(n)
		case r.live():
			d.setPart(n, r.render())
		}
	}
	if d.wb != nil && d.wb.dirty() {
		d.out[d.b.wbPath] = d.wb.render()
	}
	if d.ct.dirty() {
		data := d.ct.render()
		if data == nil {
			return unsupported("empty [Content_Types].xml")
		}
		d.out["[Content_Types].xml"] = data
	}
	d.done = true
	return nil
}

// Commit makes b.WriteTo write these edits (instead of excelize's model).
// The Direct is kept, with the edited parts only, until the Book is
// collected; it holds no reference to the Book (which would keep both
// alive for ever).
func (d *Direct) Commit() error {
	if err := d.finish(); err != nil {
		return err
	}
	b := d.b
	d.b, d.st, d.ct, d.rels, d.wb, d.notes, d.noteOrder, d.own, d.results, d.tops = nil, nil, nil, nil, nil, nil, nil, nil, nil, nil
	// The Book carries its committed edits (no side table keyed by
	// *Book): they live and die with it.
	b.direct = d
	return nil
}

// directOut is the committed Direct of b, or nil.
func (b *Book) directOut() *Direct { return b.direct }

// WriteDirect writes b with its committed direct edits; ok is false when
// there are none (then nothing is written).
func (b *Book) WriteDirect(w io.Writer) (n int64, ok bool, err error) {
	d := b.directOut()
	if d == nil {
		return 0, false, nil
	}
	n, err = d.writeZip(b, w)
	return n, true, err
}
