package narrative

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/juesuan/juesuan/model"
)

// readDOCX reads word/document.xml: paragraphs and tables in body order,
// runs joined, tracked deletions (w:del), field instructions (w:instrText)
// and footnotes left out, list numbers restored from numbering.xml where
// they carry meaning ("（三）", "1.").
func readDOCX(data []byte, name string, lim Limits) (*Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, model.Errorf(model.ECorrupt, err, msgCorruptDOCX, "不是完整的压缩包")
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, model.Errorf(model.ETooMany, nil, msgTooManyParts, lim.MaxEntries)
	}
	var docPart, numPart, stylePart *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			docPart = f
		case "word/numbering.xml":
			numPart = f
		case "word/styles.xml":
			stylePart = f
		case "EncryptionInfo", "EncryptedPackage":
			return nil, model.Errorf(model.EEncrypted, nil, msgEncrypted)
		}
	}
	if docPart == nil {
		return nil, model.Errorf(model.EUnsupported, nil, msgNoDocument)
	}
	budget := lim.UnzipSize
	var num *numbering
	if numPart != nil {
		raw, err := readPart(numPart, lim, &budget)
		if err != nil {
			return nil, err
		}
		num, err = parseNumbering(raw, lim)
		if err != nil {
			return nil, err
		}
	}
	if num != nil && stylePart != nil {
		raw, err := readPart(stylePart, lim, &budget)
		if err != nil {
			return nil, err
		}
		if num.styles, err = parseStyles(raw, lim); err != nil {
			return nil, err
		}
	}
	raw, err := readPart(docPart, lim, &budget)
	if err != nil {
		return nil, err
	}
	b := newBuilder(name, FormatDOCX, lim)
	if err := parseDocument(raw, num, b, lim, nil); err != nil {
		return nil, err
	}
	return b.done(), nil
}

// readPart unzips one part within the per-part limit and the shared budget,
// whatever sizes the zip headers claim.
func readPart(f *zip.File, lim Limits, budget *int64) ([]byte, error) {
	if lim.stop.Now() {
		return nil, lim.stop.Err()
	}
	max := min(lim.UnzipXMLSize, *budget)
	rc, err := f.Open()
	if err != nil {
		return nil, model.Errorf(model.ECorrupt, err, msgCorruptDOCX, f.Name+" 无法解压")
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, model.Errorf(model.ECorrupt, err, msgCorruptDOCX, f.Name+" 无法解压")
	}
	if int64(len(data)) > max {
		return nil, model.Errorf(model.ETooLarge, nil, msgUnzipTooBig, f.Name, sizeText(max))
	}
	*budget -= int64(len(data))
	return data, nil
}

// depthDecoder wraps xml.Decoder with the nesting limit.
type depthDecoder struct {
	d     *xml.Decoder
	depth int
	max   int
	stack []string // local names of the open elements
	off   int      // byte offset where the last token starts
	stop  *model.Stop
}

func newDecoder(data []byte, max int) *depthDecoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	return &depthDecoder{d: d, max: max}
}

func (x *depthDecoder) token() (xml.Token, error) {
	if x.stop.Tick() {
		return nil, x.stop.Err()
	}
	x.off = int(x.d.InputOffset())
	t, err := x.d.RawToken()
	if err != nil {
		return nil, err
	}
	switch st := t.(type) {
	case xml.StartElement:
		x.depth++
		if x.depth > x.max {
			return nil, model.Errorf(model.ETooLarge, nil, msgTooDeep, x.max)
		}
		x.stack = append(x.stack, st.Name.Local)
	case xml.EndElement:
		x.depth--
		if len(x.stack) > 0 {
			x.stack = x.stack[:len(x.stack)-1]
		}
	}
	return t, nil
}

// inText reports whether the innermost open element is a text run (w:t).
func (x *depthDecoder) inText() bool {
	return len(x.stack) > 0 && x.stack[len(x.stack)-1] == "t"
}

// skip consumes the rest of the element just started.
func (x *depthDecoder) skip() error {
	target := x.depth - 1
	for x.depth > target {
		if _, err := x.token(); err != nil {
			return err
		}
	}
	return nil
}

