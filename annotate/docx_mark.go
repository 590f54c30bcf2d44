package annotate

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

// strip removes an earlier run's comments, their anchors and the
// highlighted runs (see the package comment in docx.go).
func (pk *docxPackage) strip() error {
	ours := map[int]bool{}
	if c := pk.parts[pk.commentsPart]; c != nil {
		cpfx, _ := narrative.WordPrefix(c)
		dels, ids, left, err := scanComments(c, cpfx, pk.lim.MaxDepth)
		if err != nil {
			return err
		}
		for _, id := range ids {
			ours[id] = true
		}
		if len(dels) > 0 {
			pk.set(pk.commentsPart, apply(c, dels))
		}
		if left == 0 && pk.ownsComments() {
			pk.dropComments()
		}
	}
	doc := pk.parts[docPart]
	pfx, ok := narrative.WordPrefix(doc)
	if !ok {
		return model.Errorf(model.EUnsupported, nil, msgDocxNotWord)
	}
	sc, err := scanDoc(doc, pfx, pk.lim.MaxDepth)
	if err != nil {
		return err
	}
	if edits := unmarkEdits(doc, sc, ours, pfx); len(edits) > 0 {
		pk.set(docPart, apply(doc, edits))
	}
	return nil
}

// scanComments finds juesuan's comments in a comments part: the edits
// that delete them, their ids, and how many comments are left.
func scanComments(data []byte, pfx string, depth int) ([]edit, []int, int, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var dels []edit
	var ids []int
	left, level, start, id := 0, 0, -1, 0
	for {
		off := int(d.InputOffset())
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, nil, 0, model.Errorf(model.ECorrupt, err, msgDocxCorrupt)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			level++
			if level > depth {
				return nil, nil, 0, model.Errorf(model.ETooLarge, nil, msgDocxCorrupt)
			}
			if level == 2 && e.Name.Local == "comment" && e.Name.Space == pfx {
				if wattr(e, pfx, "author") == NoteAuthor {
					start = off
					fmt.Sscan(wattr(e, pfx, "id"), &id)
				} else {
					left++
				}
			}
		case xml.EndElement:
			if level == 2 && start >= 0 {
				dels = append(dels, edit{at: start, del: int(d.InputOffset()) - start})
				ids = append(ids, id)
				start = -1
			}
			level--
		}
	}
	return dels, ids, left, nil
}

// ownsComments: the comments part is the one juesuan created.
func (pk *docxPackage) ownsComments() bool {
	for _, tag := range relRe.FindAll(pk.parts[docRelsPart], -1) {
		if attrOf(tag, "Id") == docxRelID {
			return true
		}
	}
	return false
}

var (
	ourRelRe      = regexp.MustCompile(`<Relationship\s[^>]*Id="` + docxRelID + `"[^>]*/>`)
	ourOverrideRe = regexp.MustCompile(`<Override\s[^>]*PartName="/word/comments\.xml"[^>]*/>`)
)

// dropComments removes the comments part juesuan created, its
// relationship and its content type.
func (pk *docxPackage) dropComments() {
	pk.remove(pk.commentsPart)
	rels := pk.parts[docRelsPart]
	if i := bytes.Index(rels, []byte(ourRel)); i >= 0 {
		rels = append(append([]byte{}, rels[:i]...), rels[i+len(ourRel):]...)
	} else {
		rels = ourRelRe.ReplaceAll(rels, nil)
	}
	if string(rels) == newRels("") {
		pk.remove(docRelsPart)
	} else {
		pk.set(docRelsPart, rels)
	}
	types := pk.parts[typesPart]
	if i := bytes.Index(types, []byte(ourOverride)); i >= 0 {
		types = append(append([]byte{}, types[:i]...), types[i+len(ourOverride):]...)
	} else {
		types = ourOverrideRe.ReplaceAll(types, nil)
	}
	pk.set(typesPart, types)
}

const (
	ourRel      = `<Relationship Id="` + docxRelID + `" Type="` + relComments + `" Target="comments.xml"/>`
	ourOverride = `<Override PartName="/word/comments.xml" ContentType="` + ctComments + `"/>`
)

