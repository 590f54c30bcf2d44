package xlsx

// Legacy comments (notes) written into the package directly: the sheet's
// comments part (any name, found through the sheet's relationships), the
// note shapes of its VML drawing (found through <legacyDrawing r:id>),
// the relationships, the content types and the <legacyDrawing> element.
// A user's comment keeps its text, runs and author; juesuan's note goes
// after a separator line (DirectOptions.NoteMarker), and on the next run
// only the text from the separator on is replaced. VML shapes are matched
// to cells by their x:Row and x:Column, never by id (Excel writes
// _x0000_s1025, LibreOffice shape_0 for every shape). Threaded comments
// and their persons are left as they are.

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

const nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

type noteRun struct {
	rPr   []byte // verbatim, nil for a plain <t> or a new run
	text  string
	plain bool
	ours  bool
}

type commentItem struct {
	node     int // -1: new
	row, col int
	ref      string
	authorID string
	textNode int
	runs     []noteRun
	extra    []byte // rPh, phoneticPr: kept after the runs
	changed  bool
	deleted  bool
	reauthor bool // authorId replaced (a note wholly juesuan's)
}

type commentsDoc struct {
	t       *xtree // nil: a new part
	pfx     string
	authors []string
	nAuth   int // authors as read
	items   []commentItem
}

func parseComments(raw []byte) (*commentsDoc, error) {
	t, err := parseTree(raw)
	if err != nil {
		return nil, err
	}
	doc := &commentsDoc{t: t, pfx: t.nodes[0].pfx()}
	if a := t.child(0, "authors"); a >= 0 {
		for _, i := range t.children(a) {
			doc.authors = append(doc.authors, t.nodes[i].text)
		}
	}
	doc.nAuth = len(doc.authors)
	cl := t.child(0, "commentList")
	if cl < 0 {
		return doc, nil
	}
	for _, i := range t.children(cl) {
		n := &t.nodes[i]
		if n.local != "comment" {
			continue
		}
		it := commentItem{node: i, ref: attrOr(n, "ref"), authorID: attrOr(n, "authorId"), textNode: t.child(i, "text")}
		it.row, it.col, _ = parseRef(strings.SplitN(it.ref, ":", 2)[0])
		if it.textNode >= 0 {
			for _, j := range t.children(it.textNode) {
				c := &t.nodes[j]
				switch c.local {
				case "t":
					it.runs = append(it.runs, noteRun{text: c.text, plain: true})
				case "r":
					r := noteRun{}
					if p := t.child(j, "rPr"); p >= 0 {
						r.rPr = t.span(p)
					}
					if tt := t.child(j, "t"); tt >= 0 {
						r.text = t.nodes[tt].text
					}
					it.runs = append(it.runs, r)
				default:
					it.extra = append(it.extra, t.span(j)...)
				}
			}
		}
		doc.items = append(doc.items, it)
	}
	return doc, nil
}

func noteText(rs []noteRun) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.text)
	}
	return b.String()
}

// cutOurs drops juesuan's part of a note: everything from the first
// marker on, then trailing newlines and blank runs. ok is false when the
// text has no marker.
func cutOurs(runs []noteRun, markers []string) ([]noteRun, bool) {
	all := noteText(runs)
	at := -1
	for _, m := range markers {
		if m == "" {
			continue
		}
		if i := strings.Index(all, m); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return runs, false
	}
	var out []noteRun
	pos := 0
	for _, r := range runs {
		if pos+len(r.text) <= at {
			out = append(out, r)
			pos += len(r.text)
			continue
		}
		r.text = strings.TrimRight(r.text[:at-pos], "\n")
		if r.text != "" {
			out = append(out, r)
		}
		break
	}
	for len(out) > 0 {
		last := &out[len(out)-1]
		last.text = strings.TrimRight(last.text, "\n")
		if strings.TrimSpace(last.text) != "" {
			break
		}
		out = out[:len(out)-1]
	}
	return out, true
}

func (doc *commentsDoc) textXML(it *commentItem) []byte { return doc.appendText(nil, it) }

