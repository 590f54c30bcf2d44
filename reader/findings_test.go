package reader

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/catalog"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
)

// locate returns the address of the first cell of sheet whose text is text.
func locate(t *testing.T, data []byte, sheet, text string) (addr string, row, col int) {
	t.Helper()
	b, err := xlsx.Open(bytes.NewReader(data), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := b.Grid(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= g.MaxRow; r++ {
		for c := 1; c <= g.MaxCol; c++ {
			if g.Text(r, c) == text {
				return xlsx.Addr(r, c), r, c
			}
		}
	}
	t.Fatalf("%s: no cell %q", sheet, text)
	return "", 0, 0
}

// TestStructuralFindings mutates the Case A workbook and checks that each
// structural problem yields its finding, with severity and address.
func TestStructuralFindings(t *testing.T) {
	base, want := write(t, templates.CaseA(), templates.Options{})
	cellOf := func(id model.TableID, row, col string) string {
		c := want.Table(id).Cell(row, col)
		if c == nil {
			t.Fatalf("%s %s/%s not written", id, row, col)
		}
		return c.Addr
	}
	s02, s03, s05, s06, s07 := "公开02表", "公开03表", "公开05表", "公开06表", "公开07表"
	code22401, _, _ := locate(t, base, s03, "22401")
	code2240101, _, _ := locate(t, base, s03, "2240101")
	code208, r208, c208 := locate(t, base, s02, "208")
	_ = r208
	_ = c208
	name208, _, _ := locate(t, base, s02, "社会保障和就业支出")
	_, rh, ch := locate(t, base, s03, "对附属单位补助支出")
	hdrSY, _, _ := locate(t, base, s02, "事业收入")
	num02, _, _ := locate(t, base, s02, "公开02表")
	title06, _, _ := locate(t, base, s06, "一般公共预算财政拨款基本支出决算表")
	title07, _, _ := locate(t, base, s07, "政府性基金预算财政拨款收入支出决算表")
	title03, _, _ := locate(t, base, s03, "支出决算表")
	title05, _, _ := locate(t, base, s05, "一般公共预算财政拨款支出决算表")
	name2240101, _, _ := locate(t, base, s03, "行政运行")
	tests := []struct {
		name     string
		edits    []xlsxtest.CellEdit
		rule     string
		severity model.Severity
		table    model.TableID
		cell     string // "" = any
	}{
		{"table missing", []xlsxtest.CellEdit{{Sheet: s03, Cell: title03, Value: "其他说明"}}, RuleMissingTable, model.SevError, model.T03, ""},
		{"T07 missing", []xlsxtest.CellEdit{{Sheet: s07, Cell: title07, Value: "其他说明"}}, RuleMissingTable, model.SevWarning, model.T07, ""},
		{"duplicate code", []xlsxtest.CellEdit{{Sheet: s03, Cell: code2240101, Value: "22401"}}, RuleDuplicateRow, model.SevError, model.T03, code2240101},
		{"项 without 款", []xlsxtest.CellEdit{{Sheet: s03, Cell: code22401, Value: "22499"}}, RuleOrphanCode, model.SevError, model.T03, code2240101},
		{"unknown column", []xlsxtest.CellEdit{{Sheet: s03, Cell: xlsx.Addr(rh, ch+1), Value: "备注栏"}}, RuleUnknownColumn, model.SevWarning, model.T03, xlsx.Addr(rh, ch+1)},
		{"non-numeric amount", []xlsxtest.CellEdit{{Sheet: s02, Cell: cellOf(model.T02, "208", "财政拨款收入"), Value: "12.3.4"}}, RuleNonNumeric, model.SevError, model.T02, cellOf(model.T02, "208", "财政拨款收入")},
		{"text amount", []xlsxtest.CellEdit{{Sheet: s02, Cell: cellOf(model.T02, "208", "事业收入"), Value: "abc"}}, RuleNonNumeric, model.SevError, model.T02, cellOf(model.T02, "208", "事业收入")},
		{"amount out of range", []xlsxtest.CellEdit{{Sheet: s02, Cell: cellOf(model.T02, "208", "事业收入"), Value: "1E+100000"}}, RuleNonNumeric, model.SevError, model.T02, cellOf(model.T02, "208", "事业收入")},
		{"huge typed amount", []xlsxtest.CellEdit{{Sheet: s02, Cell: cellOf(model.T02, "208", "事业收入"), Value: 1e20}}, RuleNonNumeric, model.SevError, model.T02, cellOf(model.T02, "208", "事业收入")},
		{"sheet number disagrees", []xlsxtest.CellEdit{{Sheet: s02, Cell: num02, Value: "公开05表"}}, RuleNumberMismatch, model.SevWarning, model.T02, ""},
		{"title variant", []xlsxtest.CellEdit{{Sheet: s06, Cell: title06, Value: "一般公共预算财政拨款基本支出决算明细表"}}, RuleTitleVariant, model.SevWarning, model.T06, title06},
		{"unknown code", []xlsxtest.CellEdit{{Sheet: s02, Cell: code208, Value: "299"}}, RuleCatalog, model.SevWarning, model.T02, code208},
		{"confirmed name differs", []xlsxtest.CellEdit{{Sheet: s02, Cell: name208, Value: "社会保障支出"}}, RuleCatalog, model.SevWarning, model.T02, code208},
		{"unconfirmed name differs", []xlsxtest.CellEdit{{Sheet: s03, Cell: name2240101, Value: "行政运转"}}, RuleCatalog, model.SevInfo, model.T03, code2240101},
		{"negative amount", []xlsxtest.CellEdit{{Sheet: s02, Cell: cellOf(model.T02, "208", "其他收入"), Value: -5.5}}, RuleNegative, model.SevWarning, model.T02, cellOf(model.T02, "208", "其他收入")},
		{"unknown row", []xlsxtest.CellEdit{{Sheet: s02, Cell: code208, Value: "某某项目"}, {Sheet: s02, Cell: name208, Value: nil}}, RuleUnknownRow, model.SevWarning, model.T02, code208},
		{"missing column", []xlsxtest.CellEdit{{Sheet: s02, Cell: hdrSY, Value: nil}}, RuleMissingColumn, model.SevError, model.T02, ""},
		{"table twice", []xlsxtest.CellEdit{{Sheet: s05, Cell: title05, Value: "支出决算表"}}, RuleDuplicateTable, model.SevWarning, model.T03, title05},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := xlsxtest.Edit(base, tt.edits...)
			if err != nil {
				t.Fatal(err)
			}
			wb := read(t, data)
			var found *model.Finding
			for i, f := range wb.Findings {
				if f.Rule == tt.rule && f.Table == tt.table && (tt.cell == "" || f.Cell == tt.cell) {
					found = &wb.Findings[i]
					break
				}
			}
			if found == nil {
				for _, f := range wb.Findings {
					t.Logf("have %s %s %s %s %s", f.Rule, f.Severity, f.Table, f.Cell, f.Message)
				}
				t.Fatalf("no %s finding for %s at %q", tt.rule, tt.table, tt.cell)
			}
			if found.Severity != tt.severity {
				t.Errorf("severity = %s, want %s", found.Severity, tt.severity)
			}
			if !hasHan(found.Message) || (found.Cell != "" && !strings.Contains(found.Message, found.Cell) && tt.rule != RuleTitleVariant && tt.rule != RuleNumberMismatch && tt.rule != RuleMissingColumn && tt.rule != RuleOrphanCode && tt.rule != RuleDuplicateTable) {
				t.Errorf("message %q should be Chinese and name the cell %s", found.Message, found.Cell)
			}
			if found.Fingerprint == "" || found.Cells == nil {
				t.Errorf("finding without fingerprint or cells: %+v", found)
			}
		})
	}
	// The unmodified workbook has none of these.
	noFindings(t, read(t, base))
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func TestReadErrors(t *testing.T) {
	blank, _ := write(t, nil, templates.Options{})
	var edits []xlsxtest.CellEdit
	for i, id := range model.AllTables {
		ts := templates.MustLoad().Table(id)
		sheet := ts.NumberLabel()
		_ = i
		title := ts.Name
		if id == model.T09 {
			title = "财政拨款“三公”经费支出决算表"
		}
		addr, _, _ := locate(t, blank, sheet, title)
		edits = append(edits, xlsxtest.CellEdit{Sheet: sheet, Cell: addr, Value: "说明"})
	}
	noTables, err := xlsxtest.Edit(blank, edits...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"no tables", noTables, model.ENoTables},
		{"not a zip", []byte("not a workbook"), model.ENotXLSX},
		{"truncated", blank[:len(blank)/3], model.ECorrupt},
		{"xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), model.EXLS},
	}
	for _, tt := range tests {
		_, _, err := Read(bytes.NewReader(tt.data), Options{})
		var me *model.Error
		if !errors.As(err, &me) || me.Code != tt.code || !hasHan(me.Message) {
			t.Errorf("%s: err = %v, want code %s with a Chinese message", tt.name, err, tt.code)
		}
	}
}

func TestCustomCatalog(t *testing.T) {
	data, _ := write(t, templates.CaseA(), templates.Options{})
	cat, err := catalog.Load(strings.NewReader("code,name,level,parent,source,confirmed\n201,一般公共服务支出,类,,x,yes\n"))
	if err != nil {
		t.Fatal(err)
	}
	wb, _, err := Read(bytes.NewReader(data), Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range wb.Findings {
		if f.Rule == RuleCatalog {
			n++
		}
	}
	if n == 0 {
		t.Error("a catalog without Case A's codes should warn about them")
	}
}

func TestFormulaCells(t *testing.T) {
	base, want := write(t, templates.CaseA(), templates.Options{})
	addr := want.Table(model.T02).Cell("208", "本年收入合计").Addr
	data, err := xlsxtest.Edit(base, xlsxtest.CellEdit{Sheet: "公开02表", Cell: addr, Formula: "SUM(D8:I8)"})
	if err != nil {
		t.Fatal(err)
	}
	c := read(t, data).Table(model.T02).Cell("208", "本年收入合计")
	if c.Formula != "SUM(D8:I8)" || !c.Blank {
		t.Errorf("formula without cached value: %+v", c)
	}
}