func newRels(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="` + nsRels + `">` + body + `</Relationships>`
}

// unmarkEdits are the deletions that take juesuan's anchors and
// highlighted runs out of document.xml.
func unmarkEdits(doc []byte, sc *docScan, ours map[int]bool, pfx string) []edit {
	var dels []edit
	var cover []narrative.Range // our anchors and reference runs
	refRun := func(r *runRec) bool { return r.refID >= 0 && ours[r.refID] && len(r.ts) == 0 }
	for _, mk := range sc.marks {
		if ours[mk.id] && mk.end > mk.start {
			cover = append(cover, narrative.Range{Start: mk.start, End: mk.end})
		}
	}
	for i := range sc.runs {
		if r := &sc.runs[i]; refRun(r) && r.end > r.start {
			cover = append(cover, narrative.Range{Start: r.start, End: r.end})
		}
	}
	sort.Slice(cover, func(i, j int) bool { return cover[i].Start < cover[j].Start })
	for _, c := range cover {
		dels = append(dels, edit{at: c.Start, del: c.End - c.Start})
	}
	// onlyOurs: [from, to) is nothing but our anchors and reference runs.
	onlyOurs := func(from, to int) bool {
		pos := from
		for _, c := range cover {
			if c.Start == pos {
				pos = c.End
			}
		}
		return pos == to
	}
	tOpen := "<" + qn(pfx, "t") + preserveAttr + ">"
	for i := range sc.runs {
		h := &sc.runs[i]
		if (h.rsid != docxRsid && h.rsid != docxRsidSpace) || refRun(h) {
			continue
		}
		if d, ok := exactUndo(doc, sc, i, onlyOurs, refRun, tOpen); ok {
			dels = append(dels, d...)
			continue
		}
		// Saved again by another program: take the marks off the run.
		tag := doc[h.start:h.tagEnd]
		if j := bytes.Index(tag, []byte(` `+qn(pfx, "rsidRPr")+`="`+h.rsid+`"`)); j >= 0 {
			dels = append(dels, edit{at: h.start + j, del: len(qn(pfx, "rsidRPr")) + len(h.rsid) + 4})
		}
		if h.hl.Start >= 0 && h.hl.End > h.hl.Start {
			dels = append(dels, edit{at: h.hl.Start, del: h.hl.End - h.hl.Start})
		}
	}
	return dels
}

// exactUndo returns the deletions that join run i (a figure split out by
// juesuan) back into the run it came from, when the bytes around it are
// as juesuan wrote them.
func exactUndo(doc []byte, sc *docScan, i int, onlyOurs func(int, int) bool, refRun func(*runRec) bool, tOpen string) ([]edit, bool) {
	h := &sc.runs[i]
	if len(h.ts) != 1 || h.others || h.end <= h.start {
		return nil, false
	}
	ht := h.ts[0]
	if ht.end != h.closeStart || string(doc[ht.start:ht.tagEnd]) != tOpen {
		return nil, false
	}
	var p, c *runRec
	for j := i - 1; j >= 0; j-- {
		if !refRun(&sc.runs[j]) {
			p = &sc.runs[j]
			break
		}
	}
	for j := i + 1; j < len(sc.runs); j++ {
		if !refRun(&sc.runs[j]) {
			c = &sc.runs[j]
			break
		}
	}
	if p == nil || c == nil || len(p.ts) == 0 || len(c.ts) == 0 || p.end > h.start || !onlyOurs(p.end, h.start) || !onlyOurs(h.end, c.start) {
		return nil, false
	}
	lt, ft := p.ts[len(p.ts)-1], c.ts[0]
	if lt.end != p.closeStart || lt.closeStart >= lt.end || lt.closeStart == lt.tagEnd && lt.end == lt.tagEnd {
		return nil, false
	}
	want := string(doc[p.start:p.tagEnd])
	if p.rPr.Start >= 0 {
		want += string(doc[p.rPr.Start:p.rPr.End])
	}
	want += tOpen
	if string(doc[c.start:ft.tagEnd]) != want {
		return nil, false
	}
	dels := []edit{{at: lt.closeStart, del: ht.tagEnd - lt.closeStart}, {at: ht.closeStart, del: ft.tagEnd - ht.closeStart}}
	if h.rsid == docxRsidSpace {
		tag := doc[lt.start:lt.tagEnd]
		if !bytes.HasSuffix(tag, []byte(preserveAttr+">")) {
			return nil, false
		}
		dels = append(dels, edit{at: lt.tagEnd - len(preserveAttr) - 1, del: len(preserveAttr)})
	}
	return dels, true
}

func qn(pfx, local string) string {
	if pfx == "" {
		return local
	}
	return pfx + ":" + local
}

// docxGroup is one marked place: a figure (or overlapping figures) with
// the findings on it.
type docxGroup struct {
	ref    model.NarrativeRef
	sev    model.Severity
	msgs   []string
	n      int
	pieces []narrative.Piece
}

// groupFindings gathers the findings to mark by place; overlapping
// figures of one paragraph or cell become one place.
func groupFindings(findings []model.Finding) []*docxGroup {
	var gs []*docxGroup
	for _, f := range findings {
		if f.Narrative == nil || f.Narrative.Length <= 0 || docxHighlight[f.Severity] == "" {
			continue
		}
		gs = append(gs, &docxGroup{ref: *f.Narrative, sev: f.Severity, msgs: []string{f.Message}, n: 1})
	}
	unit := func(r model.NarrativeRef) [4]int { return [4]int{r.Table, r.Row, r.Col, r.Paragraph} }
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := unit(gs[i].ref), unit(gs[j].ref)
		if a != b {
			for k := range a {
				if a[k] != b[k] {
					return a[k] < b[k]
				}
			}
		}
		return gs[i].ref.Offset < gs[j].ref.Offset
	})
	var out []*docxGroup
	for _, g := range gs {
		if n := len(out); n > 0 {
			last := out[n-1]
			if unit(last.ref) == unit(g.ref) && g.ref.Offset < last.ref.Offset+last.ref.Length {
				if end := g.ref.Offset + g.ref.Length; end > last.ref.Offset+last.ref.Length {
					last.ref.Length = end - last.ref.Offset
				}
				if g.sev == model.SevError {
					last.sev = model.SevError
				}
				if !contains(last.msgs, g.msgs[0]) {
					last.msgs = append(last.msgs, g.msgs[0])
				}
				last.n++
				continue
			}
		}
		out = append(out, g)
	}
	return out
}

// mark comments and highlights the figures of findings.
func (pk *docxPackage) mark(m *narrative.DOCXMap, findings []model.Finding, res *NarrativeResult) error {
	doc := pk.parts[docPart]
	pfx := m.Prefix
	var groups []*docxGroup
	for _, g := range groupFindings(findings) {
		if g.pieces, _ = m.Pieces(g.ref); len(g.pieces) == 0 {
			res.Unmarked += g.n
			continue
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return nil
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].pieces[0].Text.Start < groups[j].pieces[0].Text.Start })
	sc, err := scanDoc(doc, pfx, pk.lim.MaxDepth)
	if err != nil {
		return err
	}
	next := sc.maxID + 1
	comments := pk.parts[pk.commentsPart]
	cpfx := "w"
	if comments != nil {
		cpfx, _ = narrative.WordPrefix(comments)
		csc, err := scanDoc(comments, cpfx, pk.lim.MaxDepth)
		if err != nil {
			return err
		}
		next = max(next, csc.maxID+1)
	}
	var edits []edit
	add := func(at, del int, ins string) {
		edits = append(edits, edit{at: at, del: del, ins: ins, seq: len(edits)})
	}
	split := map[int]bool{} // w:t elements split already (by tag offset)
	tOpen := "<" + qn(pfx, "t") + preserveAttr + ">"
	closeRun := "</" + qn(pfx, "t") + "></" + qn(pfx, "r") + ">"
	var entries strings.Builder
	for _, g := range groups {
		id := next
		next++
		for i, pc := range g.pieces {
			rsid := docxRsid
			tag := doc[pc.T.Start:pc.T.End]
			if !split[pc.T.Start] && !hasPreserve(tag) {
				rsid = docxRsidSpace
				add(pc.T.End-1, 0, preserveAttr)
			}
			split[pc.T.Start] = true
			var a strings.Builder
			a.WriteString(closeRun)
			if i == 0 {
				fmt.Fprintf(&a, `<%s %s="%d"/>`, qn(pfx, "commentRangeStart"), qn(pfx, "id"), id)
			}
			a.WriteString(markedRunTag(doc[pc.Run.Start:pc.Run.End], pfx, rsid))
			a.WriteString(highlighted(doc, pc.RPr, pfx, docxHighlight[g.sev]))
			a.WriteString(tOpen)
			add(pc.Text.Start, 0, a.String())
			var b strings.Builder
			b.WriteString(closeRun)
			if i == len(g.pieces)-1 {
				fmt.Fprintf(&b, `<%s %s="%d"/>`, qn(pfx, "commentRangeEnd"), qn(pfx, "id"), id)
				fmt.Fprintf(&b, `<%s %s="%s"><%s %s="%d"/></%s>`, qn(pfx, "r"), qn(pfx, "rsidRPr"), docxRsid, qn(pfx, "commentReference"), qn(pfx, "id"), id, qn(pfx, "r"))
			}
			b.Write(doc[pc.Run.Start:pc.Run.End])
			if pc.RPr.Start >= 0 {
				b.Write(doc[pc.RPr.Start:pc.RPr.End])
			}
			b.WriteString(tOpen)
			add(pc.Text.End, 0, b.String())
		}
		writeComment(&entries, cpfx, id, g.msgs)
		res.Marked++
	}
	pk.set(docPart, apply(doc, edits))
	if comments != nil {
		end := []byte("</" + qn(cpfx, "comments") + ">")
		i := bytes.LastIndex(comments, end)
		if i < 0 {
			return model.Errorf(model.ECorrupt, nil, msgDocxCorrupt)
		}
		pk.set(pk.commentsPart, apply(comments, []edit{{at: i, ins: entries.String()}}))
		return nil
	}
	pk.commentsPart = "word/comments.xml"
	pk.set(pk.commentsPart, []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<w:comments xmlns:w="`+nsWordMain+`">`+entries.String()+`</w:comments>`))
	if rels := pk.parts[docRelsPart]; rels != nil {
		i := bytes.LastIndex(rels, []byte("</Relationships>"))
		if i < 0 {
			return model.Errorf(model.ECorrupt, nil, msgDocxCorrupt)
		}
		pk.set(docRelsPart, apply(rels, []edit{{at: i, ins: ourRel}}))
	} else {
		pk.set(docRelsPart, []byte(newRels(ourRel)))
	}
	types := pk.parts[typesPart]
	if !bytes.Contains(types, []byte(`PartName="/word/comments.xml"`)) {
		i := bytes.LastIndex(types, []byte("</Types>"))
		if i < 0 {
			return model.Errorf(model.ECorrupt, nil, msgDocxCorrupt)
		}
		pk.set(typesPart, apply(types, []edit{{at: i, ins: ourOverride}}))
	}
	return nil
}

