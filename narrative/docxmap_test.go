package narrative

import (
	"encoding/xml"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/docx/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decoded is the character data of raw (entities resolved).
func decoded(t *testing.T, raw []byte) string {
	t.Helper()
	var v string
	if err := xml.Unmarshal([]byte("<a>"+string(raw)+"</a>"), &v); err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	return v
}

// TestMapDOCX: every character of every paragraph and cell either maps
// to the bytes of document.xml that hold it, or is one the reader made up
// (a list label, tab, break) or read from outside a w:r/w:t (math); the
// text of the whole map is the reader's text.
func TestMapDOCX(t *testing.T) {
	docXML := readFixture(t, "wordstyle-document.xml")
	numXML := readFixture(t, "wordstyle-numbering.xml")
	doc, m, err := MapDOCX(docXML, numXML, nil, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	read, err := ReadBytes(zipDocx(t, "", "", "word/document.xml", string(docXML), "word/numbering.xml", string(numXML)), "x.docx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text() != read.Text() {
		t.Fatalf("map's text differs from the reader's:\n%s\n%s", doc.Text(), read.Text())
	}
	wantParas := []string{
		"某某局2024年度部门决算公开说明",
		"一、收入支出决算总体情况说明",
		"2024年度收入总计4,189.71万元。其中：本年收入合计4,113.55万元 R&D。",
		"本年支出合计 4,113.55万元，占100.00%\t。",
		"公用经费56.78万元1+1",
	}
	if len(doc.Paragraphs) != len(wantParas) {
		t.Fatalf("%d paragraphs: %q", len(doc.Paragraphs), doc.Text())
	}
	for i, w := range wantParas {
		if doc.Paragraphs[i].Text != w {
			t.Errorf("paragraph %d: %q, want %q", i, doc.Paragraphs[i].Text, w)
		}
	}
	if len(doc.Tables) != 1 || doc.Tables[0].Rows[1][1] != "1,234.50\n（万元）" {
		t.Fatalf("table: %+v", doc.Tables)
	}
	made := map[string]string{"一、": "label", "\t": "tab", "1+1": "math"}
	check := func(where string, text string, ref model.NarrativeRef) {
		rs := []rune(text)
		for i := range rs {
			ref.Offset, ref.Length = i, 1
			ps, ok := m.Pieces(ref)
			if !ok {
				found := false
				for k := range made {
					if j := strings.Index(text, k); j >= 0 {
						ri := utf8.RuneCountInString(text[:j])
						found = found || i >= ri && i < ri+utf8.RuneCountInString(k)
					}
				}
				if !found && rs[i] != '\n' {
					t.Errorf("%s: rune %d %q has no bytes", where, i, rs[i])
				}
				continue
			}
			if len(ps) != 1 {
				t.Fatalf("%s: rune %d in %d pieces", where, i, len(ps))
			}
			if got := decoded(t, docXML[ps[0].Text.Start:ps[0].Text.End]); got != string(rs[i]) {
				t.Errorf("%s: rune %d %q maps to %q", where, i, rs[i], got)
			}
			if tag := string(docXML[ps[0].T.Start:ps[0].T.End]); !strings.HasPrefix(tag, "<w:t") {
				t.Errorf("%s: w:t tag %q", where, tag)
			}
			if tag := string(docXML[ps[0].Run.Start:ps[0].Run.End]); !strings.HasPrefix(tag, "<w:r") {
				t.Errorf("%s: run tag %q", where, tag)
			}
			if ps[0].RPr.Start >= 0 {
				if rpr := string(docXML[ps[0].RPr.Start:ps[0].RPr.End]); !strings.HasPrefix(rpr, "<w:rPr>") || !strings.HasSuffix(rpr, "</w:rPr>") {
					t.Errorf("%s: rPr %q", where, rpr)
				}
			}
		}
	}
	for _, p := range doc.Paragraphs {
		check("paragraph", p.Text, model.NarrativeRef{Paragraph: p.Index})
	}
	for ti, tb := range doc.Tables {
		for ri, row := range tb.Rows {
			for ci, c := range row {
				check("cell", c, model.NarrativeRef{Paragraph: -1, Table: ti + 1, Row: ri + 1, Col: ci + 1})
			}
		}
	}
	// A figure across runs, a bookmark and proofErr: two pieces.
	ps, ok := m.Pieces(model.NarrativeRef{Paragraph: 2, Offset: 3, Length: 0})
	if ok || ps != nil {
		t.Errorf("an empty range has pieces")
	}
	off := utf8.RuneCountInString(wantParas[2][:strings.Index(wantParas[2], "4,189.71")])
	ps, ok = m.Pieces(model.NarrativeRef{Paragraph: 2, Offset: off, Length: 8})
	if !ok || len(ps) != 2 || string(docXML[ps[0].Text.Start:ps[0].Text.End]) != "4,1" || string(docXML[ps[1].Text.Start:ps[1].Text.End]) != "89.71" {
		t.Errorf("4,189.71: %v %+v", ok, ps)
	}
	// What the reader made up or read outside w:r/w:t has no bytes.
	for _, ref := range []model.NarrativeRef{{Paragraph: 1, Offset: 0, Length: 2}, {Paragraph: 4, Offset: 11, Length: 3}, {Paragraph: 3, Offset: 26, Length: 1}} {
		if ps, ok := m.Pieces(ref); ok || len(ps) != 0 {
			t.Errorf("%+v: made-up text maps to %+v", ref, ps)
		}
	}
	// The cell's figure, from a text starting with a space, across runs.
	ps, ok = m.Pieces(model.NarrativeRef{Paragraph: -1, Table: 1, Row: 2, Col: 2, Offset: 0, Length: 8})
	if !ok || len(ps) != 2 || string(docXML[ps[0].Text.Start:ps[0].Text.End]) != "1,2" {
		t.Errorf("cell figure: %v %+v", ok, ps)
	}
	if _, ok := m.Pieces(model.NarrativeRef{Paragraph: 9, Offset: 0, Length: 1}); ok {
		t.Error("a paragraph beyond the document maps")
	}
}
