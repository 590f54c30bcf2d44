package xlsx

import (
	"bytes"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/juesuan/juesuan/xlsxtest"
)

const (
	shA = "收入 决算表"  // a space forces quoting in links
	shB = "O'Brien" // an apostrophe forces '' escaping
)

// fixture builds a small workbook with everything annotation must keep:
// styles with a theme colour, a quote prefix and a custom number format,
// merges, widths, a formula, a defined name, a user's note, a hidden sheet.
func fixture(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", shA))
	_, err := f.NewSheet(shB)
	must(err)
	_, err = f.NewSheet("隐藏")
	must(err)
	must(f.SetSheetVisible("隐藏", false))
	theme := 4
	fmtCode := "0.00_ "
	hdr, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, ColorTheme: &theme}, Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 2}}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	must(err)
	num, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtCode, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}, Border: []excelize.Border{{Type: "left", Color: "000000", Style: 1}}})
	must(err)
	plain, err := f.NewStyle(&excelize.Style{Border: []excelize.Border{{Type: "top", Color: "FF0000", Style: 1}}})
	must(err)
	must(f.SetCellValue(shA, "A1", "收入决算表"))
	must(f.MergeCell(shA, "A1", "D1"))
	must(f.SetCellStyle(shA, "A1", "D1", hdr))
	must(f.SetCellValue(shA, "A2", "项目"))
	must(f.SetCellStr(shA, "B2", "0012")) // text that looks like a number
	must(f.SetCellValue(shA, "C2", 12.5))
	must(f.SetCellStyle(shA, "C2", "C4", num))
	must(f.SetCellStyle(shA, "D2", "D4", plain))
	must(f.SetCellFormula(shA, "C5", "SUM(C2:C4)"))
	must(f.SetCellValue(shA, "D2", 3.25))
	must(f.SetColWidth(shA, "A", "A", 30))
	must(f.SetColWidth(shA, "B", "D", 14.5))
	must(f.SetCellValue(shB, "B3", "x"))
	must(f.SetCellValue("隐藏", "A1", 1))
	must(f.SetDefinedName(&excelize.DefinedName{Name: "总计", RefersTo: "'" + shA + "'!$C$5"}))
	must(f.AddComment(shA, excelize.Comment{Cell: "D2", Author: "张会计", Paragraph: []excelize.RichTextRun{{Text: "张会计:", Font: &excelize.Font{Bold: true}}, {Text: "\n请复核"}}}))
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func snap(t testing.TB, data []byte) *xlsxtest.Snapshot {
	t.Helper()
	s, err := xlsxtest.TakeSnapshot(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func write(t testing.TB, b *Book) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func annotateFixture(t *testing.T, in []byte) []byte {
	t.Helper()
	b, err := OpenBytes(in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	steps := []error{
		b.ClearAnnotations(testTexts),
		b.SetNumber(shA, "C3", decimal.RequireFromString("4126.63"), ""), // has 0.00_ format: kept
		b.SetNumber(shA, "B4", decimal.RequireFromString("-0.01"), ""),   // General: gets #,##0.00
		b.SetNumber(shA, "C5", decimal.RequireFromString("12.5"), ""),    // a formula without a cached value: formula kept
		b.Mark(shA, "C3", MarkFilled),
		b.Mark(shA, "C2", MarkError),
		b.Mark(shA, "C4", MarkError), // same original style as C2: one clone
		b.Mark(shA, "D2", MarkWarning),
		b.Mark(shB, "B3", MarkInfo),
		b.AddNote(shA, "D2", "[提示] X19 三公", testTexts),
		b.AddNote(shA, "D2", "[尾差] R01.1", testTexts),
		b.AddNote(shA, "C2", "[错误] R01.2 差额 0.02", testTexts),
		b.AddResultsSheet(testLayout, "审核未通过：错误 1 条", []ResultRow{
			{Kind: MarkError, Level: "错误", Rule: "R01.2", Sheet: shA, Cell: "C2", Message: "收入总计", Expected: "4126.63", Actual: "4126.65", Difference: "0.02", Tolerance: "0.02", Fingerprint: "fp-error"},
			{Kind: MarkWarning, Level: "提示", Rule: "X19", Sheet: shB, Cell: "B3", Message: "=SUM(A1)", Fingerprint: "fp-warn"},
		}),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	return write(t, b)
}

func TestAnnotateLossless(t *testing.T) {
	in := fixture(t)
	out := annotateFixture(t, in)
	before, after := snap(t, in), snap(t, out)

	marked := map[string]string{shA + "!C3": MarkColor(MarkFilled), shA + "!C2": MarkColor(MarkError), shA + "!C4": MarkColor(MarkError), shA + "!D2": MarkColor(MarkWarning), shB + "!B3": MarkColor(MarkInfo)}
	filled := map[string]string{shA + "!C3": "4126.63", shA + "!B4": "-0.01", shA + "!C5": "12.5"}
	for _, d := range before.Diff(after) {
		switch {
		case d.Where == "workbook" && d.What == "sheets":
			if d.New != d.Old+","+ResultsSheet {
				t.Errorf("sheet order changed: %q -> %q", d.Old, d.New)
			}
		case strings.HasPrefix(d.Where, ResultsSheet):
		case d.What == "value" && filled[d.Where] == d.New && d.Old == "":
		case d.What == "style" && (marked[d.Where] != "" || filled[d.Where] != ""):
		case d.What == "fill" && marked[d.Where] != "" && strings.Contains(d.New, marked[d.Where]):
		case d.What == "xf" && (d.Where == shA+"!B4" || d.Where == shA+"!C5") && strings.Contains(d.New, `"NumFmtID":4`):
			// a General cell that received an amount gets #,##0.00 (built-in 4)
		case d.What == "fill" && (d.Where == shA+"!B4" || d.Where == shA+"!C5") && d.Old == "" && strings.Contains(d.New, `"none"`):
			// the default style's "no fill", now spelled out
		case d.What == "comment" && (d.Where == shA+"!D2" || d.Where == shA+"!C2"):
		default:
			t.Errorf("unexpected difference %s %s: %q -> %q", d.Where, d.What, d.Old, d.New)
		}
	}
	for k, rgb := range marked {
		if !strings.Contains(after.Cells[k].Fill, rgb) {
			t.Errorf("%s fill = %s, want %s", k, after.Cells[k].Fill, rgb)
		}
		if k != shA+"!B4" && after.Cells[k].XfNoFill != before.Cells[k].XfNoFill {
			t.Errorf("%s style changed beyond the fill:\n%s\n%s", k, before.Cells[k].XfNoFill, after.Cells[k].XfNoFill)
		}
	}
	if after.Cells[shA+"!C2"].Style != after.Cells[shA+"!C4"].Style {
		t.Errorf("same original style and mark should share one clone: %d vs %d", after.Cells[shA+"!C2"].Style, after.Cells[shA+"!C4"].Style)
	}
	// The user's note is kept in front of ours; two notes on one cell merge.
	d2 := after.Comments[shA+"!D2"]
	if !strings.HasPrefix(d2, "张会计:\n请复核") || !strings.Contains(d2, testTexts.NoteMarker) || !strings.Contains(d2, "X19") || !strings.Contains(d2, "R01.1") {
		t.Errorf("merged note = %q", d2)
	}
	// Text stays text in the results sheet (a leading "=" is not a formula).
	if c := after.Cells[ResultsSheet+"!F7"]; c.Formula != "" || c.Value != "=SUM(A1)" {
		t.Errorf("results F7 = %+v", c)
	}
	// The user's formula is kept (the snapshot diff above allows no formula
	// change); the computed number is its cached value.
	if c := after.Cells[shA+"!C5"]; c.Formula != "SUM(C2:C4)" || c.Value != "12.5" {
		t.Errorf("C5 = %+v, want formula SUM(C2:C4) with cached value 12.5", c)
	}
	if after.Cells[shA+"!C3"].Value != "4126.63" {
		t.Errorf("C3 = %q", after.Cells[shA+"!C3"].Value)
	}
}

func TestResultsLinksAndExplanations(t *testing.T) {
	out := annotateFixture(t, fixture(t))
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	ok, loc, err := f.GetCellHyperLink(ResultsSheet, "E6")
	if err != nil || !ok || loc != "'收入 决算表'!C2" {
		t.Errorf("link E6 = %v %q %v", ok, loc, err)
	}
	if _, loc, _ = f.GetCellHyperLink(ResultsSheet, "E7"); loc != "'O''Brien'!B3" {
		t.Errorf("link E7 = %q", loc)
	}
	// The user types an explanation for the warning and saves.
	if err := f.SetCellValue(ResultsSheet, "G7", "  经核实，超支已在说明中解释  "); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := OpenBytes(buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ex, err := b.ReadExplanations(testLayout)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 1 || ex["fp-warn"] != "经核实，超支已在说明中解释" {
		t.Errorf("explanations = %v", ex)
	}
}

// A re-uploaded annotated workbook, cleared, is the original again apart
// from the values that were filled.
func TestClearAnnotationsRestores(t *testing.T) {
	in := fixture(t)
	out := annotateFixture(t, in)
	b, err := OpenBytes(out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.ClearAnnotations(testTexts); err != nil {
		t.Fatal(err)
	}
	again := write(t, b)
	b.Close()
	before, after := snap(t, in), snap(t, again)
	for _, d := range before.Diff(after) {
		switch {
		case d.Where == "workbook" && d.What == "sheets":
		case strings.HasPrefix(d.Where, ResultsSheet):
		case d.Where == shA+"!C3" && d.What == "value":
		case (d.Where == shA+"!B4" || d.Where == shA+"!C5") && (d.What == "value" || d.What == "style" || d.What == "xf" || d.What == "fill"):
		default:
			t.Errorf("not restored: %s %s: %q -> %q", d.Where, d.What, d.Old, d.New)
		}
	}
	if got := after.Comments[shA+"!D2"]; got != "张会计:\n请复核" {
		t.Errorf("user note after clear = %q", got)
	}
	if _, ok := after.Comments[shA+"!C2"]; ok {
		t.Errorf("juesuan-only note not removed")
	}
}

func TestMarkUnknownKind(t *testing.T) {
	b, err := OpenBytes(fixture(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Mark(shA, "A1", "purple"); err == nil {
		t.Error("unknown mark kind accepted")
	}
	if err := b.Mark("没有这张表", "A1", MarkError); err == nil {
		t.Error("missing sheet accepted")
	}
}

func TestSplitRef(t *testing.T) {
	cases := []struct{ in, sheet, cell string }{
		{"'收入 决算表'!C5", "收入 决算表", "C5"},
		{"'O''Brien'!B3", "O'Brien", "B3"},
		{"Sheet1!A1", "Sheet1", "A1"},
	}
	for _, c := range cases {
		s, a, ok := SplitRef(c.in)
		if !ok || s != c.sheet || a != c.cell {
			t.Errorf("SplitRef(%q) = %q %q %v", c.in, s, a, ok)
		}
		if QuoteSheet(c.sheet)+"!"+c.cell != c.in && c.in[0] == '\'' {
			t.Errorf("QuoteSheet(%q) mismatch", c.sheet)
		}
	}
	if _, _, ok := SplitRef("nocell"); ok {
		t.Error("SplitRef accepted a ref without !")
	}
}

// A filled General cell takes the number format of a typed neighbour.
func TestSetNumberLike(t *testing.T) {
	b, err := OpenBytes(fixture(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetNumberLike(shA, "A7", decimal.RequireFromString("1234.5"), shA, "C2"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetNumberLike(shA, "A8", decimal.RequireFromString("2"), "", ""); err != nil {
		t.Fatal(err)
	}
	out := write(t, b)
	b.Close()
	s := snap(t, out)
	ref, got, def := s.Cells[shA+"!C2"].XfNoFill, s.Cells[shA+"!A7"].XfNoFill, s.Cells[shA+"!A8"].XfNoFill
	id := func(x string) string {
		i := strings.Index(x, `"NumFmtID":`)
		if i < 0 {
			return ""
		}
		return strings.SplitN(x[i+11:], ",", 2)[0]
	}
	if id(got) != id(ref) || id(ref) == "0" || id(ref) == "" {
		t.Errorf("A7 numFmt %s, want C2's %s", id(got), id(ref))
	}
	if id(def) != "4" {
		t.Errorf("A8 numFmt %s, want 4 (#,##0.00)", id(def))
	}
	if v := s.Cells[shA+"!A7"].Value; v != "1234.5" {
		t.Errorf("A7 = %q", v)
	}
}

// With the record gone (the user deleted 审核结果), Unmark still removes
// juesuan's colours, and only those: a cell the user styled with Excel's own
// "差" red (FFC7CE) keeps it.
func TestUnmarkWithoutRecord(t *testing.T) {
	out := annotateFixture(t, fixture(t))
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.DeleteSheet(ResultsSheet); err != nil {
		t.Fatal(err)
	}
	bad, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue(shB, "C3", "用户自己标红"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(shB, "C3", "C3", bad); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := OpenBytes(buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.ClearAnnotations(testTexts); err != nil {
		t.Fatal(err)
	}
	cells := []string{shA + "!C2", shA + "!C3", shA + "!C4", shA + "!D2", shB + "!B3", shB + "!C3"}
	for _, k := range cells {
		sh, a, _ := SplitRef(k)
		if err := b.Unmark(sh, a); err != nil {
			t.Fatal(err)
		}
	}
	again := write(t, b)
	b.Close()
	orig, got := snap(t, fixture(t)), snap(t, again)
	for _, k := range cells[:5] {
		for _, c := range markColors {
			if strings.Contains(got.Cells[k].Fill, c) {
				t.Errorf("%s still marked: %s", k, got.Cells[k].Fill)
			}
		}
		if got.Cells[k].XfNoFill != orig.Cells[k].XfNoFill && k != shB+"!B3" {
			t.Errorf("%s style changed beyond the fill", k)
		}
	}
	if !strings.Contains(got.Cells[shB+"!C3"].Fill, "FFC7CE") {
		t.Errorf("user's own red fill removed: %s", got.Cells[shB+"!C3"].Fill)
	}
}

// A sheet the user named 审核结果 is not juesuan's: it stays untouched,
// the results go to 审核结果(2), explanations are read from ours only, and
// a re-run replaces ours and nothing else.
func TestUserResultsSheetKept(t *testing.T) {
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", shA))
	_, err := f.NewSheet(ResultsSheet)
	must(err)
	// Looks much like ours (指纹 and 审核说明 headers) but has no title and
	// no record of marks.
	must(f.SetSheetRow(ResultsSheet, "A5", &[]string{"No", "Fingerprint", "Explanation"}))
	must(f.SetSheetRow(ResultsSheet, "A6", &[]string{"1", "fp-user", "用户自己的说明"}))
	must(f.SetCellValue(ResultsSheet, "A20", "我自己的审核记录"))
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	must(err)
	f.Close()
	in := buf.Bytes()

	run := func(data []byte, expl string) []byte {
		t.Helper()
		b, err := OpenBytes(data, Limits{})
		must(err)
		defer b.Close()
		ex, err := b.ReadExplanations(testLayout)
		must(err)
		if _, ok := ex["fp-user"]; ok {
			t.Errorf("explanations read from the user's sheet: %v", ex)
		}
		must(b.ClearAnnotations(testTexts))
		must(b.AddResultsSheet(testLayout, "审核通过", []ResultRow{{Kind: MarkWarning, Level: "提示", Rule: "X19", Sheet: shA, Cell: "A1", Message: "m", Fingerprint: "fp-ours", Explanation: ex["fp-ours"]}}))
		out := write(t, b)
		if expl == "" {
			return out
		}
		// The user types an explanation into our sheet and saves.
		c := testLayout.Columns
		typed, ok, err := xlsxtest.SetInRow(out, ResultsSheet+"(2)", c.Fingerprint, "fp-ours", c.Explanation, expl)
		must(err)
		if !ok {
			t.Error("our row not found")
		}
		return typed
	}
	once := run(in, "已核实")
	twice := run(once, "")
	for i, out := range [][]byte{once, twice} {
		s := snap(t, out)
		if got := s.Cells[ResultsSheet+"!A20"].Value; got != "我自己的审核记录" {
			t.Errorf("run %d: user's A20 = %q", i+1, got)
		}
		for _, d := range snap(t, in).Diff(s) {
			if strings.HasPrefix(d.Where, ResultsSheet+"!") {
				t.Errorf("run %d: user's sheet changed: %s %s %q -> %q", i+1, d.Where, d.What, d.Old, d.New)
			}
		}
		if got := s.Cells[ResultsSheet+"(2)!A1"].Value; got != testLayout.Title {
			t.Errorf("run %d: %s(2)!A1 = %q", i+1, ResultsSheet, got)
		}
		if _, ok := s.Cells[ResultsSheet+"(3)!A1"]; ok {
			t.Errorf("run %d: a third results sheet was added", i+1)
		}
		b, err := OpenBytes(out, Limits{})
		must(err)
		ex, err := b.ReadExplanations(testLayout)
		must(err)
		b.Close()
		if len(ex) != 1 || ex["fp-ours"] != "已核实" {
			t.Errorf("run %d: explanations = %v", i+1, ex)
		}
	}
}