func xmlErr(err error) error {
	var me *model.Error
	if errors.As(err, &me) {
		return err
	}
	return model.Errorf(model.ECorrupt, err, msgCorruptDOCX, "XML 格式错误")
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// numbering holds numbering.xml: w:num → abstract levels.
type numbering struct {
	nums      map[string]string // numId → abstractNumId
	abstract  map[string]map[int]*numLevel
	overrides map[string]map[int]int // numId → level → start override
	counters  map[string][]int       // abstractNumId → counters per level
	styles    map[string]styleNum    // paragraph style → its numbering
}

// styleNum is the numbering a paragraph style carries (headings numbered
// by their style: 标题 1 → “一、”).
type styleNum struct {
	numID, basedOn string
	ilvl           int
	has            bool
}

func parseStyles(data []byte, lim Limits) (map[string]styleNum, error) {
	out := map[string]styleNum{}
	x := newDecoder(data, lim.MaxDepth)
	x.stop = lim.stop
	id := ""
	var cur styleNum
	inNum := false
	for {
		t, err := x.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlErr(err)
		}
		switch e := t.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "style":
				id, cur = attr(e, "styleId"), styleNum{}
			case "basedOn":
				cur.basedOn = attr(e, "val")
			case "numPr":
				inNum, cur.has = true, true
			case "numId":
				if inNum {
					cur.numID = attr(e, "val")
				}
			case "ilvl":
				if inNum {
					cur.ilvl, _ = strconv.Atoi(attr(e, "val"))
				}
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "numPr":
				inNum = false
			case "style":
				if id != "" && len(out) < 10000 {
					out[id] = cur
				}
				id = ""
			}
		}
	}
	return out, nil
}

// styleNumbering follows a style's basedOn chain to its numbering.
func (n *numbering) styleNumbering(style string) (string, int) {
	if n == nil {
		return "", 0
	}
	for k := 0; k < 16 && style != ""; k++ {
		s, ok := n.styles[style]
		if !ok {
			return "", 0
		}
		if s.has {
			return s.numID, s.ilvl
		}
		style = s.basedOn
	}
	return "", 0
}

type numLevel struct {
	start int
	fmt   string
	text  string
}

func parseNumbering(data []byte, lim Limits) (*numbering, error) {
	n := &numbering{nums: map[string]string{}, abstract: map[string]map[int]*numLevel{}, overrides: map[string]map[int]int{}, counters: map[string][]int{}}
	x := newDecoder(data, lim.MaxDepth)
	x.stop = lim.stop
	var abs, numID string
	var lvl *numLevel
	ovLevel := -1
	for {
		t, err := x.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlErr(err)
		}
		e, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		switch e.Name.Local {
		case "abstractNum":
			abs = attr(e, "abstractNumId")
			if n.abstract[abs] == nil {
				n.abstract[abs] = map[int]*numLevel{}
			}
			numID = ""
		case "lvl":
			il, _ := strconv.Atoi(attr(e, "ilvl"))
			if abs != "" && numID == "" && il >= 0 && il < 9 {
				lvl = &numLevel{start: 1}
				n.abstract[abs][il] = lvl
			}
		case "start":
			if lvl != nil && numID == "" {
				lvl.start, _ = strconv.Atoi(attr(e, "val"))
			}
		case "numFmt":
			if lvl != nil && numID == "" {
				lvl.fmt = attr(e, "val")
			}
		case "lvlText":
			if lvl != nil && numID == "" {
				lvl.text = attr(e, "val")
			}
		case "num":
			numID = attr(e, "numId")
			lvl = nil
		case "abstractNumId":
			if numID != "" {
				n.nums[numID] = attr(e, "val")
			}
		case "lvlOverride":
			ovLevel, _ = strconv.Atoi(attr(e, "ilvl"))
		case "startOverride":
			if numID != "" && ovLevel >= 0 && ovLevel < 9 {
				if n.overrides[numID] == nil {
					n.overrides[numID] = map[int]int{}
				}
				n.overrides[numID][ovLevel], _ = strconv.Atoi(attr(e, "val"))
			}
		}
	}
	return n, nil
}

