package xlsx

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

// The scanner's reading of workbook.xml, relationships and the content
// types must be what xml.Unmarshal / encoding/xml give: the same records
// or an error where they fail, on real parts and on thousands of mutants.

func mutate(rng *rand.Rand, base []byte, alphabet []byte) []byte {
	m := bytes.Clone(base)
	for range 1 + rng.IntN(3) {
		k := rng.IntN(len(m))
		switch rng.IntN(3) {
		case 0:
			m[k] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			m = append(m[:k], m[k+1:]...)
		default:
			m = append(m[:k], append([]byte{alphabet[rng.IntN(len(alphabet))]}, m[k:]...)...)
		}
	}
	return m
}

func sameWorkbook(t *testing.T, raw []byte) bool {
	t.Helper()
	a, err1 := unmarshalWorkbook(raw, true)
	c, err2 := unmarshalWorkbook(raw, false)
	if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() || !reflect.DeepEqual(a, c) {
		t.Fatalf("workbook differs: %+v %v / Unmarshal %+v %v\n%q", a, err1, c, err2, raw)
	}
	_, fast := scanRecords(raw, []string{"sheets", "sheet"}, []string{"name", "state", "id"})
	return fast
}

func sameRels(t *testing.T, raw []byte) bool {
	t.Helper()
	a, err1 := unmarshalRels(raw, true)
	c, err2 := unmarshalRels(raw, false)
	if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() || !reflect.DeepEqual(a, c) {
		t.Fatalf("rels differ: %+v %v / Unmarshal %+v %v\n%q", a, err1, c, err2, raw)
	}
	_, fast := scanRecords(raw, []string{"Relationship"}, []string{"Id", "Type", "Target"})
	return fast
}

func sameStrict(t *testing.T, raw []byte) bool {
	t.Helper()
	err1, err2 := decodeStrict(raw), decodeStrictXML(raw)
	if (err1 == nil) != (err2 == nil) {
		t.Fatalf("decodeStrict %v, encoding/xml %v\n%q", err1, err2, raw)
	}
	p := &depthCount{}
	return scanXML(raw, p) && p.depth == 0
}

func TestRecordsMatchUnmarshal(t *testing.T) {
	b := testBook(t)
	part := func(name string) []byte {
		raw, ok, err := b.part(name)
		if !ok || err != nil {
			t.Fatalf("%s: %v %v", name, ok, err)
		}
		return raw
	}
	const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	workbooks := map[string]string{
		"excelize":  string(part("xl/workbook.xml")),
		"excel":     head + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 xr"><fileVersion appName="xl"/><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath url="C:\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><sheets><sheet name="封面" sheetId="1" state="hidden" r:id="rId1"/><sheet name="收入&amp;支出" sheetId="2" r:id="rId2"/></sheets></workbook>`,
		"strict":    head + `<x:workbook xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"><x:sheets><x:sheet name="S" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
		"two ids":   `<workbook><sheets><sheet name="a" id="x" r:id="y"/><sheet r:id="z" id="w" name="b"/></sheets></workbook>`,
		"two lists": `<workbook><sheets><sheet name="a"/></sheets><other><sheet name="no"/></other><sheets><sheet name="b"><sheet name="inner"/></sheet></sheets></workbook>`,
		"no sheets": `<workbook/>`,
		"mismatch":  `<workbook><sheets><sheet name="a"></sheets></sheet></workbook>`,
		"prefixes":  `<a:workbook><sheets><sheet name="a"/></sheets></b:workbook>`,
		"two roots": `<workbook><sheets><sheet name="a"/></sheets></workbook><workbook><sheets><sheet name="b"/></sheets></workbook>`,
		"empty":     ``,
		"text only": `hello`,
		"truncated": `<workbook><sheets><sheet name="a"/>`,
	}
	fast := 0
	for name, raw := range workbooks {
		t.Run(name, func(t *testing.T) {
			if sameWorkbook(t, []byte(raw)) {
				fast++
			}
		})
	}
	if fast < 5 {
		t.Errorf("the scanner read %d of the workbooks itself", fast)
	}
	if wb, _ := unmarshalWorkbook([]byte(workbooks["excel"]), true); len(wb.Sheets) != 2 || wb.Sheets[1].Name != "收入&支出" || wb.Sheets[0].State != "hidden" || wb.Sheets[0].RID != "rId1" {
		t.Errorf("excel workbook = %+v", wb)
	}
	rels := []string{
		string(part("_rels/.rels")),
		string(part("xl/_rels/workbook.xml.rels")),
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="t" Target="worksheets/sheet1.xml"/><x:Relationship Id="rId2" Target="/xl/s.xml"></x:Relationship><Relationship Id="rId3"><Relationship Id="nested"/></Relationship></Relationships>`,
	}
	for _, raw := range rels {
		if !sameRels(t, []byte(raw)) {
			t.Errorf("the scanner declined %q", raw)
		}
	}
	types := string(part("[Content_Types].xml"))
	if !sameStrict(t, []byte(types)) {
		t.Error("the scanner declined excelize's [Content_Types].xml")
	}
	for _, raw := range []string{"", "</a><b>", "<a>", "<a></b>", "<a>&nbsp;</a>", string(bytes.Repeat([]byte("<a>"), 70)) + string(bytes.Repeat([]byte("</a>"), 70))} {
		sameStrict(t, []byte(raw))
	}

	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte(`<>/="' &;#x:!?[]-sheetnamIdRlaiop` + "\t\n\r\x00\xff")
	n := 2000
	if testing.Short() {
		n = 300
	}
	fastW, fastR, fastT := 0, 0, 0
	for range n {
		if sameWorkbook(t, mutate(rng, []byte(workbooks["excel"]), alphabet)) {
			fastW++
		}
		if sameRels(t, mutate(rng, []byte(rels[1]), alphabet)) {
			fastR++
		}
		if sameStrict(t, mutate(rng, []byte(types), alphabet)) {
			fastT++
		}
	}
	if fastW == 0 || fastR == 0 || fastT == 0 {
		t.Errorf("the scanner read no mutant of a part (workbook %d, rels %d, types %d): the test compares nothing", fastW, fastR, fastT)
	}
}

// TestSSTOddNesting pins what the shared strings are when <si> elements
// nest or close twice (the reader's behaviour before the strings were cut
// from one buffer): the text since the last <si> start, at each </si>.
func TestSSTOddNesting(t *testing.T) {
	tests := []struct {
		xml  string
		want []string
	}{
		{`<sst><si><t>a</t><si><t>b</t></si><t>c</t></si></sst>`, []string{"b", "b"}},
		{`<sst><x><si><t>a</t></si></si><si><t>x</t><t>y</t></si></sst>`, []string{"a", "a", "xy"}},
		{`<sst><x></si><si><t>z</t></si></sst>`, []string{"", "z"}},
		{`<sst><t>out</t><si><r><t>p</t></r><rPh><t>no</t></rPh><r><t>q</t></r></si></sst>`, []string{"pq"}},
		{`<sst/>`, nil},
	}
	for _, tt := range tests {
		for _, fast := range []bool{true, false} {
			got, err := parseSST([]byte(tt.xml), fast)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s (fast %v) = %q, %v; want %q", tt.xml, fast, got, err, tt.want)
			}
		}
	}
}