// appendText appends the <text> element of it.
func (doc *commentsDoc) appendText(b []byte, it *commentItem) []byte {
	p := doc.pfx
	b = appendStrs(b, "<", p, "text>")
	for _, r := range it.runs {
		switch {
		case r.plain:
		case r.ours:
			b = appendStrs(b, "<", p, "r><", p, "rPr><", p, `sz val="9"/></`, p, "rPr>")
		default:
			b = appendStrs(b, "<", p, "r>")
			b = append(b, r.rPr...)
		}
		b = appendStrs(b, "<", p, `t xml:space="preserve">`)
		b = appendEscText(b, r.text)
		b = appendStrs(b, "</", p, "t>")
		if !r.plain {
			b = appendStrs(b, "</", p, "r>")
		}
	}
	b = append(b, it.extra...)
	return appendStrs(b, "</", p, "text>")
}

// appendStrs appends each of parts.
func appendStrs(b []byte, parts ...string) []byte {
	for _, s := range parts {
		b = append(b, s...)
	}
	return b
}

func (doc *commentsDoc) live() int {
	n := 0
	for i := range doc.items {
		if !doc.items[i].deleted {
			n++
		}
	}
	return n
}

func (doc *commentsDoc) author(name string) string {
	for i, a := range doc.authors {
		if a == name {
			return strconv.Itoa(i)
		}
	}
	doc.authors = append(doc.authors, name)
	return strconv.Itoa(len(doc.authors) - 1)
}

func (doc *commentsDoc) render() []byte {
	p := doc.pfx
	size := 0
	for i := range doc.items {
		if it := &doc.items[i]; it.node < 0 && !it.deleted {
			size += 160 + 2*len(p)*6
			for _, r := range it.runs {
				size += len(r.text) + len(r.rPr)
			}
		}
	}
	newItems := make([]byte, 0, size)
	for i := range doc.items {
		it := &doc.items[i]
		if it.node >= 0 || it.deleted {
			continue
		}
		newItems = appendStrs(newItems, `<`, p, `comment ref="`, it.ref, `" authorId="`, it.authorID, `">`)
		newItems = doc.appendText(newItems, it)
		newItems = appendStrs(newItems, "</", p, "comment>")
	}
	var newAuthors []byte
	for _, a := range doc.authors[doc.nAuth:] {
		newAuthors = appendStrs(newAuthors, "<", p, "author>")
		newAuthors = appendEscText(newAuthors, a)
		newAuthors = appendStrs(newAuthors, "</", p, "author>")
	}
	if doc.t == nil {
		out := make([]byte, 0, len(xmlDecl)+len(nsMain)+64+len(newAuthors)+len(newItems))
		out = appendStrs(out, xmlDecl, `<comments xmlns="`, nsMain, `"><authors>`)
		out = append(out, newAuthors...)
		out = append(out, `</authors><commentList>`...)
		out = append(out, newItems...)
		return append(out, `</commentList></comments>`...)
	}
	t := doc.t
	var sp []splice
	for i := range doc.items {
		it := &doc.items[i]
		if it.node < 0 {
			continue
		}
		n := &t.nodes[it.node]
		if it.reauthor && !it.deleted {
			sp = append(sp, splice{n.start, n.open, setAttrInTag(t.raw[n.start:n.open], "authorId", it.authorID)})
		}
		switch {
		case it.deleted:
			sp = append(sp, splice{n.start, n.end, nil})
		case it.changed && it.textNode >= 0:
			tn := &t.nodes[it.textNode]
			sp = append(sp, splice{tn.start, tn.end, doc.textXML(it)})
		case it.changed:
			sp = append(sp, splice{n.close, n.close, doc.textXML(it)})
		}
	}
	// insert puts content at the end of child local of the root, creating
	// it (before the element named before, or at the end) when missing.
	insert := func(local string, content []byte, before string) {
		if len(content) == 0 {
			return
		}
		if i := t.child(0, local); i >= 0 {
			n := &t.nodes[i]
			if n.self() {
				tag := bytes.TrimRight(t.raw[n.start:n.open-2], " \t\r\n")
				w := append(append([]byte{}, tag...), '>')
				w = append(w, content...)
				w = append(w, "</"+n.pfx()+n.local+">"...)
				sp = append(sp, splice{n.start, n.open, w})
			} else {
				sp = append(sp, splice{n.close, n.close, content})
			}
			return
		}
		w := append([]byte("<"+p+local+">"), content...)
		w = append(w, "</"+p+local+">"...)
		at := t.nodes[0].close
		if j := t.child(0, before); j >= 0 {
			at = t.nodes[j].start
		}
		sp = append(sp, splice{at, at, w})
	}
	insert("authors", newAuthors, "commentList")
	insert("commentList", newItems, "extLst")
	return applySplices(t.raw, sp)
}

