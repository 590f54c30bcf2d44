package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// notesBook is a workbook with three sheets and a user's note on S2!A1,
// as excelize writes it (xl/comments1.xml, xl/drawings/vmlDrawing1.vml).
func notesBook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for _, s := range []string{"S2", "S3"} {
		if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.AddComment("S2", excelize.Comment{Cell: "A1", Author: "张会计", Text: "用户批注"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("S3", "A1", 1); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// repack renames zip entries and replaces text in every part.
func repack(t *testing.T, data []byte, rename map[string]string, replace ...string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	r := strings.NewReplacer(replace...)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		name := zf.Name
		if to, ok := rename[name]; ok {
			name = to
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(r.Replace(string(b)))); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Notes added through excelize land on the sheet they are for, whatever
// the numbering of the comments parts and the form of the targets.
func TestExcelizeViewNotes(t *testing.T) {
	base := notesBook(t)
	cases := []struct {
		name      string
		in        []byte
		unchanged bool // the view is the upload itself
	}{
		{"excelize numbering", base, true},
		{"LibreOffice numbering: comments2.xml with vmlDrawing1.vml", repack(t, base,
			map[string]string{"xl/comments1.xml": "xl/comments2.xml"},
			"../comments1.xml", "../comments2.xml", "/xl/comments1.xml", "/xl/comments2.xml"), false},
		{"absolute targets", repack(t, base, nil,
			`Target="../comments1.xml"`, `Target="/xl/comments1.xml"`,
			`Target="../drawings/vmlDrawing1.vml"`, `Target="/xl/drawings/vmlDrawing1.vml"`), false},
		{"openpyxl names: xl/comments/comment1.xml, commentsDrawing1.vml", repack(t, base,
			map[string]string{"xl/comments1.xml": "xl/comments/comment1.xml", "xl/drawings/vmlDrawing1.vml": "xl/drawings/commentsDrawing1.vml"},
			`Target="../comments1.xml"`, `Target="/xl/comments/comment1.xml"`,
			`Target="../drawings/vmlDrawing1.vml"`, `Target="/xl/drawings/commentsDrawing1.vml"`,
			`/xl/comments1.xml`, `/xl/comments/comment1.xml`), false},
		{"next number taken: comments2.xml and vmlDrawing2.vml for the one sheet with notes", repack(t, base,
			map[string]string{"xl/comments1.xml": "xl/comments2.xml", "xl/drawings/vmlDrawing1.vml": "xl/drawings/vmlDrawing2.vml"},
			"comments1.xml", "comments2.xml", "vmlDrawing1.vml", "vmlDrawing2.vml"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := OpenBytes(tc.in, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			view, err := b.excelizeView()
			if err != nil {
				t.Fatal(err)
			}
			if same := bytes.Equal(view, tc.in); same != tc.unchanged {
				t.Errorf("view unchanged = %v, want %v", same, tc.unchanged)
			}
			for _, n := range []struct{ sheet, cell string }{{"S2", "A1"}, {"S2", "B2"}, {"S3", "C3"}, {"Sheet1", "D4"}} {
				if err := b.AddNote(n.sheet, n.cell, "说明"+n.sheet+"!"+n.cell, testTexts); err != nil {
					t.Fatalf("note %s!%s: %v", n.sheet, n.cell, err)
				}
			}
			var out bytes.Buffer
			if _, err := b.WriteTo(&out); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			want := map[string]string{
				"S2": "A1:用户批注|" + testTexts.NoteMarker + "|说明S2!A1; B2:" + testTexts.NoteMarker + "|说明S2!B2",
				"S3": "C3:" + testTexts.NoteMarker + "|说明S3!C3", "Sheet1": "D4:" + testTexts.NoteMarker + "|说明Sheet1!D4",
			}
			for _, sh := range f.GetSheetList() {
				cs, err := f.GetComments(sh)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, c := range cs {
					txt := c.Text
					for _, r := range c.Paragraph {
						txt += r.Text
					}
					got = append(got, c.Cell+":"+strings.Join(strings.Fields(txt), "|"))
				}
				sort.Strings(got)
				if g := strings.Join(got, "; "); g != want[sh] {
					t.Errorf("%s comments %q, want %q", sh, g, want[sh])
				}
			}
		})
	}
}

func TestRelativeTarget(t *testing.T) {
	for _, tc := range []struct{ dir, part, want string }{
		{"xl/worksheets", "xl/comments1.xml", "../comments1.xml"},
		{"xl/worksheets", "xl/drawings/vmlDrawing1.vml", "../drawings/vmlDrawing1.vml"},
		{"xl/worksheets", "xl/worksheets/sheet2.xml", "sheet2.xml"},
		{"xl", "xl/styles.xml", "styles.xml"},
		{"xl/drawings", "xl/media/image1.png", "../media/image1.png"},
		{"", "xl/workbook.xml", "xl/workbook.xml"},
	} {
		if got := relativeTarget(tc.dir, tc.part); got != tc.want {
			t.Errorf("relativeTarget(%q, %q) = %q, want %q", tc.dir, tc.part, got, tc.want)
		}
		if got := resolveTarget(tc.dir, relativeTarget(tc.dir, tc.part)); got != tc.part {
			t.Errorf("resolveTarget(%q, …) = %q, want %q", tc.dir, got, tc.part)
		}
	}
}

// A Strict OOXML workbook is read (its r:id attributes are in Strict's
// relationships namespace) and excelize is given it in transitional form,
// every part of it, so that an annotated copy is not half Strict.
func TestExcelizeViewStrict(t *testing.T) {
	in := repack(t, notesBook(t), nil,
		"http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main",
		"http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships",
		"<workbook ", `<workbook conformance="strict" `)
	b, err := OpenBytes(in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := strings.Join(b.Sheets(), ","); got != "Sheet1,S2,S3" {
		t.Fatalf("sheets %q", got)
	}
	g, err := b.Grid("S3")
	if err != nil {
		t.Fatal(err)
	}
	if g.Text(1, 1) != "1" {
		t.Errorf("S3!A1 = %q, want 1", g.Text(1, 1))
	}
	view, err := b.excelizeView()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(view), int64(len(view)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte("purl.oclc.org")) || bytes.Contains(data, []byte(`conformance="strict"`)) {
			t.Errorf("%s is still Strict in the view", f.Name)
		}
	}
	if err := b.AddNote("S2", "B2", "说明", testTexts); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := b.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cs, err := f.GetComments("S2")
	if err != nil || len(cs) != 2 {
		t.Errorf("S2 comments %+v, %v; want the user's and juesuan's", cs, err)
	}
}
