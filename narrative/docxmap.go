package narrative

// docxmap.go maps the text the .docx reader builds back to the bytes of
// word/document.xml, so that a finding's rune offsets (model.NarrativeRef)
// can be marked in the user's own file (annotate.Narrative). The map is
// recorded by the reader's own walk (parseDocument with a docxTrace): list
// labels, tabs and breaks the walk writes, tracked deletions, field
// instructions and hidden text it skips, and the trimming of paragraphs
// and cells are the reader's, so map and text agree by construction.

import (
	"bytes"
	"encoding/xml"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
)

// Namespaces of WordprocessingML (transitional and strict).
const (
	nsMain       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsMainStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
)

// Range is a byte range [Start, End) of document.xml.
type Range struct{ Start, End int }

// Piece is the part of a figure that stands in one w:t element: Text is
// the raw bytes of the figure's characters inside the element's character
// data (entities whole); Run, RPr and T are the start tag of the enclosing
// w:r, its w:rPr element (Start < 0: none) and the w:t start tag.
type Piece struct {
	Text Range
	Run  Range
	RPr  Range
	T    Range
}

// DOCXMap maps the prose paragraphs and table cells of a Document read
// from a document.xml back to that document.xml.
type DOCXMap struct {
	// Prefix is the prefix the document binds to the WordprocessingML
	// namespace ("w" nearly always; "" for a default namespace).
	Prefix string
	prose  []*unitMap
	cells  map[[3]int]*unitMap
}

// MapDOCX reads document.xml (with numbering.xml and styles.xml, which
// may be nil) as the .docx reader does and returns the document and its
// map.
func MapDOCX(document, numberingXML, stylesXML []byte, lim Limits) (*Document, *DOCXMap, error) {
	lim = lim.withDefaults()
	var num *numbering
	if numberingXML != nil {
		var err error
		if num, err = parseNumbering(numberingXML, lim); err != nil {
			return nil, nil, err
		}
		if stylesXML != nil {
			if num.styles, err = parseStyles(stylesXML, lim); err != nil {
				return nil, nil, err
			}
		}
	}
	prefix, ok := WordPrefix(document)
	if !ok {
		return nil, nil, model.Errorf(model.EUnsupported, nil, msgNoDocument)
	}
	tr := &docxTrace{data: document, prefix: prefix, m: &DOCXMap{Prefix: prefix, cells: map[[3]int]*unitMap{}}}
	b := newBuilder("document.xml", FormatDOCX, lim)
	if err := parseDocument(document, num, b, lim, tr); err != nil {
		return nil, nil, err
	}
	return b.done(), tr.m, nil
}

// Pieces returns the pieces of document.xml behind the figure ref points
// at (a prose paragraph, or a cell of a table of the document), in
// document order, and whether every character of the figure has one.
// Characters the reader made up (list labels, tabs, breaks) and text in a
// text box or outside w:r/w:t have none.
func (m *DOCXMap) Pieces(ref model.NarrativeRef) ([]Piece, bool) {
	var u *unitMap
	switch {
	case ref.Table > 0:
		u = m.cells[[3]int{ref.Table - 1, ref.Row - 1, ref.Col - 1}]
	case ref.Paragraph >= 0 && ref.Paragraph < len(m.prose):
		u = m.prose[ref.Paragraph]
	}
	if u == nil || ref.Offset < 0 || ref.Length <= 0 {
		return nil, false
	}
	from, to := runeByte(u.text, ref.Offset), runeByte(u.text, ref.Offset+ref.Length)
	if from < 0 || to < 0 {
		return nil, false
	}
	var out []Piece
	covered := 0
	for _, p := range u.parts {
		lo, hi := max(from, p.unitOff), min(to, p.unitOff+p.n)
		if lo >= hi {
			continue
		}
		lo, hi = lo-p.unitOff+p.shift, hi-p.unitOff+p.shift
		for _, sg := range p.segs {
			a, b := max(lo, sg.off), min(hi, sg.off+sg.n)
			if a >= b || !sg.ok {
				continue
			}
			raw := m.rawOf(sg)
			ra, rb := rawIndex(raw, a-sg.off), rawIndex(raw, b-sg.off)
			if ra < 0 || rb < 0 {
				continue
			}
			covered += b - a
			out = append(out, Piece{Text: Range{sg.raw.Start + ra, sg.raw.Start + rb}, Run: sg.run.tag, RPr: sg.run.rPr, T: sg.t})
		}
	}
	return out, covered == to-from
}

