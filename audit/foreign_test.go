package audit

// Workbooks written by other programs (testdata/foreign): LibreOffice Calc
// round trips, openpyxl, and hand-written variants of what Excel and WPS
// write (foreign_gen_test.go). Every fixture is read, checked, filled and
// the output re-read, by juesuan's reader and by excelize as an
// independent one. The findings, fills and outcome of each are committed
// in <name>.expected.txt; `go test ./audit -run TestForeign -update`
// rewrites them (and the xml_* fixtures) — read the diff before
// committing.

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/foreign: the xml_* fixtures and every *.expected.txt")

const foreignDir = "../testdata/foreign"

// knownLimits are fixtures whose fill fails today for a reason outside
// the file-format layer. The expected file records the error; a fixture
// listed here that fills cleanly fails the test, so the fix that removes
// the limitation also removes its entry here (and -update flips the
// expected file).
var knownLimits = map[string]string{
	// None: the direct annotator (annotate.AnnotateDirect) reads VML shapes
	// by their anchors, whoever wrote them (Excel, LibreOffice's shape_0,
	// openpyxl, WPS).
}

// knownFindings explain fixtures whose findings show a limitation of a
// stage outside the file-format layer; the note is written at the top of
// the expected file, so the fix that changes the findings also shows up
// there.
var knownFindings = map[string]string{}

func TestForeign(t *testing.T) {
	if *update {
		writeXMLVariants(t, foreignDir)
	}
	files, err := filepath.Glob(filepath.Join(foreignDir, "*.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("only %d fixtures in %s", len(files), foreignDir)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".xlsx")
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			foreignCase(t, name, f)
		})
	}
	for name := range knownFindings {
		if !seen[name] {
			t.Errorf("knownFindings names %s, which is not a fixture", name)
		}
	}
	for name := range knownLimits {
		if !seen[name] {
			t.Errorf("knownLimits names %s, which is not a fixture", name)
		}
	}
}

