package narrative

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
	"time"
)

// pdfWithContent writes a PDF, one page for each draw function: a Type0
// font (Identity-H, W widths: digits, '.', ',' and '%' half an em, the
// rest one em) whose codes are the text's runes in order of appearance,
// and the content stream the draw function writes, given a function that
// hex-encodes a string in the font.
func pdfWithContent(t testing.TB, text string, draws ...func(c *strings.Builder, hex func(string) string)) []byte {
	t.Helper()
	codes := map[rune]int{}
	var order []rune
	for _, r := range text {
		if _, ok := codes[r]; !ok {
			codes[r] = len(codes) + 1
			order = append(order, r)
		}
	}
	hex := func(s string) string {
		var b strings.Builder
		b.WriteByte('<')
		for _, r := range s {
			c, ok := codes[r]
			if !ok {
				t.Fatalf("rune %q not in the font", r)
			}
			fmt.Fprintf(&b, "%04X", c)
		}
		b.WriteByte('>')
		return b.String()
	}
	var cmap, w strings.Builder
	fmt.Fprintf(&cmap, "begincmap\n%d beginbfchar\n", len(order))
	w.WriteString("[")
	for _, r := range order {
		fmt.Fprintf(&cmap, "<%04X> <%04X>\n", codes[r], r)
		width := 1000
		if strings.ContainsRune("0123456789.,%", r) {
			width = 500
		}
		fmt.Fprintf(&w, " %d [%d]", codes[r], width)
	}
	cmap.WriteString("endbfchar\nendcmap")
	w.WriteString(" ]")
	flate := func(s string) string {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write([]byte(s))
		zw.Close()
		return z.String()
	}
	cm := flate(cmap.String())
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"", // the page tree, below
		"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 1000 /W " + w.String() + " >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(cm), cm),
	}
	var kids []string
	for _, draw := range draws {
		var c strings.Builder
		draw(&c, hex)
		content := flate(c.String())
		objs = append(objs, fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(content), content))
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>", len(objs)))
		kids = append(kids, fmt.Sprintf("%d 0 R", len(objs)))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	for i, o := range objs {
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	out.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return out.Bytes()
}