var rsidRPrRe = regexp.MustCompile(`\s(?:[A-Za-z_][\w.-]*:)?rsidRPr="[^"]*"`)

// markedRunTag is the start tag of the run a figure is split out to: the
// original run's, with juesuan's mark as its w:rsidRPr.
func markedRunTag(tag []byte, pfx, rsid string) string {
	attr := ` ` + qn(pfx, "rsidRPr") + `="` + rsid + `"`
	s := rsidRPrRe.ReplaceAllString(string(tag), "")
	if strings.HasSuffix(s, "/>") { // an empty run cannot hold text; not reached
		return s[:len(s)-2] + attr + ">"
	}
	return s[:len(s)-1] + attr + ">"
}

func hasPreserve(tag []byte) bool {
	return bytes.Contains(tag, []byte(`xml:space="preserve"`)) || bytes.Contains(tag, []byte(`xml:space='preserve'`))
}

// rPrAfterHighlight are the w:rPr children the schema puts after
// w:highlight (CT_RPr's sequence): the highlight goes before the first.
var rPrAfterHighlight = map[string]bool{"u": true, "effect": true, "bdr": true, "shd": true, "fitText": true, "vertAlign": true,
	"rtl": true, "cs": true, "em": true, "lang": true, "eastAsianLayout": true, "specVanish": true, "oMath": true, "rPrChange": true}

