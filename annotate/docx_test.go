package annotate

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/narrativetest"
)

func seedText(t testing.TB) []byte { return narrativetest.Seed(t) }

func caseA(t testing.TB) *model.Workbook { return narrativetest.CaseA(t) }

// soffice returns LibreOffice's command: missing, it fails in CI and
// skips elsewhere.
func soffice(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("soffice not installed (CI installs libreoffice-writer-nogui)")
		}
		t.Skip("soffice not installed")
	}
	return p
}

// loConvert has LibreOffice convert data (named name) to format.
func loConvert(t *testing.T, name string, data []byte, format string, args ...string) []byte {
	t.Helper()
	return loConvertMany(t, map[string][]byte{name: data}, format, args...)[name]
}

// loConvertMany converts several files in one LibreOffice start (each
// start costs seconds): the result by input name.
func loConvertMany(t *testing.T, files map[string][]byte, format string, args ...string) map[string][]byte {
	t.Helper()
	lo := soffice(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cmdArgs := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless"}, args...)
	cmdArgs = append(cmdArgs, "--convert-to", format, "--outdir", out)
	var names []string
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		cmdArgs = append(cmdArgs, filepath.Join(dir, name))
	}
	if b, err := exec.Command(lo, cmdArgs...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	ext := format
	if i := strings.IndexByte(ext, ':'); i >= 0 {
		ext = ext[:i]
	}
	res := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(name, filepath.Ext(name))+"."+ext))
		if err != nil {
			t.Fatalf("LibreOffice wrote no %s for %s: %v", ext, name, err)
		}
		res[name] = b
	}
	return res
}

type part struct{ name, data string }