// foreignCase runs one fixture and compares the report with the expected file.
func foreignCase(t *testing.T, name, path string) {
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep strings.Builder
	fmt.Fprintf(&rep, "# %s.xlsx: read, check, fill, re-read (go test ./audit -run TestForeign -update rewrites this file)\n", name)
	if note := knownFindings[name]; note != "" {
		fmt.Fprintf(&rep, "# known: %s\n", note)
	}

	// Read.
	wb, book, err := reader.Read(bytes.NewReader(in), reader.Options{})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	inGrids := grids(t, book)
	book.Close()
	total := 0
	for _, g := range inGrids {
		total += len(g.cells)
	}
	fmt.Fprintf(&rep, "read: %d sheets, %d non-empty cells\n", len(inGrids), total)
	for _, g := range inGrids {
		fmt.Fprintf(&rep, "  sheet %s: %d cells, %d formulas\n", g.name, len(g.cells), g.formulas)
	}
	for _, tb := range wb.Located() {
		fmt.Fprintf(&rep, "  table %s %s!%s %s\n", tb.ID, tb.Sheet, tb.Range, tb.Title)
	}

	// Check.
	res, err := Check(context.Background(), bytes.NewReader(in), Options{})
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	writeReport(&rep, res.Report)

	// Fill.
	var out bytes.Buffer
	fres, ferr := Fill(context.Background(), bytes.NewReader(in), &out, Options{})
	limit, limited := knownLimits[name]
	switch {
	case ferr != nil && limited:
		var me *model.Error
		code := ""
		if errors.As(ferr, &me) {
			code = me.Code
		}
		fmt.Fprintf(&rep, "fill: FAILS (known limitation: %s): %s %v\n", limit, code, ferr)
		if !strings.Contains(ferr.Error(), strings.TrimPrefix(limit, "excelize VML: ")) {
			t.Errorf("fill failed, but not with the known limitation %q: %v", limit, ferr)
		}
		finish(t, name, rep.String())
		return
	case ferr != nil:
		t.Errorf("fill: %v", ferr)
		fmt.Fprintf(&rep, "fill: FAILS: %v\n", ferr)
		finish(t, name, rep.String())
		return
	case limited:
		t.Errorf("fill succeeds although %s is listed in knownLimits (%s): remove the entry and run -update", name, limit)
	}
	if got, want := fmt.Sprint(fres.Report.Summary), fmt.Sprint(res.Report.Summary); got != want {
		t.Errorf("fill summary %s, check summary %s", got, want)
	}
	outData := out.Bytes()

	// Re-read with juesuan's reader: every non-empty input cell is there
	// with the same value and formula; filled cells hold their values.
	ob, err := xlsx.OpenBytes(outData, xlsx.Limits{})
	if err != nil {
		t.Fatalf("re-read: %v", err)
	}
	outGrids := map[string]*sheetCells{}
	for _, g := range grids(t, ob) {
		outGrids[g.name] = g
	}
	ob.Close()
	filled := map[string]string{}
	for _, f := range res.Report.Fills {
		filled[f.Sheet+"!"+f.Cell] = f.Value
	}
	checked, lost := 0, 0
	for _, g := range inGrids {
		og := outGrids[g.name]
		if og == nil {
			t.Errorf("sheet %s missing in the output", g.name)
			continue
		}
		for addr, c := range g.cells {
			oc := og.cells[addr]
			checked++
			want := c
			if v, ok := filled[g.name+"!"+addr]; ok && c.Text == "" {
				want.Text, want.Number = v, true
			}
			if !sameCell(want, oc) {
				lost++
				if lost <= 10 {
					t.Errorf("%s!%s: input %+v, output %+v", g.name, addr, want, oc)
				}
			}
		}
		for k, v := range filled {
			sh, addr, _ := strings.Cut(k, "!")
			if sh != g.name {
				continue
			}
			if oc := og.cells[addr]; !sameNumber(oc.Text, v) {
				t.Errorf("%s filled %s, output holds %q", k, v, oc.Text)
			}
		}
	}

	// Re-read both with excelize, independently of juesuan's reader.
	xin, xout := openExcelize(t, in), openExcelize(t, outData)
	xchecked := 0
	for _, g := range inGrids {
		for addr, c := range g.cells {
			if _, ok := filled[g.name+"!"+addr]; ok && c.Text == "" {
				continue
			}
			v1, _ := xin.GetCellValue(g.name, addr, excelize.Options{RawCellValue: true})
			v2, err := xout.GetCellValue(g.name, addr, excelize.Options{RawCellValue: true})
			f1, _ := xin.GetCellFormula(g.name, addr)
			f2, err2 := xout.GetCellFormula(g.name, addr)
			xchecked++
			if err != nil || err2 != nil || v1 != v2 || f1 != f2 {
				t.Errorf("excelize %s!%s: input %q =%q, output %q =%q (%v %v)", g.name, addr, v1, f1, v2, f2, err, err2)
			}
		}
	}
	// Comments: the user's own text stays where it was; juesuan's notes
	// are exactly on the cells with findings.
	userIn := comments(t, xin, inGrids)
	outC := comments(t, xout, inGrids)
	for k, txt := range userIn {
		user := userText(txt)
		if user == "" {
			continue
		}
		if !strings.Contains(outC[k], user) {
			t.Errorf("comment %s: input %q, output %q", k, user, outC[k])
		}
	}
	notes, noted := checkNotes(t, "fill", res.Report, outC)

	// Everything else is as it was: merges, column widths, defined names,
	// sheet visibility, every cell's value, formula and style, but for the
	// filled and marked cells and juesuan's results sheet.
	for _, d := range unexpectedDiffs(t, in, outData, res.Report) {
		t.Errorf("output differs: %s %s: %q -> %q", d.Where, d.What, d.Old, d.New)
	}

	// The sheets' other contents survive: protection, validation, links,
	// drawings, conditional formats, page setup.
	fin, fout := sheetFeatures(t, in), sheetFeatures(t, outData)
	for sh, m := range fin {
		for el, n := range m {
			if fout[sh][el] != n {
				t.Errorf("%s: %d <%s> in the input, %d in the output", sh, n, el, fout[sh][el])
			}
		}
	}

	// Every part of the input is still in the package (notes parts may
	// be renumbered: xlsx/excelizeview.go).
	var dropped []string
	outParts := partNames(t, outData)
	for n := range partNames(t, in) {
		if !outParts[n] && !renumbered.MatchString(n) && !notesOnlyRels(t, in, n) {
			dropped = append(dropped, n)
		}
	}
	// One conformance class per package: a transitional workbook part
	// with Strict sheets or strings is what Excel repairs or refuses.
	if strict := strictParts(t, outData); len(strict) > 0 {
		t.Errorf("output is partly Strict OOXML: %v", strict)
	}
	if len(dropped) > 0 {
		sort.Strings(dropped)
		t.Errorf("parts dropped by fill: %v", dropped)
		fmt.Fprintf(&rep, "parts dropped: %s\n", strings.Join(dropped, " "))
	}

	// Re-check the output: no new errors.
	res2, err := Check(context.Background(), bytes.NewReader(outData), Options{})
	if err != nil {
		t.Fatalf("re-check: %v", err)
	}
	before := map[string]bool{}
	for _, f := range res.Report.Findings {
		if f.Severity == model.SevError {
			before[f.Rule+" "+f.Sheet+"!"+f.Cell] = true
		}
	}
	newErrs := 0
	for _, f := range res2.Report.Findings {
		if f.Severity == model.SevError && !before[f.Rule+" "+f.Sheet+"!"+f.Cell] {
			newErrs++
			t.Errorf("new error after fill: %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
		}
	}
	if len(res2.Report.Fills) != 0 {
		t.Errorf("the filled output still has %d cells to fill, e.g. %+v", len(res2.Report.Fills), res2.Report.Fills[0])
	}

	// Fill the output again, as a re-upload of the annotated copy: the
	// earlier notes give way to this run's, the user's comments stay.
	var out2 bytes.Buffer
	res3, err := Fill(context.Background(), bytes.NewReader(outData), &out2, Options{})
	if err != nil {
		t.Fatalf("second fill: %v", err)
	}
	x2 := openExcelize(t, out2.Bytes())
	out2C := comments(t, x2, inGrids)
	checkNotes(t, "second fill", res3.Report, out2C)
	for k, txt := range userIn {
		if user := userText(txt); user != "" && !strings.Contains(out2C[k], user) {
			t.Errorf("second fill: comment %s: input %q, output %q", k, user, out2C[k])
		}
	}
	fmt.Fprintf(&rep, "fill: ok\n")
	// How many notes there are is the annotator's choice (it may note
	// fills too); that each finding's cell has one is checked above.
	_ = notes
	fmt.Fprintf(&rep, "re-read: %d input cells kept (juesuan), %d (excelize); %d user comments kept, %d cells with findings noted\n",
		checked-lost, xchecked, countUser(userIn), len(noted))
	fmt.Fprintf(&rep, "re-check: %s, %d errors (%d new), %d fills left\n", res2.Report.Status, res2.Report.Summary.Errors, newErrs, len(res2.Report.Fills))
	finish(t, name, rep.String())
}

var renumbered = regexp.MustCompile(`^xl/(comments/?[^/]*\.xml|drawings/(_rels/)?[^/]*\.vml(\.rels)?)$`)

// unexpectedDiffs compares snapshots of the input and the output and
// returns the differences that annotating may not make.
func unexpectedDiffs(t *testing.T, in, out []byte, rep model.Report) []xlsxtest.SnapDiff {
	t.Helper()
	before, err := xlsxtest.TakeSnapshot(bytes.NewReader(in))
	if err != nil {
		t.Fatalf("snapshot of the input: %v", err)
	}
	after, err := xlsxtest.TakeSnapshot(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("snapshot of the output: %v", err)
	}
	filled, marked := map[string]string{}, map[string]bool{}
	for _, f := range rep.Fills {
		filled[f.Sheet+"!"+f.Cell] = f.Value
		marked[f.Sheet+"!"+f.Cell] = true
	}
	for _, f := range rep.Findings {
		if f.Severity != model.SevInfo {
			marked[f.Sheet+"!"+f.Cell] = true
		}
	}
	results := func(where string) bool {
		return strings.HasPrefix(where, annotate.ResultsSheet+"!") || where == annotate.ResultsSheet
	}
	var bad []xlsxtest.SnapDiff
	for _, d := range before.Diff(after) {
		switch {
		case d.Where == "workbook" && d.What == "sheets":
			if d.New != d.Old+","+annotate.ResultsSheet {
				bad = append(bad, d)
			}
		case results(d.Where):
		case d.What == "value":
			if v, ok := filled[d.Where]; !ok || d.Old != "" || !sameNumber(d.New, v) {
				bad = append(bad, d)
			}
		case d.What == "xf": // a filled General cell takes a number format
			if _, ok := filled[d.Where]; !ok {
				bad = append(bad, d)
			}
		case d.What == "style" || d.What == "fill":
			// This run's marks, or an earlier run's removed (an annotated
			// copy uploaded again).
			if !marked[d.Where] && !markFill(before.Cells[d.Where].Fill) {
				bad = append(bad, d)
			}
		case d.What == "comment":
			if !marked[d.Where] && !strings.Contains(d.Old, annotate.NoteMarker) {
				bad = append(bad, d)
			}
		default:
			bad = append(bad, d)
		}
	}
	return bad
}

// featureElems are the sheet elements counted by sheetFeatures.
var featureElems = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?(sheetProtection|protectedRange|dataValidation|hyperlink|drawing|legacyDrawingHF|conditionalFormatting|cfRule|autoFilter|pageSetup|headerFooter|rowBreaks|colBreaks|ignoredError|tablePart|pane|mergeCell)[\s/>]`)

// sheetFeatures counts featureElems in each sheet part, by sheet name,
// juesuan's results sheet left out.
func sheetFeatures(t *testing.T, data []byte) map[string]map[string]int {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = b.Bytes()
	}
	targets := map[string]string{}
	for _, m := range regexp.MustCompile(`<Relationship [^>]*>`).FindAll(parts["xl/_rels/workbook.xml.rels"], -1) {
		id := regexp.MustCompile(`Id="([^"]*)"`).FindSubmatch(m)
		tg := regexp.MustCompile(`Target="([^"]*)"`).FindSubmatch(m)
		if id != nil && tg != nil {
			targets[string(id[1])] = resolvePart("xl", string(tg[1]))
		}
	}
	out := map[string]map[string]int{}
	for _, m := range regexp.MustCompile(`<(?:\w+:)?sheet [^>]*>`).FindAll(parts["xl/workbook.xml"], -1) {
		name := regexp.MustCompile(`name="([^"]*)"`).FindSubmatch(m)
		id := regexp.MustCompile(`:id="([^"]*)"`).FindSubmatch(m)
		if name == nil || id == nil {
			continue
		}
		sh := unescape(string(name[1]))
		if strings.HasPrefix(sh, annotate.ResultsSheet) {
			continue
		}
		c := map[string]int{}
		for _, e := range featureElems.FindAllSubmatch(parts[targets[string(id[1])]], -1) {
			c[string(e[1])]++
		}
		out[sh] = c
	}
	return out
}

