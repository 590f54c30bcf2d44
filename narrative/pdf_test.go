package narrative

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// makePDF writes a PDF the way office software does for CJK text: a Type0
// font with Identity-H codes and a ToUnicode CMap, Flate-compressed
// content, lines wrapped at width runes, 40 lines a page.
func makePDF(t testing.TB, paras []string, width int, image bool) []byte {
	codes := map[rune]int{}
	var order []rune
	var lines []string
	var indent []bool
	for _, p := range paras {
		rs := []rune(p)
		first := true
		for len(rs) > 0 {
			w := width
			if first {
				w -= 2 // the first line is indented by two characters
			}
			n := min(w, len(rs))
			lines = append(lines, string(rs[:n]))
			indent = append(indent, first)
			rs = rs[n:]
			first = false
		}
	}
	for _, l := range append(lines, "- 0123456789") {
		for _, r := range l {
			if _, ok := codes[r]; !ok {
				codes[r] = len(codes) + 1
				order = append(order, r)
			}
		}
	}
	var objs []string // objs[i] is object i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	stream := func(dict string, data []byte, compress bool) string {
		if compress {
			var z bytes.Buffer
			zw := zlib.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			data = z.Bytes()
			dict += " /Filter /FlateDecode"
		}
		return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
	}
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	for i := 0; i < len(order); i += 100 {
		j := min(len(order), i+100)
		fmt.Fprintf(&cmap, "%d beginbfchar\n", j-i)
		for _, r := range order[i:j] {
			u := []rune{r}
			var hex strings.Builder
			for _, c := range string(u) {
				if c > 0xffff {
					c -= 0x10000
					fmt.Fprintf(&hex, "%04X%04X", 0xd800+(c>>10), 0xdc00+(c&0x3ff))
				} else {
					fmt.Fprintf(&hex, "%04X", c)
				}
			}
			fmt.Fprintf(&cmap, "<%04X> <%s>\n", codes[r], hex.String())
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap CMapName currentdict /CMap defineresource pop end end")
	catalog := add("<< /Type /Catalog /Pages 2 0 R >>")
	_ = catalog
	pagesIdx := add("") // filled below
	toUni := add(stream("", []byte(cmap.String()), true))
	cid := add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>")
	font := add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", cid, toUni))
	img := add(stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", []byte{0x80}, false))
	var kids []string
	for p := 0; p*40 < len(lines) || (image && p == 0); p++ {
		var c strings.Builder
		if image {
			c.WriteString("q 500 0 0 700 50 50 cm /Im0 Do Q\n")
		} else {
			c.WriteString("BT /F1 10 Tf 1 0 0 1 50 800 Tm\n")
			x := 0
			for k, l := range lines[p*40 : min(len(lines), p*40+40)] {
				nx := 0
				if indent[p*40+k] {
					nx = 20
				}
				dy := -14
				if k == 0 {
					dy = 0
				}
				fmt.Fprintf(&c, "%d %d Td\n", nx-x, dy)
				x = nx
				c.WriteString("<")
				for _, r := range l {
					fmt.Fprintf(&c, "%04X", codes[r])
				}
				c.WriteString("> Tj\n")
			}
			c.WriteString("ET\n")
			// a centred page number in the footer
			fmt.Fprintf(&c, "BT /F1 10 Tf 1 0 0 1 290 30 Tm <")
			for _, r := range fmt.Sprintf("- %d -", p+1) {
				fmt.Fprintf(&c, "%04X", codes[r])
			}
			c.WriteString("> Tj ET\n")
		}
		content := add(stream("", []byte(c.String()), true))
		page := add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> /XObject << /Im0 %d 0 R >> >> >>", content, font, img))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[pagesIdx-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return out.Bytes()
}

// proseOnly is the seed without its tables (a PDF's tables come out as
// lines, so only the prose is compared).
func proseOnly(doc *Document) *Document {
	cp := *doc
	cp.Tables = nil
	return &cp
}

func TestPDFSameAsText(t *testing.T) {
	doc := proseOnly(seedDoc(t))
	var paras []string
	for _, p := range doc.Paragraphs {
		paras = append(paras, p.Text)
	}
	width := 38
	data := makePDF(t, paras, width, false)
	pd, err := ReadBytes(data, "说明.pdf", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if pd.Format != FormatPDF {
		t.Fatalf("format %s", pd.Format)
	}
	if len(pd.Paragraphs) != len(doc.Paragraphs) {
		for i := 0; i < min(len(pd.Paragraphs), len(doc.Paragraphs)); i++ {
			if pd.Paragraphs[i].Text != doc.Paragraphs[i].Text {
				t.Fatalf("width %d: paragraph %d differs:\n pdf %q\n txt %q", width, i, pd.Paragraphs[i].Text, doc.Paragraphs[i].Text)
			}
		}
		t.Fatalf("%d paragraphs, want %d", len(pd.Paragraphs), len(doc.Paragraphs))
	}
	wb := caseA(t)
	sameFindings(t, "pdf", Check(pd, wb), Check(doc, wb))
}

func TestPDFImageOnly(t *testing.T) {
	_, err := ReadBytes(makePDF(t, nil, 40, true), "扫描.pdf", Limits{})
	if codeOf(err) != ENoText {
		t.Fatalf("image-only PDF: %v, want code %s", err, ENoText)
	}
	if !strings.Contains(model.ErrorMessage(err), "文字层") {
		t.Errorf("message: %s", model.ErrorMessage(err))
	}
}

func TestPDFHostile(t *testing.T) {
	deep := []byte("%PDF-1.4\n1 0 obj\n" + strings.Repeat("[", 100000) + "\nendobj\n")
	if _, err := ReadBytes(deep, "a.pdf", Limits{}); codeOf(err) != model.ETooLarge {
		t.Errorf("deep arrays: %v", err)
	}
	enc := []byte("%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 5 0 R >>\n")
	if _, err := ReadBytes(enc, "a.pdf", Limits{}); codeOf(err) != model.EEncrypted {
		t.Errorf("encrypted: %v", err)
	}
	if _, err := ReadBytes([]byte("%PDF-1.4\ngarbage"), "a.pdf", Limits{}); codeOf(err) != model.ECorrupt {
		t.Errorf("no objects: %v", err)
	}
	// a Flate bomb in a content stream
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte(" "), 40<<20))
	zw.Close()
	bomb := fmt.Sprintf("%%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] >>\nendobj\n3 0 obj\n<< /Type /Page /Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n", z.Len(), z.Bytes())
	if _, err := ReadBytes([]byte(bomb), "a.pdf", Limits{}); codeOf(err) != model.ETooLarge {
		t.Errorf("flate bomb: %v", err)
	}
}

// TestPDFWithTables: the whole seed as a PDF, its tables drawn as lines of
// cells: the prose figures still agree with Case A (no error).
func TestPDFWithTables(t *testing.T) {
	doc := seedDoc(t)
	var paras []string
	ti := 0
	for _, p := range doc.Paragraphs {
		paras = append(paras, p.Text)
		for ; ti < len(doc.Tables) && doc.Tables[ti].After == p.Index; ti++ {
			for _, r := range doc.Tables[ti].Rows {
				if line := strings.TrimSpace(strings.Join(r, " ")); line != "" {
					paras = append(paras, line)
				}
			}
		}
	}
	pd, err := ReadBytes(makePDF(t, paras, 38, false), "说明.pdf", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	fs := Check(pd, caseA(t))
	if n := count(fs, model.SevError); n != 0 {
		t.Fatalf("%d errors:\n%s", n, findingGolden(fs))
	}
}

// TestPDFObjectStream: catalog, pages and fonts inside a compressed object
// stream (PDF 1.5, as recent Word and WPS write them).
func TestPDFObjectStream(t *testing.T) {
	text := "本年收入4,113.55万元"
	codes := map[rune]int{}
	var cmap strings.Builder
	var hex strings.Builder
	for _, r := range text {
		if _, ok := codes[r]; !ok {
			codes[r] = len(codes) + 1
			fmt.Fprintf(&cmap, "<%04X> <%04X>\n", codes[r], r)
		}
		fmt.Fprintf(&hex, "%04X", codes[r])
	}
	flate := func(b string) string {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write([]byte(b))
		zw.Close()
		return z.String()
	}
	objs := []string{
		"<< /Type /Catalog /Pages 3 0 R >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 8 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun >>",
	}
	nums := []int{2, 3, 5, 6}
	var head, body strings.Builder
	for i, o := range objs {
		fmt.Fprintf(&head, "%d %d ", nums[i], body.Len())
		body.WriteString(o + "\n")
	}
	stm := head.String() + body.String()
	cm := flate(fmt.Sprintf("begincmap\n%d beginbfchar\n%sendbfchar\nendcmap", len(codes), cmap.String()))
	content := flate("BT /F1 12 Tf 1 0 0 1 72 700 Tm <" + hex.String() + "> Tj ET")
	zs := flate(stm)
	pdf := "%PDF-1.5\n" +
		fmt.Sprintf("1 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n", head.Len(), len(zs), zs) +
		"4 0 obj\n<< /Type /Page /Parent 3 0 R /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n" +
		fmt.Sprintf("7 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n", len(content), content) +
		fmt.Sprintf("8 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n", len(cm), cm) +
		"trailer\n<< /Root 2 0 R >>\n%%EOF\n"
	doc, err := ReadBytes([]byte(pdf), "a.pdf", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Paragraphs) != 1 || doc.Paragraphs[0].Text != text {
		t.Fatalf("paragraphs %+v", doc.Paragraphs)
	}
}