// docxZip writes a .docx of the given parts plus the content types,
// package relationships, styles, settings and core properties a word
// processor writes (parts that must come back byte for byte).
func docxZip(t testing.TB, document string, extra ...part) []byte {
	t.Helper()
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>`
	types := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>`
	var parts []part
	for _, p := range extra {
		switch p.name {
		case "word/comments.xml":
			rels += `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>`
			types += `<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>`
		case "word/numbering.xml":
			rels += `<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>`
			types += `<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>`
		}
		parts = append(parts, p)
	}
	all := append([]part{
		{"[Content_Types].xml", types + `</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`},
		{"word/document.xml", document},
		{"word/_rels/document.xml.rels", rels + `</Relationships>`},
		{"word/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style></w:styles>`},
		{"word/settings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/></w:settings>`},
		{"docProps/core.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>张三</dc:creator></cp:coreProperties>`},
	}, parts...)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range all {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// docxOfDocument writes a narrative's paragraphs and tables as a .docx,
// each paragraph in two runs (the second bold), so figures straddle runs.
func docxOfDocument(t testing.TB, doc *narrative.Document) []byte {
	return docxZip(t, narrativetest.DocumentXML(doc))
}

func unzipParts(t testing.TB, data []byte) (map[string][]byte, map[string]*zip.File, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts, files := map[string][]byte{}, map[string]*zip.File{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], files[f.Name] = b, f
		names = append(names, f.Name)
	}
	return parts, files, names
}

func rawOf(t testing.TB, f *zip.File) []byte {
	r, err := f.OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// editable are the parts Narrative may change.
var editable = map[string]bool{"word/document.xml": true, "word/comments.xml": true, "word/_rels/document.xml.rels": true, "[Content_Types].xml": true}

// runEvents is document.xml as a reader of its content sees it: elements
// in order with their attributes, each run's text as (properties, text),
// adjacent runs of the same properties joined, empty texts dropped.
// juesuan's anchors and reference runs are left out, and so are the
// highlight and mark of the runs juesuan split out: what remains must be
// the input's.
func runEvents(t *testing.T, data []byte, ours map[string]bool) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	var out []string
	emitText := func(key, s string) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "T"+key+"|") {
			out[n-1] += s
			return
		}
		out = append(out, "T"+key+"|"+s)
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			if c, ok := tok.(xml.CharData); ok && strings.TrimSpace(string(c)) != "" {
				out = append(out, "C|"+string(c))
			}
			continue
		}
		id := ""
		for _, a := range e.Attr {
			if a.Name.Local == "id" && a.Name.Space == w {
				id = a.Value
			}
		}
		if e.Name.Space == w && (e.Name.Local == "commentRangeStart" || e.Name.Local == "commentRangeEnd") && ours[id] {
			d.Skip()
			continue
		}
		if e.Name.Space != w || e.Name.Local != "r" {
			out = append(out, "<"+e.Name.Local+attrString(e, nil))
			continue
		}
		mark := false
		for _, a := range e.Attr {
			mark = mark || a.Name.Local == "rsidRPr" && (a.Value == docxRsid || a.Value == docxRsidSpace)
		}
		// a run: its properties, then its content
		var raw struct {
			Inner []byte `xml:",innerxml"`
		}
		if err := d.DecodeElement(&raw, &e); err != nil {
			t.Fatal(err)
		}
		inner := string(raw.Inner)
		if strings.Contains(inner, "commentReference") && mark {
			continue
		}
		rd := xml.NewDecoder(strings.NewReader("<r xmlns:w=\"" + w + "\">" + inner + "</r>"))
		props := ""
		// w:rsidRPr (the editing session that last set the run's
		// properties) is juesuan's mark on a split-out run.
		runAttrs := attrString(e, map[string]bool{"rsidRPr": true})
		level, inRPr, inT := 0, false, false
		for {
			tk, err := rd.Token()
			if err != nil {
				break
			}
			switch x := tk.(type) {
			case xml.StartElement:
				level++
				switch {
				case level == 2 && x.Name.Local == "rPr":
					inRPr = true
				case inRPr:
					if !(mark && x.Name.Local == "highlight") {
						props += "<" + x.Name.Local + attrString(x, nil)
					}
				case level == 2 && x.Name.Local == "t":
					inT = true
				case level == 2:
					out = append(out, "R"+runAttrs+props+"|<"+x.Name.Local+attrString(x, nil))
				}
			case xml.EndElement:
				if level == 2 {
					inRPr, inT = false, false
				}
				level--
			case xml.CharData:
				if inT {
					emitText(runAttrs+props, string(x))
				}
			}
		}
	}
	return out
}

func attrString(e xml.StartElement, drop map[string]bool) string {
	var as []string
	for _, a := range e.Attr {
		if drop[a.Name.Local] || a.Name.Local == "space" {
			continue
		}
		as = append(as, a.Name.Local+"="+a.Value)
	}
	sort.Strings(as)
	return " " + strings.Join(as, " ")
}

// ourComments reads juesuan's comments of a comments part: id → text.
func ourComments(t *testing.T, data []byte) (map[string]string, int) {
	t.Helper()
	var doc struct {
		Comments []struct {
			ID     string `xml:"id,attr"`
			Author string `xml:"author,attr"`
			Inner  []byte `xml:",innerxml"`
		} `xml:"comment"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	ours := map[string]string{}
	for _, c := range doc.Comments {
		if c.Author == NoteAuthor {
			var text strings.Builder
			d := xml.NewDecoder(bytes.NewReader(append(append([]byte("<x xmlns:w=\"w\">"), c.Inner...), "</x>"...)))
			for {
				tk, err := d.Token()
				if err != nil {
					break
				}
				if cd, ok := tk.(xml.CharData); ok {
					text.Write(cd)
				}
				if e, ok := tk.(xml.EndElement); ok && e.Name.Local == "p" {
					text.WriteByte('\n')
				}
			}
			ours[c.ID] = text.String()
		}
	}
	return ours, len(doc.Comments) - len(ours)
}

// highlightedTexts returns, per juesuan comment id, the text of the runs
// juesuan split out between its range start and end.
func highlightedTexts(t *testing.T, data []byte, ours map[string]bool) map[string]string {
	d := xml.NewDecoder(bytes.NewReader(data))
	open := map[string]bool{}
	out := map[string]string{}
	inMark, inT := false, false
	for {
		tk, err := d.Token()
		if err != nil {
			break
		}
		switch e := tk.(type) {
		case xml.StartElement:
			id := ""
			for _, a := range e.Attr {
				if a.Name.Local == "id" {
					id = a.Value
				}
				if e.Name.Local == "r" && a.Name.Local == "rsidRPr" && (a.Value == docxRsid || a.Value == docxRsidSpace) {
					inMark = true
				}
			}
			switch e.Name.Local {
			case "commentRangeStart":
				if ours[id] {
					open[id] = true
				}
			case "commentRangeEnd":
				delete(open, id)
			case "t":
				inT = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "r":
				inMark = false
			case "t":
				inT = false
			}
		case xml.CharData:
			if inMark && inT {
				for id := range open {
					out[id] += string(e)
				}
			}
		}
	}
	return out
}

// checkAnnotated holds the rules of the annotated docx for src, findings
// and the result: only the intended parts change, and in document.xml only
// the intended edits; the text reads back the same; one juesuan comment
// per marked place with the findings' messages, around the figure's text;
// the user's comments kept verbatim; annotating again gives the same
// bytes; removing juesuan's marks gives back the input's parts.
func checkAnnotated(t *testing.T, src []byte, findings []model.Finding, res *NarrativeResult) {
	t.Helper()
	out := res.Data
	inParts, inFiles, inNames := unzipParts(t, src)
	outParts, outFiles, outNames := unzipParts(t, out)
	// 1. part diff
	for _, name := range inNames {
		of := outFiles[name]
		if of == nil {
			t.Errorf("part %s dropped", name)
			continue
		}
		if editable[name] {
			continue
		}
		if f := inFiles[name]; !bytes.Equal(rawOf(t, f), rawOf(t, of)) || f.CRC32 != of.CRC32 || f.Method != of.Method || f.Modified != of.Modified {
			t.Errorf("part %s changed", name)
		}
	}
	for i, name := range outNames {
		if _, ok := inFiles[name]; !ok && !editable[name] {
			t.Errorf("part %s added", name)
		}
		if i < len(inNames) && inNames[i] != name && inFiles[name] != nil {
			t.Errorf("entry %d is %s, was %s", i, name, inNames[i])
		}
	}
	// 2. the text reads back the same
	a, err := narrative.ReadBytes(src, "in.docx", narrative.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := narrative.ReadBytes(out, "out.docx", narrative.Limits{})
	if err != nil {
		t.Fatalf("annotated docx unreadable: %v", err)
	}
	if a.Text() != b.Text() || !reflect.DeepEqual(a.Tables, b.Tables) {
		t.Errorf("the annotated docx reads differently:\n%s\n---\n%s", a.Text(), b.Text())
	}
	// 3. comments
	ours, users := ourComments(t, outParts["word/comments.xml"])
	if len(ours) != res.Marked {
		t.Errorf("%d juesuan comments, %d marked", len(ours), res.Marked)
	}
	if in := inParts["word/comments.xml"]; in != nil {
		_, inUsers := ourComments(t, in)
		if users != inUsers {
			t.Errorf("%d user comments, had %d", users, inUsers)
		}
		body := in[bytes.Index(in, []byte("<w:comment ")):bytes.LastIndex(in, []byte("</w:comments>"))]
		if !bytes.Contains(outParts["word/comments.xml"], body) {
			t.Errorf("the user's comments are not kept verbatim")
		}
	}
	var all strings.Builder
	for _, c := range ours {
		all.WriteString(c)
	}
	marked := 0
	for _, f := range findings {
		if f.Narrative != nil && f.Narrative.Length > 0 && (f.Severity == model.SevError || f.Severity == model.SevWarning) {
			marked++
			if !strings.Contains(all.String(), f.Message) {
				t.Errorf("no comment says %q", f.Message)
			}
		}
	}
	if marked == 0 || res.Marked == 0 {
		t.Fatalf("nothing to mark (%d findings, %d marked)", marked, res.Marked)
	}
	isOurs := map[string]bool{}
	for id := range ours {
		isOurs[id] = true
	}
	// 4. document.xml: the input's content, the marks aside
	if got, want := runEvents(t, outParts["word/document.xml"], isOurs), runEvents(t, inParts["word/document.xml"], nil); !reflect.DeepEqual(got, want) {
		t.Errorf("document.xml differs beyond the marks:\n%s", firstDiff(want, got))
	}
	// 5. each comment's range holds the highlighted figure
	figures := map[string]bool{}
	for _, f := range findings {
		if r := f.Narrative; r != nil && r.Length > 0 {
			figures[strings.ReplaceAll(unitText(a, *r), "\n", "")] = true // a cell's paragraphs are joined by made-up newlines
		}
	}
	for id, text := range highlightedTexts(t, outParts["word/document.xml"], isOurs) {
		if !figures[text] {
			t.Errorf("comment %s highlights %q, no finding's figure", id, text)
		}
	}
	if n := len(highlightedTexts(t, outParts["word/document.xml"], isOurs)); n != res.Marked {
		t.Errorf("%d comment ranges with highlighted text, %d marked", n, res.Marked)
	}
	// 6. idempotence
	again, err := Narrative(out, findings)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Data, out) {
		ap, _, _ := unzipParts(t, again.Data)
		for name, data := range ap {
			if !bytes.Equal(data, outParts[name]) {
				t.Errorf("annotating twice: %s differs: %s", name, byteDiff(outParts[name], data))
			}
		}
		t.Errorf("annotating twice differs from once")
	}
	// 7. removing the marks gives back the input's parts
	clean, err := Narrative(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp, _, _ := unzipParts(t, clean.Data)
	for _, name := range inNames {
		if !bytes.Equal(cp[name], inParts[name]) {
			t.Errorf("unmarked %s differs from the input: %s", name, byteDiff(inParts[name], cp[name]))
		}
	}
	if len(cp) != len(inParts) {
		t.Errorf("unmarked docx has %d parts, input %d", len(cp), len(inParts))
	}
}

func unitText(d *narrative.Document, r model.NarrativeRef) string {
	var s string
	switch {
	case r.Table > 0:
		s = d.Tables[r.Table-1].Rows[r.Row-1][r.Col-1]
	default:
		s = d.Paragraphs[r.Paragraph].Text
	}
	rs := []rune(s)
	if r.Offset+r.Length > len(rs) {
		return ""
	}
	return string(rs[r.Offset : r.Offset+r.Length])
}

func firstDiff(a, b []string) string {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("event %d:\n want %q\n  got %q", i, x, y)
		}
	}
	return "same"
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/docx/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// userComments is a comments part with one comment of the user's (id 7,
// anchored around "R&D" in the Word-style document).
const userComments = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="7" w:author="李四" w:date="2025-03-02T09:00:00Z" w:initials="LS"><w:p><w:r><w:t>请核实研发费用。</w:t></w:r></w:p></w:comment></w:comments>`

// figureRef finds the n-th occurrence of figure in paragraph p of doc.
func figureRef(t *testing.T, doc *narrative.Document, p int, figure string) *model.NarrativeRef {
	t.Helper()
	text := doc.Paragraphs[p].Text
	i := strings.Index(text, figure)
	if i < 0 {
		t.Fatalf("%q not in paragraph %d: %q", figure, p, text)
	}
	return &model.NarrativeRef{Paragraph: p, Offset: len([]rune(text[:i])), Length: len([]rune(figure)), Quote: figure}
}

// TestNarrativeWordStyle: a hand-written Word-style document.xml — a
// figure split across runs around a bookmark and proofErr, one inside a
// tracked insertion, a field result, a figure in two w:t of one run, a
// figure with an entity (R&amp;D) inside the user's own comment range, a
// cell of a table across runs and paragraphs, a list label (not marked),
// an information finding (not marked).
func TestNarrativeWordStyle(t *testing.T) {
	docXML := readTestdata(t, "wordstyle-document.xml")
	numXML := readTestdata(t, "wordstyle-numbering.xml")
	for _, withComments := range []bool{true, false} {
		t.Run(fmt.Sprintf("comments=%v", withComments), func(t *testing.T) {
			parts := []part{{"word/numbering.xml", numXML}}
			if withComments {
				parts = append(parts, part{"word/comments.xml", userComments})
			}
			src := docxZip(t, docXML, parts...)
			doc, err := narrative.ReadBytes(src, "说明.docx", narrative.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			f := func(sev model.Severity, msg string, ref *model.NarrativeRef) model.Finding {
				return model.Finding{Rule: "N01", Severity: sev, Message: msg, Narrative: ref}
			}
			cell := &model.NarrativeRef{Paragraph: -1, Table: 1, Row: 2, Col: 2, Offset: 0, Length: len([]rune(doc.Tables[0].Rows[1][1]))}
			findings := []model.Finding{
				f(model.SevError, "说明第 3 段收入总计 4,189.71 与表不符。", figureRef(t, doc, 2, "4,189.71")),
				f(model.SevWarning, "本年收入合计 4,113.55 <请核实> & “确认”。", figureRef(t, doc, 2, "4,113.55")),
				f(model.SevError, "R&D 不是数字。", figureRef(t, doc, 2, "R&D")),
				f(model.SevError, "本年支出合计与表不符。", figureRef(t, doc, 3, "4,113.55")),
				f(model.SevWarning, "占比应为 99.00%。", figureRef(t, doc, 3, "100.00%")),
				f(model.SevError, "同一处的第二条意见。", figureRef(t, doc, 3, "100.00")),
				f(model.SevError, "表格合计不符。", cell),
				f(model.SevError, "公用经费与表不符。", figureRef(t, doc, 4, "56.78")),
				f(model.SevInfo, "尾差，允许。", figureRef(t, doc, 4, "公用经费")),
				f(model.SevError, "标题编号。", &model.NarrativeRef{Paragraph: 1, Offset: 0, Length: 2}),
				f(model.SevError, "没有位置的意见。", nil),
			}
			res, err := Narrative(src, findings)
			if err != nil {
				t.Fatal(err)
			}
			// 100.00% and 100.00 are one place; the label has no bytes.
			if res.Marked != 7 || res.Unmarked != 1 {
				t.Errorf("marked %d, unmarked %d; want 7, 1", res.Marked, res.Unmarked)
			}
			checkAnnotated(t, src, findings[:len(findings)-2], res)
			outParts, _, _ := unzipParts(t, res.Data)
			d := string(outParts["word/document.xml"])
			// The user's highlight (green, on 公用经费) and comment 7 stay.
			for _, want := range []string{`<w:highlight w:val="green"/>`, `<w:commentRangeStart w:id="7"/>`, `<w:commentReference w:id="7"/>`,
				`<w:highlight w:val="yellow"/>`, `<w:highlight w:val="cyan"/>`, `R&amp;D`} {
				if !strings.Contains(d, want) {
					t.Errorf("document.xml lacks %s", want)
				}
			}
			// the split-out run keeps the original run's properties in
			// schema order: highlight before w:u
			if !strings.Contains(d, `<w:color w:val="FF0000"/><w:highlight w:val="yellow"/><w:u w:val="single"/>`) {
				t.Errorf("highlight not in schema order:\n%s", d)
			}
			if !withComments {
				types := string(outParts["[Content_Types].xml"])
				if !strings.Contains(types, "/word/comments.xml") || !strings.Contains(string(outParts["word/_rels/document.xml.rels"]), "comments.xml") {
					t.Errorf("a new comments part without its content type or relationship")
				}
			}
		})
	}
}

// byteDiff shows where b first departs from a.
func byteDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-150)
	return fmt.Sprintf("at byte %d:\n want …%s\n  got …%s", i, a[from:min(len(a), i+150)], b[from:min(len(b), i+150)])
}

// plantedSeed is the seed narrative with faults planted in its text (an
// amount restated) and in a cell of its 整体 绩效自评表 (the 执行率 of the
// 合计 row), read as juesuan reads it.
func plantedSeed(t *testing.T) (*narrative.Document, []byte) {
	t.Helper()
	seed := seedText(t)
	bad := bytes.Replace(seed, []byte("本年收入4,113.55"), []byte("本年收入4,213.55"), 1)
	if bytes.Equal(bad, seed) {
		t.Fatal("planted figure not in the seed")
	}
	doc, err := narrative.ReadBytes(bad, "说明.txt", narrative.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for ri, r := range doc.Tables[0].Rows {
		if len(r) > 6 && r[1] == "合计" {
			r = append([]string(nil), r...)
			r[6] = "89.04%"
			doc.Tables[0].Rows = append([][]string(nil), doc.Tables[0].Rows...)
			doc.Tables[0].Rows[ri] = r
		}
	}
	return doc, bad
}

// loAnnotations reads the comments of a flat ODF text (LibreOffice's
// .fodt): author and text of each.
func loAnnotations(t *testing.T, fodt []byte) [][2]string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(fodt))
	var out [][2]string
	depth, inCreator, inP := 0, false, 0
	var cur [2]string
	for {
		tk, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tk.(type) {
		case xml.StartElement:
			if e.Name.Local == "annotation" && e.Name.Space == "urn:oasis:names:tc:opendocument:xmlns:office:1.0" {
				depth, cur = 1, [2]string{}
			} else if depth > 0 {
				depth++
				inCreator = e.Name.Local == "creator"
				if e.Name.Local == "p" {
					inP++
				}
			}
		case xml.EndElement:
			if depth > 0 {
				depth--
				if e.Name.Local == "p" {
					cur[1] += "\n"
					inP--
				}
				if depth == 0 {
					out = append(out, cur)
				}
				inCreator = false
			}
		case xml.CharData:
			if depth > 0 {
				if inCreator {
					cur[0] += string(e)
				} else if inP > 0 {
					cur[1] += string(e)
				}
			}
		}
	}
	return out
}

// TestNarrativeLibreOffice: docx files LibreOffice wrote (the planted seed
// imported from text, and a test-made docx with the seed's tables saved
// again by LibreOffice) are annotated under all the rules of
// checkAnnotated; every error and warning is marked, table cells
// included; juesuan reads the annotated file to the same findings. Then
// LibreOffice opens the annotated files — these two and the Word-style
// document with the user's comment — and shows juesuan's comments with
// their texts and the user's comment.
func TestNarrativeLibreOffice(t *testing.T) {
	soffice(t)
	doc, badText := plantedSeed(t)
	wb := caseA(t)
	imported := loConvert(t, "说明.txt", badText, "docx:MS Word 2007 XML", "--infilter=Text (encoded):UTF8,LF,,,")
	saved := loConvert(t, "说明.docx", docxOfDocument(t, doc), "docx:MS Word 2007 XML")
	inputs := []struct {
		name  string
		docx  []byte
		table bool
	}{{"imported", imported, false}, {"saved", saved, true}}
	annotated := map[string][]byte{}
	want := map[string][]model.Finding{}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			read, err := narrative.ReadBytes(in.docx, "说明.docx", narrative.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			findings := narrative.Analyze(read, wb).Findings
			tables, errs := 0, 0
			for _, f := range findings {
				if f.Narrative != nil && f.Severity == model.SevError {
					errs++
					if f.Narrative.Table > 0 {
						tables++
					}
				}
			}
			if errs == 0 || in.table && tables == 0 {
				t.Fatalf("the planted faults give %d errors, %d in tables", errs, tables)
			}
			res, err := Narrative(in.docx, findings)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d errors (%d in tables), %d findings marked at %d places, %d unmarked", errs, tables, len(findings), res.Marked, res.Unmarked)
			if res.Unmarked != 0 {
				t.Errorf("%d findings not marked", res.Unmarked)
			}
			checkAnnotated(t, in.docx, findings, res)
			// juesuan reads its own output to the same findings
			again, err := narrative.ReadBytes(res.Data, "说明.docx", narrative.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if a, b := messages(findings), messages(narrative.Analyze(again, wb).Findings); a != b {
				t.Errorf("findings on the annotated docx differ:\n%s\n---\n%s", a, b)
			}
			annotated[in.name+".docx"], want[in.name+".docx"] = res.Data, findings
		})
	}
	src, findings := wordStyleCase(t)
	res, err := Narrative(src, findings)
	if err != nil {
		t.Fatal(err)
	}
	annotated["wordstyle.docx"], want["wordstyle.docx"] = res.Data, findings
	// LibreOffice opens them: the comments are there with their text
	for name, fodt := range loConvertMany(t, annotated, "fodt") {
		anns := loAnnotations(t, fodt)
		ours, users := 0, 0
		var all strings.Builder
		for _, a := range anns {
			if a[0] == NoteAuthor {
				ours++
			} else if a == [2]string{"李四", "请核实研发费用。\n"} {
				users++
			}
			all.WriteString(a[1])
		}
		places := 0
		for _, f := range want[name] {
			if f.Narrative != nil && f.Narrative.Length > 0 && (f.Severity == model.SevError || f.Severity == model.SevWarning) {
				places++
				if !strings.Contains(all.String(), f.Message+"\n") {
					t.Errorf("%s: LibreOffice shows no comment %q", name, f.Message)
				}
			}
		}
		if ours == 0 || ours > places || name == "wordstyle.docx" && (users != 1 || ours != places || len(anns) != places+1) {
			t.Errorf("%s: LibreOffice shows %d juesuan comments for %d findings, %d of the user's: %q", name, ours, places, users, anns)
		}
	}
}