func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return strings.TrimPrefix(filepath.ToSlash(filepath.Join(dir, target)), "/")
}

// markFill reports whether a described fill carries a mark colour.
func markFill(fill string) bool {
	for _, k := range []string{xlsx.MarkError, xlsx.MarkWarning, xlsx.MarkFilled, xlsx.MarkInfo} {
		if strings.Contains(strings.ToUpper(fill), xlsx.MarkColor(k)) {
			return true
		}
	}
	return false
}

// strictParts lists the parts of a package that use Strict OOXML
// namespaces when its workbook part does not (or the reverse).
func strictParts(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]bool{}
	wb := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
			continue
		}
		st := bytes.Contains(b.Bytes(), []byte("http://purl.oclc.org/ooxml/"))
		parts[f.Name] = st
		if f.Name == "xl/workbook.xml" {
			wb = st
		}
	}
	var out []string
	for n, st := range parts {
		if st != wb && (strings.HasPrefix(n, "xl/") || n == "docProps/app.xml") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// partNames lists the zip entries of a package.
func partNames(t *testing.T, data []byte) map[string]bool {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range zr.File {
		out[f.Name] = true
	}
	return out
}

// notesOnlyRels reports whether part name of the package data is a sheet's
// rels part whose every relationship is a notes part (comments, VML): one
// that held only juesuan's earlier notes goes with them.
func notesOnlyRels(t *testing.T, data []byte, name string) bool {
	t.Helper()
	if !strings.HasSuffix(name, ".rels") || !strings.Contains(name, "worksheets/_rels/") {
		return false
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		targets := regexp.MustCompile(`Target="([^"]*)"`).FindAllStringSubmatch(string(b), -1)
		for _, m := range targets {
			if !strings.Contains(m[1], "comments") && !strings.Contains(m[1], "vmlDrawing") {
				return false
			}
		}
		return len(targets) > 0
	}
	return false
}

// userText is a comment's text before juesuan's marker.
func userText(txt string) string {
	if i := strings.Index(txt, annotate.NoteMarker); i >= 0 {
		txt = txt[:i]
	}
	return strings.TrimSpace(txt)
}

// checkNotes checks that every cell with a finding has juesuan's note and
// that juesuan's notes are on cells with a finding or a fill (nowhere
// else: not on another sheet's cell), and returns how many there are and
// the cells with findings.
func checkNotes(t *testing.T, stage string, rep model.Report, cs map[string]string) (int, map[string]bool) {
	t.Helper()
	noted := map[string]bool{}
	for _, f := range rep.Findings {
		// 尾差 is listed in 审核结果 only, unless mark_rounding is asked.
		if f.Sheet != "" && f.Cell != "" && f.Severity != model.SevInfo {
			noted[f.Sheet+"!"+f.Cell] = true
		}
	}
	filled := map[string]bool{}
	for _, f := range rep.Fills {
		filled[f.Sheet+"!"+f.Cell] = true
	}
	notes := 0
	for k, txt := range cs {
		if strings.Contains(txt, annotate.NoteMarker) {
			notes++
			if !noted[k] && !filled[k] {
				t.Errorf("%s: juesuan's note on %s, which has no finding or fill: %q", stage, k, txt)
			}
			if n := strings.Count(txt, annotate.NoteMarker); n != 1 {
				t.Errorf("%s: %d markers in the note on %s: %q", stage, n, k, txt)
			}
		}
	}
	for k := range noted {
		if !strings.Contains(cs[k], annotate.NoteMarker) {
			t.Errorf("%s: finding at %s has no note in the output (comment %q)", stage, k, cs[k])
		}
	}
	return notes, noted
}

func countUser(cs map[string]string) int {
	n := 0
	for _, txt := range cs {
		if i := strings.Index(txt, annotate.NoteMarker); i != 0 && strings.TrimSpace(txt) != "" {
			n++
		}
	}
	return n
}

func writeReport(w *strings.Builder, r model.Report) {
	fmt.Fprintf(w, "check: %s, %d errors, %d warnings, %d infos, %d fills\n", r.Status, r.Summary.Errors, r.Summary.Warnings, r.Summary.Infos, len(r.Fills))
	fs := append([]model.Finding(nil), r.Findings...)
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Sheet != b.Sheet {
			return a.Sheet < b.Sheet
		}
		return a.Cell < b.Cell
	})
	for _, f := range fs {
		fmt.Fprintf(w, "finding %s %s %s!%s %s\n", f.Severity, f.Rule, f.Sheet, f.Cell, f.Message)
	}
	fl := append([]model.Fill(nil), r.Fills...)
	sort.SliceStable(fl, func(i, j int) bool {
		if fl[i].Sheet != fl[j].Sheet {
			return fl[i].Sheet < fl[j].Sheet
		}
		return fl[i].Cell < fl[j].Cell
	})
	// The rule a fill is credited to is left out: fill picks one of the
	// rules that give the cell by map order (it varies between runs).
	for _, f := range fl {
		fmt.Fprintf(w, "fill %s!%s = %s\n", f.Sheet, f.Cell, f.Value)
	}
}

