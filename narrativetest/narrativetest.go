// Package narrativetest holds what the narrative tests of other packages
// (annotate, api) share: the seed, the Case A workbook, and .docx files
// written from a Document as Word writes them, each paragraph in two runs
// (the second bold) so figures straddle runs. Only tests import it.
package narrativetest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// DocumentXML is word/document.xml of doc: its tables placed after the
// paragraph they follow, every paragraph in two runs.
func DocumentXML(doc *narrative.Document) string {
	var body strings.Builder
	ti := 0
	tables := func(after int) {
		for ; ti < len(doc.Tables) && doc.Tables[ti].After == after; ti++ {
			body.WriteString("<w:tbl>")
			for _, row := range doc.Tables[ti].Rows {
				body.WriteString("<w:tr>")
				for _, c := range row {
					body.WriteString(`<w:tc><w:p><w:r><w:t xml:space="preserve">` + html.EscapeString(c) + `</w:t></w:r></w:p></w:tc>`)
				}
				body.WriteString("</w:tr>")
			}
			body.WriteString("</w:tbl>")
		}
	}
	tables(-1)
	for _, p := range doc.Paragraphs {
		rs := []rune(p.Text)
		h := len(rs) / 2
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p>`,
			html.EscapeString(string(rs[:h])), html.EscapeString(string(rs[h:])))
		tables(p.Index)
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`
}

// MinimalDOCX is a .docx of three parts: content types, the package
// relationships and document.
func MinimalDOCX(t testing.TB, document string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", document},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// DOCXOfText reads text as a narrative (.txt) and writes it as a minimal
// .docx (DocumentXML).
func DOCXOfText(t testing.TB, text []byte) []byte {
	t.Helper()
	doc, err := narrative.ReadBytes(text, "说明.txt", narrative.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return MinimalDOCX(t, DocumentXML(doc))
}

// SeedPath is the real 2024 narrative of Case A, read from ../shared beside
// the clone (never copied into the repository), relative to a package
// directory one level below the root.
const SeedPath = "../../shared/seeds/000_a0b1eb271cefa8f5.txt"

// Seed reads the seed narrative; without it a test fails in CI (env CI set)
// and skips elsewhere.
func Seed(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(SeedPath)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("seed not available: %v", err)
		}
		t.Skipf("seed not available: %v", err)
	}
	return data
}

var (
	caseAOnce sync.Once
	caseAWB   *model.Workbook
	caseAErr  error
)

// CaseA is the Case A workbook as the reader sees it (templates.CaseA()
// written and read back), made once per test binary.
func CaseA(t testing.TB) *model.Workbook {
	t.Helper()
	caseAOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
			caseAErr = err
			return
		}
		caseAWB, _, caseAErr = reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	})
	if caseAErr != nil {
		t.Fatal(caseAErr)
	}
	return caseAWB
}