// label returns the list number text of the next paragraph of numId at
// level ilvl ("" for bullets and unknown lists), advancing the counters.
func (n *numbering) label(numID string, ilvl int) string {
	if n == nil || ilvl < 0 || ilvl >= 9 {
		return ""
	}
	abs, ok := n.nums[numID]
	if !ok {
		return ""
	}
	levels := n.abstract[abs]
	key := numID
	c := n.counters[key]
	if c == nil {
		c = make([]int, 9)
		for i := range c {
			c[i] = n.start(numID, levels, i) - 1
		}
		n.counters[key] = c
	}
	c[ilvl]++
	for i := ilvl + 1; i < 9; i++ {
		c[i] = n.start(numID, levels, i) - 1
	}
	l := levels[ilvl]
	if l == nil || l.fmt == "bullet" || l.fmt == "none" || l.text == "" {
		return ""
	}
	out := l.text
	for i := 0; i <= ilvl && i < 9; i++ {
		ph := "%" + strconv.Itoa(i+1)
		if !strings.Contains(out, ph) {
			continue
		}
		f := "decimal"
		if li := levels[i]; li != nil {
			f = li.fmt
		}
		out = strings.ReplaceAll(out, ph, formatNumber(c[i], f))
	}
	return out
}

func (n *numbering) start(numID string, levels map[int]*numLevel, i int) int {
	if o, ok := n.overrides[numID][i]; ok {
		return o
	}
	if l := levels[i]; l != nil {
		return l.start
	}
	return 1
}

var (
	cnDigits    = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	cnTianGan   = []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}
	cnCircled   = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
	romanValues = []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	romanDigits = []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
)

// formatNumber prints a list counter in a Word numFmt.
func formatNumber(v int, f string) string {
	if v < 0 {
		v = 0
	}
	switch f {
	case "chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "chineseLegalSimplified", "ideographLegalTraditional":
		return chineseNumber(v)
	case "ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand":
		var b strings.Builder
		for _, d := range strconv.Itoa(v) {
			b.WriteString(cnDigits[d-'0'])
		}
		return b.String()
	case "ideographTraditional":
		if v >= 1 && v <= 10 {
			return cnTianGan[v-1]
		}
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		r := []rune(cnCircled)
		if v >= 1 && v <= len(r) {
			return string(r[v-1])
		}
	case "upperLetter", "lowerLetter":
		if v >= 1 {
			s := string(rune('A' + (v-1)%26))
			s = strings.Repeat(s, (v-1)/26+1)
			if f == "lowerLetter" {
				s = strings.ToLower(s)
			}
			return s
		}
	case "upperRoman", "lowerRoman":
		if v >= 1 && v < 4000 {
			var b strings.Builder
			for i, rv := range romanValues {
				for v >= rv {
					b.WriteString(romanDigits[i])
					v -= rv
				}
			}
			if f == "lowerRoman" {
				return strings.ToLower(b.String())
			}
			return b.String()
		}
	case "decimalFullWidth", "decimalFullWidth2":
		var b strings.Builder
		for _, d := range strconv.Itoa(v) {
			b.WriteRune('０' + d - '0')
		}
		return b.String()
	}
	return strconv.Itoa(v)
}

