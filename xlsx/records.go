package xlsx

import (
	"bytes"
	"encoding/xml"
)

// records.go: the package parts the reader unmarshals into a slice of
// attribute records (workbook.xml's sheets, relationships) read with the
// fast scanner instead of xml.Unmarshal, which cost a tenth of a whole
// read for these few small parts. The scanner's result is used only where
// it is the one xml.Unmarshal gives; anything else falls back to
// xml.Unmarshal.

// recordsParse collects, as xml.Unmarshal fills a slice field tagged
// "a>b" (path {"a", "b"}) or "b" whose struct has string fields tagged
// "name,attr", the attributes names of every element at path below the
// root: matched by local name in any namespace, the last of several
// matching attributes winning. It gives up (bad) where Unmarshal could
// disagree: an end tag not matching its start tag (Unmarshal reads with
// Token, which checks them), a second root element (Unmarshal reads only
// the first), no root at all.
type recordsParse struct {
	raw   []byte
	path  []string
	names []string
	recs  [][]string
	stack [][]byte // qualified names of the open elements
	on    int      // depth up to which the open elements follow path (the root is depth 1)
	roots int
	bad   bool
}

// qname is the qualified name of the tag starting at raw[off] ("<" or
// "</"): scanName already accepted it, so it ends at the first byte that
// is no name byte.
func qname(raw []byte, off int) []byte {
	i := off + 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	j := i
	for j < len(raw) {
		switch ch := raw[j]; {
		case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' ||
			ch == '_' || ch == '-' || ch == '.' || ch == ':':
			j++
			continue
		}
		break
	}
	return raw[i:j]
}

func (p *recordsParse) startTag(local []byte, attrs []attr, off, _ int) error {
	d := len(p.stack) + 1
	if d == 1 {
		if p.roots++; p.roots > 1 {
			p.bad = true
			return errPatch
		}
	}
	p.stack = append(p.stack, qname(p.raw, off))
	if d == 1 {
		p.on = 1
		return nil
	}
	if p.on != d-1 || d-2 >= len(p.path) || string(local) != p.path[d-2] {
		return nil
	}
	p.on = d
	if d-1 < len(p.path) {
		return nil
	}
	rec := make([]string, len(p.names))
	for _, a := range attrs {
		for i, n := range p.names {
			if string(a.local) == n {
				rec[i] = string(a.value)
			}
		}
	}
	p.recs = append(p.recs, rec)
	return nil
}

func (p *recordsParse) endTag(_ []byte, off, end int) error {
	if len(p.stack) == 0 {
		p.bad = true
		return errPatch
	}
	open := p.stack[len(p.stack)-1]
	// A self-closing tag's end has off == end: it closes itself.
	if off != end && !bytes.Equal(open, qname(p.raw, off)) {
		p.bad = true
		return errPatch
	}
	if p.on == len(p.stack) {
		p.on--
	}
	p.stack = p.stack[:len(p.stack)-1]
	return nil
}

func (p *recordsParse) charData([]byte) {}

// scanRecords is recordsParse over raw; ok is false when the scanner
// declined the part or Unmarshal could read it differently.
func scanRecords(raw []byte, path, names []string) (recs [][]string, ok bool) {
	p := &recordsParse{raw: raw, path: path, names: names}
	if !scanXML(raw, p) || p.bad || p.roots != 1 || len(p.stack) != 0 {
		return nil, false
	}
	return p.recs, true
}

// unmarshalRels is xml.Unmarshal(raw, &rels), with the scanner when it
// can.
func unmarshalRels(raw []byte, fast bool) (xmlRels, error) {
	var rels xmlRels
	if fast {
		if recs, ok := scanRecords(raw, []string{"Relationship"}, []string{"Id", "Type", "Target"}); ok {
			for _, r := range recs { // nil when none, as Unmarshal leaves it
				rels.Rels = append(rels.Rels, xmlRel{ID: r[0], Type: r[1], Target: r[2]})
			}
			return rels, nil
		}
	}
	err := xml.Unmarshal(raw, &rels)
	return rels, err
}

// unmarshalWorkbook is xml.Unmarshal(raw, &wb), with the scanner when it
// can.
func unmarshalWorkbook(raw []byte, fast bool) (xmlWorkbook, error) {
	var wb xmlWorkbook
	if fast {
		if recs, ok := scanRecords(raw, []string{"sheets", "sheet"}, []string{"name", "state", "id"}); ok {
			for _, r := range recs {
				wb.Sheets = append(wb.Sheets, xmlSheet{Name: r[0], State: r[1], RID: r[2]})
			}
			return wb, nil
		}
	}
	err := xml.Unmarshal(raw, &wb)
	return wb, err
}
