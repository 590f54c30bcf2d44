package narrative

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// soffice returns LibreOffice's command, failing in CI (which installs it)
// and skipping elsewhere when it is missing.
func soffice(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("soffice not installed: .ci/run installs libreoffice-writer-nogui and fonts-noto-cjk")
		}
		t.Skip("soffice not installed (CI installs it)")
	}
	return p
}

// loConvert has LibreOffice convert dir/name to format (pdf, fodt, …) and
// returns the file it wrote. args go before --convert-to (an --infilter).
func loConvert(t *testing.T, lo, dir, name, format string, args ...string) []byte {
	t.Helper()
	cmdArgs := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless"}, args...)
	cmdArgs = append(cmdArgs, "--convert-to", format, "--outdir", dir, filepath.Join(dir, name))
	cmd := exec.Command(lo, cmdArgs...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice %s: %v\n%s", name, err, out)
	}
	out := strings.TrimSuffix(name, filepath.Ext(name)) + "." + format
	data, err := os.ReadFile(filepath.Join(dir, out))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("LibreOffice wrote no %s (is Writer installed?): %v", format, err)
		}
		t.Skipf("LibreOffice wrote no %s (Writer not installed?): %v", format, err)
	}
	if keep := os.Getenv("JUESUAN_LO_KEEP"); keep != "" { // a directory to keep what LibreOffice wrote
		os.WriteFile(filepath.Join(keep, out), data, 0o644)
	}
	return data
}

// docxStyled writes the document's paragraphs with the paragraph
// properties pPr (WordprocessingML) and the section properties sectPr
// (page size and margins); like docxFrom each paragraph is two runs, the
// second bold.
func docxStyled(t *testing.T, doc *Document, pPr, sectPr string) []byte {
	var body strings.Builder
	for _, p := range doc.Paragraphs {
		rs := []rune(p.Text)
		h := len(rs) / 2
		fmt.Fprintf(&body, "<w:p><w:pPr>%s</w:pPr><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>",
			pPr, html.EscapeString(string(rs[:h])), html.EscapeString(string(rs[h:])))
	}
	body.WriteString(sectPr)
	return zipDocx(t, body.String(), "")
}