// chineseNumber prints 1..9999 as 一, 十, 十一, 二十, 一百零五 ….
func chineseNumber(v int) string {
	if v <= 0 || v >= 10000 {
		return strconv.Itoa(v)
	}
	if v < 10 {
		return cnDigits[v]
	}
	if v < 20 {
		if v == 10 {
			return "十"
		}
		return "十" + cnDigits[v-10]
	}
	units := []string{"千", "百", "十", ""}
	div := []int{1000, 100, 10, 1}
	var b strings.Builder
	zero := false
	started := false
	for i, d := range div {
		q := v / d % 10
		if q == 0 {
			if started {
				zero = true
			}
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		b.WriteString(cnDigits[q] + units[i])
		started = true
	}
	return b.String()
}

// parseDocument streams document.xml into the builder. tr, when set,
// records where each piece of text came from (MapDOCX); it sees the same
// walk, so the map and the text agree by construction.
func parseDocument(data []byte, num *numbering, b *builder, lim Limits, tr *docxTrace) error {
	x := newDecoder(data, lim.MaxDepth)
	x.stop = lim.stop
	type cellState struct {
		parts []string
	}
	var (
		tblDepth int        // nesting of w:tbl
		row      []string   // current row
		cell     *cellState // current top-level cell
		para     strings.Builder
		inPara   int
		numID    string
		ilvl     int
		hasNum   bool
		style    string
		hidden   bool // the current run is hidden text (w:vanish)
		size     int
	)
	flushPara := func() error {
		text := para.String()
		para0 := len(text) // the paragraph's own text; a list label goes before it
		para.Reset()
		if !hasNum && style != "" {
			if id, l := num.styleNumbering(style); id != "" {
				hasNum, numID, ilvl = true, id, l
			}
		}
		style = ""
		if hasNum && numID != "" && numID != "0" {
			if l := num.label(numID, ilvl); l != "" && trimSpace(text) != "" {
				text = l + text
			}
		}
		hasNum, numID, ilvl = false, "", 0
		size = 0
		if tblDepth > 0 && cell != nil {
			if t := trimSpace(text); t != "" {
				if tr != nil {
					tr.cellPart(cell.parts, text, len(text)-para0)
				}
				cell.parts = append(cell.parts, t)
			}
			return nil
		}
		n := len(b.doc.Paragraphs)
		if err := b.paragraph(text); err != nil {
			return err
		}
		if tr != nil {
			tr.paragraph(len(b.doc.Paragraphs) > n, text, len(text)-para0)
		}
		return nil
	}
	for {
		t, err := x.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return xmlErr(err)
		}
		switch e := t.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "del", "moveFrom", "delText", "instrText", "footnoteReference", "endnoteReference", "Fallback", "commentReference", "delInstrText":
				if err := x.skip(); err != nil {
					return xmlErr(err)
				}
			case "p":
				if inPara > 0 {
					// a text box inside a paragraph: its text joins the outer one
					para.WriteByte(' ')
				}
				inPara++
			case "numPr":
				hasNum = true
			case "pStyle":
				style = attr(e, "val")
			case "r":
				hidden = false
				if tr != nil {
					tr.runStart(x, e)
				}
			case "rPr":
				if tr != nil {
					tr.rPrStart(x)
				}
			case "vanish":
				v := attr(e, "val")
				hidden = v != "0" && v != "false" && v != "off"
			case "ilvl":
				if hasNum {
					ilvl, _ = strconv.Atoi(attr(e, "val"))
				}
			case "numId":
				if hasNum {
					numID = attr(e, "val")
				}
			case "t":
				// text is read in CharData below
				if tr != nil {
					tr.textStart(x, e)
				}
			case "tab", "ptab":
				if inPara > 0 {
					para.WriteByte('\t')
				}
			case "br", "cr":
				if inPara > 0 {
					para.WriteByte('\n')
				}
			case "noBreakHyphen":
				para.WriteByte('-')
			case "sym":
				// a symbol-font glyph: no text meaning
			case "tbl":
				if inPara == 0 || tblDepth > 0 {
					tblDepth++
				}
				if tblDepth == 1 {
					b.endTable()
				}
			case "tr":
				if tblDepth == 1 {
					row = nil
				}
			case "tc":
				if tblDepth == 1 {
					cell = &cellState{}
				}
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "r":
				hidden = false
			case "p":
				inPara--
				if inPara == 0 {
					if err := flushPara(); err != nil {
						return err
					}
				}
			case "rPr":
				if tr != nil {
					tr.rPrEnd(x)
				}
			case "tc":
				if tblDepth == 1 && cell != nil {
					row = append(row, strings.Join(cell.parts, "\n"))
					cell = nil
					if tr != nil {
						tr.cellEnd()
					}
				}
			case "tr":
				if tblDepth == 1 {
					if err := b.row(row); err != nil {
						return err
					}
					if tr != nil {
						tr.rowEnd(b)
					}
					row = nil
				}
			case "tbl":
				if tblDepth > 0 {
					tblDepth--
					if tblDepth == 0 {
						b.endTable()
					}
				}
			}
		case xml.CharData:
			if inPara > 0 && !hidden && x.inText() {
				size += len(e)
				if size > 4*lim.MaxParagraphRunes {
					return errTooLong(len(b.doc.Paragraphs)+1, lim.MaxParagraphRunes)
				}
				if tr != nil {
					tr.text(x, para.Len(), len(e), inPara > 1)
				}
				para.Write(e)
			}
		}
	}
	return nil
}
