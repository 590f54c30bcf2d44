package annotate

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
)

func sampleBook(t *testing.T) (*xlsx.Book, *model.Workbook) {
	t.Helper()
	var buf bytes.Buffer
	wb, err := templates.Write(&buf, templates.CaseA(), templates.Options{OmitDerived: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := xlsx.OpenBytes(buf.Bytes(), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, wb
}

// cellOf returns a blank derived cell and two typed cells of the sample.
func cellsOf(t *testing.T, wb *model.Workbook) (blank, typed1, typed2 *model.Cell) {
	for _, c := range wb.Table(model.T05).Cells() {
		switch {
		case c.Blank && c.Derived && blank == nil:
			blank = c
		case !c.Blank && typed1 == nil:
			typed1 = c
		case !c.Blank && typed2 == nil:
			typed2 = c
		}
	}
	if blank == nil || typed2 == nil {
		t.Fatal("sample T05 lacks blank derived or typed cells")
	}
	return
}

func TestAnnotateMarksNotesAndResults(t *testing.T) {
	b, wb := sampleBook(t)
	blank, typed1, typed2 := cellsOf(t, wb)
	finding := func(sev model.Severity, c *model.Cell, rule string) model.Finding {
		f := model.Finding{Rule: rule, Severity: sev, Table: c.Table, Sheet: c.Sheet, Cell: c.Addr,
			Cells: []model.CellRef{{Sheet: c.Sheet, Cell: c.Addr, Value: c.Value.String()}}, Message: rule + " 说明",
			Expected: "1.00", Actual: "1.02", Difference: "0.02", Tolerance: "0.015"}
		f.SetFingerprint()
		return f
	}
	findings := []model.Finding{
		finding(model.SevInfo, blank, "R05.2"), // on a filled cell: filled colour wins over info
		finding(model.SevError, typed1, "X12"),
		finding(model.SevInfo, typed1, "R05.1"), // same cell: error wins, notes merge
		finding(model.SevWarning, typed2, "R05.3"),
	}
	fills := []model.Fill{{Sheet: blank.Sheet, Cell: blank.Addr, Value: "123.45", Rule: "R05.2", Table: blank.Table, Row: blank.Row, Col: blank.Col}}
	rep := model.NewReport(wb, findings, fills)
	// Asked to mark 尾差: its note merges into the error's cell.
	if err := AnnotateWith(b, wb, rep, Options{MarkRounding: true}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := b.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	s, err := xlsxtest.TakeSnapshot(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[*model.Cell]string{blank: xlsx.MarkFilled, typed1: xlsx.MarkError, typed2: xlsx.MarkWarning}
	for c, kind := range want {
		got := s.Cells[c.Sheet+"!"+c.Addr]
		if !strings.Contains(got.Fill, xlsx.MarkColor(kind)) {
			t.Errorf("%s!%s fill %s, want %s", c.Sheet, c.Addr, got.Fill, kind)
		}
	}
	if v := s.Cells[blank.Sheet+"!"+blank.Addr].Value; v != "123.45" {
		t.Errorf("filled value %q", v)
	}
	n1 := s.Comments[typed1.Sheet+"!"+typed1.Addr]
	if !strings.Contains(n1, "[错误] X12") || !strings.Contains(n1, "[尾差] R05.1") || !strings.Contains(n1, "应为 1.00，实为 1.02，差额 0.02，容差 0.015") {
		t.Errorf("merged note = %q", n1)
	}
	if n := s.Comments[blank.Sheet+"!"+blank.Addr]; !strings.Contains(n, "R05.2") || strings.Contains(n, "补填") {
		t.Errorf("filled cell note = %q (a plain fill gets no note of its own)", n)
	}
	// 审核结果: a row per finding and per fill, errors first, with links.
	var rules []string
	for r := 6; ; r++ {
		c, ok := s.Cells[ResultsSheet+"!C"+itoa(r)]
		if !ok || c.Value == "" {
			break
		}
		rules = append(rules, c.Value)
	}
	if got := strings.Join(rules, ","); got != "X12,R05.3,R05.1,R05.2,R05.2" {
		t.Errorf("results rules = %s", got)
	}
	if s.Cells[ResultsSheet+"!A2"].Value != Summary(rep) || !strings.Contains(Summary(rep), "错误 1 条，提示 1 条，尾差 2 条，补填 1 个单元格") {
		t.Errorf("summary %q", s.Cells[ResultsSheet+"!A2"].Value)
	}
	if d := s.Cells[ResultsSheet+"!D6"].Value; d != "公开05表 一般公共预算财政拨款支出决算表" {
		t.Errorf("table column = %q", d)
	}
}

// By default a 尾差 info leaves the cell as the user typed it — no colour,
// no note — and is listed in 审核结果 only; MarkRounding marks it green
// with its note. Both write paths.
func TestRoundingMarkedOnlyWhenAsked(t *testing.T) {
	paths := []struct {
		name string
		run  func(b *xlsx.Book, wb *model.Workbook, rep model.Report, opt Options) error
	}{{"excelize", AnnotateWith}, {"direct", AnnotateDirectWith}}
	for _, p := range paths {
		for _, mark := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/mark=%v", p.name, mark), func(t *testing.T) {
				b, wb := sampleBook(t)
				_, typed1, typed2 := cellsOf(t, wb)
				mk := func(sev model.Severity, c *model.Cell, rule string) model.Finding {
					f := model.Finding{Rule: rule, Severity: sev, Table: c.Table, Sheet: c.Sheet, Cell: c.Addr,
						Cells: []model.CellRef{{Sheet: c.Sheet, Cell: c.Addr, Value: c.Value.String()}}, Message: rule + " 说明",
						Expected: "1.00", Actual: "1.01", Difference: "0.01", Tolerance: "0.015"}
					f.SetFingerprint()
					return f
				}
				rep := model.NewReport(wb, []model.Finding{mk(model.SevInfo, typed1, "R05.1"), mk(model.SevWarning, typed2, "R05.3")}, nil)
				if err := p.run(b, wb, rep, Options{MarkRounding: mark}); err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				if _, err := b.WriteTo(&out); err != nil {
					t.Fatal(err)
				}
				s, err := xlsxtest.TakeSnapshot(bytes.NewReader(out.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				at := typed1.Sheet + "!" + typed1.Addr
				green := strings.Contains(s.Cells[at].Fill, xlsx.MarkColor(xlsx.MarkInfo))
				noted := strings.Contains(s.Comments[at], "[尾差] R05.1")
				if green != mark || noted != mark {
					t.Errorf("尾差 cell %s: green %v, note %v (%q); want both %v", at, green, noted, s.Comments[at], mark)
				}
				if w := typed2.Sheet + "!" + typed2.Addr; !strings.Contains(s.Cells[w].Fill, xlsx.MarkColor(xlsx.MarkWarning)) {
					t.Errorf("warning cell %s not marked: %q", w, s.Cells[w].Fill)
				}
				var rules []string
				for r := 6; ; r++ {
					c, ok := s.Cells[ResultsSheet+"!C"+itoa(r)]
					if !ok || c.Value == "" {
						break
					}
					rules = append(rules, c.Value)
				}
				if got := strings.Join(rules, ","); got != "R05.3,R05.1" {
					t.Errorf("审核结果 rules = %s, want the 尾差 listed either way", got)
				}
			})
		}
	}
}

func TestApplyExplanations(t *testing.T) {
	fs := []model.Finding{
		{Rule: "R05.3", Severity: model.SevWarning, Sheet: "s", Cell: "A1"},
		{Rule: "X12", Severity: model.SevError, Sheet: "s", Cell: "A2"},
		{Rule: "R09.5", Severity: model.SevWarning, Sheet: "s", Cell: "A3"},
	}
	for i := range fs {
		fs[i].SetFingerprint()
	}
	ApplyExplanations(fs, map[string]string{fs[0].Fingerprint: "已说明", fs[1].Fingerprint: "错误也写了说明", "unknown": "x"})
	if !fs[0].Explained || fs[0].Explanation != "已说明" {
		t.Errorf("warning: %+v", fs[0])
	}
	if fs[1].Explained || fs[1].Explanation == "" {
		t.Errorf("an error is never 'explained' but keeps its text: %+v", fs[1])
	}
	if fs[2].Explained {
		t.Errorf("unexplained warning marked explained")
	}
	rep := model.NewReport(&model.Workbook{}, fs, nil)
	if rep.Summary.Explained != 1 || rep.Status != "fail" {
		t.Errorf("summary %+v status %s", rep.Summary, rep.Status)
	}
}

func TestSummary(t *testing.T) {
	rep := model.Report{Status: "warn", Summary: model.Summary{Errors: 0, Warnings: 2, Explained: 1, Infos: 3, Filled: 4}}
	if got, want := Summary(rep), "审核通过（有提示）：错误 0 条，提示 2 条（已说明 1 条），尾差 3 条，补填 4 个单元格"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