func paragraphTexts(t *testing.T, data []byte) []string {
	t.Helper()
	doc, err := ReadBytes(data, "a.pdf", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var ps []string
	for _, p := range doc.Paragraphs {
		ps = append(ps, p.Text)
	}
	return ps
}

func sameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// TestPDFLayoutWordLike: lines placed by Tm and T* with a leading, TJ
// kerning, a comma hanging past the right edge, a line drawn in two
// pieces (its second half first), a run drawn twice (fake bold), and a
// paragraph after a gap whose previous line is full: no indents.
func TestPDFLayoutWordLike(t *testing.T) {
	l1 := "收入总计四千一百二十六万元其中本年收入" // 19 ems: a full line
	l2 := "合计为四千一百一十三万元年初结转和结余" // 19 ems and a hanging comma
	l3 := "为十三万元。"
	l4 := "支出总计四千一百二十六万元其中本年支出" // after a gap, full
	l5 := "合计4,087.10万元。"
	text := l1 + l2 + "，" + l3 + l4 + l5
	data := pdfWithContent(t, text, func(c *strings.Builder, hex func(string) string) {
		c.WriteString("BT /F1 10 Tf 14 TL\n")
		fmt.Fprintf(c, "1 0 0 1 50 350 Tm [")
		for _, r := range l1 {
			fmt.Fprintf(c, "%s -0.5 ", hex(string(r)))
		}
		c.WriteString("] TJ\n")
		// the second line: its second half drawn first, then the first
		h := len([]rune(l2)) / 2
		fmt.Fprintf(c, "1 0 0 1 %d 336 Tm %s Tj\n", 50+10*h, hex(string([]rune(l2)[h:])+"，"))
		fmt.Fprintf(c, "1 0 0 1 50 336 Tm %s Tj\n", hex(string([]rune(l2)[:h])))
		fmt.Fprintf(c, "1 0 0 1 50 336 Tm 0 -14 Td %s Tj\n", hex(l3))
		c.WriteString("ET\n")
		// a gap, then a paragraph set by T* and drawn twice (fake bold)
		for _, dx := range []string{"50", "50.2"} {
			fmt.Fprintf(c, "BT /F1 10 Tf 14 TL 1 0 0 1 %s 296 Tm %s Tj T* %s Tj ET\n", dx, hex(l4), hex(l5))
		}
		// a page number
		fmt.Fprintf(c, "BT /F1 10 Tf 1 0 0 1 195 30 Tm %s Tj ET\n", hex("1"))
	})
	sameStrings(t, "paragraphs", paragraphTexts(t, data), []string{l1 + l2 + "，" + l3, l4 + l5})
}

// TestPDFLayoutRagged: left-aligned lines that end short of the edge
// because the next line's number would not have fit stay in their
// paragraph; a first-line indent starts one.
func TestPDFLayoutRagged(t *testing.T) {
	lines := []struct {
		x    int
		text string
	}{
		{70, "本年支出合计四千零八十七万元其中基本"}, // indented 2 ems, 18 ems: full
		{50, "支出一千七百五十五万元项目支出为"},   // 16 ems: "2,331.70万元" (6 ems) did not fit
		{50, "2,331.70万元。"},        // last line
		{70, "结余分配为零万元年末结转和结余三十九"}, // indented: a new paragraph
	}
	var text strings.Builder
	for _, l := range lines {
		text.WriteString(l.text)
	}
	data := pdfWithContent(t, text.String(), func(c *strings.Builder, hex func(string) string) {
		for i, l := range lines {
			fmt.Fprintf(c, "BT /F1 10 Tf 1 0 0 1 %d %d Tm %s Tj ET\n", l.x, 350-14*i, hex(l.text))
		}
	})
	sameStrings(t, "paragraphs", paragraphTexts(t, data), []string{lines[0].text + lines[1].text + lines[2].text, lines[3].text})
}

// TestPDFHostileContent: content and fonts that would make the reader
// loop, allocate or panic are read quickly without a panic.
func TestPDFHostileContent(t *testing.T) {
	text := "收入总计"
	cases := map[string]func(c *strings.Builder, hex func(string) string){
		"Tf without operands": func(c *strings.Builder, hex func(string) string) {
			c.WriteString("BT Tf Td TJ Tj ' \" Tm cm Q Q Q ET\n")
			fmt.Fprintf(c, "BT /F1 10 Tf %s Tj ET", hex(text))
		},
		"deep q": func(c *strings.Builder, hex func(string) string) {
			c.WriteString(strings.Repeat("q ", 100000))
			fmt.Fprintf(c, "BT /F1 10 Tf %s Tj ET", hex(text))
			c.WriteString(strings.Repeat("Q ", 100001))
		},
		"huge numbers": func(c *strings.Builder, hex func(string) string) {
			fmt.Fprintf(c, "1e308 0 0 1e308 1e308 1e308 cm BT /F1 1e308 Tf 1e308 Tz 1e308 Tc [%s -1e308 %s] TJ ET", hex(text), hex(text))
			fmt.Fprintf(c, " BT /F1 10 Tf 1 0 0 1 50 300 Tm %s Tj ET", hex(text))
		},
		"many fragments": func(c *strings.Builder, hex func(string) string) {
			c.WriteString("BT /F1 10 Tf [")
			for i := 0; i < 300000; i++ {
				fmt.Fprintf(c, "%s -3000 ", hex("收"))
			}
			c.WriteString("] TJ ET")
		},
	}
	for name, draw := range cases {
		start := time.Now()
		doc, err := ReadBytes(pdfWithContent(t, text, draw), "a.pdf", Limits{})
		if err != nil && codeOf(err) == "not a model.Error" {
			t.Errorf("%s: uncoded error %v", name, err)
		}
		if err == nil && len(doc.Paragraphs) == 0 {
			t.Errorf("%s: no paragraphs and no error", name)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v", name, d)
		}
	}
	// a W array with a range of a billion codes
	data := pdfWithContent(t, text, func(c *strings.Builder, hex func(string) string) {
		fmt.Fprintf(c, "BT /F1 10 Tf %s Tj ET", hex(text))
	})
	data = bytes.Replace(data, []byte("/W ["), []byte("/W [0 1000000000 500 0 [1 2 3] "), 1)
	start := time.Now()
	if _, err := ReadBytes(data, "a.pdf", Limits{}); err != nil {
		t.Errorf("W range: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("W range: took %v", d)
	}
}

// TestPDFActualText: a span's ActualText stands for its glyphs (here
// glyphs of other characters, as for a ligature or a glyph without a
// ToUnicode entry); nested and unbalanced marked content does no harm.
func TestPDFActualText(t *testing.T) {
	data := pdfWithContent(t, "总计万元", func(c *strings.Builder, hex func(string) string) {
		c.WriteString("BT /F1 10 Tf 1 0 0 1 50 300 Tm /P BMC ")
		// ActualText 收入总计 (UTF-16BE with BOM) over the glyphs of 总计
		fmt.Fprintf(c, "/Span << /ActualText <FEFF65365165603B8BA1> >> BDC %s Tj EMC ", hex("总计"))
		fmt.Fprintf(c, "%s Tj EMC EMC EMC ET", hex("万元"))
	})
	sameStrings(t, "paragraphs", paragraphTexts(t, data), []string{"收入总计万元"})
}

func TestPDFPageNumber(t *testing.T) {
	for _, s := range []string{"- 3 -", "3", "第 3 页", "3/12", "第 3 页 共 12 页", "第3页，共12页", "共12页 第3页", "Page 3 of 12", "— 12 —"} {
		if !pdfPageNumber.MatchString(s) {
			t.Errorf("%q is a page number", s)
		}
	}
	for _, s := range []string{"2024年度", "3.严格财务管理", "第三部分", "4,126.63万元", "共3个项目"} {
		if pdfPageNumber.MatchString(s) {
			t.Errorf("%q is no page number", s)
		}
	}
}

// TestPDFRunningHeader: a header (the unit's name) and a footer (第 N 页
// 共 M 页 in words the page-number pattern does not know) on every page
// are left out, and a paragraph goes on across the pages.
func TestPDFRunningHeader(t *testing.T) {
	head, foot := "昌吉州应急管理局决算公开", "说明第页"
	body := []string{"收入总计四千一百二十六万元其中本年收入", "合计为四千一百一十三万元年初结转和结余", "为十三万元。"}
	var draws []func(c *strings.Builder, hex func(string) string)
	for p := range body {
		draws = append(draws, func(c *strings.Builder, hex func(string) string) {
			fmt.Fprintf(c, "BT /F1 10 Tf 1 0 0 1 50 380 Tm %s Tj ET\n", hex(head))
			fmt.Fprintf(c, "BT /F1 10 Tf 1 0 0 1 50 350 Tm %s Tj ET\n", hex(body[p]))
			fmt.Fprintf(c, "BT /F1 10 Tf 1 0 0 1 180 20 Tm %s Tj ET\n", hex(foot+fmt.Sprint(p+1)))
		})
	}
	data := pdfWithContent(t, head+foot+"0123456789"+strings.Join(body, ""), draws...)
	sameStrings(t, "paragraphs", paragraphTexts(t, data), []string{strings.Join(body, "")})
}

// TestPDFSimpleFontNames: a simple font without ToUnicode: codes named by
// the encoding's Differences (uniXXXX, uXXXX, standard names; an unknown
// name gives nothing), WinAnsi quotes, ASCII.
func TestPDFSimpleFontNames(t *testing.T) {
	content := "BT /F1 10 Tf 50 300 Td <0102030405060708> Tj /F2 10 Tf (\x93A1\x94) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Song /FirstChar 1 /LastChar 8 /Widths [1000 1000 1000 500 500 500 1000 1000] /Encoding << /Type /Encoding /Differences [1 /uni6536 /uni5165 /g77 /one /period /five /u4E07 /uni5143] >> >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	for i, o := range objs {
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	out.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	sameStrings(t, "paragraphs", paragraphTexts(t, out.Bytes()), []string{"收入1.5万元“A1”"})
}