func (m *DOCXMap) rawOf(sg textSeg) []byte { return sg.data[sg.raw.Start:sg.raw.End] }

// runeByte is the byte offset of rune n of s (len(s) for n = its rune
// count), -1 beyond.
func runeByte(s string, n int) int {
	i := 0
	for k := 0; k < n; k++ {
		if i >= len(s) {
			return -1
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}

// rawIndex maps byte d of the decoded character data to its offset in the
// raw bytes: entities and character references count as one character,
// "\r\n" reads as "\n". -1 when d falls inside a character.
func rawIndex(raw []byte, d int) int {
	i, k := 0, 0
	for i < len(raw) {
		if k == d {
			return i
		}
		if k > d {
			return -1
		}
		switch raw[i] {
		case '&':
			j := bytes.IndexByte(raw[i:], ';')
			if j < 0 {
				return -1
			}
			var v string
			if err := xml.Unmarshal([]byte("<a>"+string(raw[i:i+j+1])+"</a>"), &v); err != nil {
				return -1
			}
			k += len(v)
			i += j + 1
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			i++
			k++
		default:
			i++
			k++
		}
	}
	if k == d {
		return i
	}
	return -1
}

// unitMap maps one prose paragraph or table cell: its text as the
// Document has it and the paragraphs of document.xml it is made of.
type unitMap struct {
	text  string
	parts []paraMap
}

// paraMap is one w:p within a unit: unit bytes [unitOff, unitOff+n) are
// bytes [unitOff+shift-unitOff …) of the paragraph's own text (the
// concatenated character data, before a list label and trimming).
type paraMap struct {
	unitOff, n, shift int
	segs              []textSeg
}

// textSeg is one piece of character data of a paragraph: bytes
// [off, off+n) of the paragraph's own text, raw bytes raw of document.xml.
type textSeg struct {
	off, n int
	raw    Range
	t      Range
	run    runInfo
	ok     bool
	data   []byte
}

type runInfo struct {
	tag, rPr Range
	ok       bool
}

// docxTrace is what parseDocument reports to when mapping.
type docxTrace struct {
	data   []byte
	prefix string // of WordprocessingML elements
	m      *DOCXMap
	run    runInfo
	t      Range
	tOK    bool
	segs   []textSeg   // of the paragraph being read
	cell   []paraMap   // of the cell being read
	row    [][]paraMap // cells of the row being read
	rowTxt []string    // their texts
	cellTx strings.Builder
}

func (tr *docxTrace) main(e xml.StartElement) bool { return e.Name.Space == tr.prefix }

// WordPrefix is the prefix the root element of a WordprocessingML part
// binds to its namespace ("w" nearly always, "" for a default namespace);
// ok is false when it binds none.
func WordPrefix(data []byte) (string, bool) {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		t, err := d.RawToken()
		if err != nil {
			return "", false
		}
		e, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range e.Attr {
			if a.Value != nsMain && a.Value != nsMainStrict {
				continue
			}
			if a.Name.Space == "xmlns" {
				return a.Name.Local, true
			}
			if a.Name.Space == "" && a.Name.Local == "xmlns" {
				return "", true
			}
		}
		return "", false
	}
}

func (tr *docxTrace) runStart(x *depthDecoder, e xml.StartElement) {
	tr.run = runInfo{tag: Range{x.off, int(x.d.InputOffset())}, rPr: Range{-1, -1}, ok: tr.main(e)}
}

// rPrStart and rPrEnd record a run's own properties (not those of a
// paragraph mark, nor the old ones inside w:rPrChange).
func (tr *docxTrace) rPrStart(x *depthDecoder) {
	if n := len(x.stack); n >= 2 && x.stack[n-2] == "r" && tr.run.ok {
		tr.run.rPr.Start = x.off
	}
}

func (tr *docxTrace) rPrEnd(x *depthDecoder) {
	if n := len(x.stack); n >= 1 && x.stack[n-1] == "r" && tr.run.ok && tr.run.rPr.Start >= 0 {
		tr.run.rPr.End = int(x.d.InputOffset())
	}
}

func (tr *docxTrace) textStart(x *depthDecoder, e xml.StartElement) {
	n := len(x.stack)
	tr.t = Range{x.off, int(x.d.InputOffset())}
	tr.tOK = tr.run.ok && tr.main(e) && n >= 2 && x.stack[n-2] == "r"
}

// text records character data the walk appends at byte off of the
// paragraph's text.
func (tr *docxTrace) text(x *depthDecoder, off, n int, nested bool) {
	raw := Range{x.off, int(x.d.InputOffset())}
	ok := tr.tOK && !nested && !bytes.HasPrefix(tr.data[raw.Start:raw.End], []byte("<![CDATA["))
	if ok && tr.run.rPr.Start >= 0 && tr.run.rPr.End <= tr.run.rPr.Start {
		ok = false // properties not closed before the text: not a run we can split
	}
	tr.segs = append(tr.segs, textSeg{off: off, n: n, raw: raw, t: tr.t, run: tr.run, ok: ok, data: tr.data})
}

// paragraph ends a prose paragraph: kept tells whether the builder added
// it (an empty one is not), text is it before trimming, label the length
// of the list label before its own text.
func (tr *docxTrace) paragraph(kept bool, text string, label int) {
	segs := tr.segs
	tr.segs = nil
	if !kept {
		return
	}
	lead := len(text) - len(strings.TrimLeftFunc(text, isTrim))
	t := trimSpace(text)
	tr.m.prose = append(tr.m.prose, &unitMap{text: t, parts: []paraMap{{unitOff: 0, n: len(t), shift: lead - label, segs: segs}}})
}

// cellPart adds a paragraph of a table cell; parts are the cell's
// paragraphs so far.
func (tr *docxTrace) cellPart(parts []string, text string, label int) {
	segs := tr.segs
	tr.segs = nil
	off := 0
	for _, p := range parts {
		off += len(p) + 1
	}
	lead := len(text) - len(strings.TrimLeftFunc(text, isTrim))
	t := trimSpace(text)
	tr.cell = append(tr.cell, paraMap{unitOff: off, n: len(t), shift: lead - label, segs: segs})
	if len(parts) > 0 {
		tr.cellTx.WriteByte('\n')
	}
	tr.cellTx.WriteString(t)
}

func (tr *docxTrace) cellEnd() {
	tr.row = append(tr.row, tr.cell)
	tr.rowTxt = append(tr.rowTxt, tr.cellTx.String())
	tr.cell = nil
	tr.cellTx.Reset()
	tr.segs = nil
}

// rowEnd files the row's cells under the table and row the builder gave
// them (cells are trimmed again there: a no-op on trimmed, joined parts).
func (tr *docxTrace) rowEnd(b *builder) {
	row, txt := tr.row, tr.rowTxt
	tr.row, tr.rowTxt = nil, nil
	if b.cur == nil {
		return
	}
	ti, ri := b.cur.Index, len(b.cur.Rows)-1
	for ci, parts := range row {
		if ci < len(b.cur.Rows[ri]) && b.cur.Rows[ri][ci] == txt[ci] {
			tr.m.cells[[3]int{ti, ri, ci}] = &unitMap{text: txt[ci], parts: parts}
		}
	}
}

func isTrim(r rune) bool {
	return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\ufeff'
}
