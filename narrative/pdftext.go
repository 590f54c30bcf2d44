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
	"unicode"
	"unicode/utf16"

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
	d, err := openPDF(data, lim)
	if err != nil {
		return nil, err
	}
	lines, err := d.lines()
	if err != nil {
		return nil, err
	}
	b := newBuilder(name, FormatPDF, lim)
	if err := joinLines(lines, b); err != nil {
		return nil, err
	}
	doc := b.done()
	if len(doc.Paragraphs) == 0 {
		return nil, model.Errorf(ENoText, nil, msgPDFNoText)
	}
	return doc, nil
}

// openPDF reads a PDF's objects, those in object streams included.
func openPDF(data []byte, lim Limits) (*pdfDoc, error) {
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
		if lim.stop.Tick() {
			return nil, lim.stop.Err()
		}
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
	return d, nil
}

// lines is the text of each page as lines.
func (d *pdfDoc) lines() ([][]pdfLine, error) {
	var lines [][]pdfLine
	for _, pg := range d.pages() {
		if d.lim.stop.Now() {
			return nil, d.lim.stop.Err()
		}
		fr, err := d.pageFrags(pg)
		if err != nil {
			return nil, err
		}
		lines = append(lines, fragLines(fr))
	}
	return lines, nil
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

// pdfFont maps a font's codes to text and to advance widths (text space
// units at font size 1).
type pdfFont struct {
	codeLen  int            // bytes per code: 1 simple, 2 Type0
	uni      map[int]string // ToUnicode
	ucs2     bool           // Type0 with a UCS-2 CMap: the code is the character
	identity bool           // Type0 with Identity-H/V (or an embedded CMap): the code is the CID
	first    int            // simple font: FirstChar
	widths   []float64      // simple font: Widths, from FirstChar
	cidW     map[int]float64
	dw       float64        // width of a code none is given for
	names    map[int]string // simple font: glyph names from the encoding's Differences
}

// maxFontWidths bounds the widths read from one font's W array.
const maxFontWidths = 1 << 16

func (d *pdfDoc) num(o any) (float64, bool) {
	v, ok := d.resolve(o).(float64)
	if ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
		return 0, false
	}
	return v, ok
}

func (d *pdfDoc) font(o any) *pdfFont {
	dc := d.dict(o)
	f := &pdfFont{codeLen: 1, dw: 0.5}
	if dc == nil {
		return f
	}
	if dc["Subtype"] == pdfName("Type0") {
		f.codeLen, f.dw = 2, 1
		switch enc := d.resolve(dc["Encoding"]).(type) {
		case pdfName:
			f.ucs2 = strings.Contains(string(enc), "UCS2")
			f.identity = enc == "Identity-H" || enc == "Identity-V"
		case *pdfStream:
			f.identity = true
		}
		if ds, ok := d.resolve(dc["DescendantFonts"]).([]any); ok && len(ds) > 0 {
			if cf := d.dict(ds[0]); cf != nil {
				if v, ok := d.num(cf["DW"]); ok && v > 0 {
					f.dw = v / 1000
				}
				if w, ok := d.resolve(cf["W"]).([]any); ok && f.identity {
					f.cidW = d.cidWidths(w)
				}
			}
		}
	} else {
		scale := 0.001
		if dc["Subtype"] == pdfName("Type3") {
			if m, ok := d.resolve(dc["FontMatrix"]).([]any); ok && len(m) == 6 {
				if v, ok := d.num(m[0]); ok && v != 0 {
					scale = math.Abs(v)
				}
			}
		}
		if fd := d.dict(dc["FontDescriptor"]); fd != nil {
			if v, ok := d.num(fd["MissingWidth"]); ok && v > 0 {
				f.dw = v * scale
			}
		}
		if w, ok := d.resolve(dc["Widths"]).([]any); ok {
			fc, _ := d.num(dc["FirstChar"])
			f.first = int(math.Max(0, math.Min(fc, 255)))
			f.widths = make([]float64, min(len(w), 256))
			for i := range f.widths {
				v, _ := d.num(w[i])
				f.widths[i] = v * scale
			}
		}
	}
	if enc := d.dict(dc["Encoding"]); enc != nil && f.codeLen == 1 {
		if diff, ok := d.resolve(enc["Differences"]).([]any); ok {
			f.names = map[int]string{}
			code := 0
			for _, x := range diff {
				switch v := d.resolve(x).(type) {
				case float64:
					code = int(math.Max(0, math.Min(v, 256)))
				case pdfName:
					if code < 256 {
						f.names[code] = string(v)
					}
					code++
				}
			}
		}
	}
	if s, ok := d.resolve(dc["ToUnicode"]).(*pdfStream); ok {
		if data, err := d.decode(s); err == nil && data != nil {
			f.uni = parseCMap(data, d.lim)
		}
	}
	return f
}