// VML note shapes, found tolerantly.
var (
	vmlShapeStart = regexp.MustCompile(`<([A-Za-z_][\w.\-]*:)?shape[\s/>]`)
	vmlShapeEnd   = regexp.MustCompile(`</([A-Za-z_][\w.\-]*:)?shape\s*>`)
	vmlRow        = regexp.MustCompile(`<(?:[A-Za-z_][\w.\-]*:)?Row\s*>\s*(\d+)\s*<`)
	vmlCol        = regexp.MustCompile(`<(?:[A-Za-z_][\w.\-]*:)?Column\s*>\s*(\d+)\s*<`)
	vmlNote       = regexp.MustCompile(`ObjectType\s*=\s*["']Note["']`)
	vmlType202    = regexp.MustCompile(`<(?:[A-Za-z_][\w.\-]*:)?shapetype\b[^>]*\bid\s*=\s*["']_x0000_t202["']`)
	vmlIDNum      = regexp.MustCompile(`_x0000_s(\d+)`)
	vmlIdmap      = regexp.MustCompile(`<(?:[A-Za-z_][\w.\-]*:)?idmap\b[^>]*\bdata\s*=\s*["']([\d,\s]+)["']`)
	xmlnsDecl     = regexp.MustCompile(`xmlns:([A-Za-z_][\w.\-]*)\s*=\s*["']([^"']*)["']`)
)

const (
	nsVML      = "urn:schemas-microsoft-com:vml"
	nsOffice   = "urn:schemas-microsoft-com:office:office"
	nsExcelVML = "urn:schemas-microsoft-com:office:excel"
)

type vmlShape struct {
	start, end int
	row, col   int // 0-based, -1 when absent
	note       bool
}

func vmlShapes(raw []byte) []vmlShape {
	var out []vmlShape
	pos := 0
	for {
		loc := vmlShapeStart.FindIndex(raw[pos:])
		if loc == nil {
			return out
		}
		s := pos + loc[0]
		tagEnd := bytes.IndexByte(raw[s:], '>')
		if tagEnd < 0 {
			return out
		}
		tagEnd += s + 1
		e := tagEnd
		if raw[tagEnd-2] != '/' {
			m := vmlShapeEnd.FindIndex(raw[tagEnd:])
			if m == nil {
				return out
			}
			e = tagEnd + m[1]
		}
		sh := vmlShape{start: s, end: e, row: -1, col: -1}
		body := raw[s:e]
		sh.note = vmlNote.Match(body)
		if m := vmlRow.FindSubmatch(body); m != nil {
			sh.row, _ = strconv.Atoi(string(m[1]))
		}
		if m := vmlCol.FindSubmatch(body); m != nil {
			sh.col, _ = strconv.Atoi(string(m[1]))
		}
		out = append(out, sh)
		pos = e
	}
}

// vmlPrefixes are the prefixes the drawing's root binds to the VML,
// Office and Excel namespaces ("" when not bound).
func vmlPrefixes(raw []byte) (v, o, x string) {
	end := bytes.Index(raw, []byte("<xml"))
	if end < 0 {
		end = 0
	}
	if close := bytes.IndexByte(raw[end:], '>'); close >= 0 {
		for _, m := range xmlnsDecl.FindAllSubmatch(raw[end:end+close], -1) {
			switch string(m[2]) {
			case nsVML:
				v = string(m[1])
			case nsOffice:
				o = string(m[1])
			case nsExcelVML:
				x = string(m[1])
			}
		}
	}
	return v, o, x
}

