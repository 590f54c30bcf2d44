package xlsx

// OOXML package primitives for the direct write path (direct.go): an XML
// element index with byte offsets (so a part is edited by splicing and
// every byte not edited stays as its writer left it), relationships parts
// and [Content_Types].xml.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrDirectUnsupported is returned by the direct path for a workbook it
// does not edit (an XML form outside what it reads): nothing has been
// changed, and the caller takes the excelize path instead.
var ErrDirectUnsupported = errors.New("xlsx: workbook not editable on the direct path")

func unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrDirectUnsupported, fmt.Sprintf(format, a...))
}

// Relationship and content types used by the direct path.
const (
	nsRel          = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkgRels      = "http://schemas.openxmlformats.org/package/2006/relationships"
	relTypeSheet   = nsRel + "/worksheet"
	relTypeComment = nsRel + "/comments"
	relTypeVML     = nsRel + "/vmlDrawing"
	ctWorksheet    = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
	ctComments     = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
	ctVML          = "application/vnd.openxmlformats-officedocument.vmlDrawing"
	xmlDecl        = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// xnode is one element of a part: [start, open) is its start tag,
// [close, end) its end tag (close == end == open when self-closing).
type xnode struct {
	prefix, local string
	attrs         []xml.Attr // Name.Space is the prefix as written
	start, open   int
	close, end    int
	parent        int
	depth         int
	text          string // character data directly inside (decoded)
}

func (n *xnode) self() bool { return n.close == n.open && n.end == n.open }

func (n *xnode) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// pfx is the element's prefix with its colon ("" when unprefixed).
func (n *xnode) pfx() string {
	if n.prefix == "" {
		return ""
	}
	return n.prefix + ":"
}

// xtree is the element index of one part.
type xtree struct {
	raw   []byte
	nodes []xnode
}

// parseTree indexes every element of raw (strict, with matching end tags
// checked): with scan.go's tokenizer, or with encoding/xml when that
// declines the input (comments, CDATA, DOCTYPE, other encodings, \r, a
// syntax error, a mismatched end tag), which then gives the reference
// result or error. TestParseTreeMatchesXML and FuzzParseTree compare the
// two on every fixture part and mutations of them.
func parseTree(raw []byte) (*xtree, error) {
	if t := parseTreeFast(raw); t != nil {
		return t, nil
	}
	return parseTreeXML(raw)
}

// treeSink builds an xtree from scanXML's events, exactly as parseTreeXML
// builds it from encoding/xml's tokens.
type treeSink struct {
	t     *xtree
	stack []int
}

// nameAt is the qualified name at raw[i:] (a tag's or an attribute's).
func nameAt(raw []byte, i int) []byte {
	j := i
	for j < len(raw) {
		switch raw[j] {
		case ' ', '\t', '\r', '\n', '/', '>', '=':
			return raw[i:j]
		}
		j++
	}
	return raw[i:j]
}

// splitQ is encoding/xml's split of a name the scanner accepted (local is
// its part after the colon, if any).
func splitQ(q, local []byte) (prefix string) {
	if len(q) > len(local) {
		return string(q[:len(q)-len(local)-1])
	}
	return ""
}

var errTreeEnd = errors.New("end tag does not match")

func (s *treeSink) startTag(local []byte, attrs []attr, off, end int) error {
	raw := s.t.raw
	n := xnode{prefix: splitQ(nameAt(raw, off+1), local), local: string(local), start: off, open: end, parent: -1, depth: len(s.stack)}
	if len(attrs) > 0 {
		n.attrs = make([]xml.Attr, len(attrs))
		for i, a := range attrs {
			n.attrs[i] = xml.Attr{Name: xml.Name{Space: splitQ(nameAt(raw, a.off), a.local), Local: string(a.local)}, Value: string(a.value)}
		}
	}
	if len(s.stack) > 0 {
		n.parent = s.stack[len(s.stack)-1]
	}
	s.t.nodes = append(s.t.nodes, n)
	s.stack = append(s.stack, len(s.t.nodes)-1)
	return nil
}

func (s *treeSink) endTag(local []byte, off, end int) error {
	if len(s.stack) == 0 {
		return errTreeEnd
	}
	i := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	n := &s.t.nodes[i]
	if off != end { // a real end tag (a self-closing one has off == end)
		if string(local) != n.local || splitQ(nameAt(s.t.raw, off+2), local) != n.prefix {
			return errTreeEnd
		}
	}
	n.close, n.end = off, end
	return nil
}

func (s *treeSink) charData(b []byte) {
	if len(s.stack) > 0 && len(b) > 0 {
		n := &s.t.nodes[s.stack[len(s.stack)-1]]
		n.text += string(b)
	}
}

// parseTreeFast is parseTree with scan.go's tokenizer; nil when it
// declines the input.
func parseTreeFast(raw []byte) *xtree {
	s := &treeSink{t: &xtree{raw: raw, nodes: make([]xnode, 0, 16+len(raw)/64)}}
	if !scanXML(raw, s) || len(s.stack) != 0 || len(s.t.nodes) == 0 {
		return nil
	}
	return s.t
}

// parseTreeXML is parseTree with encoding/xml.
func parseTreeXML(raw []byte) (*xtree, error) {
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = true
	t := &xtree{raw: raw}
	var stack []int
	pos := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		off := int(d.InputOffset())
		switch tk := tok.(type) {
		case xml.StartElement:
			n := xnode{prefix: tk.Name.Space, local: tk.Name.Local, start: pos, open: off, parent: -1, depth: len(stack)}
			n.attrs = append(n.attrs, tk.Attr...)
			if len(stack) > 0 {
				n.parent = stack[len(stack)-1]
			}
			t.nodes = append(t.nodes, n)
			stack = append(stack, len(t.nodes)-1)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, fmt.Errorf("unexpected end tag %s", tk.Name.Local)
			}
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n := &t.nodes[i]; n.local != tk.Name.Local || n.prefix != tk.Name.Space {
				return nil, fmt.Errorf("end tag %s does not match %s", tk.Name.Local, n.local)
			}
			t.nodes[i].close, t.nodes[i].end = pos, off
		case xml.CharData:
			if len(stack) > 0 {
				t.nodes[stack[len(stack)-1]].text += string(tk)
			}
		}
		pos = off
	}
	if len(stack) != 0 || len(t.nodes) == 0 {
		return nil, errors.New("unterminated document")
	}
	return t, nil
}

