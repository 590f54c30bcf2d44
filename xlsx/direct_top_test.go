package xlsx

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Apply reads each sheet's top level in its one pass and moves it over
// the rewrite (sheetTop.shifted): it must be what scanning the rewritten
// part gives, for cells changed in place, cells and rows inserted before,
// between and after the existing ones, and a sheet without cells.
func TestApplySheetTop(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "foreign", "*.xlsx"))
	ann, _ := filepath.Glob(filepath.Join("..", "testdata", "annotate", "*.xlsx"))
	files = append(files, ann...)
	if len(files) < 10 {
		t.Fatalf("%d fixtures", len(files))
	}
	checked := 0
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := OpenBytes(in, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := b.Direct(DirectOptions{NoteAuthor: "author", NoteMarker: "-- note --"})
		if err != nil {
			b.Close()
			continue // not a direct-path workbook
		}
		for _, sh := range b.Sheets() {
			var cs []CellChange
			for _, c := range []string{"A1", "C6", "D7", "B3", "AA40", "C2000"} {
				cs = append(cs, CellChange{Sheet: sh, Cell: c, Number: "12.5", Mark: MarkError})
			}
			cs = append(cs, CellChange{Sheet: sh, Cell: "E8", Mark: MarkRelated})
			if err := d.Apply(cs); err != nil {
				continue // outside the patcher's subset
			}
			part, _ := d.sheetPart(sh)
			got := d.tops[part]
			want, err := scanSheetTop(d.out[part])
			if err != nil || got == nil {
				t.Fatalf("%s %s: %v, %v", filepath.Base(f), sh, got, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: top level after Apply\n%+v\nscanned\n%+v", filepath.Base(f), sh, got, want)
			}
			if g, _ := d.sheetTopOf(part, d.out[part]); g != got {
				t.Errorf("%s %s: sheetTopOf did not reuse Apply's", filepath.Base(f), sh)
			}
			checked++
		}
		b.Close()
	}
	empty := []byte(xmlDecl + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><dimension ref="A1"/><sheetData/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><legacyDrawing r:id="rId9"/></worksheet>`)
	p := &patchPlan{raw: empty, want: map[int64]bool{pkey(3, 2): true}, cellAt: map[int64]int{}, top: &sheetTop{raw: empty, legacy: -1}}
	if !scanXML(empty, p) || p.bad || !p.sdSelf {
		t.Fatal("empty sheet not planned")
	}
	out := p.rewrite([]tcell{{row: 3, col: 2}}, []CellChange{{Cell: "B3", Number: "1"}}, []int{0})
	want, _ := scanSheetTop(out)
	if got := p.top.shifted(out, p.sdClose, len(out)-len(empty)); !reflect.DeepEqual(got, want) {
		t.Errorf("self-closing sheetData: %+v, scanned %+v", got, want)
	}
	if checked < 20 {
		t.Errorf("only %d sheets checked", checked)
	}
	t.Logf("%d sheets", checked)
}