// appendVMLNoteShape appends the note shape of the 0-based cell row, col.
func appendVMLNoteShape(b []byte, id, row, col int, v, o, x string) []byte {
	decl := ""
	if v == "" || o == "" || x == "" {
		v, o, x = "v", "o", "x"
		decl = ` xmlns:v="` + nsVML + `" xmlns:o="` + nsOffice + `" xmlns:x="` + nsExcelVML + `"`
	}
	top := max(row-1, 0)
	n := func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(i), 10) }
	b = appendStrs(b, `<`, v, `:shape`, decl, ` id="_x0000_s`)
	b = n(b, id)
	b = append(b, `" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:2pt;width:240pt;height:105pt;z-index:`...)
	b = n(b, id)
	b = appendStrs(b, `;visibility:hidden" fillcolor="#ffffe1" `, o, `:insetmode="auto">`,
		`<`, v, `:fill color2="#ffffe1"/><`, v, `:shadow on="t" color="black" obscured="t"/><`, v, `:path `, o, `:connecttype="none"/>`,
		`<`, v, `:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></`, v, `:textbox>`,
		`<`, x, `:ClientData ObjectType="Note"><`, x, `:MoveWithCells/><`, x, `:SizeWithCells/>`,
		`<`, x, `:Anchor>`)
	b = append(n(b, col+1), `, 15, `...)
	b = append(n(b, top), `, 2, `...)
	b = append(n(b, col+4), `, 15, `...)
	b = append(n(b, top+7), `, 16</`...)
	b = appendStrs(b, x, `:Anchor><`, x, `:AutoFill>False</`, x, `:AutoFill><`, x, `:Row>`)
	b = n(b, row)
	b = appendStrs(b, `</`, x, `:Row><`, x, `:Column>`)
	b = n(b, col)
	return appendStrs(b, `</`, x, `:Column></`, x, `:ClientData></`, v, `:shape>`)
}

func vmlShapeType(v, o string) []byte {
	decl := ""
	if v == "" || o == "" {
		v, o = "v", "o"
		decl = ` xmlns:v="` + nsVML + `" xmlns:o="` + nsOffice + `"`
	}
	return []byte(fmt.Sprintf(`<%[1]s:shapetype%[3]s id="_x0000_t202" coordsize="21600,21600" %[2]s:spt="202" path="m,l,21600r21600,l21600,xe">`+
		`<%[1]s:stroke joinstyle="miter"/><%[1]s:path gradientshapeok="t" %[2]s:connecttype="rect"/></%[1]s:shapetype>`, v, o, decl))
}

// nextShapeIDs reserves n VML shape ids above every _x0000_sN in the
// upload's drawings (and at least 1025); block is an o:idmap block no
// drawing uses (for a new drawing, whose ids then start in that block).
// The upload's drawings are read once.
func (d *Direct) nextShapeIDs(n int, newDrawing bool) (id, block int, err error) {
	if d.shapeNext == 0 {
		maxID, maxBlock := 1024, 0
		for name := range d.b.zfiles {
			if !strings.HasSuffix(strings.ToLower(name), ".vml") {
				continue
			}
			raw, ok, err := d.b.part(name)
			if err != nil {
				return 0, 0, err
			}
			if !ok {
				continue
			}
			for _, m := range vmlIDNum.FindAllSubmatch(raw, -1) {
				if n, err := strconv.Atoi(string(m[1])); err == nil && n < 1<<30 {
					maxID = max(maxID, n)
				}
			}
			for _, m := range vmlIdmap.FindAllSubmatch(raw, -1) {
				for _, f := range strings.Split(string(m[1]), ",") {
					if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n < 1<<20 {
						maxBlock = max(maxBlock, n)
					}
				}
			}
		}
		d.shapeNext = maxID + 1
		d.blockNext = max(maxBlock, maxID/1024) + 1
	}
	if newDrawing {
		block = max(d.blockNext, (d.shapeNext-1)/1024+1)
		d.blockNext = block + 1 + n/1024
		d.shapeNext = max(d.shapeNext, block*1024+1)
	}
	id = d.shapeNext
	d.shapeNext += n
	return id, block, nil
}

// sheetTop is the top level of a worksheet: its children and root.
type sheetTop struct {
	raw       []byte
	rootPfx   string
	relPfx    string // prefix bound to the relationships namespace ("": none)
	rootClose int
	tops      []topEl
	legacy    int // index into tops, -1
	legacyRID string
	depth     int
	rootSeen  bool
}

type topEl struct {
	local    string
	off, end int
}

