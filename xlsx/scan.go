package xlsx

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
)

// scanSheet reads a sheet with a hand-written tokenizer for the XML that
// spreadsheet programs write: elements, attributes, text, the five named
// and numeric character references, an <?xml?> declaration in UTF-8.
// encoding/xml's RawToken costs about a third of a whole read; this is
// several times faster. It accepts only input encoding/xml accepts too and
// feeds the same events to the same state machine, so the grid is the same;
// anything else (comments, CDATA, DOCTYPE, other encodings, \r, odd names,
// a syntax error, a limit reached, EOF inside an element) makes ok false
// and the caller re-reads the sheet with encoding/xml, which then gives the
// reference result or error.
func (b *Book) scanSheet(sheet string, raw []byte) (g *Grid, ok bool, err error) {
	p := b.newSheetParse(sheet)
	if !scanXML(raw, p) || p.depth != 0 {
		return nil, false, nil
	}
	g, err = p.build()
	return g, true, err
}

// xmlSink receives the tokens of scanXML. Offsets are into the part: a
// start tag spans [off, end) (a self-closing one ends in "/>" and is
// followed by an endTag with off == end); an error stops the scan.
type xmlSink interface {
	startTag(local []byte, attrs []attr, off, end int) error
	endTag(local []byte, off, end int) error
	charData(t []byte)
}

func (p *sheetParse) startTag(local []byte, attrs []attr, _, _ int) error {
	return p.start(local, attrs)
}
func (p *sheetParse) endTag(local []byte, _, _ int) error { return p.end(local) }
func (p *sheetParse) charData(t []byte)                   { p.text(t) }

// scanXML tokenizes raw for sink; false when the input is outside the
// subset it reads (see scanSheet) or the sink stopped it.
func scanXML(raw []byte, sink xmlSink) bool { return scanXMLStop(raw, sink, nil) }

