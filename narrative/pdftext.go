package narrative

import (
	"bytes"
	"compress/zlib"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
)

// A small PDF text-layer reader (pure Go, no dependency): objects (direct
// and in object streams), FlateDecode streams, the page tree, fonts with
// their ToUnicode CMaps (which is how CJK text is mapped back to
// characters: Identity-H Type0 fonts), and the text operators of content
// streams and form XObjects. Lines are joined into paragraphs: a line
// that starts right of the page's margin (the first-line indent of Chinese
// documents) or with a heading number starts one, a line clearly shorter
// than the page's lines ends one. Tables of a PDF come out as
// lines. A PDF whose pages give no text (scanned) is refused with ENoText.

type pdfName string

type pdfRef struct{ num, gen int }

type pdfStream struct {
	dict map[string]any
	raw  []byte
}

type pdfDoc struct {
	data    []byte
	objs    map[int]any
	lim     Limits
	budget  int64
	decoded map[*pdfStream][]byte
	err     error
	ops     int // content operators run, over all pages and forms
}

var objHeadRe = regexp.MustCompile(`(\d{1,10})\s+(\d{1,5})\s+obj\b`)

func readPDF(data []byte, name string, lim Limits) (*Document, error) {
	if regexp.MustCompile(`/Encrypt\s+\d+\s+\d+\s+R`).Match(data) || bytes.Contains(data, []byte("/Encrypt <<")) {
		return nil, model.Errorf(model.EEncrypted, nil, msgPDFEncrypted)
	}
	d := &pdfDoc{data: data, objs: map[int]any{}, lim: lim, budget: lim.UnzipSize, decoded: map[*pdfStream][]byte{}}
	heads := objHeadRe.FindAllSubmatchIndex(data, lim.MaxPDFObjects+1)
	if len(heads) > lim.MaxPDFObjects {
		return nil, model.Errorf(model.ETooMany, nil, "PDF 对象过多（超过 %d 个），已拒绝。", lim.MaxPDFObjects)
	}
	if len(heads) == 0 {
		return nil, model.Errorf(model.ECorrupt, nil, msgPDFCorrupt, "找不到任何对象")
	}
	for _, h := range heads {
		num, _ := strconv.Atoi(string(data[h[2]:h[3]]))
		p := &pdfParser{d: d, b: data, i: h[1]}
		obj := p.object(0)
		if dict, ok := obj.(map[string]any); ok {
			p.space()
			if bytes.HasPrefix(data[p.i:], []byte("stream")) {
				obj = p.stream(dict)
			}
		}
		d.objs[num] = obj
	}
	// objects inside object streams fill the numbers not defined directly
	nums := make([]int, 0, len(d.objs))
	for n := range d.objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		s, ok := d.objs[n].(*pdfStream)
		if !ok || s.dict["Type"] != pdfName("ObjStm") {
			continue
		}
		if err := d.objStm(s); err != nil {
			return nil, err
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	pages := d.pages()
	b := newBuilder(name, FormatPDF, lim)
	var lines []pdfLine
	for _, pg := range pages {
		pl, err := d.pageLines(pg)
		if err != nil {
			return nil, err
		}
		lines = append(lines, pl...)
		lines = append(lines, pdfLine{pageEnd: true})
	}
	if err := joinLines(lines, b); err != nil {
		return nil, err
	}
	doc := b.done()
	if len(doc.Paragraphs) == 0 {
		return nil, model.Errorf(ENoText, nil, msgPDFNoText)
	}
	return doc, nil
}

// ---- lexer and parser ----

type pdfParser struct {
	d *pdfDoc
	b []byte
	i int
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelim(c byte) bool {
	return strings.IndexByte("()<>[]{}/%", c) >= 0
}

func (p *pdfParser) space() {
	for p.i < len(p.b) {
		c := p.b[p.i]
		if isPDFSpace(c) {
			p.i++
		} else if c == '%' {
			for p.i < len(p.b) && p.b[p.i] != '\n' && p.b[p.i] != '\r' {
				p.i++
			}
		} else {
			return
		}
	}
}

// keyword reads a run of regular characters.
func (p *pdfParser) keyword() string {
	s := p.i
	for p.i < len(p.b) && !isPDFSpace(p.b[p.i]) && !isPDFDelim(p.b[p.i]) {
		p.i++
	}
	return string(p.b[s:p.i])
}

// object parses one object; depth bounds nesting.
func (p *pdfParser) object(depth int) any {
	p.space()
	if p.i >= len(p.b) || depth > p.d.lim.MaxDepth {
		if depth > p.d.lim.MaxDepth && p.d.err == nil {
			p.d.err = model.Errorf(model.ETooLarge, nil, "PDF 对象嵌套过深（超过 %d 层），已拒绝。", p.d.lim.MaxDepth)
		}
		p.i = len(p.b)
		return nil
	}
	c := p.b[p.i]
	switch {
	case c == '/':
		p.i++
		return pdfName(decodeName(p.keyword()))
	case c == '(':
		return p.literal()
	case c == '<' && p.i+1 < len(p.b) && p.b[p.i+1] == '<':
		p.i += 2
		dict := map[string]any{}
		for n := 0; n < 1<<20; n++ {
			p.space()
			if p.i >= len(p.b) {
				return dict
			}
			if p.b[p.i] == '>' {
				p.i += 2
				return dict
			}
			k, ok := p.object(depth + 1).(pdfName)
			if !ok {
				// skip a malformed entry
				if p.i < len(p.b) && !(p.b[p.i] == '/' || p.b[p.i] == '>') {
					p.i++
				}
				continue
			}
			dict[string(k)] = p.object(depth + 1)
		}
		return dict
	case c == '<':
		return p.hex()
	case c == '[':
		p.i++
		var arr []any
		for n := 0; n < 1<<22; n++ {
			p.space()
			if p.i >= len(p.b) {
				break
			}
			if p.b[p.i] == ']' {
				p.i++
				break
			}
			start := p.i
			arr = append(arr, p.object(depth+1))
			if p.i == start {
				p.i++
			}
		}
		return arr
	case c == ']' || c == '>' || c == ')' || c == '{' || c == '}':
		p.i++
		return nil
	}
	kw := p.keyword()
	if kw == "" {
		p.i++
		return nil
	}
	switch kw {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if n, err := strconv.ParseFloat(kw, 64); err == nil {
		// "n g R"
		if i, err := strconv.Atoi(kw); err == nil && i >= 0 {
			save := p.i
			p.space()
			g := p.keyword()
			if gi, err := strconv.Atoi(g); err == nil {
				p.space()
				if p.i < len(p.b) && p.b[p.i] == 'R' && (p.i+1 == len(p.b) || isPDFSpace(p.b[p.i+1]) || isPDFDelim(p.b[p.i+1])) {
					p.i++
					return pdfRef{i, gi}
				}
			}
			p.i = save
		}
		return n
	}
	return kw // an operator (content streams) or a stray keyword
}

func decodeName(s string) string {
	if !strings.Contains(s, "#") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(v))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

// pdfString is a string object's bytes.
type pdfString []byte

func (p *pdfParser) literal() any {
	p.i++
	var out []byte
	depth := 1
	for p.i < len(p.b) {
		c := p.b[p.i]
		p.i++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return pdfString(out)
			}
		case '\\':
			if p.i >= len(p.b) {
				break
			}
			e := p.b[p.i]
			p.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if p.i < len(p.b) && p.b[p.i] == '\n' {
					p.i++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '7'; k++ {
						v = v*8 + int(p.b[p.i]-'0')
						p.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return pdfString(out)
}

func (p *pdfParser) hex() any {
	p.i++
	var out []byte
	var hi byte
	half := false
	for p.i < len(p.b) && p.b[p.i] != '>' {
		c := p.b[p.i]
		p.i++
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	p.i++
	return pdfString(out)
}

// stream reads the data after "stream" up to "endstream".
func (p *pdfParser) stream(dict map[string]any) *pdfStream {
	p.i += len("stream")
	if p.i < len(p.b) && p.b[p.i] == '\r' {
		p.i++
	}
	if p.i < len(p.b) && p.b[p.i] == '\n' {
		p.i++
	}
	start := p.i
	if n, ok := dict["Length"].(float64); ok && n >= 0 && start+int(n) <= len(p.b) {
		end := start + int(n)
		rest := p.b[end:min(len(p.b), end+32)]
		if bytes.Contains(rest, []byte("endstream")) {
			p.i = end
			return &pdfStream{dict: dict, raw: p.b[start:end]}
		}
	}
	j := bytes.Index(p.b[start:], []byte("endstream"))
	if j < 0 {
		p.i = len(p.b)
		return &pdfStream{dict: dict, raw: p.b[start:]}
	}
	end := start + j
	for end > start && (p.b[end-1] == '\n' || p.b[end-1] == '\r') {
		end--
	}
	p.i = start + j
	return &pdfStream{dict: dict, raw: p.b[start:end]}
}

// ---- objects ----

func (d *pdfDoc) resolve(o any) any {
	for k := 0; k < 16; k++ {
		r, ok := o.(pdfRef)
		if !ok {
			return o
		}
		o = d.objs[r.num]
	}
	return nil
}

func (d *pdfDoc) dict(o any) map[string]any {
	switch v := d.resolve(o).(type) {
	case map[string]any:
		return v
	case *pdfStream:
		return v.dict
	}
	return nil
}

// decode returns a stream's decoded data within the limits.
func (d *pdfDoc) decode(s *pdfStream) ([]byte, error) {
	if out, ok := d.decoded[s]; ok {
		return out, nil
	}
	filters := []any{}
	switch f := d.resolve(s.dict["Filter"]).(type) {
	case pdfName:
		filters = append(filters, f)
	case []any:
		filters = f
	}
	out := s.raw
	for _, f := range filters {
		switch d.resolve(f) {
		case pdfName("FlateDecode"), pdfName("Fl"):
			zr, err := zlib.NewReader(bytes.NewReader(out))
			if err != nil {
				return nil, nil // an undecodable stream gives no text
			}
			max := min(d.lim.UnzipXMLSize, d.budget)
			buf, err := io.ReadAll(io.LimitReader(zr, max+1))
			if int64(len(buf)) > max {
				return nil, model.Errorf(model.ETooLarge, nil, msgUnzipTooBig, "PDF 数据流", sizeText(max))
			}
			if err != nil && len(buf) == 0 {
				return nil, nil
			}
			d.budget -= int64(len(buf))
			out = buf
			if parms := d.dict(s.dict["DecodeParms"]); parms != nil {
				if pr, _ := d.resolve(parms["Predictor"]).(float64); pr >= 10 {
					cols := 1
					if c, ok := d.resolve(parms["Columns"]).(float64); ok && c > 0 {
						cols = int(c)
					}
					out = pngUnpredict(out, cols)
				}
			}
		default:
			return nil, nil // other filters carry images, not text
		}
	}
	d.decoded[s] = out
	return out, nil
}

func pngUnpredict(data []byte, cols int) []byte {
	row := cols + 1
	if cols <= 0 || len(data)%row != 0 {
		return data
	}
	out := make([]byte, 0, len(data)/row*cols)
	prev := make([]byte, cols)
	for i := 0; i+row <= len(data); i += row {
		t, cur := data[i], append([]byte(nil), data[i+1:i+row]...)
		for j := range cur {
			var left, up, ul byte
			if j > 0 {
				left, ul = cur[j-1], prev[j-1]
			}
			up = prev[j]
			switch t {
			case 1:
				cur[j] += left
			case 2:
				cur[j] += up
			case 3:
				cur[j] += byte((int(left) + int(up)) / 2)
			case 4:
				p := int(left) + int(up) - int(ul)
				pa, pb, pc := abs(p-int(left)), abs(p-int(up)), abs(p-int(ul))
				switch {
				case pa <= pb && pa <= pc:
					cur[j] += left
				case pb <= pc:
					cur[j] += up
				default:
					cur[j] += ul
				}
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func (d *pdfDoc) objStm(s *pdfStream) error {
	data, err := d.decode(s)
	if err != nil || data == nil {
		return err
	}
	n, _ := d.resolve(s.dict["N"]).(float64)
	first, _ := d.resolve(s.dict["First"]).(float64)
	if n <= 0 || first <= 0 || int(first) > len(data) || n > float64(d.lim.MaxPDFObjects) {
		return nil
	}
	p := &pdfParser{d: d, b: data[:int(first)]}
	type entry struct{ num, off int }
	var es []entry
	for k := 0; k < int(n); k++ {
		a, ok1 := p.object(0).(float64)
		b, ok2 := p.object(0).(float64)
		if !ok1 || !ok2 {
			break
		}
		es = append(es, entry{int(a), int(b)})
	}
	if len(d.objs)+len(es) > d.lim.MaxPDFObjects {
		return model.Errorf(model.ETooMany, nil, "PDF 对象过多（超过 %d 个），已拒绝。", d.lim.MaxPDFObjects)
	}
	for _, e := range es {
		if _, ok := d.objs[e.num]; ok {
			continue
		}
		off := int(first) + e.off
		if off < 0 || off >= len(data) {
			continue
		}
		q := &pdfParser{d: d, b: data, i: off}
		d.objs[e.num] = q.object(0)
	}
	return nil
}

// pages returns the page dictionaries in order, each with its inherited
// resources.
type pdfPage struct {
	dict map[string]any
	res  map[string]any
}

func (d *pdfDoc) pages() []pdfPage {
	var root map[string]any
	for _, o := range d.objs {
		if dc := d.dict(o); dc != nil && dc["Type"] == pdfName("Catalog") {
			root = dc
			break
		}
	}
	var out []pdfPage
	seen := map[any]bool{}
	var walk func(o any, res map[string]any, depth int)
	walk = func(o any, res map[string]any, depth int) {
		if depth > d.lim.MaxDepth || len(out) > 100000 {
			return
		}
		if r, ok := o.(pdfRef); ok {
			if seen[r] {
				return
			}
			seen[r] = true
		}
		dc := d.dict(o)
		if dc == nil {
			return
		}
		if r := d.dict(dc["Resources"]); r != nil {
			res = r
		}
		if kids, ok := d.resolve(dc["Kids"]).([]any); ok {
			for _, k := range kids {
				walk(k, res, depth+1)
			}
			return
		}
		if dc["Type"] == pdfName("Page") || dc["Contents"] != nil {
			out = append(out, pdfPage{dict: dc, res: res})
		}
	}
	if root != nil {
		walk(root["Pages"], nil, 0)
	}
	if len(out) == 0 {
		var nums []int
		for n, o := range d.objs {
			if dc := d.dict(o); dc != nil && dc["Type"] == pdfName("Page") {
				nums = append(nums, n)
			}
		}
		sort.Ints(nums)
		for _, n := range nums {
			dc := d.dict(d.objs[n])
			out = append(out, pdfPage{dict: dc, res: d.dict(dc["Resources"])})
		}
	}
	return out
}

// ---- fonts ----

type pdfFont struct {
	codeLen int            // bytes per code: 1 simple, 2 Type0
	uni     map[int]string // ToUnicode
	ucs2    bool           // Type0 with a UCS-2 CMap: the code is the character
}

func (d *pdfDoc) font(o any) *pdfFont {
	dc := d.dict(o)
	f := &pdfFont{codeLen: 1}
	if dc == nil {
		return f
	}
	if dc["Subtype"] == pdfName("Type0") {
		f.codeLen = 2
		if enc, ok := d.resolve(dc["Encoding"]).(pdfName); ok && strings.Contains(string(enc), "UCS2") {
			f.ucs2 = true
		}
	}
	if s, ok := d.resolve(dc["ToUnicode"]).(*pdfStream); ok {
		if data, err := d.decode(s); err == nil && data != nil {
			f.uni = parseCMap(data, d.lim)
		}
	}
	return f
}

// parseCMap reads bfchar and bfrange of a ToUnicode CMap.
func parseCMap(data []byte, lim Limits) map[int]string {
	m := map[int]string{}
	p := &pdfParser{d: &pdfDoc{lim: lim}, b: data}
	work := 0 // codes expanded from ranges, bounded
	var stack []any
	for n := 0; p.i < len(p.b) && n < 1<<22; n++ {
		start := p.i
		o := p.object(0)
		if p.i == start {
			p.i++
			continue
		}
		kw, isKw := o.(string)
		if !isKw {
			stack = append(stack, o)
			if len(stack) > 1<<16 {
				stack = stack[:0]
			}
			continue
		}
		switch kw {
		case "endbfchar":
			for i := 0; i+1 < len(stack); i += 2 {
				src, ok1 := stack[i].(pdfString)
				dst, ok2 := stack[i+1].(pdfString)
				if ok1 && ok2 && len(m) < 1<<20 {
					m[bytesCode(src)] = utf16String(dst)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(stack); i += 3 {
				lo, ok1 := stack[i].(pdfString)
				hi, ok2 := stack[i+1].(pdfString)
				if !ok1 || !ok2 {
					continue
				}
				a, b := bytesCode(lo), bytesCode(hi)
				if b < a || b-a > 1<<16 {
					continue
				}
				switch dst := stack[i+2].(type) {
				case pdfString:
					base := []rune(utf16String(dst))
					if len(base) == 0 {
						continue
					}
					for c := a; c <= b && len(m) < 1<<20 && work < 1<<21; c++ {
						work++
						r := append([]rune(nil), base...)
						r[len(r)-1] += rune(c - a)
						m[c] = string(r)
					}
				case []any:
					for k, x := range dst {
						if s, ok := x.(pdfString); ok && a+k <= b {
							m[a+k] = utf16String(s)
						}
					}
				}
			}
		}
		if strings.HasPrefix(kw, "end") || strings.HasPrefix(kw, "begin") {
			stack = stack[:0]
		}
	}
	return m
}

func bytesCode(b []byte) int {
	v := 0
	for _, c := range b {
		v = v<<8 | int(c)
	}
	return v
}

func utf16String(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

func (f *pdfFont) text(s []byte) string {
	var b strings.Builder
	for i := 0; i+f.codeLen <= len(s); i += f.codeLen {
		code := bytesCode(s[i : i+f.codeLen])
		if t, ok := f.uni[code]; ok {
			b.WriteString(t)
			continue
		}
		switch {
		case f.ucs2:
			b.WriteRune(rune(code))
		case f.codeLen == 1 && f.uni == nil && code >= 0x20 && code < 0x7f:
			b.WriteByte(byte(code))
		case f.codeLen == 1 && f.uni == nil && code >= 0xa0:
			b.WriteRune(rune(code)) // Latin-1 approximation of WinAnsi
		}
	}
	return b.String()
}

// ---- content ----

type pdfLine struct {
	text    string
	x, y    float64 // where the line starts
	pageEnd bool
}

func (d *pdfDoc) pageLines(pg pdfPage) ([]pdfLine, error) {
	var data []byte
	switch c := d.resolve(pg.dict["Contents"]).(type) {
	case *pdfStream:
		b, err := d.decode(c)
		if err != nil {
			return nil, err
		}
		data = b
	case []any:
		for _, x := range c {
			if s, ok := d.resolve(x).(*pdfStream); ok {
				b, err := d.decode(s)
				if err != nil {
					return nil, err
				}
				data = append(append(data, b...), '\n')
			}
		}
	}
	var lines []pdfLine
	st := &textState{lines: &lines}
	if err := d.run(data, pg.res, st, 0); err != nil {
		return nil, err
	}
	st.flush()
	return lines, nil
}

type textState struct {
	lines  *[]pdfLine
	cur    strings.Builder
	x, y   float64
	has    bool
	font   *pdfFont
	tx, ty float64 // text line matrix translation
}

func (st *textState) flush() {
	if st.cur.Len() > 0 {
		*st.lines = append(*st.lines, pdfLine{text: st.cur.String(), x: st.x, y: st.y})
		st.cur.Reset()
	}
	st.has = false
}

func (st *textState) show(t string) {
	if t == "" {
		return
	}
	if st.has && math.Abs(st.ty-st.y) > 3 {
		st.flush()
	}
	if !st.has {
		st.x, st.y, st.has = st.tx, st.ty, true
	}
	st.cur.WriteString(t)
}

// maxPDFOps bounds the content operators run for one document (forms
// drawn from forms could otherwise multiply the work).
const maxPDFOps = 20_000_000

// run interprets a content stream.
func (d *pdfDoc) run(data []byte, res map[string]any, st *textState, depth int) error {
	if depth > 8 {
		return nil
	}
	fonts := map[string]*pdfFont{}
	fontDict := d.dict(res["Font"])
	xobjs := d.dict(res["XObject"])
	p := &pdfParser{d: d, b: data}
	var ops []any
	num := func(k int) float64 {
		if k < len(ops) {
			if v, ok := ops[k].(float64); ok {
				return v
			}
		}
		return 0
	}
	for p.i < len(p.b) {
		start := p.i
		o := p.object(0)
		if d.err != nil {
			return d.err
		}
		if p.i == start {
			p.i++
			continue
		}
		kw, isOp := o.(string)
		if !isOp {
			ops = append(ops, o)
			if len(ops) > 1<<16 {
				ops = ops[:0]
			}
			continue
		}
		d.ops++
		if d.ops > maxPDFOps {
			return model.Errorf(model.ETooLarge, nil, "PDF 页面内容过于复杂（超过 %d 个操作），已拒绝。", maxPDFOps)
		}
		switch kw {
		case "BI":
			// inline image: skip its data up to EI
			j := bytes.Index(p.b[p.i:], []byte("EI"))
			for j >= 0 {
				k := p.i + j
				if (k == 0 || isPDFSpace(p.b[k-1])) && (k+2 == len(p.b) || isPDFSpace(p.b[k+2])) {
					break
				}
				n := bytes.Index(p.b[k+2:], []byte("EI"))
				if n < 0 {
					j = -1
					break
				}
				j += 2 + n
			}
			if j < 0 {
				p.i = len(p.b)
			} else {
				p.i += j + 2
			}
		case "BT":
			st.tx, st.ty = 0, 0
		case "ET":
		case "Tf":
			if n, ok := ops[max(0, len(ops)-2)].(pdfName); ok && len(ops) >= 2 {
				f, ok := fonts[string(n)]
				if !ok {
					f = d.font(fontDict[string(n)])
					fonts[string(n)] = f
				}
				st.font = f
			}
		case "Td", "TD":
			if len(ops) >= 2 {
				st.tx += num(len(ops) - 2)
				st.ty += num(len(ops) - 1)
			}
		case "Tm":
			if len(ops) >= 6 {
				st.tx, st.ty = num(len(ops)-2), num(len(ops)-1)
			}
		case "T*":
			st.ty -= 1000 // a new line
		case "Tj", "'", "\"":
			if kw != "Tj" {
				st.ty -= 1000
			}
			if len(ops) > 0 && st.font != nil {
				if s, ok := ops[len(ops)-1].(pdfString); ok {
					st.show(st.font.text(s))
				}
			}
		case "TJ":
			if len(ops) > 0 && st.font != nil {
				if arr, ok := ops[len(ops)-1].([]any); ok {
					for _, x := range arr {
						if s, ok := x.(pdfString); ok {
							st.show(st.font.text(s))
						}
					}
				}
			}
		case "Do":
			if len(ops) > 0 {
				if n, ok := ops[len(ops)-1].(pdfName); ok && xobjs != nil {
					if s, ok := d.resolve(xobjs[string(n)]).(*pdfStream); ok && s.dict["Subtype"] == pdfName("Form") {
						b, err := d.decode(s)
						if err != nil {
							return err
						}
						r := d.dict(s.dict["Resources"])
						if r == nil {
							r = res
						}
						if err := d.run(b, r, st, depth+1); err != nil {
							return err
						}
					}
				}
			}
		}
		ops = ops[:0]
	}
	return nil
}

// ---- lines to paragraphs ----

// page numbers in headers and footers: "- 3 -", "第 3 页", "3/12".
var pdfPageNumber = regexp.MustCompile(`^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$`)

var pdfParaStart = regexp.MustCompile(`^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．][^\d])`)

func joinLines(lines []pdfLine, b *builder) error {
	var para strings.Builder
	// Per page: the longest line sets what a full line is, the leftmost
	// start is the margin (Chinese paragraphs indent their first line).
	n := len(lines)
	longest := make([]int, n)
	margin := make([]float64, n)
	indented := make([]bool, n) // the page indents first lines
	start := 0
	for i := 0; i <= n; i++ {
		if i < n && !lines[i].pageEnd {
			continue
		}
		l, m := 0, math.Inf(1)
		for k := start; k < i; k++ {
			if t := strings.TrimSpace(lines[k].text); t != "" && !pdfPageNumber.MatchString(t) {
				l = max(l, utf8.RuneCountInString(t))
				m = math.Min(m, lines[k].x)
			}
		}
		ind := false
		for k := start; k < i; k++ {
			ind = ind || lines[k].x > m+2
		}
		for k := start; k < i; k++ {
			longest[k], margin[k], indented[k] = l, m, ind
		}
		start = i + 1
	}
	end := func() error {
		if para.Len() == 0 {
			return nil
		}
		err := b.paragraph(para.String())
		para.Reset()
		return err
	}
	for i, l := range lines {
		if l.pageEnd {
			continue
		}
		t := strings.TrimSpace(l.text)
		if t == "" || pdfPageNumber.MatchString(t) {
			continue
		}
		// Without first-line indents, a heading number starts a paragraph.
		if l.x > margin[i]+2 || !indented[i] && pdfParaStart.MatchString(t) {
			if err := end(); err != nil {
				return err
			}
		}
		para.WriteString(t)
		if para.Len() > 4*b.lim.MaxParagraphRunes {
			return errTooLong(len(b.doc.Paragraphs)+1, b.lim.MaxParagraphRunes)
		}
		// A justified paragraph fills every line but its last.
		if float64(utf8.RuneCountInString(t)) < 0.85*float64(longest[i]) {
			if err := end(); err != nil {
				return err
			}
		}
	}
	return end()
}
