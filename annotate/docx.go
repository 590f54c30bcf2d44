package annotate

// docx.go writes the user's own 决算公开说明 (.docx) back with a Word
// comment on each wrong figure and the figure highlighted: the docx
// counterpart of the lossless workbook rule. Only word/document.xml, the
// comments part, the document's relationships and [Content_Types].xml
// change; every other zip entry is copied byte for byte (compressed data
// and header as they were).
//
// How juesuan's marks are found again (to replace them on re-annotation):
//   - comments: w:comment elements whose w:author is 决算审核助手
//     (NoteAuthor); their w:commentRangeStart/End and the run holding
//     their w:commentReference are juesuan's too;
//   - highlights: a figure is split out of its run into a run of its own
//     that carries w:rsidRPr="4A535348" ("JSSH"; 4A535350 when juesuan also
//     added xml:space="preserve" to the w:t before it) and the run's
//     properties plus w:highlight. The split is written so that it can be
//     undone byte for byte: the text before the figure stays in the
//     original run, the text after it goes to a run that repeats the
//     original run's start tag and properties.
//   - a comments part juesuan created has the relationship Id
//     "juesuanComments"; it is removed with its relationship and content
//     type when no comment is left in it.
// Removing juesuan's marks from juesuan's output gives back the input's
// bytes, so annotating twice gives the bytes of annotating once. In a
// file saved again by Word the marks are found by the same attributes and
// removed element by element.

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

const (
	docxRsid      = "4A535348" // w:rsidRPr of a run juesuan split out
	docxRsidSpace = "4A535350" // the same, and xml:space added to the w:t before it
	docxRelID     = "juesuanComments"
	relComments   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
	ctComments    = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
	nsRels        = "http://schemas.openxmlformats.org/package/2006/relationships"
	nsWordMain    = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	docPart       = "word/document.xml"
	docRelsPart   = "word/_rels/document.xml.rels"
	typesPart     = "[Content_Types].xml"
	preserveAttr  = ` xml:space="preserve"`
)

// docxHighlight is the highlight colour of a figure by severity.
var docxHighlight = map[model.Severity]string{model.SevError: "yellow", model.SevWarning: "cyan"}

// NarrativeResult is what Narrative wrote.
type NarrativeResult struct {
	Data []byte
	// Marked counts the figures commented and highlighted; Unmarked the
	// findings with a place in the document that could not be marked
	// (their figure is in a text box, a list number or outside the text).
	Marked, Unmarked int
}

// Narrative writes src (a .docx) back with a comment on each figure that
// an error or warning finding with a NarrativeRef names, the figure
// highlighted (errors yellow, warnings cyan). Information findings (尾差:
// the figure agrees within rounding) and findings without a place in the
// document are not marked: they are in the report. An earlier run's
// comments and highlights are removed first; the user's are kept.
func Narrative(src []byte, findings []model.Finding) (*NarrativeResult, error) {
	lim := narrative.DefaultLimits()
	if int64(len(src)) > lim.MaxBytes {
		return nil, model.Errorf(model.ETooLarge, nil, msgDocxTooLarge)
	}
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return nil, model.Errorf(model.ECorrupt, err, msgDocxCorrupt)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, model.Errorf(model.ETooMany, nil, msgDocxCorrupt)
	}
	pk := &docxPackage{files: zr.File, parts: map[string][]byte{}, budget: lim.UnzipSize, lim: lim}
	for _, name := range []string{docPart, docRelsPart, typesPart, "word/numbering.xml", "word/styles.xml"} {
		if err := pk.load(name); err != nil {
			return nil, err
		}
	}
	if pk.parts[docPart] == nil || pk.parts[typesPart] == nil {
		return nil, model.Errorf(model.EUnsupported, nil, msgDocxNotWord)
	}
	pk.commentsPart = pk.commentsTarget()
	if pk.commentsPart != "" {
		if err := pk.load(pk.commentsPart); err != nil {
			return nil, err
		}
	}
	if err := pk.strip(); err != nil {
		return nil, err
	}
	_, m, err := narrative.MapDOCX(pk.parts[docPart], pk.parts["word/numbering.xml"], pk.parts["word/styles.xml"], lim)
	if err != nil {
		return nil, err
	}
	res := &NarrativeResult{}
	if err := pk.mark(m, findings, res); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := pk.write(&out); err != nil {
		return nil, err
	}
	res.Data = out.Bytes()
	return res, nil
}

