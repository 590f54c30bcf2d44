package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"weak"
)

// Note shapes as Excel, LibreOffice, openpyxl and WPS write them: found
// by x:Row / x:Column whatever their id, prefix or layout.
func TestVMLShapes(t *testing.T) {
	cases := []struct {
		name string
		vml  string
		want [][2]int // row, col of note shapes
	}{
		{"excel", `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/></v:shapetype>
 <v:shape id="_x0000_s1025" type="#_x0000_t202" style="visibility:hidden"><v:textbox><div style='text-align:left'></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:Anchor>
    3, 15, 4, 10, 5, 15, 8, 4</x:Anchor><x:Row>5</x:Row><x:Column>2</x:Column></x:ClientData></v:shape>
 <v:shape id="_x0000_s1026" type="#_x0000_t202"><x:ClientData ObjectType="Note"><x:Row>9</x:Row><x:Column>0</x:Column></x:ClientData></v:shape></xml>`,
			[][2]int{{5, 2}, {9, 0}}},
		{"libreoffice", `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shapetype id="_x0000_t202"/><v:shape id="shape_0" type="#_x0000_t202"><x:ClientData ObjectType="Note"><x:Row>9</x:Row><x:Column>1</x:Column></x:ClientData></v:shape><v:shapetype id="_x0000_t202"/><v:shape id="shape_0" type="#_x0000_t202"><x:ClientData ObjectType="Note"><x:Row>2</x:Row><x:Column>3</x:Column></x:ClientData></v:shape></xml>`,
			[][2]int{{9, 1}, {2, 3}}},
		{"openpyxl", `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shape id="_x0000_s0001" style="position:absolute" type="#_x0000_t202" fillcolor="#ffffe1"><x:ClientData ObjectType="Note"><x:MoveWithCells /><x:SizeWithCells /><x:AutoFill>False</x:AutoFill><x:Row>5</x:Row><x:Column>2</x:Column></x:ClientData></v:shape></xml>`,
			[][2]int{{5, 2}}},
		{"other prefixes, a form control, a self-closing shape", `<xml xmlns:vv="urn:schemas-microsoft-com:vml" xmlns:xx="urn:schemas-microsoft-com:office:excel"><vv:shape id="a"/><vv:shape id="b"><xx:ClientData ObjectType="Button"><xx:Row>1</xx:Row><xx:Column>1</xx:Column></xx:ClientData></vv:shape><vv:shape id="c"><xx:ClientData ObjectType='Note'><xx:Row> 7 </xx:Row><xx:Column>4</xx:Column></xx:ClientData></vv:shape></xml>`,
			[][2]int{{7, 4}}},
		{"wps, BR in text", `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s2049"><v:textbox><div>a<br>b</div></v:textbox><x:ClientData ObjectType="Note"><x:Row>0</x:Row><x:Column>0</x:Column></x:ClientData></v:shape></xml>`,
			[][2]int{{0, 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got [][2]int
			for _, s := range vmlShapes([]byte(c.vml)) {
				if s.note {
					got = append(got, [2]int{s.row, s.col})
					if !bytes.HasSuffix([]byte(c.vml[s.start:s.end]), []byte("shape>")) {
						t.Errorf("shape span %q", c.vml[s.start:s.end])
					}
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

// <legacyDrawing> goes where the worksheet schema puts it, with the
// relationships prefix the sheet declares.
func TestInsertLegacyDrawing(t *testing.T) {
	const r = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	const m = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	cases := []struct{ name, in, want string }{
		{"at the end", `<worksheet ` + m + ` ` + r + `><sheetData/><pageMargins/></worksheet>`,
			`<worksheet ` + m + ` ` + r + `><sheetData/><pageMargins/><legacyDrawing r:id="rId9"/></worksheet>`},
		{"after drawing, before tableParts and extLst", `<worksheet ` + m + ` ` + r + `><sheetData/><drawing r:id="rId1"/><tableParts count="0"/><extLst/></worksheet>`,
			`<worksheet ` + m + ` ` + r + `><sheetData/><drawing r:id="rId1"/><legacyDrawing r:id="rId9"/><tableParts count="0"/><extLst/></worksheet>`},
		{"before legacyDrawingHF and picture", `<worksheet ` + m + ` ` + r + `><sheetData/><headerFooter/><legacyDrawingHF r:id="rId2"/><picture r:id="rId3"/></worksheet>`,
			`<worksheet ` + m + ` ` + r + `><sheetData/><headerFooter/><legacyDrawing r:id="rId9"/><legacyDrawingHF r:id="rId2"/><picture r:id="rId3"/></worksheet>`},
		{"no r prefix declared", `<worksheet ` + m + `><sheetData/></worksheet>`,
			`<worksheet ` + m + `><sheetData/><legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId9"/></worksheet>`},
		{"prefixed", `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheetData/><x:extLst/></x:worksheet>`,
			`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheetData/><x:legacyDrawing rel:id="rId9"/><x:extLst/></x:worksheet>`},
		{"with a comment (encoding/xml fallback)", `<worksheet ` + m + ` ` + r + `><!-- c --><sheetData/></worksheet>`,
			`<worksheet ` + m + ` ` + r + `><!-- c --><sheetData/><legacyDrawing r:id="rId9"/></worksheet>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top, err := scanSheetTop([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(top.insertLegacy("rId9")); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestCutOurs(t *testing.T) {
	const mk = "[M]"
	cases := []struct {
		name string
		runs []noteRun
		want string
		cut  bool
	}{
		{"user only", []noteRun{{text: "mine"}}, "mine", false},
		{"ours only", []noteRun{{text: mk + "\nnote"}}, "", true},
		{"user then ours in one run", []noteRun{{text: "mine\n\n" + mk + "\nnote"}}, "mine", true},
		{"user runs kept", []noteRun{{text: "a", rPr: []byte("<rPr/>")}, {text: "b\n\n"}, {text: mk + "\nx", ours: true}}, "ab", true},
		{"marker split by a writer's run boundaries", []noteRun{{text: "u\n\n[M"}, {text: "]\nx"}}, "u", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runs, cut := cutOurs(c.runs, []string{mk})
			if got := noteText(runs); got != c.want || cut != c.cut {
				t.Errorf("got %q %v, want %q %v", got, cut, c.want, c.cut)
			}
			if len(runs) > 0 && c.runs[0].rPr != nil && !bytes.Equal(runs[0].rPr, c.runs[0].rPr) {
				t.Error("run properties lost")
			}
		})
	}
}

const testStyles = `<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Arial"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"><alignment wrapText="1"/></xf></cellXfs></styleSheet>`

func TestStyleTable(t *testing.T) {
	st, err := parseStyleTable([]byte(testStyles))
	if err != nil {
		t.Fatal(err)
	}
	fill := st.fillFor(markColors[MarkError])
	if fill != 2 || st.fillFor(markColors[MarkError]) != 2 {
		t.Fatalf("fill %d", fill)
	}
	a, err := st.withFill(1, fill)
	if err != nil || a != 2 {
		t.Fatalf("clone %d %v", a, err)
	}
	if b, _ := st.withFill(1, fill); b != a {
		t.Error("an equal clone was added again")
	}
	if back, _ := st.withFill(a, 0); back != 1 {
		t.Errorf("unmarking gave %d, want the original 1", back)
	}
	if !st.isMark(a) || st.isMark(1) || !st.sameSansFill(1, a) {
		t.Error("mark detection")
	}
	nf, _ := st.withNumFmt(0, st.numFmtFor("0.000"))
	out := string(st.render())
	for _, want := range []string{
		`<cellXfs count="4">`, `<fills count="3">`, `<numFmts count="1"><numFmt numFmtId="164" formatCode="0.000"/></numFmts><fonts`,
		`<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" quotePrefix="1" applyFill="1"><alignment wrapText="1"/></xf>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("styles lack %s:\n%s", want, out)
		}
	}
	if nf != 3 {
		t.Errorf("number format clone %d", nf)
	}
	if _, err := parseStyleTable([]byte(out)); err != nil {
		t.Fatal(err)
	}
	// At the limit: an existing equal style is reused, a new one refused.
	st.limit = len(st.xf)
	if id, err := st.withFill(1, fill); err != nil || id != a {
		t.Errorf("at the limit, reuse gave %d %v", id, err)
	}
	_, err = st.withFill(1, st.fillFor(markColors[MarkWarning]))
	var le *StyleLimitError
	if !errors.As(err, &le) || !errors.As(err, new(*StyleLimitError)) || le.Limit != st.limit {
		t.Errorf("at the limit: %v", err)
	}
}

func TestContentTypesAndRels(t *testing.T) {
	ct, err := parseContentTypes([]byte(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/Old.xml" ContentType="x"/></Types>`))
	if err != nil {
		t.Fatal(err)
	}
	ct.ensure("xl/drawings/vmlDrawing1.vml", ctVML, true)
	ct.ensure("xl/drawings/vmlDrawing2.vml", ctVML, true)
	ct.ensure("xl/comments1.xml", ctComments, false)
	ct.remove("xl/old.xml")
	want := `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="` + ctVML + `"/><Override PartName="/xl/comments1.xml" ContentType="` + ctComments + `"/></Types>`
	if got := string(ct.render()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	t2, _ := parseTree([]byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="t" Target="../a.xml"/><Relationship Id="rId3" Type="u" Target="/xl/b.xml"/></Relationships>`))
	r := &relsPart{name: "xl/worksheets/_rels/sheet1.xml.rels", owner: "xl/worksheets/sheet1.xml", tree: t2}
	for _, i := range t2.children(0) {
		n := &t2.nodes[i]
		r.rels = append(r.rels, rel{ID: attrOr(n, "Id"), Type: attrOr(n, "Type"), Target: attrOr(n, "Target"), node: i})
	}
	if got := r.resolve(r.rels[1]); got != "xl/b.xml" {
		t.Errorf("absolute target resolved to %s", got)
	}
	id := r.add(relTypeComment, "xl/comments7.xml")
	r.remove("rId2")
	want = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="u" Target="/xl/b.xml"/><Relationship Id="rId4" Type="` + relTypeComment + `" Target="../comments7.xml"/></Relationships>`
	if got := string(r.render()); id != "rId4" || got != want {
		t.Errorf("%s\n%s", id, got)
	}
}

var testLayout = ResultsLayout{
	Name: ResultsSheet, Title: "Audit results",
	Columns: ResultColumns{Seq: "No", Level: "Level", Rule: "Rule", Table: "Table", Cell: "Cell", Message: "Message",
		Explanation: "Explanation", Expected: "Expected", Actual: "Actual", Difference: "Difference", Tolerance: "Tolerance",
		Fingerprint: "Fingerprint", MarkCell: "Marked cell", MarkStyle: "Original style"},
	LegendLabel: "Legend:", Legend: []LegendItem{{Kind: MarkError, Text: "error"}},
}

// testTexts are the texts of both write paths in this package's tests
// (package annotate owns the real ones).
var testTexts = DirectOptions{NoteAuthor: "Auditor", NoteMarker: "[audit]", Results: testLayout}

// ResultsSheet is the results sheet's name in the tests.
const ResultsSheet = "Results"

func tinyBook(t *testing.T) []byte {
	t.Helper()
	bl := NewBuilder()
	defer bl.Close()
	if err := bl.AddSheet("S1"); err != nil {
		t.Fatal(err)
	}
	if err := bl.SetString(1, 1, "title", BuildStyle{}); err != nil {
		t.Fatal(err)
	}
	if err := bl.SetInt(2, 2, 5, BuildStyle{Border: true}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := bl.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A committed Direct does not keep its Book alive: both are collected.
func TestDirectCollected(t *testing.T) {
	in := tinyBook(t)
	var wb weak.Pointer[Book]
	var wd weak.Pointer[Direct]
	func() {
		b, err := OpenBytes(in, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := b.Direct(testTexts)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Apply([]CellChange{{Sheet: "S1", Cell: "B2", Mark: MarkError}, {Sheet: "S1", Cell: "C3", Number: "1.5"}}); err != nil {
			t.Fatal(err)
		}
		if err := d.AddNote("S1", "B2", "note"); err != nil {
			t.Fatal(err)
		}
		if err := d.AddResultsSheet("summary", []ResultRow{{Kind: MarkError, Level: "E", Rule: "R1", Sheet: "S1", Cell: "B2", Expected: "1.00", Actual: "x"}}); err != nil {
			t.Fatal(err)
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		wb, wd = weak.Make(b), weak.Make(d)
		var out bytes.Buffer
		if _, err := b.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		// The output reads back: its results sheet is recognised.
		b2, err := OpenBytes(out.Bytes(), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		d2, err := b2.Direct(testTexts)
		if err != nil {
			t.Fatal(err)
		}
		if err := d2.ClearAnnotations(); err != nil || d2.own == nil || d2.own.marks["S1!B2"] == 0 {
			t.Fatalf("results sheet not recognised: %v %+v", err, d2.own)
		}
	}()
	for i := 0; i < 20; i++ {
		runtime.GC()
		if wb.Value() == nil && wd.Value() == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Error("a committed Direct keeps its Book alive")
}

// A style table at the limit is read in linear time; a mark that needs a
// new style fails with the typed error, one that exists is reused.
func TestStyleTableAtLimit(t *testing.T) {
	var w strings.Builder
	w.WriteString(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="3"><fill/><fill/><fill><patternFill patternType="solid"><fgColor rgb="FF` + markColors[MarkError] + `"/></patternFill></fill></fills><borders count="1"><border/></borders><cellXfs count="64000">`)
	for i := 0; i < MaxCellXfs; i++ {
		fill := 0
		if i == 7 {
			fill = 2
		}
		fmt.Fprintf(&w, `<xf numFmtId="%d" fontId="0" fillId="%d" borderId="0" xfId="0"/>`, i%2000, fill)
	}
	w.WriteString(`</cellXfs></styleSheet>`)
	start := time.Now()
	st, err := parseStyleTable([]byte(w.String()))
	if err != nil {
		t.Fatal(err)
	}
	x := st.clone(7)
	x.set("fillId", "0")
	if _, err := st.addXf(x); err != nil {
		t.Fatalf("an existing style was not reused: %v", err)
	}
	if _, err := st.withFill(8, st.fillFor(markColors[MarkError])); !errors.As(err, new(*StyleLimitError)) {
		t.Errorf("want a StyleLimitError, got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("64,000 styles took %v", d)
	}
}