func messages(fs []model.Finding) string {
	var ms []string
	for _, f := range fs {
		ms = append(ms, string(f.Severity)+" "+f.Message)
	}
	sort.Strings(ms)
	return strings.Join(ms, "\n")
}

// wordStyleCase is the Word-style document with the user's comment and a
// few findings.
func wordStyleCase(t *testing.T) ([]byte, []model.Finding) {
	src := docxZip(t, readTestdata(t, "wordstyle-document.xml"), part{"word/numbering.xml", readTestdata(t, "wordstyle-numbering.xml")}, part{"word/comments.xml", userComments})
	doc, err := narrative.ReadBytes(src, "说明.docx", narrative.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return src, []model.Finding{
		{Rule: "N01", Severity: model.SevError, Message: "收入总计与表不符。", Narrative: figureRef(t, doc, 2, "4,189.71")},
		{Rule: "N02", Severity: model.SevWarning, Message: "占比请核实。", Narrative: figureRef(t, doc, 3, "100.00%")},
		{Rule: "N01", Severity: model.SevError, Message: "表格合计不符。", Narrative: &model.NarrativeRef{Paragraph: -1, Table: 1, Row: 2, Col: 2, Length: 13}},
	}
}

// TestNarrativeGolden pins the annotated document.xml and comments.xml of
// the Word-style document (readable XML; go test ./annotate -update).
func TestNarrativeGolden(t *testing.T) {
	src, findings := wordStyleCase(t)
	res, err := Narrative(src, findings)
	if err != nil {
		t.Fatal(err)
	}
	parts, _, _ := unzipParts(t, res.Data)
	for _, g := range []struct{ part, file string }{
		{"word/document.xml", "wordstyle-annotated-document.golden.xml"},
		{"word/comments.xml", "wordstyle-annotated-comments.golden.xml"},
	} {
		path := "../testdata/docx/" + g.file
		if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" { // -update, declared by direct_test.go
			if err := os.WriteFile(path, parts[g.part], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(parts[g.part], want) {
			t.Errorf("%s differs from %s: %s", g.part, g.file, byteDiff(want, parts[g.part]))
		}
	}
}

// TestNarrativeResavedByAnotherProgram: a file juesuan annotated and
// another program saved again (comment ids renumbered, the run after a
// figure rewritten, whitespace between elements) is re-annotated by
// finding juesuan's marks by author and w:rsidRPr: one comment per place,
// never two, the user's comment kept, the text as before.
func TestNarrativeResavedByAnotherProgram(t *testing.T) {
	src, findings := wordStyleCase(t)
	first, err := Narrative(src, findings)
	if err != nil {
		t.Fatal(err)
	}
	parts, _, names := unzipParts(t, first.Data)
	doc, comments := string(parts["word/document.xml"]), string(parts["word/comments.xml"])
	for id := 20; id >= 8; id-- { // renumber juesuan's ids as Word does
		from, to := fmt.Sprintf(`w:id="%d"`, id), fmt.Sprintf(`w:id="%d"`, id+100)
		doc, comments = strings.ReplaceAll(doc, from, to), strings.ReplaceAll(comments, from, to)
	}
	for _, r := range [][2]string{
		{`<w:commentReference w:id="108"/></w:r><w:r w:rsidRPr="00C4">`, `<w:commentReference w:id="108"/></w:r><w:r w:rsidR="00D9" w:rsidRPr="00C4">`},
		{`</w:r><w:commentRangeEnd`, "</w:r>\n<w:commentRangeEnd"},
	} {
		if !strings.Contains(doc, r[0]) {
			t.Fatalf("the first run's output lacks %s", r[0])
		}
		doc = strings.ReplaceAll(doc, r[0], r[1])
	}
	parts["word/document.xml"], parts["word/comments.xml"] = []byte(doc), []byte(comments)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write(parts[n])
	}
	zw.Close()
	second, err := Narrative(buf.Bytes(), findings)
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ := unzipParts(t, second.Data)
	ours, users := ourComments(t, out["word/comments.xml"])
	if len(ours) != second.Marked || second.Marked != first.Marked || users != 1 {
		t.Errorf("%d juesuan comments for %d places (first run %d), %d user comments", len(ours), second.Marked, first.Marked, users)
	}
	if n := strings.Count(string(out["word/document.xml"]), "commentReference"); n != second.Marked+1 {
		t.Errorf("%d comment references, want %d", n, second.Marked+1)
	}
	a, _ := narrative.ReadBytes(src, "a.docx", narrative.Limits{})
	b, err := narrative.ReadBytes(second.Data, "b.docx", narrative.Limits{})
	if err != nil || a.Text() != b.Text() {
		t.Errorf("text after re-annotation differs: %v", err)
	}
	isOurs := map[string]bool{}
	for id := range ours {
		isOurs[id] = true
	}
	for id, text := range highlightedTexts(t, out["word/document.xml"], isOurs) {
		if text != "4,189.71" && text != "100.00%" && text != "1,234.50（万元）" {
			t.Errorf("comment %s highlights %q", id, text)
		}
	}
	// the old highlights are gone: as many highlighted runs as places' pieces
	if got := strings.Count(string(out["word/document.xml"]), `w:val="yellow"`) + strings.Count(string(out["word/document.xml"]), `w:val="cyan"`); got != strings.Count(string(parts["word/document.xml"]), `w:val="yellow"`)+strings.Count(string(parts["word/document.xml"]), `w:val="cyan"`) {
		t.Errorf("%d highlights after re-annotation", got)
	}
}

// TestNarrativeBadInput: junk, truncated and flipped files and findings
// that point nowhere give a coded error or an unmarked count, never a
// panic.
func TestNarrativeBadInput(t *testing.T) {
	src, findings := wordStyleCase(t)
	far := []model.Finding{
		{Severity: model.SevError, Message: "x", Narrative: &model.NarrativeRef{Paragraph: 99, Offset: 0, Length: 3}},
		{Severity: model.SevError, Message: "x", Narrative: &model.NarrativeRef{Paragraph: 2, Offset: 1000, Length: 3}},
		{Severity: model.SevError, Message: "x", Narrative: &model.NarrativeRef{Paragraph: -1, Table: 5, Row: 1, Col: 1, Length: 1}},
		{Severity: model.SevError, Message: "x", Narrative: &model.NarrativeRef{Paragraph: 2, Offset: -4, Length: 3}},
	}
	res, err := Narrative(src, far)
	if err != nil || res.Marked != 0 || res.Unmarked != len(far) {
		t.Errorf("findings pointing nowhere: %v, marked %d, unmarked %d", err, res.Marked, res.Unmarked)
	}
	for _, junk := range [][]byte{nil, []byte("PK\x03\x04junk"), src[:len(src)/2], []byte("plain text")} {
		if _, err := Narrative(junk, findings); err == nil || model.ErrorCode(err) == model.EInternal {
			t.Errorf("junk %.20q: %v", junk, err)
		}
	}
	for i := 0; i < 300; i++ {
		b := append([]byte(nil), src...)
		b[(i*7919)%len(b)] ^= byte(1 + i%255)
		func() {
			defer func() {
				if v := recover(); v != nil {
					t.Fatalf("flip %d: panic %v", i, v)
				}
			}()
			Narrative(b, findings)
		}()
	}
}

// TestNarrativeMinimalDocx: a docx of three parts (no document
// relationships, no comments part, as some generators write): the
// relationships part is created and removed again with juesuan's marks.
func TestNarrativeMinimalDocx(t *testing.T) {
	body := `<w:p><w:r><w:t>本年收入合计4,213.55万元，占100%。</w:t></w:r></w:p>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []part{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`},
	} {
		w, _ := zw.Create(p.name)
		w.Write([]byte(p.data))
	}
	zw.Close()
	src := buf.Bytes()
	doc, err := narrative.ReadBytes(src, "a.docx", narrative.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	findings := []model.Finding{
		{Rule: "N01", Severity: model.SevError, Message: "与表不符。", Narrative: figureRef(t, doc, 0, "4,213.55")},
		{Rule: "N13", Severity: model.SevWarning, Message: "请核实。", Narrative: figureRef(t, doc, 0, "100%")},
	}
	res, err := Narrative(src, findings)
	if err != nil {
		t.Fatal(err)
	}
	if res.Marked != 2 {
		t.Fatalf("marked %d", res.Marked)
	}
	parts, _, _ := unzipParts(t, res.Data)
	if !strings.Contains(string(parts["word/_rels/document.xml.rels"]), `Id="juesuanComments"`) {
		t.Errorf("no relationship to the comments part: %s", parts["word/_rels/document.xml.rels"])
	}
	checkAnnotated(t, src, findings, res)
}

