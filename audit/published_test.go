package audit_test

// Published-layout fixtures (testdata/published): Case C of the spec (§7,
// 中共上海市普陀区委社会工作部 2024) laid out as the Shanghai unit prints it,
// written with openpyxl by testdata/published/make_published.py — not by
// juesuan's template writer, so the reader is tested on a layout it did not
// make. The read tables, every cell the reader took with its address, and
// the findings are committed in <name>.expected.txt; `go test ./audit -run
// TestPublished -update` rewrites them (read the diff before committing).
// The figures are also compared with templates/samples/case_c.yaml, the
// second, independent copy of Case C.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// update reports the -update flag. Another test file of this test binary
// may define it already (flags are per binary); else it is defined here.
var update = func() func() bool {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the expected files of testdata/published")
	}
	return func() bool {
		f := flag.Lookup("update")
		return f != nil && f.Value.String() == "true"
	}
}()

const publishedDir = "../testdata/published"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(publishedDir, name))
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 testdata/published/make_published.py)", err)
	}
	return data
}

// golden compares got with <name>.expected.txt, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(publishedDir, name)
	if update() {
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
		wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		for i := 0; i < max(len(wl), len(gl)); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Errorf("%s differs from the run (first at line %d; -update rewrites it):\nwant: %s\n got: %s", name, i+1, w, g)
				return
			}
		}
	}
}