// children lists the indices of the child elements of node i (-1: the roots).
func (t *xtree) children(i int) []int {
	var out []int
	for j := i + 1; j < len(t.nodes); j++ {
		if i >= 0 && t.nodes[j].start >= t.nodes[i].end {
			break
		}
		if t.nodes[j].parent == i {
			out = append(out, j)
		}
	}
	return out
}

// child is the first child of i named local, or -1.
func (t *xtree) child(i int, local string) int {
	for _, j := range t.children(i) {
		if t.nodes[j].local == local {
			return j
		}
	}
	return -1
}

func (t *xtree) span(i int) []byte { n := &t.nodes[i]; return t.raw[n.start:n.end] }

// inner is the content between the tags of i.
func (t *xtree) inner(i int) []byte {
	n := &t.nodes[i]
	if n.self() {
		return nil
	}
	return t.raw[n.open:n.close]
}

// nsPrefix is the prefix the root element binds to uri ("" for the
// default namespace, ok false when it is not declared there).
func (t *xtree) nsPrefix(uri string) (string, bool) {
	if len(t.nodes) == 0 {
		return "", false
	}
	for _, a := range t.nodes[0].attrs {
		if a.Value != uri {
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

// applySplices replaces the given byte ranges of raw (sorted by start,
// not overlapping; an empty range inserts).
func applySplices(raw []byte, sp []splice) []byte {
	sort.SliceStable(sp, func(a, b int) bool {
		if sp[a].start != sp[b].start {
			return sp[a].start < sp[b].start
		}
		return sp[a].end < sp[b].end
	})
	n := len(raw)
	for _, s := range sp {
		n += len(s.with) - (s.end - s.start)
	}
	out := make([]byte, 0, max(n, 0))
	pos := 0
	for _, s := range sp {
		if s.start < pos {
			continue // overlapping edit: the first wins
		}
		out = append(out, raw[pos:s.start]...)
		out = append(out, s.with...)
		pos = s.end
	}
	return append(out, raw[pos:]...)
}

// setAttrInTag returns the start tag tag with attribute name set to value
// (replaced where it is, else added before the tag's end).
var attrRe = map[string]*regexp.Regexp{}

func setAttrInTag(tag []byte, name, value string) []byte {
	re := attrRe[name] // read-only after init: shared by concurrent edits
	if re == nil {
		re = regexp.MustCompile(`(\s)` + regexp.QuoteMeta(name) + `\s*=\s*("[^"]*"|'[^']*')`)
	}
	val := name + `="` + escAttr(value) + `"`
	if loc := re.FindSubmatchIndex(tag); loc != nil {
		out := append([]byte{}, tag[:loc[3]]...)
		out = append(out, val...)
		return append(out, tag[loc[1]:]...)
	}
	end := len(tag) - 1
	if end > 0 && tag[end-1] == '/' {
		end--
	}
	out := append([]byte{}, tag[:end]...)
	out = append(out, ' ')
	out = append(out, val...)
	return append(out, tag[end:]...)
}

func init() {
	for _, n := range []string{"count", "activeTab", "firstSheet", "localSheetId", "uniqueCount", "authorId"} {
		attrRe[n] = regexp.MustCompile(`(\s)` + regexp.QuoteMeta(n) + `\s*=\s*("[^"]*"|'[^']*')`)
	}
}

// plainXMLText reports whether s needs no escaping: valid UTF-8 without
// markup characters, control characters or (in attributes) quotes and
// whitespace other than spaces.
func plainXMLText(s string, attr bool) bool {
	// Byte by byte: the markup and control characters are ASCII, U+FFFD,
	// U+FFFE and U+FFFF are EF BF BD..BF, and anything else non-ASCII is
	// fine when s is valid UTF-8 (an invalid byte is the rune loop's
	// utf8.RuneError).
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '&' || c == '<' || c == '>' || c == '\r':
			return false
		case attr && (c == '"' || c == '\n' || c == '\t'):
			return false
		case c < 0x20 && c != '\n' && c != '\t':
			return false
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBF && s[i+2] >= 0xBD:
			return false
		}
	}
	return utf8.ValidString(s)
}

func plainXMLRunes(s string, attr bool) bool {
	for _, r := range s {
		switch {
		case r == '&' || r == '<' || r == '>' || r == '\r':
			return false
		case attr && (r == '"' || r == '\n' || r == '\t'):
			return false
		case r < 0x20 && r != '\n' && r != '\t':
			return false
		case r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF:
			return false
		}
	}
	return true
}

// escAttr escapes an attribute value.
func escAttr(s string) string {
	if plainXMLText(s, true) {
		return s
	}
	return string(appendEscAttr(nil, s))
}

// appendEscAttr appends s escaped as an attribute value.
func appendEscAttr(b []byte, s string) []byte {
	if plainXMLText(s, true) {
		return append(b, s...)
	}
	for _, r := range s {
		switch r {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&quot;"...)
		case '\n':
			b = append(b, "&#10;"...)
		case '\r':
			b = append(b, "&#13;"...)
		case '\t':
			b = append(b, "&#9;"...)
		default:
			if xmlChar(r) {
				b = utf8.AppendRune(b, r)
			}
		}
	}
	return b
}

// escText escapes element text (newlines kept as they are).
func escText(s string) string {
	if plainXMLText(s, false) {
		return s
	}
	return string(appendEscText(nil, s))
}

// appendEscText appends s escaped as element text.
func appendEscText(b []byte, s string) []byte {
	if plainXMLText(s, false) {
		return append(b, s...)
	}
	for _, r := range s {
		switch r {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '\r':
			b = append(b, "&#13;"...)
		default:
			if xmlChar(r) {
				b = utf8.AppendRune(b, r)
			}
		}
	}
	return b
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// relsName is the relationships part of part.
func relsName(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// rel is one relationship.
type rel struct {
	ID, Type, Target, Mode string
	node                   int // -1: added
}

// relsPart is a relationships part with pending additions and removals.
type relsPart struct {
	name, owner string
	tree        *xtree // nil: the part does not exist yet
	rels        []rel
	dirty       bool
	removed     map[string]bool
}

// resolve is the part a relationship points to ("" for external ones).
func (r *relsPart) resolve(x rel) string {
	if strings.EqualFold(x.Mode, "External") {
		return ""
	}
	return resolveTarget(path.Dir(r.owner), x.Target)
}

// byType returns the first internal relationship of the type (matched by
// its last path element, as writers vary the namespace's year).
func (r *relsPart) byType(typ string) (rel, bool) {
	suffix := typ[strings.LastIndex(typ, "/"):]
	for _, x := range r.rels {
		if !r.removed[x.ID] && strings.HasSuffix(x.Type, suffix) && r.resolve(x) != "" {
			return x, true
		}
	}
	return rel{}, false
}

func (r *relsPart) byID(id string) (rel, bool) {
	for _, x := range r.rels {
		if x.ID == id && !r.removed[id] {
			return x, true
		}
	}
	return rel{}, false
}

// add adds a relationship to part and returns its new id.
func (r *relsPart) add(typ, part string) string {
	used := map[string]bool{}
	n := 0
	for _, x := range r.rels {
		used[x.ID] = true
		if k, err := strconv.Atoi(strings.TrimPrefix(x.ID, "rId")); err == nil && strings.HasPrefix(x.ID, "rId") {
			n = max(n, k)
		}
	}
	id := ""
	for n++; ; n++ {
		if id = "rId" + strconv.Itoa(n); !used[id] {
			break
		}
	}
	r.rels = append(r.rels, rel{ID: id, Type: typ, Target: relativeTarget(path.Dir(r.owner), part), node: -1})
	r.dirty = true
	return id
}

func (r *relsPart) remove(id string) {
	if r.removed == nil {
		r.removed = map[string]bool{}
	}
	r.removed[id] = true
	r.dirty = true
}

// live reports whether any relationship is left.
func (r *relsPart) live() bool {
	for _, x := range r.rels {
		if !r.removed[x.ID] {
			return true
		}
	}
	return false
}

func (r *relsPart) render() []byte {
	var added bytes.Buffer
	for _, x := range r.rels {
		if x.node >= 0 || r.removed[x.ID] {
			continue
		}
		fmt.Fprintf(&added, `<Relationship Id="%s" Type="%s" Target="%s"/>`, escAttr(x.ID), escAttr(x.Type), escAttr(x.Target))
	}
	if r.tree == nil {
		return []byte(xmlDecl + `<Relationships xmlns="` + nsPkgRels + `">` + added.String() + `</Relationships>`)
	}
	t := r.tree
	var sp []splice
	for _, x := range r.rels {
		if x.node >= 0 && r.removed[x.ID] {
			n := &t.nodes[x.node]
			sp = append(sp, splice{n.start, n.end, nil})
		}
	}
	root := &t.nodes[0]
	if added.Len() > 0 {
		if root.self() {
			tag := bytes.TrimSuffix(bytes.TrimRight(t.raw[root.start:root.open-2], " \t\r\n"), nil)
			w := append(append([]byte{}, tag...), '>')
			w = append(w, added.Bytes()...)
			w = append(w, "</"+root.pfx()+root.local+">"...)
			sp = append(sp, splice{root.start, root.open, w})
		} else {
			sp = append(sp, splice{root.close, root.close, added.Bytes()})
		}
	}
	return applySplices(t.raw, sp)
}

// contentTypes is [Content_Types].xml with pending edits.
type contentTypes struct {
	tree      *xtree
	defaults  map[string]string // lower-case extension -> type
	overrides map[string]int    // lower-case part name -> node
	add       map[string]string // lower-case part name -> type (overrides to add)
	addName   map[string]string // lower-case part name -> part name as written
	addOrder  []string
	addDef    [][2]string
	drop      map[string]bool // lower-case part names whose override goes
}

func parseContentTypes(raw []byte) (*contentTypes, error) {
	t, err := parseTree(raw)
	if err != nil {
		return nil, err
	}
	ct := &contentTypes{tree: t, defaults: map[string]string{}, overrides: map[string]int{}, add: map[string]string{}, addName: map[string]string{}, drop: map[string]bool{}}
	for _, i := range t.children(0) {
		n := &t.nodes[i]
		switch n.local {
		case "Default":
			e, _ := n.attr("Extension")
			c, _ := n.attr("ContentType")
			ct.defaults[strings.ToLower(e)] = c
		case "Override":
			p, _ := n.attr("PartName")
			ct.overrides[strings.ToLower(p)] = i
		}
	}
	return ct, nil
}

// typeOf is the content type of part as declared.
func (ct *contentTypes) typeOf(part string) string {
	key := "/" + strings.ToLower(part)
	if i, ok := ct.overrides[key]; ok && !ct.drop[key] {
		c, _ := ct.tree.nodes[i].attr("ContentType")
		return c
	}
	if c, ok := ct.add[key]; ok {
		return c
	}
	return ct.defaults[strings.ToLower(strings.TrimPrefix(path.Ext(part), "."))]
}

// ensure declares part with content type typ: a Default for the
// extension when useDefault and none exists, else an Override.
func (ct *contentTypes) ensure(part, typ string, useDefault bool) {
	if ct.typeOf(part) == typ {
		return
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(part), "."))
	if _, has := ct.defaults[ext]; useDefault && !has && ext != "" {
		ct.defaults[ext] = typ
		ct.addDef = append(ct.addDef, [2]string{ext, typ})
		return
	}
	key := "/" + strings.ToLower(part)
	if _, ok := ct.overrides[key]; ok {
		ct.drop[key] = true // a wrong override is replaced
	}
	if _, ok := ct.add[key]; !ok {
		ct.addOrder = append(ct.addOrder, key)
	}
	ct.add[key] = typ
	ct.addName[key] = "/" + part
}

// remove drops the override of a deleted part.
func (ct *contentTypes) remove(part string) {
	key := "/" + strings.ToLower(part)
	ct.drop[key] = true
	delete(ct.add, key)
}

func (ct *contentTypes) dirty() bool {
	return len(ct.addDef) > 0 || len(ct.add) > 0 || len(ct.drop) > 0
}

func (ct *contentTypes) render() []byte {
	t := ct.tree
	var sp []splice
	for key := range ct.drop {
		if i, ok := ct.overrides[key]; ok {
			sp = append(sp, splice{t.nodes[i].start, t.nodes[i].end, nil})
		}
	}
	root := &t.nodes[0]
	p := root.pfx()
	var w bytes.Buffer
	for _, d := range ct.addDef {
		fmt.Fprintf(&w, `<%sDefault Extension="%s" ContentType="%s"/>`, p, escAttr(d[0]), escAttr(d[1]))
	}
	for _, key := range ct.addOrder {
		if typ, ok := ct.add[key]; ok {
			fmt.Fprintf(&w, `<%sOverride PartName="%s" ContentType="%s"/>`, p, escAttr(ct.addName[key]), escAttr(typ))
		}
	}
	if w.Len() > 0 {
		if root.self() {
			return nil // an empty [Content_Types].xml is not a workbook
		}
		// Defaults first is the convention; Excel accepts either order,
		// so everything new goes after the last Default or at the end.
		at := root.close
		sp = append(sp, splice{at, at, w.Bytes()})
	}
	return applySplices(t.raw, sp)
}
