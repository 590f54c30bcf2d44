package annotate_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/xuri/excelize/v2"
)

// TestFallbackResultsNumbers: the 审核结果 sheet of the excelize fallback
// (forced by a workbook the direct path does not edit) has 应为/实为/差额
// as numbers with #,##0.00 and 容差 as a number with #,##0.00#, the
// columns in the direct path's order, an AutoFilter over the table and the
// same cells as the direct path's sheet, read back with excelize.
func TestFallbackResultsNumbers(t *testing.T) {
	inputs := map[string][]byte{
		"direct": sampleXLSX(t, model.StyleMOF),
		// Strict OOXML, as Excel saves it: the direct path does not edit it.
		"fallback": fixture(t, "testdata/foreign/xml_strict.xlsx"),
	}
	type sheet struct {
		rows   [][]string
		filter string
	}
	read := func(name string) sheet {
		in := inputs[name]
		b, err := xlsx.OpenBytes(in, xlsx.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if _, err := b.Direct(xlsx.DirectOptions{NoteMarker: annotate.NoteMarker}); errors.Is(err, xlsx.ErrDirectUnsupported) != (name == "fallback") {
			t.Fatalf("%s: the direct path's verdict on the input: %v", name, err)
		}
		res := checked(t, in)
		c := res.Workbook.Table(model.T01).Cells()[0]
		extra := model.Finding{Rule: "X99", Severity: model.SevError, Table: c.Table, Sheet: c.Sheet, Cell: c.Addr,
			Message: "测试", Expected: "4126.63", Actual: "-4126.65", Difference: "0.02", Tolerance: "0.045"}
		extra.SetFingerprint()
		rep := res.Report
		rep.Findings = append([]model.Finding{extra}, rep.Findings...)
		if err := annotate.AnnotateDirect(b, res.Workbook, rep); err != nil {
			t.Fatalf("%s: %v", name, err)
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
		rows, err := f.GetRows(annotate.ResultsSheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 6 || rows[0][0] != annotate.Layout.Title {
			t.Fatalf("%s: no results table: %q", name, rows)
		}
		col := map[string]int{}
		for j, h := range rows[4] {
			col[h] = j
		}
		lc := annotate.Layout.Columns
		formats := map[string]string{lc.Expected: "#,##0.00", lc.Actual: "#,##0.00", lc.Difference: "#,##0.00", lc.Tolerance: "#,##0.00#"}
		numbers := 0
		for i, fd := range rep.Findings {
			r := rows[5+i]
			want := map[string]string{lc.Expected: fd.Expected, lc.Actual: fd.Actual, lc.Difference: fd.Difference, lc.Tolerance: fd.Tolerance}
			for h, fm := range formats {
				j, ok := col[h]
				if !ok {
					t.Fatalf("%s: no column %s in %q", name, h, rows[4])
				}
				a := xlsx.Addr(6+i, j+1)
				v := ""
				if j < len(r) {
					v = r[j]
				}
				if v != want[h] {
					t.Errorf("%s: %s %s = %q, want %q", name, a, h, v, want[h])
				}
				if v == "" {
					continue
				}
				typ, err := f.GetCellType(annotate.ResultsSheet, a)
				if err != nil {
					t.Fatal(err)
				}
				if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("%s: %s %s %q is not a number (type %v)", name, a, h, v, typ)
				}
				sid, err := f.GetCellStyle(annotate.ResultsSheet, a)
				if err != nil {
					t.Fatal(err)
				}
				st, err := f.GetStyle(sid)
				if err != nil {
					t.Fatal(err)
				}
				got := ""
				switch {
				case st.CustomNumFmt != nil:
					got = *st.CustomNumFmt
				case st.NumFmt == 4:
					got = "#,##0.00"
				}
				if got != fm {
					t.Errorf("%s: %s %s format %q (numFmt %d), want %q", name, a, h, got, st.NumFmt, fm)
				}
				numbers++
			}
		}
		if numbers < 2*4 {
			t.Errorf("%s: only %d numeric cells checked", name, numbers)
		}
		s := sheet{rows: rows}
		for _, d := range f.GetDefinedName() {
			if d.Name == "_xlnm._FilterDatabase" && d.Scope == annotate.ResultsSheet {
				s.filter = strings.ReplaceAll(d.RefersTo, "$", "")
			}
		}
		if want := "'" + annotate.ResultsSheet + "'!A5:L" + strconv.Itoa(5+len(rep.Findings)+len(rep.Fills)); s.filter != want {
			t.Errorf("%s: AutoFilter %q, want %q", name, s.filter, want)
		}
		return s
	}
	d, fb := read("direct"), read("fallback")
	// One layout: the title, legend and column titles are the same cells.
	for i := 0; i < 5; i++ {
		if a, b := strings.Join(d.rows[i], "|"), strings.Join(fb.rows[i], "|"); i != 1 && a != b {
			t.Errorf("row %d differs:\ndirect   %s\nfallback %s", i+1, a, b)
		}
	}
}

// withoutStyles is the workbook without xl/styles.xml (its relationship
// and content type removed too): Excel opens such a package with the
// default style; neither write path can add a mark's style to it.
func withoutStyles(t *testing.T, in []byte) []byte {
	t.Helper()
	parts := zipParts(t, in)
	if _, ok := parts["xl/styles.xml"]; !ok {
		t.Fatal("input has no xl/styles.xml")
	}
	delete(parts, "xl/styles.xml")
	for name, re := range map[string]*regexp.Regexp{
		"xl/_rels/workbook.xml.rels": regexp.MustCompile(`<Relationship [^>]*Target="(/xl/)?styles\.xml"[^>]*(/>|></Relationship>)`),
		"[Content_Types].xml":        regexp.MustCompile(`<Override [^>]*PartName="/xl/styles\.xml"[^>]*(/>|></Override>)`),
	} {
		if !re.Match(parts[name]) {
			t.Fatalf("%s does not name styles.xml", name)
		}
		parts[name] = re.ReplaceAll(parts[name], nil)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		data, ok := parts[f.Name]
		if !ok {
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestNoStylesPart: a workbook without a styles part is checked, and
// annotating it (the direct path declines it, the fallback cannot mark
// it) is the coded corrupt error with its message — it panicked in the
// fallback's patcher.
func TestNoStylesPart(t *testing.T) {
	in := withoutStyles(t, sampleXLSX(t, model.StyleMOF))
	res := checked(t, in)
	if len(res.Report.Findings) == 0 {
		t.Fatal("no findings to annotate")
	}
	b, err := xlsx.OpenBytes(in, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = annotate.AnnotateDirect(b, res.Workbook, res.Report)
	if model.ErrorCode(err) != model.ECorrupt || model.ErrorMessage(err) != model.MsgNoStyles {
		t.Errorf("annotating: %v (code %s), want %s", err, model.ErrorCode(err), model.MsgNoStyles)
	}
}

// TestCleanCopyUnsupported: a workbook the direct path does not edit has
// no clean copy, said with a code and in words (was an internal error).
func TestCleanCopyUnsupported(t *testing.T) {
	for name, in := range map[string][]byte{
		"no styles": withoutStyles(t, sampleXLSX(t, model.StyleMOF)),
		"strict":    fixture(t, "testdata/foreign/xml_strict.xlsx"),
	} {
		res := checked(t, in)
		b, err := xlsx.OpenBytes(in, xlsx.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		err = annotate.CleanCopy(b, res.Workbook, res.Report)
		b.Close()
		if model.ErrorCode(err) != model.EUnsupported || !strings.Contains(model.ErrorMessage(err), "无法生成报送版") {
			t.Errorf("%s: %v (code %s)", name, err, model.ErrorCode(err))
		}
	}
}