// highlighted is the run properties rPr (a range of doc, Start < 0: none)
// with the highlight colour set.
func highlighted(doc []byte, rPr narrative.Range, pfx, color string) string {
	hl := fmt.Sprintf(`<%s %s="%s"/>`, qn(pfx, "highlight"), qn(pfx, "val"), color)
	if rPr.Start < 0 {
		return "<" + qn(pfx, "rPr") + ">" + hl + "</" + qn(pfx, "rPr") + ">"
	}
	src := doc[rPr.Start:rPr.End]
	if bytes.HasSuffix(src, []byte("/>")) {
		return string(src[:len(src)-2]) + ">" + hl + "</" + qn(pfx, "rPr") + ">"
	}
	d := xml.NewDecoder(bytes.NewReader(src))
	level := 0
	childStart := -1
	for {
		off := int(d.InputOffset())
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			level++
			if level == 2 {
				childStart = off
				if e.Name.Space == pfx && rPrAfterHighlight[e.Name.Local] {
					return string(src[:off]) + hl + string(src[off:])
				}
			}
		case xml.EndElement:
			if level == 2 && e.Name.Space == pfx && e.Name.Local == "highlight" {
				return string(src[:childStart]) + hl + string(src[d.InputOffset():])
			}
			if level == 1 {
				return string(src[:off]) + hl + string(src[off:])
			}
			level--
		}
	}
	return string(src)
}

func writeComment(b *strings.Builder, pfx string, id int, msgs []string) {
	fmt.Fprintf(b, `<%s %s="%d" %s="%s" %s="%s">`, qn(pfx, "comment"), qn(pfx, "id"), id, qn(pfx, "author"), NoteAuthor, qn(pfx, "initials"), docxInitials)
	for _, m := range msgs {
		var esc bytes.Buffer
		_ = xml.EscapeText(&esc, []byte(m))
		fmt.Fprintf(b, `<%s><%s><%s%s>%s</%s></%s></%s>`, qn(pfx, "p"), qn(pfx, "r"), qn(pfx, "t"), preserveAttr, esc.String(), qn(pfx, "t"), qn(pfx, "r"), qn(pfx, "p"))
	}
	b.WriteString("</" + qn(pfx, "comment") + ">")
}