// winAnsi80 is WinAnsiEncoding from 0x80 to 0x9f (0 where undefined).
var winAnsi80 = [32]rune{'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ'}

// pdfGlyphNames are the glyph names of the standard encodings a narrative
// needs beyond letters (single-letter names) and uniXXXX / uXXXX names.
var pdfGlyphNames = map[string]string{
	"space": " ", "comma": ",", "period": ".", "hyphen": "-", "percent": "%", "colon": ":", "semicolon": ";",
	"parenleft": "(", "parenright": ")", "slash": "/", "plus": "+", "minus": "−", "equal": "=",
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
	"quotedblleft": "“", "quotedblright": "”", "quoteleft": "‘", "quoteright": "’", "endash": "–", "emdash": "—",
	"bullet": "•", "ellipsis": "…", "exclam": "!", "question": "?", "ampersand": "&", "asterisk": "*", "numbersign": "#",
}

// glyphNameText is the text of a glyph name, "" when unknown.
func glyphNameText(n string) string {
	if t, ok := pdfGlyphNames[n]; ok {
		return t
	}
	if len(n) == 1 && (n[0] >= 'A' && n[0] <= 'Z' || n[0] >= 'a' && n[0] <= 'z') {
		return n
	}
	hexRunes := func(h string, size int) string {
		if len(h) == 0 || len(h)%size != 0 {
			return ""
		}
		var b strings.Builder
		for i := 0; i < len(h); i += size {
			v, err := strconv.ParseUint(h[i:i+size], 16, 32)
			if err != nil || v > unicode.MaxRune || v >= 0xd800 && v < 0xe000 {
				return ""
			}
			b.WriteRune(rune(v))
		}
		return b.String()
	}
	switch {
	case strings.HasPrefix(n, "uni"):
		return unradical(hexRunes(n[3:], 4))
	case strings.HasPrefix(n, "u") && len(n) >= 5 && len(n) <= 7:
		return unradical(hexRunes(n[1:], len(n)-1))
	}
	return ""
}