// pdfOf reads a PDF LibreOffice wrote.
func pdfOf(t *testing.T, data []byte) *Document {
	t.Helper()
	pd, err := ReadBytes(data, "说明.pdf", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if pd.Format != FormatPDF {
		t.Fatalf("format %s", pd.Format)
	}
	return pd
}

// samePDF: the PDF's paragraphs are the txt's, and so are its findings.
func samePDF(t *testing.T, what string, pd, doc *Document) {
	t.Helper()
	n := min(len(pd.Paragraphs), len(doc.Paragraphs))
	for i := 0; i < n; i++ {
		if pd.Paragraphs[i].Text != doc.Paragraphs[i].Text {
			t.Errorf("%s: paragraph %d differs:\n pdf %q\n txt %q", what, i, pd.Paragraphs[i].Text, doc.Paragraphs[i].Text)
			break
		}
	}
	if len(pd.Paragraphs) != len(doc.Paragraphs) {
		t.Errorf("%s: %d paragraphs from the PDF, %d in the txt", what, len(pd.Paragraphs), len(doc.Paragraphs))
	}
	wb := caseA(t)
	sameFindings(t, what, Check(pd, wb), Check(doc, wb))
}

// droppedPunct reports whether got is want with some single punctuation
// marks left out, and how many.
func droppedPunct(got, want string) (int, bool) {
	n := 0
	for len(want) > 0 {
		r, k := utf8.DecodeRuneInString(want)
		if len(got) > 0 && strings.HasPrefix(got, want[:k]) {
			got, want = got[k:], want[k:]
			continue
		}
		if !strings.ContainsRune("，、；。：", r) {
			return n, false
		}
		n++
		want = want[k:]
	}
	return n, got == ""
}

// TestLibreOfficePDFSameAsText: the PDF reader on PDFs that another
// program wrote. The seed's prose goes into a docx (or a txt), LibreOffice
// (Writer, with Debian's CJK fonts) exports it to PDF, and the PDF's text
// layer gives the same paragraphs and the same findings as the txt. PDFs
// carry no tables as tables, so the prose alone is compared. The layouts
// differ in page size, alignment, first-line indent, line and paragraph
// spacing, so that no single one tunes the paragraph rules.
func TestLibreOfficePDFSameAsText(t *testing.T) {
	lo := soffice(t)
	doc := proseOnly(seedDoc(t))
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// docxFrom's docx: Letter, justified, no indent, no paragraph spacing;
	// a paragraph ends only where its last line ends short. LibreOffice
	// (7.x) leaves out of the PDF a punctuation mark it hangs into the
	// margin at the end of a justified line, so the text layer lacks it:
	// here only those marks may be missing, paragraphs and findings are
	// the same.
	write("说明.docx", docxFrom(t, doc, nil))
	pd := pdfOf(t, loConvert(t, lo, dir, "说明.docx", "pdf"))
	dropped := 0
	for i := 0; i < min(len(pd.Paragraphs), len(doc.Paragraphs)); i++ {
		n, ok := droppedPunct(pd.Paragraphs[i].Text, doc.Paragraphs[i].Text)
		if !ok {
			t.Errorf("justified docx: paragraph %d differs:\n pdf %q\n txt %q", i, pd.Paragraphs[i].Text, doc.Paragraphs[i].Text)
			break
		}
		dropped += n
	}
	if len(pd.Paragraphs) != len(doc.Paragraphs) {
		t.Errorf("justified docx: %d paragraphs from the PDF, %d in the txt", len(pd.Paragraphs), len(doc.Paragraphs))
	}
	t.Logf("justified docx: %d paragraphs, %d hanging punctuation marks not in the PDF", len(pd.Paragraphs), dropped)
	wb := caseA(t)
	sameFindings(t, "justified docx", Check(pd, wb), Check(doc, wb))

	// The same docx with hanging punctuation turned off (in ODF, where
	// the attribute means what it says): the text layer is complete.
	fodt := loConvert(t, lo, dir, "说明.docx", "fodt")
	if !bytes.Contains(fodt, []byte(`style:punctuation-wrap="hanging"`)) {
		t.Fatal("fodt: no style:punctuation-wrap=\"hanging\" to turn off")
	}
	write("不悬挂.fodt", bytes.ReplaceAll(fodt, []byte(`style:punctuation-wrap="hanging"`), []byte(`style:punctuation-wrap="simple"`)))
	samePDF(t, "justified, no hanging punctuation", pdfOf(t, loConvert(t, lo, dir, "不悬挂.fodt", "pdf")), doc)

	// A4 with Word's Chinese margins, first lines indented two
	// characters, left aligned (ragged right), 1.5 line spacing and 6 pt
	// after each paragraph.
	a4 := `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`
	write("缩进.docx", docxStyled(t, doc, `<w:spacing w:after="120" w:line="360" w:lineRule="auto"/><w:ind w:firstLineChars="200" w:firstLine="420"/><w:jc w:val="left"/>`, a4))
	samePDF(t, "A4, indented, ragged", pdfOf(t, loConvert(t, lo, dir, "缩进.docx", "pdf")), doc)

	// A narrow page (about 20 characters a line), no indent, left aligned,
	// 8 pt after each paragraph: the gaps mark the paragraphs.
	narrow := `<w:sectPr><w:pgSz w:w="7200" w:h="10800"/><w:pgMar w:top="1000" w:right="1000" w:bottom="1000" w:left="1000" w:header="500" w:footer="500" w:gutter="0"/></w:sectPr>`
	write("窄页.docx", docxStyled(t, doc, `<w:spacing w:after="160"/><w:jc w:val="left"/>`, narrow))
	samePDF(t, "narrow page, spacing", pdfOf(t, loConvert(t, lo, dir, "窄页.docx", "pdf")), doc)

	// The txt itself through Writer's text import: its default page and
	// style, no indent, no spacing, ragged right, punctuation hanging.
	write("说明.txt", []byte(doc.Text()))
	samePDF(t, "txt", pdfOf(t, loConvert(t, lo, dir, "说明.txt", "pdf", "--infilter=Text (encoded):UTF8,LF,,,")), doc)
}

// TestChromiumPDFSameAsText: a second PDF writer (Chromium's, Skia): the
// seed's prose as HTML paragraphs printed to PDF, once on the default page
// with first lines indented, justified and 6 pt between paragraphs, once
// on an A5 page left aligned with neither indent nor spacing. Chromium
// maps many characters to radicals in ToUnicode (自 as KANGXI RADICAL
// SELF); the reader maps them back.
func TestChromiumPDFSameAsText(t *testing.T) {
	var chrome string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chrome = p
			break
		}
	}
	if chrome == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is required in CI (.ci/run installs it)")
		}
		t.Skip("no chromium")
	}
	doc := proseOnly(seedDoc(t))
	dir := t.TempDir()
	styles := map[string]string{
		"indented": `body{font-family:"Noto Serif CJK SC",serif;font-size:12pt} p{text-indent:2em;text-align:justify;margin:0 0 6pt 0}`,
		"a5":       `@page{size:A5;margin:15mm} body{font-family:"Noto Sans CJK SC",sans-serif;font-size:10.5pt} p{text-align:left;margin:0}`,
	}
	for name, css := range styles {
		var h strings.Builder
		h.WriteString(`<!doctype html><html><head><meta charset="utf-8"><style>` + css + `</style></head><body>`)
		for _, p := range doc.Paragraphs {
			h.WriteString("<p>" + html.EscapeString(p.Text) + "</p>\n")
		}
		h.WriteString("</body></html>")
		in, out := filepath.Join(dir, name+".html"), filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(in, []byte(h.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
			"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+out, "file://"+in)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("chromium: %v\n%s", err, b)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("chromium wrote no PDF: %v", err)
		}
		if keep := os.Getenv("JUESUAN_LO_KEEP"); keep != "" {
			os.WriteFile(filepath.Join(keep, "chromium-"+name+".pdf"), data, 0o644)
		}
		samePDF(t, "chromium "+name, pdfOf(t, data), doc)
	}
}