// TestNarrativeCommittedLibreOffice: the Word-style document as LibreOffice
// saved it (testdata/docx/lo-wordstyle.docx, committed so this runs
// without LibreOffice): its runs, namespaces and the user's comment are
// LibreOffice's; the same figures are marked under checkAnnotated.
func TestNarrativeCommittedLibreOffice(t *testing.T) {
	src, err := os.ReadFile("../testdata/docx/lo-wordstyle.docx")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := narrative.ReadBytes(src, "说明.docx", narrative.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// what LibreOffice's file reads as (the formula became an object)
	want := []string{"某某局2024年度部门决算公开说明", "一、收入支出决算总体情况说明",
		"2024年度收入总计4,189.71万元。其中：本年收入合计4,113.55万元 R&D。", "本年支出合计 4,113.55万元，占100.00%\t。", "公用经费56.78万元"}
	for i, w := range want {
		if i >= len(doc.Paragraphs) || doc.Paragraphs[i].Text != w {
			t.Fatalf("paragraphs %q, want %q", doc.Text(), want)
		}
	}
	cellText := doc.Tables[0].Rows[1][1]
	findings := []model.Finding{
		{Rule: "N01", Severity: model.SevError, Message: "收入总计与表不符。", Narrative: figureRef(t, doc, 2, "4,189.71")},
		{Rule: "N01", Severity: model.SevWarning, Message: "本年收入合计请核实。", Narrative: figureRef(t, doc, 2, "4,113.55")},
		{Rule: "N02", Severity: model.SevWarning, Message: "占比请核实。", Narrative: figureRef(t, doc, 3, "100.00%")},
		{Rule: "N01", Severity: model.SevError, Message: "表格合计不符。", Narrative: &model.NarrativeRef{Paragraph: -1, Table: 1, Row: 2, Col: 2, Length: len([]rune(cellText))}},
		{Rule: "N01", Severity: model.SevError, Message: "公用经费与表不符。", Narrative: figureRef(t, doc, 4, "56.78")},
	}
	res, err := Narrative(src, findings)
	if err != nil {
		t.Fatal(err)
	}
	if res.Marked != len(findings) || res.Unmarked != 0 {
		t.Errorf("marked %d, unmarked %d", res.Marked, res.Unmarked)
	}
	checkAnnotated(t, src, findings, res)
}

// XML nested deeper than the limit is a damaged file, said as such: code
// corrupt with the corrupt message (it was too_large with that message).
func TestNarrativeTooDeep(t *testing.T) {
	doc := `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		strings.Repeat("<w:p>", 40) + strings.Repeat("</w:p>", 40) + `</w:body></w:document>`
	_, err := scanDoc([]byte(doc), "http://schemas.openxmlformats.org/wordprocessingml/2006/main", 32)
	if model.ErrorCode(err) != model.ECorrupt || !strings.Contains(model.ErrorMessage(err), "已损坏") {
		t.Errorf("too deep: %v (code %s)", err, model.ErrorCode(err))
	}
}