// docxPackage is the zip and the parts Narrative reads or writes.
type docxPackage struct {
	files        []*zip.File
	parts        map[string][]byte // parts read (nil value: absent)
	changed      map[string]bool
	removed      map[string]bool
	added        []string // parts to append, in order
	commentsPart string   // "word/comments.xml" or the part the relationships name
	budget       int64
	lim          narrative.Limits
}

func (pk *docxPackage) file(name string) *zip.File {
	for _, f := range pk.files {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// load reads one part within the reader's limits (absent parts stay nil).
func (pk *docxPackage) load(name string) error {
	f := pk.file(name)
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return model.Errorf(model.ECorrupt, err, msgDocxCorrupt)
	}
	defer rc.Close()
	max := min(pk.lim.UnzipXMLSize, pk.budget)
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return model.Errorf(model.ECorrupt, err, msgDocxCorrupt)
	}
	if int64(len(data)) > max {
		return model.Errorf(model.ETooLarge, nil, msgDocxTooLarge)
	}
	pk.budget -= int64(len(data))
	pk.parts[name] = data
	return nil
}

func (pk *docxPackage) set(name string, data []byte) {
	if pk.changed == nil {
		pk.changed = map[string]bool{}
	}
	if pk.file(name) == nil && !contains(pk.added, name) {
		pk.added = append(pk.added, name)
	}
	pk.parts[name] = data
	pk.changed[name] = true
	delete(pk.removed, name)
}

func (pk *docxPackage) remove(name string) {
	if pk.removed == nil {
		pk.removed = map[string]bool{}
	}
	pk.removed[name] = true
	pk.parts[name] = nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var relRe = regexp.MustCompile(`<Relationship\s[^>]*>`)

// commentsTarget is the comments part the document's relationships name.
func (pk *docxPackage) commentsTarget() string {
	for _, tag := range relRe.FindAll(pk.parts[docRelsPart], -1) {
		if attrOf(tag, "Type") == relComments && attrOf(tag, "TargetMode") != "External" {
			return path.Clean(path.Join("word", attrOf(tag, "Target")))
		}
	}
	return ""
}

// attrOf reads attribute name of a start tag written by any Office.
func attrOf(tag []byte, name string) string {
	var v struct {
		Attrs []xml.Attr `xml:",any,attr"`
	}
	t := bytes.TrimSuffix(bytes.TrimSuffix(tag, []byte(">")), []byte("/"))
	if err := xml.Unmarshal(append(append([]byte{}, t...), "/>"...), &v); err != nil {
		return ""
	}
	for _, a := range v.Attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// write copies every entry as it was except the parts changed (rewritten
// with their own header), removed (left out) or added (at the end).
func (pk *docxPackage) write(w io.Writer) error {
	zw := zip.NewWriter(w)
	var modified = pk.file(docPart).FileHeader
	for _, f := range pk.files {
		if pk.removed[f.Name] {
			continue
		}
		if pk.changed[f.Name] {
			fh := f.FileHeader
			fh.CompressedSize64, fh.UncompressedSize64, fh.CRC32, fh.Extra = 0, 0, 0, nil
			if err := writeEntry(zw, &fh, pk.parts[f.Name]); err != nil {
				return err
			}
			continue
		}
		raw, err := f.OpenRaw()
		if err != nil {
			return err
		}
		fh := f.FileHeader
		dst, err := zw.CreateRaw(&fh)
		if err != nil {
			return err
		}
		if _, err := io.Copy(dst, raw); err != nil {
			return err
		}
	}
	for _, name := range pk.added {
		if pk.removed[name] || pk.file(name) != nil {
			continue
		}
		fh := zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.Modified}
		if err := writeEntry(zw, &fh, pk.parts[name]); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeEntry(zw *zip.Writer, fh *zip.FileHeader, data []byte) error {
	if fh.Method != zip.Store {
		fh.Method = zip.Deflate
	}
	dst, err := zw.CreateHeader(fh)
	if err != nil {
		return err
	}
	_, err = dst.Write(data)
	return err
}

// edit is one change of a part: bytes [at, at+del) replaced by ins.
type edit struct {
	at, del int
	ins     string
	seq     int
}

// apply makes the edits (sorted by offset, then by the order they were
// made); deletions may overlap and are merged.
func apply(data []byte, edits []edit) []byte {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at < edits[j].at
		}
		return edits[i].seq < edits[j].seq
	})
	var b bytes.Buffer
	b.Grow(len(data) + 256*len(edits))
	pos := 0
	for _, e := range edits {
		if e.at > pos {
			b.Write(data[pos:e.at])
			pos = e.at
		}
		b.WriteString(e.ins)
		if end := e.at + e.del; end > pos {
			pos = end
		}
	}
	b.Write(data[pos:])
	return b.Bytes()
}

