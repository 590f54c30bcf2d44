package xlsx

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/xlsxtest"
)

// patchSheetXML is a sheet as other programs write it: column and row
// styles, a self-closing row, styled empty cells, cells without a style, a
// prefixed attribute, entities in text.
const patchSheetXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1:F9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="30" customWidth="1"/><col min="5" max="6" width="12" style="%[1]d" customWidth="1"/></cols><sheetData>` +
	`<row r="1" spans="1:6" x14ac:dyDescent="0.25"><c r="A1" t="inlineStr"><is><t>收入&amp;支出</t></is></c><c r="C1" s="%[2]d"><v>12.5</v></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t>合计</t></is></c><c r="B2" s="%[2]d"/><c r="C2" s="%[3]d"/><c r="D2"/></row>` +
	`<row r="3" s="%[3]d" customFormat="1"/>` +
	`<row r="5"><c r="B5"><v>1</v></c></row>` +
	`<row r="7" s="%[2]d" customFormat="1"><c r="A7" t="inlineStr"><is><t>x</t></is></c></row>` +
	`</sheetData><mergeCells count="1"><mergeCell ref="A9:B9"/></mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`

func patchFixture(t *testing.T) []byte {
	t.Helper()
	base := fixture(t)
	b, err := OpenBytes(base, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.edit(); err != nil {
		t.Fatal(err)
	}
	// Style ids of the fixture: one with a number format, one General.
	withFmt, general := -1, -1
	for i, x := range b.f.Styles.CellXfs.Xf {
		if i == 0 {
			continue
		}
		if x.NumFmtID != nil && *x.NumFmtID != 0 && withFmt < 0 {
			withFmt = i
		}
		if (x.NumFmtID == nil || *x.NumFmtID == 0) && general < 0 {
			general = i
		}
	}
	if withFmt < 0 || general < 0 {
		t.Fatalf("fixture styles: %d %d", withFmt, general)
	}
	return rewritePart(t, base, b.paths[shB], func([]byte) []byte {
		return []byte(fmt.Sprintf(patchSheetXML, general, withFmt, general))
	})
}

// TestApplyPatchMatchesExcelize applies the same changes through the XML
// patcher and through excelize's cell API and compares the workbooks.
func TestApplyPatchMatchesExcelize(t *testing.T) {
	data := patchFixture(t)
	changes := []CellChange{
		{Sheet: shB, Cell: "C1", Mark: MarkError},                                  // existing, styled value
		{Sheet: shB, Cell: "B2", Number: "3.5", RefSheet: shB, RefCell: "C1"},      // styled empty (format kept)
		{Sheet: shB, Cell: "C2", Number: "-4068.52", RefSheet: shB, RefCell: "C1"}, // General: takes C1's format
		{Sheet: shB, Cell: "D2", Number: "0", Mark: MarkFilled},                    // no style at all
		{Sheet: shB, Cell: "E2", Number: "1", RefSheet: shB, RefCell: "A1"},        // missing, column style
		{Sheet: shB, Cell: "C3", Number: "2", Mark: MarkWarning},                   // in a self-closing row with a style
		{Sheet: shB, Cell: "B4", Number: "7", RefSheet: shB, RefCell: "C1"},        // missing row
		{Sheet: shB, Cell: "A5", Mark: MarkInfo},                                   // missing, before B5
		{Sheet: shB, Cell: "F5", Number: "8.25"},                                   // missing, after B5, column style
		{Sheet: shB, Cell: "B7", Number: "9", RefSheet: shB, RefCell: "C1"},        // missing, row style
		{Sheet: shB, Cell: "A12", Mark: MarkError},                                 // new row after the last
		{Sheet: shA, Cell: "C3", Number: "1.25", RefSheet: shA, RefCell: "C2"},     // the other sheet
		{Sheet: shA, Cell: "D2", Mark: MarkWarning},                                // a cell with a user's note
		{Sheet: shA, Cell: "C5", Number: "12.5", Mark: MarkFilled},                 // a formula without a cached value
	}
	patched, err := OpenBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := patched.Apply(changes); err != nil {
		t.Fatal(err)
	}
	if patched.patched != 2 {
		t.Fatalf("patched %d sheets, want 2 (the test would compare excelize with itself)", patched.patched)
	}
	ref, err := OpenBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Number != "" {
			if err := ref.setNumberText(c.Sheet, c.Cell, c.Number, c.RefSheet, c.RefCell); err != nil {
				t.Fatal(err)
			}
		}
		if c.Mark != "" {
			if err := ref.Mark(c.Sheet, c.Cell, c.Mark); err != nil {
				t.Fatal(err)
			}
		}
	}
	snap := func(b *Book) *xlsxtest.Snapshot {
		t.Helper()
		var buf bytes.Buffer
		if _, err := b.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		s, err := xlsxtest.TakeSnapshot(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	got, want := snap(patched), snap(ref)
	for _, d := range want.Diff(got) {
		t.Errorf("%s %s: excelize %q, patched %q", d.Where, d.What, d.Old, d.New)
	}
	if len(got.Cells) < 20 {
		t.Fatalf("snapshot has %d cells: compares too little", len(got.Cells))
	}
	// The filled values are numbers as written.
	for _, c := range changes {
		if c.Number == "" {
			continue
		}
		if v := got.Cells[c.Sheet+"!"+c.Cell].Value; v != c.Number {
			t.Errorf("%s!%s = %q, want %q", c.Sheet, c.Cell, v, c.Number)
		}
	}
	// The formula stays on both paths (the diff above compares formulas).
	if c := got.Cells[shA+"!C5"]; c.Formula != "SUM(C2:C4)" {
		t.Errorf("C5 formula = %q, want SUM(C2:C4)", c.Formula)
	}
	// The marks are recorded in the order of the changes.
	as := patched.ann()
	var order []string
	for _, c := range changes {
		if c.Mark != "" {
			order = append(order, c.Sheet+"!"+c.Cell)
		}
	}
	if strings.Join(as.order, ",") != strings.Join(order, ",") {
		t.Errorf("mark order %v, want %v", as.order, order)
	}
}

// TestApplyFallsBack: a target in a merged range goes through excelize;
// a formula target there keeps its formula and gets the number as its
// cached value.
func TestApplyFallsBack(t *testing.T) {
	data := patchFixture(t)
	b, err := OpenBytes(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Apply([]CellChange{{Sheet: shA, Cell: "C5", Number: "12.5"}, {Sheet: shA, Cell: "B1", Mark: MarkError}, {Sheet: shB, Cell: "C1", Mark: MarkError}}); err != nil {
		t.Fatal(err)
	}
	if b.patched != 1 {
		t.Errorf("patched %d sheets, want 1 (the sheet with a merged target falls back)", b.patched)
	}
	out := write(t, b)
	if c := snap(t, out).Cells[shA+"!C5"]; c.Formula != "SUM(C2:C4)" || c.Value != "12.5" {
		t.Errorf("C5 = %+v, want formula SUM(C2:C4) with cached value 12.5", c)
	}
	if err := b.Apply([]CellChange{{Sheet: shB, Cell: "C1", Number: "1<x/>"}}); err == nil {
		t.Error("a non-number was accepted")
	}
}

// TestCachedValues: a formula cell keeps its formula (plain, shared, with
// a text type or an old value) and gets the number as its cached value.
func TestCachedValues(t *testing.T) {
	const head = `<worksheet><sheetData><row r="1">`
	const tail = `</row></sheetData></worksheet>`
	tests := []struct{ cell, want string }{
		{`<c r="A1" s="7"><f>SUM(C7:C14)</f></c>`, `<c r="A1" s="7"><f>SUM(C7:C14)</f><v>4113.55</v></c>`},
		{`<c r="A1" t="str"><f>B1&amp;""</f><v>old</v></c>`, `<c r="A1"><f>B1&amp;""</f><v>4113.55</v></c>`},
		{`<c r="A1"><f t="shared" ref="A1:A3" si="0">B1</f><v></v></c>`, `<c r="A1"><f t="shared" ref="A1:A3" si="0">B1</f><v>4113.55</v></c>`},
		{`<c r="A1"><f t="shared" si="0"/><v>2</v></c>`, `<c r="A1"><f t="shared" si="0"/><v>4113.55</v></c>`},
		{`<c r="A1"><v>1</v></c>`, `<c r="A1"><v>1</v></c>`}, // no formula: not this pass's
	}
	for _, tt := range tests {
		got := string(setCachedValues([]byte(head+tt.cell+tail), map[int64]string{pkey(1, 1): "4113.55"}))
		if got != head+tt.want+tail {
			t.Errorf("%s:\n got %s\nwant %s", tt.cell, got, head+tt.want+tail)
		}
	}
	// The patch path writes the same cell.
	raw := []byte(head + `<c r="A1" s="7" t="str"><f>SUM(C7:C14)</f><v>x</v></c>` + tail)
	p := &patchPlan{raw: raw, want: map[int64]bool{pkey(1, 1): true}, cellAt: map[int64]int{}}
	if !scanXML(raw, p) || p.bad {
		t.Fatal("a formula target was refused")
	}
	got := string(p.rewrite([]tcell{{row: 1, col: 1}}, []CellChange{{Sheet: "s", Cell: "A1", Number: "4113.55"}}, []int{11}))
	if want := head + `<c r="A1" s="11"><f>SUM(C7:C14)</f><v>4113.55</v></c>` + tail; got != want {
		t.Errorf("patched:\n got %s\nwant %s", got, want)
	}
}

func TestPatchPlanPrefixed(t *testing.T) {
	raw := []byte(`<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="1"><c:c r="A1" xmlns:c="urn:x"><x:v>1</x:v></c:c></x:row></x:sheetData></x:worksheet>`)
	p := &patchPlan{raw: raw, want: map[int64]bool{}, cellAt: map[int64]int{}}
	if scanXML(raw, p) && !p.bad {
		t.Error("a sheet with prefixed elements was accepted for patching")
	}
	raw = []byte(`<worksheet><sheetData><row r="1"><cx:c r="A1" xmlns:cx="urn:x"><v>1</v></cx:c></row></sheetData></worksheet>`)
	p = &patchPlan{raw: raw, want: map[int64]bool{}, cellAt: map[int64]int{}}
	if scanXML(raw, p) && !p.bad {
		t.Error("a cell element named cx:c was taken for <c>")
	}
}
