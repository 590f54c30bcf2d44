package xlsx

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// The fast scanner must give exactly what encoding/xml gives: the same grid,
// or the same coded error. parseSheet (scanner, falling back to
// encoding/xml) is compared with parseSheetXML (encoding/xml only).

func sameParse(t *testing.T, b *Book, name string, raw []byte) (fast bool) {
	t.Helper()
	g1, err1 := b.parseSheet("S", raw)
	g2, err2 := b.parseSheetXML("S", raw)
	code := func(err error) string {
		var me *model.Error
		if errors.As(err, &me) {
			return me.Code + ": " + me.Message
		}
		if err != nil {
			return "uncoded: " + err.Error()
		}
		return ""
	}
	if code(err1) != code(err2) {
		t.Fatalf("%s: scanner error %q, encoding/xml error %q\n%q", name, code(err1), code(err2), raw)
	}
	if err1 == nil && !reflect.DeepEqual(g1, g2) {
		t.Fatalf("%s: grids differ\nscanner %+v\nxml     %+v\n%q", name, g1, g2, raw)
	}
	_, ok, _ := b.scanSheet("S", raw)
	return ok
}

func testBook(t testing.TB) *Book {
	b, err := OpenBytes(smallBook(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.loadSST(); err != nil {
		t.Fatal(err)
	}
	if err := b.loadStyles(); err != nil {
		t.Fatal(err)
	}
	return b
}

const scanHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">`

func TestScanMatchesEncodingXML(t *testing.T) {
	b := testBook(t)
	sheet := func(data string) string {
		return scanHead + `<sheetData>` + data + `</sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>`
	}
	tests := []struct {
		name string
		xml  string
		fast bool // the scanner reads it itself
	}{
		{"plain", sheet(`<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s" s="1"><v>0</v></c><c r="B1"><v> 12.50 </v></c></row>`), true},
		{"self-closing and styled empty", sheet(`<row r="2"><c r="A2" s="1"/><c r="B2" t="str"><f>SUM(A1:A2)</f><v>3</v></c></row>`), true},
		{"inline string with phonetic run", sheet(`<row r="3"><c r="A3" t="inlineStr"><is><r><t xml:space="preserve">a&amp;b&lt;&gt;&quot;&apos;</t></r><rPh><t>x</t></rPh></is></c></row>`), true},
		{"numeric references", sheet(`<row r="4"><c r="A4" t="inlineStr"><is><t>&#20013;&#x6587;&#9;&#13;</t></is></c></row>`), true},
		{"single quotes and spaces around =", sheet(`<row r = '5' ><c r='A5' t = "b"><v>1</v></c><c r="B5" t="e"><v>#DIV/0!</v></c></row>`), true},
		{"prefixed elements", scanHead + `<x:sheetData xmlns:x="urn:x"><x:row r="6"><x:c r="A6"><x:v>7</x:v></x:c></x:row></x:sheetData></worksheet>`, true},
		{"no r attributes", sheet(`<row><c><v>1</v></c><c t="n"><v>2</v></c></row><row><c><v>3</v></c></row>`), true},
		{"shared string out of range", sheet(`<row r="1"><c r="A1" t="s"><v>99999</v></c></row>`), false},
		{"comment", sheet(`<!-- hi --><row r="1"><c r="A1"><v>1</v></c></row>`), false},
		{"cdata", sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[x]]></t></is></c></row>`), false},
		{"carriage return in text", sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a\r\nb</t></is></c></row>"), false},
		{"unknown entity", sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c></row>`), false},
		{"reference to NUL", sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>&#0;</t></is></c></row>`), false},
		{"control character", sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a\x01</t></is></c></row>"), false},
		{"invalid UTF-8", sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a\xff</t></is></c></row>"), false},
		{"]]> in text", sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>a]]>b</t></is></c></row>`), false},
		{"GBK declared", strings.Replace(sheet(`<row r="1"><c r="A1"><v>1</v></c></row>`), "UTF-8", "GBK", 1), false},
		{"truncated", sheet(`<row r="1"><c r="A1"><v>1</v></c></row>`)[:len(scanHead)+40], false},
		{"unquoted attribute", sheet(`<row r=1><c r="A1"><v>1</v></c></row>`), false},
		{"attribute without space", sheet(`<row r="1"><c r="A1"t="n"><v>1</v></c></row>`), false},
		{"mismatched end tags (RawToken does not check)", sheet(`<row r="1"><c r="A1"><v>1</x></c></row>`), true},
		{"too deep", sheet(strings.Repeat("<x>", 70) + strings.Repeat("</x>", 70)), false},
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]>` + sheet(``), false},
	}
	for _, tt := range tests {
		if fast := sameParse(t, b, tt.name, []byte(tt.xml)); fast != tt.fast {
			t.Errorf("%s: scanner accepted = %v, want %v", tt.name, fast, tt.fast)
		}
	}
}

// TestScanMutations flips, inserts and deletes bytes of a real sheet part
// and checks both readers agree on every mutant.
func TestScanMutations(t *testing.T) {
	b := testBook(t)
	raw, ok, err := b.part(b.paths["收入决算表"])
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	sameParse(t, b, "original", raw)
	alphabet := []byte(`<>/="' &;#x:!?[]-rcvstf0123456789AZ` + "\t\n\r\x00\xff")
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	fast := 0
	for i := range n {
		m := mutate(rng, raw, alphabet)
		if sameParse(t, b, "mutant "+string(rune('0'+i%10)), m) {
			fast++
		}
	}
	if fast == 0 {
		t.Error("the scanner accepted no mutant: the test compares nothing")
	}
}

func FuzzScanSheet(f *testing.F) {
	b := testBook(f)
	raw, _, _ := b.part(b.paths["收入决算表"])
	f.Add(raw)
	f.Add([]byte(scanHead + `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&#x41;&amp;</t></is></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameParse(t, b, "fuzz", data)
	})
}

func sameSST(t *testing.T, raw []byte) {
	t.Helper()
	a, err1 := parseSST(raw, true)
	b, err2 := parseSST(raw, false)
	if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
		t.Fatalf("sst errors differ: %v / %v\n%q", err1, err2, raw)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("sst differs:\n%q\n%q\n%q", a, b, raw)
	}
}

func TestSSTScanMatchesEncodingXML(t *testing.T) {
	base := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">` +
		`<si><t>收入决算表</t></si><si><r><rPr><b/></rPr><t xml:space="preserve">a &amp; </t></r><r><t>b</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></si><si><t/></si></sst>`
	sameSST(t, []byte(base))
	if got, _ := parseSST([]byte(base), true); len(got) != 3 || got[1] != "a & b" {
		t.Errorf("sst = %q", got)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte(`<>/="' &;#x:!?[]-sitrPh` + "\t\n\r\x00\xff")
	for range 2000 {
		sameSST(t, mutate(rng, []byte(base), alphabet))
	}
}

func TestStylesScanMatchesUnmarshal(t *testing.T) {
	b := testBook(t)
	base, ok, err := b.part("xl/styles.xml")
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	same := func(raw []byte) bool {
		a, err1 := parseStyles(raw, true)
		c, err2 := parseStyles(raw, false)
		if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(a, c) {
			t.Fatalf("styles differ: %v %v / %v %v\n%q", a, err1, c, err2, raw)
		}
		p := &stylesParse{}
		return scanXML(raw, p) && !p.bad && p.depth == 0
	}
	if !same(base) {
		t.Fatal("the scanner declined excelize's styles.xml")
	}
	if st, _ := parseStyles(base, true); len(st.Xfs) < 3 || len(st.NumFmts) < 1 {
		t.Fatalf("styles = %+v", st)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte(`<>/="' &;#x:!?[]-numFmtIdxf` + "\t\n\r\x00\xff0123456789")
	for range 2000 {
		same(mutate(rng, base, alphabet))
	}
}

func TestStylesSecondRoot(t *testing.T) {
	raw := []byte(`<styleSheet><cellXfs><xf numFmtId="4"/></cellXfs></styleSheet><styleSheet><cellXfs><xf numFmtId="2"/></cellXfs></styleSheet>`)
	a, _ := parseStyles(raw, true)
	c, _ := parseStyles(raw, false)
	if !reflect.DeepEqual(a, c) || len(a.Xfs) != 1 {
		t.Errorf("scanner %+v, Unmarshal %+v", a, c)
	}
}