func (s *sheetTop) startTag(local []byte, attrs []attr, off, end int) error {
	s.depth++
	switch s.depth {
	case 1:
		s.rootSeen = true
		q := s.raw[off+1:]
		if i := bytes.IndexAny(q, " \t\r\n/>"); i >= 0 {
			q = q[:i]
		}
		if i := bytes.IndexByte(q, ':'); i >= 0 {
			s.rootPfx = string(q[:i+1])
		}
		for _, a := range attrs {
			text := s.raw[a.off:a.end]
			if bytes.HasPrefix(text, []byte("xmlns:")) && string(a.value) == nsRel {
				s.relPfx = string(a.local)
			}
		}
	case 2:
		s.tops = append(s.tops, topEl{local: string(local), off: off, end: end})
		if string(local) == "legacyDrawing" {
			s.legacy = len(s.tops) - 1
			for _, a := range attrs {
				if string(a.local) == "id" {
					s.legacyRID = string(a.value)
				}
			}
		}
	}
	return nil
}

func (s *sheetTop) endTag(_ []byte, off, end int) error {
	switch s.depth {
	case 1:
		s.rootClose = off
	case 2:
		s.tops[len(s.tops)-1].end = end
	}
	s.depth--
	return nil
}

func (s *sheetTop) charData([]byte) {}

func scanSheetTop(raw []byte) (*sheetTop, error) {
	s := &sheetTop{raw: raw, legacy: -1}
	if scanXML(raw, s) && s.depth == 0 && s.rootSeen {
		return s, nil
	}
	t, err := parseTree(raw)
	if err != nil {
		return nil, unsupported("sheet: %v", err)
	}
	s = &sheetTop{raw: raw, legacy: -1, rootPfx: t.nodes[0].pfx(), rootClose: t.nodes[0].close}
	if p, ok := t.nsPrefix(nsRel); ok {
		s.relPfx = p
	}
	for _, i := range t.children(0) {
		n := &t.nodes[i]
		s.tops = append(s.tops, topEl{local: n.local, off: n.start, end: n.end})
		if n.local == "legacyDrawing" {
			s.legacy = len(s.tops) - 1
			s.legacyRID = attrOr(n, "id")
		}
	}
	return s, nil
}

// shifted is s for raw, the part s was read from with edits only before
// at (an insertion at at included): positions from at on move by delta.
func (s *sheetTop) shifted(raw []byte, at, delta int) *sheetTop {
	mv := func(x int) int {
		if x >= at {
			return x + delta
		}
		return x
	}
	n := *s
	n.raw = raw
	n.tops = make([]topEl, len(s.tops))
	for i, t := range s.tops {
		n.tops[i] = topEl{local: t.local, off: mv(t.off), end: mv(t.end)}
	}
	n.rootClose = mv(s.rootClose)
	return &n
}

// sheetTopOf is the top level of sheet part part, whose bytes are raw:
// Apply's when raw is what Apply wrote, else read now.
func (d *Direct) sheetTopOf(part string, raw []byte) (*sheetTop, error) {
	if t := d.tops[part]; t != nil && len(t.raw) == len(raw) && len(raw) > 0 && &t.raw[0] == &raw[0] {
		return t, nil
	}
	return scanSheetTop(raw)
}

// afterLegacy are the worksheet children that follow legacyDrawing.
var afterLegacy = map[string]bool{"legacyDrawingHF": true, "drawingHF": true, "picture": true, "oleObjects": true,
	"controls": true, "webPublishItems": true, "tableParts": true, "extLst": true}

func (s *sheetTop) insertLegacy(rid string) []byte {
	at := s.rootClose
	for _, t := range s.tops {
		if afterLegacy[t.local] {
			at = t.off
			break
		}
	}
	var el string
	if s.relPfx != "" {
		el = `<` + s.rootPfx + `legacyDrawing ` + s.relPfx + `:id="` + escAttr(rid) + `"/>`
	} else {
		el = `<` + s.rootPfx + `legacyDrawing xmlns:r="` + nsRel + `" r:id="` + escAttr(rid) + `"/>`
	}
	return applySplices(s.raw, []splice{{at, at, []byte(el)}})
}

// markers are the separators recognised as juesuan's.
func (d *Direct) markers() []string {
	return append([]string{d.opt.NoteMarker}, d.opt.OldMarkers...)
}