// describe renders a workbook as readable text: the tables wb holds, the
// report's findings, its fills (withFills) and every cell of wb.
func describe(rep model.Report, wb *model.Workbook, withFills bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "status: %s  errors: %d  warnings: %d  infos: %d", rep.Status, rep.Summary.Errors, rep.Summary.Warnings, rep.Summary.Infos)
	if withFills {
		fmt.Fprintf(&b, "  filled: %d", rep.Summary.Filled)
	}
	b.WriteString("\n\ntables:\n")
	for _, t := range wb.Located() {
		fmt.Fprintf(&b, "  %s %s!%s %s", t.ID, t.Sheet, t.Range, t.Style)
		if t.Variant != "" {
			fmt.Fprintf(&b, " variant=%s", t.Variant)
		}
		fmt.Fprintf(&b, " title=%q", t.Title)
		if t.EmptyNote != "" {
			fmt.Fprintf(&b, " empty-note=%q", t.EmptyNote)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nfindings:\n")
	for _, f := range rep.Findings {
		cell := f.Cell
		if f.Sheet != "" && cell != "" {
			cell = f.Sheet + "!" + cell
		}
		fmt.Fprintf(&b, "  %s %s %s %s\n", f.Severity, f.Rule, orDash(cell), f.Message)
	}
	if withFills {
		b.WriteString("\nfills:\n")
		for _, f := range rep.Fills {
			fmt.Fprintf(&b, "  %s!%s = %s  %s %s/%s/%s\n", f.Sheet, f.Cell, f.Value, f.Rule, f.Table, f.Row, f.Col)
		}
	}
	b.WriteString("\ncells:\n")
	b.WriteString(cells(wb))
	return b.String()
}

func cells(wb *model.Workbook) string {
	var b strings.Builder
	for _, t := range wb.Located() {
		for _, c := range t.Cells() {
			v := c.Value.StringFixed(2)
			if c.Blank {
				v = "(blank)"
			}
			d := ""
			if c.Derived {
				d = "  [derived]"
			}
			fmt.Fprintf(&b, "  %s %s!%s %s/%s = %s%s\n", t.ID, c.Sheet, c.Addr, c.Row, c.Col, v, d)
		}
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// caseCDiff compares the cells of wb with Case C's figures (case_c.yaml):
// every figure must be read at its key (blank = 0) and every non-zero cell
// read must be a figure. It returns how many cells equal, and the
// differences as "table/row/column: got x, want y".
func caseCDiff(wb *model.Workbook) (equal int, diffs []string) {
	want := templates.CaseC()
	seen := map[string]bool{}
	for _, t := range wb.Located() {
		for _, c := range t.Cells() {
			key := fmt.Sprintf("%s/%s/%s", t.ID, c.Row, c.Col)
			seen[key] = true
			w, ok := want.Value(t.ID, c.Row, c.Col)
			if !ok {
				w = decimal.Zero
			}
			if c.Value.Equal(w) {
				equal++
				continue
			}
			diffs = append(diffs, fmt.Sprintf("%s (%s!%s): got %s, want %s", key, c.Sheet, c.Addr, c.Value.StringFixed(2), w.StringFixed(2)))
		}
	}
	for id, rows := range want.Values {
		for row, cols := range rows {
			for col := range cols {
				key := fmt.Sprintf("%s/%s/%s", id, row, col)
				if v, ok := want.Value(id, row, col); ok && !v.IsZero() && !seen[key] {
					diffs = append(diffs, key+": not read, want "+v.StringFixed(2))
				}
			}
		}
	}
	sort.Strings(diffs)
	return equal, diffs
}

func findingsOf(rep model.Report, sev model.Severity) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.Severity == sev {
			out = append(out, fmt.Sprintf("%s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message))
		}
	}
	return out
}

// TestPublished reads and checks the published Case C workbook: all nine
// tables found, no error and no warning, exactly the two 尾差 infos Case C
// predicts (spec §7: X12 95.36 + 10.23 = 105.59 vs 105.58; R06.1 Σ302 款
// 10.22 vs 10.23), every figure read equal to case_c.yaml, and the whole
// reader view and report equal to case_c_published.expected.txt.
func TestPublished(t *testing.T) {
	data := readFixture(t, "case_c_published.xlsx")
	res, err := audit.Check(context.Background(), bytes.NewReader(data), audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Report
	if n := len(res.Workbook.Located()); n != 9 {
		t.Errorf("%d tables located, want 9", n)
	}
	for _, sev := range []model.Severity{model.SevError, model.SevWarning} {
		for _, f := range findingsOf(rep, sev) {
			t.Errorf("unexpected %s: %s", sev, f)
		}
	}
	var infos []string
	for _, f := range rep.Findings {
		if f.Severity == model.SevInfo {
			infos = append(infos, f.Rule+" "+f.Sheet+"!"+f.Cell)
		}
	}
	sort.Strings(infos)
	// X12 at T05 合计/基本支出 (F23), R06.1 at T06 302 (F4).
	if want := []string{"R06.1 基本支出!F4", "X12 一般公共预算支出!F23"}; strings.Join(infos, "; ") != strings.Join(want, "; ") {
		t.Errorf("infos = %v, want %v", infos, want)
	}
	// The reader's own view (cells as read, before any fill) against the
	// figures, and in the golden with the check's findings; the fills
	// belong to TestPublishedBlankFill.
	read, _, err := reader.Read(bytes.NewReader(data), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	equal, diffs := caseCDiff(read)
	for _, d := range diffs {
		t.Errorf("Case C figure: %s", d)
	}
	t.Logf("%d cells read; equal to case_c.yaml (blank = 0): %d", equal+len(diffs), equal)
	golden(t, "case_c_published.expected.txt", "# case_c_published.xlsx: tables and cells as read (reader.Read), findings of audit.Check\n"+
		describe(rep, read, false))
}

// knownResidues are the cells whose figure as published is not the sum of
// its printed parts (spec §7 Case C): filled from the parts, they differ by
// the 尾差 the published workbook shows.
var knownResidues = map[string]string{
	"T06/302/决算数":    "10.22", // Σ302 款 = 10.22, published 10.23 (R06.1)
	"T06/公用经费合计/决算数": "10.22", // = 302 + 310, published 10.23
}

// TestPublishedBlankFill fills the blank-derived variant (all nine tables
// on one sheet; 合计/小计 rows and columns, 类 and 款 rows, T01/T04 totals
// and the T06 class and 经费合计 rows left blank), re-reads the filled
// workbook and re-checks it: 0 errors, and every filled value equal to the
// published figure except the two known residue cells (within 0.01).
func TestPublishedBlankFill(t *testing.T) {
	data := readFixture(t, "case_c_blank_derived.xlsx")
	var out bytes.Buffer
	res, err := audit.Fill(context.Background(), bytes.NewReader(data), &out, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Workbook.Located()); n != 9 {
		t.Errorf("%d tables located, want 9", n)
	}
	for _, f := range findingsOf(res.Report, model.SevError) {
		t.Errorf("fill: error %s", f)
	}
	again, err := audit.Check(context.Background(), bytes.NewReader(out.Bytes()), audit.Options{})
	if err != nil {
		t.Fatalf("re-read filled workbook: %v", err)
	}
	for _, f := range findingsOf(again.Report, model.SevError) {
		t.Errorf("re-check: error %s", f)
	}
	if n := len(again.Report.Fills); n != 0 {
		t.Errorf("re-check of the filled workbook fills %d more cells, want 0", n)
	}
	// The filled workbook as read, against the published figures.
	wb, _, err := reader.Read(bytes.NewReader(out.Bytes()), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	equal, diffs := caseCDiff(wb)
	residues := 0
	for _, d := range diffs {
		key, _, _ := strings.Cut(d, " ")
		if want, ok := knownResidues[key]; ok && strings.Contains(d, "got "+want+",") {
			residues++
			continue
		}
		t.Errorf("filled value differs from the published figure: %s", d)
	}
	t.Logf("%d cells filled; after filling %d cells equal the published figures, %d differ by the known 尾差 (T06 302, 公用经费合计: 10.22 vs 10.23)",
		len(res.Report.Fills), equal, residues)
	golden(t, "case_c_blank_derived.expected.txt", "# case_c_blank_derived.xlsx: audit.Fill (read, fill, check); cells after filling\n"+
		describe(res.Report, res.Workbook, true)+
		"\n# the filled workbook re-read and re-checked: audit.Check\n"+describe(again.Report, again.Workbook, true))
}