// --- scanning document.xml and comments.xml ---

type tRec struct{ start, tagEnd, closeStart, end int }

type runRec struct {
	start, tagEnd, closeStart, end int
	rsid                           string
	rPr, hl                        narrative.Range // hl: a w:highlight inside rPr
	ts                             []tRec
	refID                          int // w:commentReference w:id, -1 none
	others                         bool
}

type markRec struct {
	id         int
	start, end int
}

type docScan struct {
	runs  []runRec
	marks []markRec // commentRangeStart / commentRangeEnd
	maxID int
}

// scanDoc records the runs and comment ranges of document.xml.
func scanDoc(data []byte, pfx string, depth int) (*docScan, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	sc := &docScan{maxID: -1}
	type frame struct {
		name  string
		main  bool
		start int
		tag   int
		run   int // index in sc.runs of the enclosing run, -1 none
	}
	var stack []frame
	for {
		off := int(d.InputOffset())
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, model.Errorf(model.ECorrupt, err, msgDocxCorrupt)
		}
		end := int(d.InputOffset())
		switch e := tok.(type) {
		case xml.StartElement:
			if len(stack) >= depth {
				return nil, model.Errorf(model.ECorrupt, nil, msgDocxCorrupt)
			}
			main := e.Name.Space == pfx
			run := -1
			if len(stack) > 0 {
				run = stack[len(stack)-1].run
			}
			parentRun := len(stack) > 0 && stack[len(stack)-1].main && stack[len(stack)-1].name == "r"
			parentRPr := len(stack) > 1 && stack[len(stack)-1].name == "rPr" && stack[len(stack)-2].main && stack[len(stack)-2].name == "r"
			if main {
				for _, a := range e.Attr {
					if a.Name.Local == "id" && a.Name.Space == pfx {
						if n, err := strconv.Atoi(a.Value); err == nil && n > sc.maxID {
							sc.maxID = n
						}
					}
				}
				switch {
				case e.Name.Local == "r":
					sc.runs = append(sc.runs, runRec{start: off, tagEnd: end, rsid: wattr(e, pfx, "rsidRPr"), rPr: narrative.Range{Start: -1, End: -1}, hl: narrative.Range{Start: -1, End: -1}, refID: -1})
					run = len(sc.runs) - 1
				case e.Name.Local == "commentRangeStart" || e.Name.Local == "commentRangeEnd":
					id, _ := strconv.Atoi(wattr(e, pfx, "id"))
					sc.marks = append(sc.marks, markRec{id: id, start: off, end: -1})
				case parentRun && run >= 0:
					r := &sc.runs[run]
					switch e.Name.Local {
					case "rPr":
						r.rPr.Start = off
					case "t":
						r.ts = append(r.ts, tRec{start: off, tagEnd: end})
					case "commentReference":
						r.refID, _ = strconv.Atoi(wattr(e, pfx, "id"))
					default:
						r.others = true
					}
				case parentRPr && run >= 0 && e.Name.Local == "highlight":
					sc.runs[run].hl.Start = off
				}
			} else if parentRun && run >= 0 {
				sc.runs[run].others = true
			}
			stack = append(stack, frame{name: e.Name.Local, main: main, start: off, tag: end, run: run})
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, model.Errorf(model.ECorrupt, nil, msgDocxCorrupt)
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			closeStart := off
			if off == end { // <x/>: the end token has no bytes of its own
				closeStart = end
			}
			if f.main && (f.name == "commentRangeStart" || f.name == "commentRangeEnd") {
				for i := len(sc.marks) - 1; i >= 0; i-- {
					if sc.marks[i].start == f.start {
						sc.marks[i].end = end
						break
					}
				}
				continue
			}
			if !f.main || f.run < 0 {
				continue
			}
			r := &sc.runs[f.run]
			switch f.name {
			case "r":
				if len(stack) == 0 || stack[len(stack)-1].run != f.run {
					r.closeStart, r.end = closeStart, end
				}
			case "rPr":
				if r.rPr.Start == f.start {
					r.rPr.End = end
				}
			case "highlight":
				if r.hl.Start == f.start {
					r.hl.End = end
				}
			case "t":
				if n := len(r.ts); n > 0 && r.ts[n-1].start == f.start {
					r.ts[n-1].closeStart, r.ts[n-1].end = closeStart, end
				}
			}
		}
	}
	return sc, nil
}

func wattr(e xml.StartElement, pfx, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && a.Name.Space == pfx {
			return a.Value
		}
	}
	return ""
}