func (d *Direct) finishComments() error {
	for _, s := range d.b.sheets {
		if d.own != nil && s.Name == d.own.name {
			continue
		}
		if len(d.notes[s.Name]) == 0 && !d.clearNotes {
			continue
		}
		if err := d.sheetComments(s.Name); err != nil {
			return err
		}
	}
	return nil
}

func (d *Direct) sheetComments(sheet string) error {
	part, err := d.sheetPart(sheet)
	if err != nil {
		return err
	}
	notes := d.notes[sheet]
	if _, ok := d.b.zfiles[relsName(part)]; !ok && len(notes) == 0 {
		return nil // no comments part to clear
	}
	rels, err := d.relsOf(part)
	if err != nil {
		return err
	}
	crel, hasComments := rels.byType(relTypeComment)
	if !hasComments && len(notes) == 0 {
		return nil
	}
	var doc *commentsDoc
	cpart := ""
	if hasComments {
		cpart = rels.resolve(crel)
		raw, ok, err := d.cur(cpart)
		if err != nil {
			return err
		}
		if ok {
			if doc, err = parseComments(raw); err != nil {
				return unsupported("%s: %v", cpart, err)
			}
		}
	}
	if doc == nil {
		doc = &commentsDoc{}
	}
	markers := d.markers()
	byCell := map[int64]int{}
	var gone []int64 // cells whose comment is deleted
	for i := range doc.items {
		if d.b.stop.Tick() {
			return d.b.stop.Err()
		}
		it := &doc.items[i]
		if it.row > 0 {
			byCell[pkey(it.row, it.col)] = i
		}
		if !d.clearNotes {
			continue
		}
		if runs, cut := cutOurs(it.runs, markers); cut {
			it.runs, it.changed = runs, true
			if len(runs) == 0 {
				it.deleted = true
			}
		}
	}
	for _, k := range d.noteOrder[sheet] {
		if d.b.stop.Tick() {
			return d.b.stop.Err()
		}
		text := d.opt.NoteMarker + "\n" + strings.Join(notes[k], "\n")
		if i, ok := byCell[k]; ok && !doc.items[i].deleted {
			it := &doc.items[i]
			if runs, cut := cutOurs(it.runs, markers); cut {
				it.runs = runs
			}
			if len(it.runs) > 0 {
				text = "\n\n" + text
			}
			it.runs = append(it.runs, noteRun{text: text, ours: true})
			it.changed = true
			continue
		}
		if i, ok := byCell[k]; ok {
			// juesuan's own earlier note: it is written again in place,
			// under juesuan's name (a program that saved the file in
			// between may have renamed the author).
			it := &doc.items[i]
			it.deleted, it.changed = false, true
			it.runs = []noteRun{{text: text, ours: true}}
			if id := doc.author(d.opt.NoteAuthor); id != it.authorID {
				it.authorID, it.reauthor = id, true
			}
			continue
		}
		r, c := int(k>>20), int(k&0xfffff)
		byCell[k] = len(doc.items)
		doc.items = append(doc.items, commentItem{node: -1, row: r, col: c, ref: Addr(r, c), authorID: doc.author(d.opt.NoteAuthor),
			textNode: -1, runs: []noteRun{{text: text, ours: true}}, changed: true})
	}
	changed := false
	for i := range doc.items {
		it := &doc.items[i]
		if it.deleted && it.node >= 0 {
			gone = append(gone, pkey(it.row, it.col))
		}
		changed = changed || it.changed || it.deleted
	}
	if !changed {
		return nil
	}
	live := doc.live()
	if live > 0 {
		if cpart == "" {
			cpart = d.freeName("xl/comments", ".xml")
			rels.add(relTypeComment, cpart)
		}
		d.setPart(cpart, doc.render())
		d.ct.ensure(cpart, ctComments, false)
	} else if cpart != "" {
		d.deletePart(cpart)
		rels.remove(crel.ID)
	}
	return d.sheetVML(sheet, part, rels, doc, gone)
}