// cidWidths reads a CIDFont's W array: "c [w1 w2 …]" and "c1 c2 w".
func (d *pdfDoc) cidWidths(w []any) map[int]float64 {
	m := map[int]float64{}
	work := 0
	for i := 0; i+1 < len(w) && work < maxFontWidths; {
		c, ok := d.num(w[i])
		if !ok || c < 0 || c > 1<<16 {
			break
		}
		switch v := d.resolve(w[i+1]).(type) {
		case []any:
			for k, x := range v {
				if work++; work > maxFontWidths {
					break
				}
				if x, ok := d.num(x); ok {
					m[int(c)+k] = x / 1000
				}
			}
			i += 2
		case float64:
			x, ok := 0.0, false
			if i+2 < len(w) {
				x, ok = d.num(w[i+2])
			}
			if !ok || v < c || v > 1<<16 {
				return m
			}
			for k := int(c); k <= int(v); k++ {
				if work++; work > maxFontWidths {
					break
				}
				m[k] = x / 1000
			}
			i += 3
		default:
			return m
		}
	}
	return m
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
					m[bytesCode(src)] = unradical(utf16String(dst))
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
						m[c] = unradical(string(r))
					}
				case []any:
					for k, x := range dst {
						if s, ok := x.(pdfString); ok && a+k <= b {
							m[a+k] = unradical(utf16String(s))
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

// decode is the text of one code.
func (f *pdfFont) decode(code int) string {
	if t, ok := f.uni[code]; ok {
		return t
	}
	if n, ok := f.names[code]; ok && f.uni == nil {
		return glyphNameText(n)
	}
	switch {
	case f.ucs2:
		return string(rune(code))
	case f.codeLen == 1 && f.uni == nil && code >= 0x20 && code < 0x7f:
		return string(rune(code))
	case f.codeLen == 1 && f.uni == nil && code >= 0x80 && code < 0xa0:
		if r := winAnsi80[code-0x80]; r != 0 {
			return string(r)
		}
	case f.codeLen == 1 && f.uni == nil && code >= 0xa0:
		return string(rune(code)) // Latin-1 approximation of WinAnsi
	}
	return ""
}

// width is the advance of one code at font size 1.
func (f *pdfFont) width(code int) float64 {
	if f.codeLen == 1 {
		if i := code - f.first; f.widths != nil && i >= 0 && i < len(f.widths) {
			return f.widths[i]
		}
		return f.dw
	}
	if w, ok := f.cidW[code]; ok {
		return w
	}
	return f.dw
}

// ---- content ----

// pdfMatrix is a PDF transformation matrix [a b c d e f].
type pdfMatrix [6]float64

var pdfIdentity = pdfMatrix{1, 0, 0, 1, 0, 0}

// mul is m × n (m applied first).
func (m pdfMatrix) mul(n pdfMatrix) pdfMatrix {
	return pdfMatrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m pdfMatrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// pdfFrag is a run of text drawn in one go (device space): x0 where its
// first glyph starts, xl where its last starts, x1 where its last ends, y
// its baseline, size its font size; lead is the width of its leading
// unit (what a line breaker keeps together: a character or a number or
// word, with the punctuation that may not start or end a line), phase
// where the unit stands at the fragment's end (unitDone: it ends inside).
type pdfFrag struct {
	text          string
	x0, xl, x1, y float64
	size          float64
	lead          float64
	phase         int
}

// pdfGState is the part of the graphics state text depends on.
type pdfGState struct {
	ctm                      pdfMatrix
	font                     *pdfFont
	fs, tc, tw, th, tl, rise float64
}

// maxGStates bounds the q nesting kept (deeper q/Q pairs still balance).
const maxGStates = 256

// maxPageFrags bounds a page's fragments; past it, text joins the last
// fragment wherever it is drawn.
const maxPageFrags = 1 << 18

type textState struct {
	frags    []pdfFrag
	open     bool // cur is being extended
	cur      pdfFrag
	buf      strings.Builder
	unit     int // phase of cur's leading unit (unitPhase)
	g        pdfGState
	stack    []pdfGState
	overflow int // q beyond maxGStates
	tm, tlm  pdfMatrix
	// marked content: the spans open, those with an ActualText (the text
	// their glyphs stand for) not nil
	marked     []*actualSpan
	markedOver int
}

// actualSpan is a marked-content span with an ActualText: its first glyph
// gives the text, the others none.
type actualSpan struct {
	text string
	used bool
}

// maxMarked bounds the marked-content nesting kept.
const maxMarked = 256

// actual is the innermost open span with an ActualText, or nil.
func (st *textState) actual() *actualSpan {
	for k := len(st.marked) - 1; k >= 0; k-- {
		if st.marked[k] != nil {
			return st.marked[k]
		}
	}
	return nil
}

// textString decodes a PDF text string: UTF-16BE with its BOM, UTF-8
// with its BOM, else PDFDocEncoding (taken as Latin-1).
func textString(b []byte) string {
	switch {
	case len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		return utf16String(b[2:])
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		return strings.ToValidUTF8(string(b[3:]), "")
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func newTextState() *textState {
	return &textState{g: pdfGState{ctm: pdfIdentity, th: 1}, tm: pdfIdentity, tlm: pdfIdentity}
}

func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// flush ends the current fragment.
func (st *textState) flush() {
	if !st.open {
		return
	}
	st.open = false
	st.cur.text = st.buf.String()
	st.buf.Reset()
	if !finite(st.cur.x0, st.cur.xl, st.cur.x1, st.cur.y, st.cur.size, st.cur.lead) {
		st.cur.x0, st.cur.xl, st.cur.x1, st.cur.y, st.cur.size, st.cur.lead = 0, 0, 0, 0, 0, 0
	}
	st.frags = append(st.frags, st.cur)
}

// The phases of a leading unit: opening punctuation, then one wide
// character or a run of narrow ones, then closing punctuation.
const (
	unitOpen = iota
	unitNarrow
	unitClose
	unitDone
)

const (
	pdfOpening = "（(《〈「『【“‘〔［[{"
	pdfClosing = "）)》〉」』】”’〕］]}，。、；：！？,.;:!?%…·"
)

// unitStep feeds one rune to a leading unit: whether it belongs to it and
// the next phase.
func unitStep(phase int, r rune) (bool, int) {
	switch phase {
	case unitOpen:
		switch {
		case strings.ContainsRune(pdfOpening, r):
			return true, unitOpen
		case unicode.IsSpace(r):
			return false, unitDone
		case isWide(r):
			return true, unitClose
		}
		return true, unitNarrow
	case unitNarrow:
		switch {
		case unicode.IsSpace(r):
			return false, unitDone
		case isWide(r) && strings.ContainsRune(pdfClosing, r):
			return true, unitClose
		case isWide(r):
			return false, unitDone
		}
		return true, unitNarrow
	case unitClose:
		if strings.ContainsRune(pdfClosing, r) {
			return true, unitClose
		}
	}
	return false, unitDone
}

// show draws a string: its glyphs advance the text matrix, their text
// extends the current fragment or, drawn elsewhere, starts one.
func (st *textState) show(s []byte) {
	f := st.g.font
	if f == nil {
		return
	}
	for i := 0; i+f.codeLen <= len(s); i += f.codeLen {
		code := bytesCode(s[i : i+f.codeLen])
		m := st.tm.mul(st.g.ctm)
		x, y := m.apply(0, st.g.rise)
		adv := f.width(code)*st.g.fs + st.g.tc
		if f.codeLen == 1 && code == 32 {
			adv += st.g.tw
		}
		adv *= st.g.th
		st.tm[4] += adv * st.tm[0]
		st.tm[5] += adv * st.tm[1]
		t := f.decode(code)
		if a := st.actual(); a != nil {
			t = ""
			if !a.used {
				t, a.used = a.text, true
			}
		}
		if t == "" {
			continue
		}
		x1, _ := st.tm.mul(st.g.ctm).apply(0, st.g.rise)
		size := math.Abs(st.g.fs) * math.Hypot(m[2], m[3])
		if st.open && len(st.frags) < maxPageFrags {
			c := &st.cur
			tol := 0.2 * math.Max(c.size, 1)
			if math.Abs(y-c.y) > tol || math.Abs(x-c.x1) > tol || math.Abs(size-c.size) > 0.01*c.size {
				st.flush()
			}
		}
		if !st.open {
			st.open = true
			st.cur = pdfFrag{x0: x, y: y, size: size}
			st.unit = unitOpen
		}
		st.cur.xl, st.cur.x1 = x, x1
		for _, r := range t {
			if st.unit == unitDone {
				break
			}
			var in bool
			if in, st.unit = unitStep(st.unit, r); in {
				st.cur.lead = x1 - st.cur.x0
			}
		}
		st.cur.phase = st.unit
		st.buf.WriteString(t)
	}
}

// nextLine moves to the start of the next line, (tx, ty) from this one.
func (st *textState) nextLine(tx, ty float64) {
	st.tlm = pdfMatrix{1, 0, 0, 1, tx, ty}.mul(st.tlm)
	st.tm = st.tlm
}

func (d *pdfDoc) pageFrags(pg pdfPage) ([]pdfFrag, error) {
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
	st := newTextState()
	if err := d.run(data, pg.res, st, 0); err != nil {
		return nil, err
	}
	st.flush()
	return st.frags, nil
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
	// num is the k-th operand from the end (1 the last), 0 if absent.
	num := func(k int) float64 {
		if k <= len(ops) {
			if v, ok := ops[len(ops)-k].(float64); ok && finite(v) {
				return v
			}
		}
		return 0
	}
	matrix := func() pdfMatrix {
		return pdfMatrix{num(6), num(5), num(4), num(3), num(2), num(1)}
	}
	for p.i < len(p.b) {
		if d.lim.stop.Tick() {
			return d.lim.stop.Err()
		}
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
		case "q":
			if len(st.stack) < maxGStates {
				st.stack = append(st.stack, st.g)
			} else {
				st.overflow++
			}
		case "Q":
			if st.overflow > 0 {
				st.overflow--
			} else if len(st.stack) > 0 {
				st.g = st.stack[len(st.stack)-1]
				st.stack = st.stack[:len(st.stack)-1]
			}
		case "BMC", "BDC":
			var span *actualSpan
			if kw == "BDC" && len(ops) >= 2 {
				if props := d.dict(ops[len(ops)-1]); props != nil {
					if a, ok := d.resolve(props["ActualText"]).(pdfString); ok {
						span = &actualSpan{text: unradical(textString(a))}
					}
				}
			}
			if len(st.marked) < maxMarked {
				st.marked = append(st.marked, span)
			} else {
				st.markedOver++
			}
		case "EMC":
			if st.markedOver > 0 {
				st.markedOver--
			} else if len(st.marked) > 0 {
				st.marked = st.marked[:len(st.marked)-1]
			}
		case "cm":
			if len(ops) >= 6 {
				st.g.ctm = matrix().mul(st.g.ctm)
			}
		case "BT":
			st.tm, st.tlm = pdfIdentity, pdfIdentity
		case "Tf":
			if len(ops) >= 2 {
				if n, ok := ops[len(ops)-2].(pdfName); ok {
					f, ok := fonts[string(n)]
					if !ok {
						f = d.font(fontDict[string(n)])
						fonts[string(n)] = f
					}
					st.g.font = f
					st.g.fs = num(1)
				}
			}
		case "Tc":
			st.g.tc = num(1)
		case "Tw":
			st.g.tw = num(1)
		case "Tz":
			st.g.th = num(1) / 100
		case "TL":
			st.g.tl = num(1)
		case "Ts":
			st.g.rise = num(1)
		case "Td":
			st.nextLine(num(2), num(1))
		case "TD":
			st.g.tl = -num(1)
			st.nextLine(num(2), num(1))
		case "Tm":
			if len(ops) >= 6 {
				st.tm = matrix()
				st.tlm = st.tm
			}
		case "T*":
			st.nextLine(0, -st.g.tl)
		case "Tj", "'", "\"":
			if kw == "\"" && len(ops) >= 3 {
				st.g.tw, st.g.tc = num(3), num(2)
			}
			if kw != "Tj" {
				st.nextLine(0, -st.g.tl)
			}
			if len(ops) > 0 {
				if s, ok := ops[len(ops)-1].(pdfString); ok {
					st.show(s)
				}
			}
		case "TJ":
			if len(ops) > 0 {
				if arr, ok := ops[len(ops)-1].([]any); ok {
					for _, x := range arr {
						switch v := x.(type) {
						case pdfString:
							st.show(v)
						case float64:
							if finite(v) {
								tx := -v / 1000 * st.g.fs * st.g.th
								st.tm[4] += tx * st.tm[0]
								st.tm[5] += tx * st.tm[1]
							}
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
						saved, tm, tlm, depth0, over := st.g, st.tm, st.tlm, len(st.stack), st.overflow
						if m, ok := d.resolve(s.dict["Matrix"]).([]any); ok && len(m) == 6 {
							var fm pdfMatrix
							for k := range fm {
								fm[k], _ = d.num(m[k])
							}
							st.g.ctm = fm.mul(st.g.ctm)
						}
						err = d.run(b, r, st, depth+1)
						st.g, st.tm, st.tlm, st.overflow = saved, tm, tlm, over
						st.stack = st.stack[:min(depth0, len(st.stack))]
						if err != nil {
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
