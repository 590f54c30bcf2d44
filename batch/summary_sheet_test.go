package batch

import (
	"archive/zip"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

// summaryLayout is what each sheet of 汇总.xlsx must be: its header rows
// (column order and names, which scripts and the narrative columns rely
// on), the frozen pane, the AutoFilter header row and the rows below the
// data (totals) that stay outside the filter.
var summaryLayout = []struct {
	sheet   string
	head    []string // row 1; "*" = the rule IDs of the run
	freeze  string   // top-left cell of the scrolling pane
	filter  int      // header row of the AutoFilter
	footers int      // rows after the data
}{
	{"汇总", append([]string{"序号", "单位名称", "文件", "状态", "错误", "提示", "尾差", "补填单元格",
		"收入总计（万元）", "支出总计（万元）", "三公经费决算合计（万元）", "审核后文件", "说明"}, narrHeads...), "C2", 1, 1},
	{"规则矩阵", []string{"单位名称", "文件", "*"}, "C3", 2, 1},
	{"错误明细", []string{"单位名称", "文件", "规则", "位置", "说明", "应为", "实为", "差额", "容差"}, "A2", 1, 0},
}

// summaryInbox is a real batch: the narrative inbox (paired narratives,
// one with a planted fault, a stray one) plus a workbook with a table
// error and one that cannot be read.
func summaryInbox(t *testing.T) string {
	dir, _ := narrInbox(t)
	writeFile(t, filepath.Join(dir, "乙单位.xlsx"), book(t, false, "乙单位", true, templates.Options{Style: model.StyleShanghai}))
	a := book(t, false, "丁单位", false, templates.Options{})
	writeFile(t, filepath.Join(dir, "坏.xlsx"), a[:len(a)/2])
	return dir
}

// TestSummaryWorksAsSheet: 汇总.xlsx works as a sheet, as 审核结果 does.
// Read back by excelize, by the raw sheet XML and by openpyxl: 错误明细's
// 应为/实为/差额/容差 are numeric cells (#,##0.00; 容差 #,##0.00#) equal
// to the report's figures, the counts and amounts of 汇总 and 规则矩阵 are
// numeric, every sheet has an AutoFilter over its header and data (totals
// left out), a frozen header, A4 landscape one page wide with the header
// rows repeated, and the columns keep their order.
func TestSummaryWorksAsSheet(t *testing.T) {
	dir := summaryInbox(t)
	out := filepath.Join(t.TempDir(), "out")
	st, err := RunDir(context.Background(), []string{dir}, out, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st.Failing < 2 || st.Unreadable < 1 || st.Paired != 2 {
		t.Fatalf("the batch lacks the rows this test is about: %+v", st)
	}
	recs := parseNDJSON(t, mustOpen(t, filepath.Join(out, ResultsName)))
	path := filepath.Join(out, SummaryName)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw := rawSheets(t, path)
	py := openpyxlSummary(t, path)

	// The error findings in the order 错误明细 lists them.
	type fig struct{ e, a, d, tol string }
	var want []fig
	for _, r := range recs {
		if r.Report == nil {
			continue
		}
		for _, fd := range r.Report.Findings {
			if fd.Severity == model.SevError {
				want = append(want, fig{fd.Expected, fd.Actual, fd.Difference, fd.Tolerance})
			}
		}
	}
	if len(want) < 2 {
		t.Fatalf("%d error findings; the batch should have table and narrative errors", len(want))
	}

	for si, lay := range summaryLayout {
		t.Run(lay.sheet, func(t *testing.T) {
			if got := f.GetSheetName(si); got != lay.sheet {
				t.Fatalf("sheet %d is %q, want %s", si+1, got, lay.sheet)
			}
			rows, err := f.GetRows(lay.sheet)
			if err != nil {
				t.Fatal(err)
			}
			head := lay.head
			if head[len(head)-1] == "*" {
				head = head[:len(head)-1]
				if len(rows[0]) <= len(head) {
					t.Fatalf("规则矩阵 has no rule columns: %v", rows[0])
				}
				for _, id := range rows[0][len(head):] {
					if !strings.HasPrefix(id, "R") && !strings.HasPrefix(id, "N") {
						t.Errorf("规则矩阵 column %q is no rule ID", id)
					}
				}
				head = append(head, rows[0][len(head):]...)
			}
			if !reflect.DeepEqual(rows[0], head) {
				t.Errorf("header\n got %q\nwant %q", rows[0], head)
			}
			cols := len(head)
			last := len(rows) - lay.footers // last data row (1-based)
			ref := xlsx.Addr(lay.filter, 1) + ":" + xlsx.Addr(last, cols)

			// AutoFilter: the sheet's element and its hidden defined name
			// (excelize writes both absolute: $A$1:$Q$7).
			abs := func(s string) string { return strings.ReplaceAll(s, "$", "") }
			if got := abs(raw[lay.sheet].AutoFilter.Ref); got != ref {
				t.Errorf("autoFilter ref %q, want %q (%d rows, %d after the data)", got, ref, len(rows), lay.footers)
			}
			if got := abs(py[lay.sheet].AutoFilter); got != ref {
				t.Errorf("openpyxl auto_filter.ref %q, want %q", got, ref)
			}
			titles, filterName := "", ""
			for _, d := range f.GetDefinedName() {
				if d.Scope != lay.sheet {
					continue
				}
				switch d.Name {
				case "_xlnm._FilterDatabase":
					filterName = d.RefersTo
				case "_xlnm.Print_Titles":
					titles = d.RefersTo
				}
			}
			if !strings.HasSuffix(abs(filterName), "!"+ref) {
				t.Errorf("_xlnm._FilterDatabase %q, want the range %s", filterName, ref)
			}
			wantTitles := fmt.Sprintf("'%s'!$1:$%d", lay.sheet, lay.filter)
			if titles != wantTitles {
				t.Errorf("print titles %q, want %q", titles, wantTitles)
			}
			if got, want := py[lay.sheet].PrintTitles, fmt.Sprintf("$1:$%d", lay.filter); got != want {
				t.Errorf("openpyxl print_title_rows %q, want %q", got, want)
			}

			// Frozen header.
			p, err := f.GetPanes(lay.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Freeze || p.TopLeftCell != lay.freeze {
				t.Errorf("panes %+v, want frozen at %s", p, lay.freeze)
			}
			if got := py[lay.sheet].Freeze; got != lay.freeze {
				t.Errorf("openpyxl freeze_panes %q, want %s", got, lay.freeze)
			}

			// Print setup: A4 landscape, one page wide, as tall as it takes.
			pl, err := f.GetPageLayout(lay.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 ||
				pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
				t.Errorf("page layout %s", pageLayoutText(pl))
			}
			sp, err := f.GetSheetProps(lay.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if sp.FitToPage == nil || !*sp.FitToPage {
				t.Error("sheetPr lacks fitToPage: fitToWidth is ignored without it")
			}
			if got, want := py[lay.sheet].Page, (pyPage{"landscape", "9", 1, 0, true}); got != want {
				t.Errorf("openpyxl page setup %+v, want %+v", got, want)
			}

			// Numeric cells.
			switch lay.sheet {
			case "汇总":
				for r := 2; r <= len(rows); r++ {
					status := cellText(rows, r, 4)
					for _, c := range []int{1, 5, 6, 7, 8, 9, 10, 11} {
						if r <= last && (status == "无法读取" || status == msgOnlyNarrative) && c > 1 {
							continue
						}
						if r > last && c == 1 {
							continue // 合计
						}
						checkNumber(t, f, py, lay.sheet, r, c, map[bool]string{true: "#,##0.00", false: "General"}[c >= 9])
					}
					if r <= last && cellText(rows, r, 15) != "" && cellText(rows, r, 16) != "" {
						checkNumber(t, f, py, lay.sheet, r, 16, "General")
						checkNumber(t, f, py, lay.sheet, r, 17, "General")
					}
				}
			case "规则矩阵":
				n := 0
				for r := 3; r <= len(rows); r++ {
					for c := 3; c <= cols; c++ {
						if cellText(rows, r, c) != "" {
							checkNumber(t, f, py, lay.sheet, r, c, "General")
							n++
						}
					}
				}
				if n == 0 {
					t.Error("规则矩阵 has no counts")
				}
			case "错误明细":
				if len(rows)-1 != len(want) {
					t.Fatalf("错误明细 has %d rows, the reports %d errors", len(rows)-1, len(want))
				}
				numbers := 0
				for i, w := range want {
					r := i + 2
					for j, v := range []string{w.e, w.a, w.d, w.tol} {
						c := 6 + j
						format := "#,##0.00"
						if j == 3 {
							format = xlsx.ToleranceNumFmt
						}
						d, err := decimal.NewFromString(v)
						if err != nil {
							// Not a figure: text as the report has it.
							if got := cellText(rows, r, c); got != v {
								t.Errorf("错误明细 %s = %q, want the text %q", xlsx.Addr(r, c), got, v)
							}
							continue
						}
						numbers++
						raw := checkNumber(t, f, py, lay.sheet, r, c, format)
						if !raw.Equal(d) {
							t.Errorf("错误明细 %s = %s, the report says %s", xlsx.Addr(r, c), raw, v)
						}
						shown := model.Thousands(d.StringFixed(2))
						if j == 3 && !d.Round(2).Equal(d) {
							shown = model.Thousands(d.StringFixed(3))
						}
						if got := cellText(rows, r, c); got != shown {
							t.Errorf("错误明细 %s shows %q, want %q", xlsx.Addr(r, c), got, shown)
						}
					}
				}
				if numbers < 4 {
					t.Errorf("only %d figures in 错误明细", numbers)
				}
			}
		})
	}
}

func cellText(rows [][]string, r, c int) string { return cell(rows, r-1, c-1) }

// checkNumber asserts that the cell is a number in the given format, as
// excelize and openpyxl read it, and returns its value.
func checkNumber(t *testing.T, f *excelize.File, py map[string]pySheet, sheet string, r, c int, format string) decimal.Decimal {
	t.Helper()
	a := xlsx.Addr(r, c)
	typ, err := f.GetCellType(sheet, a)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s is of type %v, not a number", sheet, a, typ)
	}
	v, err := f.GetCellValue(sheet, a, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		t.Errorf("%s!%s = %q, not a number", sheet, a, v)
	}
	id, err := f.GetCellStyle(sheet, a)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	got := "General"
	switch {
	case st.CustomNumFmt != nil:
		got = *st.CustomNumFmt
	case st.NumFmt == 4:
		got = "#,##0.00"
	case st.NumFmt != 0:
		got = "numFmtId " + strconv.Itoa(st.NumFmt)
	}
	if got != format {
		t.Errorf("%s!%s number format %q, want %q", sheet, a, got, format)
	}
	pc, ok := py[sheet].Cells[a]
	switch {
	case !ok:
		t.Errorf("openpyxl: %s!%s is empty", sheet, a)
	case pc.Type != "n" || pc.Format != format:
		t.Errorf("openpyxl: %s!%s type %q format %q, want n %q", sheet, a, pc.Type, pc.Format, format)
	}
	return d
}

func pageLayoutText(pl excelize.PageLayoutOptions) string {
	s := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	i := func(p *int) string {
		if p == nil {
			return "<nil>"
		}
		return strconv.Itoa(*p)
	}
	return fmt.Sprintf("orientation %s size %s fitToWidth %s fitToHeight %s", s(pl.Orientation), i(pl.Size), i(pl.FitToWidth), i(pl.FitToHeight))
}

// rawSheet is what this test reads of a sheet part's XML itself.
type rawSheet struct {
	AutoFilter struct {
		Ref string `xml:"ref,attr"`
	} `xml:"autoFilter"`
}

// rawSheets reads each sheet's XML by the workbook's relationships.
func rawSheets(t *testing.T, path string) map[string]rawSheet {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	parse := func(name string, v any) {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, err := zf.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				if err := xml.NewDecoder(rc).Decode(v); err != nil && err != io.EOF {
					t.Fatalf("%s: %v", name, err)
				}
				return
			}
		}
		t.Fatalf("汇总.xlsx lacks %s", name)
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	parse("xl/workbook.xml", &wb)
	parse("xl/_rels/workbook.xml.rels", &rels)
	out := map[string]rawSheet{}
	for _, s := range wb.Sheets {
		for _, r := range rels.Rel {
			if r.ID == s.RID {
				var rs rawSheet
				parse("xl/"+strings.TrimPrefix(strings.TrimPrefix(r.Target, "/xl/"), "/"), &rs)
				out[s.Name] = rs
			}
		}
	}
	return out
}

// pySheet is a sheet as openpyxl reads it.
type pySheet struct {
	AutoFilter  string            `json:"filter"`
	Freeze      string            `json:"freeze"`
	PrintTitles string            `json:"titles"`
	Page        pyPage            `json:"page"`
	Cells       map[string]pyCell `json:"cells"`
}

type pyPage struct {
	Orientation string `json:"orientation"`
	Paper       string `json:"paper"`
	FitWidth    int    `json:"fit_width"`
	FitHeight   int    `json:"fit_height"`
	FitToPage   bool   `json:"fit_to_page"`
}

type pyCell struct {
	Type   string `json:"t"`
	Format string `json:"f"`
}

const pyReadSummary = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    ps = ws.page_setup
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                cells[c.coordinate] = {"t": c.data_type, "f": c.number_format}
    out[ws.title] = {
        "filter": ws.auto_filter.ref or "",
        "freeze": ws.freeze_panes or "",
        "titles": ws.print_title_rows or "",
        "page": {"orientation": ps.orientation or "", "paper": str(ps.paperSize or ""),
                 "fit_width": int(ps.fitToWidth if ps.fitToWidth is not None else -1),
                 "fit_height": int(ps.fitToHeight if ps.fitToHeight is not None else -1),
                 "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)},
        "cells": cells,
    }
print(json.dumps(out, ensure_ascii=False))
`

// openpyxlSummary reads 汇总.xlsx with openpyxl (skipped without it,
// except in CI).
func openpyxlSummary(t *testing.T, path string) map[string]pySheet {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		if py, err = exec.LookPath("python3"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("python3 is required in CI: %v", err)
			}
			t.Skipf("python3 not installed: %v", err)
		}
	}
	if err := exec.Command(py, "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("openpyxl is required in CI: %v", err)
		}
		t.Skipf("openpyxl not installed: %v", err)
	}
	b, err := exec.Command(py, "-c", pyReadSummary, path).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("openpyxl cannot read 汇总.xlsx: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var out map[string]pySheet
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("openpyxl output: %v\n%s", err, b)
	}
	return out
}