// sheetVML brings the sheet's VML drawing in line with its comments: the
// shapes of deleted comments go, every comment without a note shape gets
// one, and a drawing left without shapes is removed with its
// relationship and the sheet's <legacyDrawing>.
func (d *Direct) sheetVML(sheet, part string, rels *relsPart, doc *commentsDoc, gone []int64) error {
	sraw, ok, err := d.cur(part)
	if err != nil || !ok {
		return err
	}
	top, err := d.sheetTopOf(part, sraw)
	if err != nil {
		return err
	}
	vpart, vrel := "", rel{}
	if top.legacy >= 0 {
		if r, ok := rels.byID(top.legacyRID); ok {
			vrel, vpart = r, rels.resolve(r)
		}
	}
	var vraw []byte
	if vpart != "" {
		if vraw, ok, err = d.cur(vpart); err != nil {
			return err
		} else if !ok {
			vpart, vraw = "", nil
		}
	}
	shapes := vmlShapes(vraw)
	have := map[int64]bool{}
	for _, s := range shapes {
		if s.note && s.row >= 0 && s.col >= 0 {
			have[pkey(s.row+1, s.col+1)] = true
		}
	}
	dead := map[int64]bool{}
	for _, k := range gone {
		dead[k] = true
	}
	want := map[int64]bool{}
	var missing []int64
	for i := range doc.items {
		it := &doc.items[i]
		if it.deleted || it.row <= 0 {
			continue
		}
		k := pkey(it.row, it.col)
		want[k] = true
		if !have[k] {
			missing = append(missing, k)
			have[k] = true
		}
	}
	var sp []splice
	left := 0
	for _, s := range shapes {
		k := pkey(s.row+1, s.col+1)
		if s.note && dead[k] && !want[k] {
			sp = append(sp, splice{s.start, s.end, nil})
			continue
		}
		left++
	}
	if vpart != "" && left == 0 && len(missing) == 0 {
		// No shape left: the drawing, its relationships and the sheet's
		// reference to it go.
		d.deletePart(vpart)
		if _, ok := d.b.zfiles[relsName(vpart)]; ok {
			d.deletePart(relsName(vpart))
		}
		rels.remove(vrel.ID)
		t := top.tops[top.legacy]
		d.out[part] = applySplices(sraw, []splice{{t.off, t.end, nil}})
		return nil
	}
	if len(missing) == 0 && len(sp) == 0 {
		return nil
	}
	id, block, err := d.nextShapeIDs(len(missing), vpart == "")
	if err != nil {
		return err
	}
	if vpart == "" {
		var w bytes.Buffer
		w.Grow(1024 + 1100*len(missing))
		w.WriteString(`<xml xmlns:v="` + nsVML + `" xmlns:o="` + nsOffice + `" xmlns:x="` + nsExcelVML + `">`)
		fmt.Fprintf(&w, `<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="%d"/></o:shapelayout>`, block)
		w.Write(vmlShapeType("v", "o"))
		for i, k := range missing {
			w.Write(appendVMLNoteShape(w.AvailableBuffer(), id+i, int(k>>20)-1, int(k&0xfffff)-1, "v", "o", "x"))
		}
		w.WriteString(`</xml>`)
		vpart = d.freeName("xl/drawings/vmlDrawing", ".vml")
		d.setPart(vpart, w.Bytes())
		d.ct.ensure(vpart, ctVML, true)
		rid := rels.add(relTypeVML, vpart)
		if top.legacy >= 0 {
			t := top.tops[top.legacy]
			d.out[part] = applySplices(sraw, []splice{{t.off, t.end, nil}})
			if top, err = scanSheetTop(d.out[part]); err != nil {
				return err
			}
		}
		d.out[part] = top.insertLegacy(rid)
		return nil
	}
	v, o, x := vmlPrefixes(vraw)
	add := make([]byte, 0, 1100*len(missing))
	if len(missing) > 0 && !vmlType202.Match(vraw) {
		add = append(add, vmlShapeType(v, o)...)
	}
	for i, k := range missing {
		add = appendVMLNoteShape(add, id+i, int(k>>20)-1, int(k&0xfffff)-1, v, o, x)
	}
	if len(add) > 0 {
		at := bytes.LastIndex(vraw, []byte("</"))
		if at < 0 {
			return unsupported("%s: no root end tag", vpart)
		}
		sp = append(sp, splice{at, at, add})
	}
	d.setPart(vpart, applySplices(vraw, sp))
	return nil
}