// scanXMLStop is scanXML that also stops (false) once stop is done; the
// caller tells that from an unreadable part by stop.Err().
func scanXMLStop(raw []byte, sink xmlSink, stop *model.Stop) bool {
	var (
		attrs   = make([]attr, 0, 8)
		scratch []byte // decoded attribute values and text with references
		n       = len(raw)
		i       = 0
	)
	if bytes.HasPrefix(raw, []byte("<?xml")) {
		end := bytes.Index(raw, []byte("?>"))
		if end < 0 || !xmlDeclOK(raw[5:end]) {
			return false
		}
		i = end + 2
	}
	for i < n {
		if raw[i] != '<' {
			j := bytes.IndexByte(raw[i:], '<')
			if j < 0 {
				j = n - i
			}
			seg := raw[i : i+j]
			i += j
			var ok bool
			scratch, seg, ok = decodeText(scratch[:0], seg, true)
			if !ok {
				return false
			}
			sink.charData(seg)
			continue
		}
		off := i
		i++
		if i >= n || stop.Tick() {
			return false
		}
		switch raw[i] {
		case '?', '!':
			return false
		case '/':
			i++
			local, k, ok := scanName(raw, i)
			if !ok {
				return false
			}
			i = skipSpace(raw, k)
			if i >= n || raw[i] != '>' {
				return false
			}
			i++
			if sink.endTag(local, off, i) != nil {
				return false
			}
			continue
		}
		local, k, ok := scanName(raw, i)
		if !ok {
			return false
		}
		i = k
		attrs = attrs[:0]
		scratch = scratch[:0]
		selfClose := false
		for {
			j := skipSpace(raw, i)
			if j >= n {
				return false
			}
			if raw[j] == '>' {
				i = j + 1
				break
			}
			if raw[j] == '/' {
				if j+1 >= n || raw[j+1] != '>' {
					return false
				}
				i, selfClose = j+2, true
				break
			}
			if j == i { // attributes must be separated by white space
				return false
			}
			aname, k, ok := scanName(raw, j)
			if !ok {
				return false
			}
			k = skipSpace(raw, k)
			if k >= n || raw[k] != '=' {
				return false
			}
			k = skipSpace(raw, k+1)
			if k >= n || raw[k] != '"' && raw[k] != '\'' {
				return false
			}
			q := raw[k]
			e := bytes.IndexByte(raw[k+1:], q)
			if e < 0 {
				return false
			}
			val := raw[k+1 : k+1+e]
			if bytes.IndexByte(val, '<') >= 0 {
				return false
			}
			scratch, val, ok = decodeText(scratch, val, false)
			if !ok {
				return false
			}
			i = k + 1 + e + 1
			attrs = append(attrs, attr{local: aname, value: val, off: j, end: i})
		}
		if sink.startTag(local, attrs, off, i) != nil {
			return false
		}
		if selfClose && sink.endTag(local, i, i) != nil {
			return false
		}
	}
	return true
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanName reads an ASCII XML name at raw[i:] and returns its local part
// the way encoding/xml splits it (one colon with text on both sides).
func scanName(raw []byte, i int) (local []byte, end int, ok bool) {
	j := i
	colon := -1
	for j < len(raw) {
		ch := raw[j]
		switch {
		case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '_':
		case j > i && (ch >= '0' && ch <= '9' || ch == '-' || ch == '.'):
		case j > i && ch == ':':
			if colon >= 0 {
				return nil, 0, false
			}
			colon = j
		default:
			goto done
		}
		j++
	}
done:
	if j == i || j >= len(raw) {
		return nil, 0, false
	}
	if colon >= 0 {
		if colon == j-1 {
			return nil, 0, false
		}
		return raw[colon+1 : j], j, true
	}
	return raw[i:j], j, true
}

// decodeText checks a run of text or an attribute value as encoding/xml
// would (valid UTF-8, XML characters only, no \r to normalise, no "]]>")
// and replaces character references. Without references the input is
// returned as is; otherwise the decoded text is appended to scratch.
func decodeText(scratch, s []byte, text bool) ([]byte, []byte, bool) {
	if text && bytes.Contains(s, []byte("]]>")) {
		return scratch, nil, false
	}
	amp := -1
	for k := 0; k < len(s); {
		ch := s[k]
		if ch < utf8.RuneSelf {
			if ch < 0x20 && ch != '\t' && ch != '\n' || ch == '\r' {
				return scratch, nil, false
			}
			if ch == '&' && amp < 0 {
				amp = k
			}
			k++
			continue
		}
		r, size := utf8.DecodeRune(s[k:])
		if r == utf8.RuneError && size == 1 || !inCharRange(r) {
			return scratch, nil, false
		}
		k += size
	}
	if amp < 0 {
		return scratch, s, true
	}
	start := len(scratch)
	scratch = append(scratch, s[:amp]...)
	for k := amp; k < len(s); {
		ch := s[k]
		if ch != '&' {
			scratch = append(scratch, ch)
			k++
			continue
		}
		semi := bytes.IndexByte(s[k:], ';')
		if semi < 0 {
			return scratch, nil, false
		}
		ref := s[k+1 : k+semi]
		k += semi + 1
		switch string(ref) {
		case "amp":
			scratch = append(scratch, '&')
			continue
		case "lt":
			scratch = append(scratch, '<')
			continue
		case "gt":
			scratch = append(scratch, '>')
			continue
		case "quot":
			scratch = append(scratch, '"')
			continue
		case "apos":
			scratch = append(scratch, '\'')
			continue
		}
		if len(ref) < 2 || ref[0] != '#' || len(ref) > 10 {
			return scratch, nil, false
		}
		digits, base := ref[1:], rune(10)
		if digits[0] == 'x' {
			digits, base = digits[1:], 16
		}
		if len(digits) == 0 {
			return scratch, nil, false
		}
		var r rune
		for _, d := range digits {
			var v rune
			switch {
			case d >= '0' && d <= '9':
				v = rune(d - '0')
			case base == 16 && d >= 'a' && d <= 'f':
				v = rune(d-'a') + 10
			case base == 16 && d >= 'A' && d <= 'F':
				v = rune(d-'A') + 10
			default:
				return scratch, nil, false
			}
			r = r*base + v
		}
		if !inCharRange(r) {
			return scratch, nil, false
		}
		scratch = utf8.AppendRune(scratch, r)
	}
	return scratch, scratch[start:], true
}

func inCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// xmlDeclOK accepts the body of an <?xml ...?> declaration that
// encoding/xml reads without a CharsetReader: version 1.0 (or none) and
// encoding UTF-8 (or none), found the way encoding/xml finds them.
func xmlDeclOK(body []byte) bool {
	if len(body) == 0 || body[0] != ' ' && body[0] != '\t' && body[0] != '\n' || !utf8.Valid(body) {
		return false
	}
	if v := procInst("version", string(body)); v != "" && v != "1.0" {
		return false
	}
	e := procInst("encoding", string(body))
	return e == "" || strings.EqualFold(e, "utf-8")
}

// procInst is encoding/xml's parameter lookup in a processing instruction.
func procInst(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}