// finish compares (or with -update writes) the expected file.
func finish(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(foreignDir, name+".expected.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the run (run with -update and read the diff):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff lists the lines only in want (-) or only in got (+).
func lineDiff(want, got string) string {
	count := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(got, "\n") {
		count[l]--
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			b.WriteString("- " + l + "\n")
			count[l]--
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if count[l] < 0 {
			b.WriteString("+ " + l + "\n")
			count[l]++
		}
	}
	return b.String()
}

type sheetCells struct {
	name     string
	cells    map[string]xlsx.Cell
	formulas int
}

// grids reads every sheet but juesuan's results sheet.
func grids(t *testing.T, b *xlsx.Book) []*sheetCells {
	t.Helper()
	var out []*sheetCells
	for _, name := range b.Sheets() {
		if strings.HasPrefix(name, annotate.ResultsSheet) {
			continue
		}
		g, err := b.Grid(name)
		if err != nil {
			t.Fatalf("grid %s: %v", name, err)
		}
		sc := &sheetCells{name: name, cells: map[string]xlsx.Cell{}}
		for r := 1; r <= g.MaxRow; r++ {
			for c := 1; c <= g.MaxCol; c++ {
				cell := g.At(r, c)
				if cell.Text == "" && !cell.HasFormula {
					continue
				}
				if cell.HasFormula {
					sc.formulas++
				}
				sc.cells[xlsx.Addr(r, c)] = cell
			}
		}
		out = append(out, sc)
	}
	return out
}

// sameCell compares what a user sees and typed: value, formula, kind.
// Decimals (the number format) may change where a fill gave a General
// cell a format.
func sameCell(a, b xlsx.Cell) bool {
	if a.Number && b.Number {
		if !sameNumber(a.Text, b.Text) {
			return false
		}
	} else if a.Text != b.Text || a.Number != b.Number {
		return false
	}
	return a.Error == b.Error && a.HasFormula == b.HasFormula && a.Formula == b.Formula
}

func openExcelize(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// comments returns sheet!cell -> text of every comment on the given sheets.
func comments(t *testing.T, f *excelize.File, sheets []*sheetCells) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, g := range sheets {
		cs, err := f.GetComments(g.name)
		if err != nil {
			t.Errorf("excelize comments %s: %v", g.name, err)
			continue
		}
		for _, c := range cs {
			var s strings.Builder
			s.WriteString(c.Text)
			for _, r := range c.Paragraph {
				s.WriteString(r.Text)
			}
			out[g.name+"!"+c.Cell] += s.String()
		}
	}
	return out
}
