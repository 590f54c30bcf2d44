package reader

import (
	"bytes"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/shopspring/decimal"
)

// handmade lays out a sheet the template writer never produces: T05 and
// T09 stacked in one sheet, titles with a unit-and-year prefix, 部门 and
// 金额单位 in one cell, amounts in 元 written in several ways, and the
// 三公 header with vertical and horizontal merges.
func handmade(t *testing.T) []byte {
	t.Helper()
	b := xlsx.NewBuilder()
	defer b.Close()
	st := xlsx.BuildPlain
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.AddSheet("决算"))
	s := func(r, c int, v string) { must(b.SetString(r, c, v, st)) }
	n := func(r, c int, v string) { must(b.SetNumber(r, c, decimal.RequireFromString(v), 2, st)) }
	m := func(r1, c1, r2, c2 int) { must(b.Merge(r1, c1, r2, c2)) }
	// T05 at B2.
	s(2, 2, "某某局2024年度一般公共预算财政拨款支出决算表")
	m(2, 2, 2, 6)
	s(3, 2, "部门：某某局    金额单位：元")
	s(4, 2, "项目")
	m(4, 2, 4, 3)
	s(4, 4, "本年支出")
	m(4, 4, 4, 6)
	s(5, 2, "科目编码")
	s(5, 3, "科目名称")
	s(5, 4, "合计")
	s(5, 5, "基本支出")
	s(5, 6, "项目支出")
	rows := [][]string{
		{"201", "一般公共服务支出", "1,000.00", "400", "600"},
		{"20101", "人大事务", "1000", "(0.00)", "—"},
		{"2010101.0", "行政运行", "１０００", "400.00", "-"},
	}
	for i, row := range rows {
		s(6+i, 2, row[0])
		s(6+i, 3, row[1])
		for j, v := range row[2:] {
			if j == 1 && i == 0 {
				n(6+i, 4+j, v)
				continue
			}
			s(6+i, 4+j, v)
		}
	}
	s(9, 2, "合计")
	m(9, 2, 9, 3)
	n(9, 4, "1000")
	n(9, 5, "400")
	n(9, 6, "600")
	s(10, 2, "注：本表反映部门本年度一般公共预算财政拨款支出情况。")
	// T09 below it, interleaved, from B13.
	s(13, 2, "财政拨款“三公”经费支出决算表")
	m(13, 2, 13, 13)
	s(14, 13, "单位：元")
	s(15, 2, "财政拨款“三公”经费")
	m(15, 2, 15, 13)
	items := []struct {
		label  string
		c1, c2 int
		vert   bool
	}{{"合计", 2, 3, true}, {"因公出国（境）费", 4, 5, true}, {"公务用车购置及运行维护费", 6, 11, false}, {"公务接待费", 12, 13, true}}
	for _, it := range items {
		s(16, it.c1, it.label)
		if it.vert {
			m(16, it.c1, 17, it.c2)
		} else {
			m(16, it.c1, 16, it.c2)
		}
	}
	s(17, 6, "小计")
	m(17, 6, 17, 7)
	s(17, 8, "公务用车购置费")
	m(17, 8, 17, 9)
	s(17, 10, "公务用车运行维护费")
	m(17, 10, 17, 11)
	for i := 0; i < 6; i++ {
		s(18, 2+2*i, "预算数")
		s(18, 3+2*i, "决算数")
	}
	for i, v := range []string{"10", "9", "1", "0", "6", "5", "0", "0", "6", "5", "3", "4"} {
		n(19, 2+i, v)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHandmadeSheet(t *testing.T) {
	wb, _, err := Read(bytes.NewReader(handmade(t)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(wb.Tables) != 2 || wb.Unit != model.Yuan || wb.UnitName != "某某局" {
		t.Fatalf("tables %d unit %s name %q", len(wb.Tables), wb.Unit, wb.UnitName)
	}
	t05, t09 := wb.Table(model.T05), wb.Table(model.T09)
	if t05 == nil || t09 == nil {
		t.Fatal("T05 or T09 not located")
	}
	if t05.Range != "B2:F9" || t05.Style != model.StyleShanghai || t09.Variant != "interleaved" || t09.Unit != model.Yuan {
		t.Errorf("T05 range %s style %s; T09 variant %s unit %s", t05.Range, t05.Style, t09.Variant, t09.Unit)
	}
	tests := []struct {
		tb       *model.Table
		row, col string
		addr     string
		value    string
		blank    bool
		decimals int
	}{
		{t05, "201", "合计", "D6", "1000", false, 2},
		{t05, "201", "基本支出", "E6", "400", false, 2},
		{t05, "20101", "基本支出", "E7", "0", false, 2},
		{t05, "20101", "项目支出", "F7", "0", false, 2}, // "—": a typed 0, not blank
		{t05, "2010101", "合计", "D8", "1000", false, 2},
		{t05, "2010101", "项目支出", "F8", "0", false, 2}, // "-"
		{t05, "合计", "项目支出", "F9", "600", false, 2},
		{t09, "三公经费", "预算数/合计", "B19", "10", false, 2},
		{t09, "三公经费", "决算数/合计", "C19", "9", false, 2},
		{t09, "三公经费", "预算数/公务用车购置及运行费", "F19", "6", false, 2},
		{t09, "三公经费", "决算数/公务用车运行费", "K19", "5", false, 2},
		{t09, "三公经费", "决算数/公务接待费", "M19", "4", false, 2},
	}
	for _, tt := range tests {
		c := tt.tb.Cell(tt.row, tt.col)
		if c == nil {
			t.Errorf("%s %s/%s missing", tt.tb.ID, tt.row, tt.col)
			continue
		}
		if c.Addr != tt.addr || c.Value.String() != tt.value || c.Blank != tt.blank || c.Decimals != tt.decimals || c.Sheet != "决算" {
			t.Errorf("%s %s/%s = %s %s blank=%v dec=%d, want %s %s blank=%v dec=%d", tt.tb.ID, tt.row, tt.col,
				c.Addr, c.Value, c.Blank, c.Decimals, tt.addr, tt.value, tt.blank, tt.decimals)
		}
	}
	if len(t05.Rows) != 4 || len(t09.Cells()) != 12 {
		t.Errorf("T05 rows %d, T09 cells %d", len(t05.Rows), len(t09.Cells()))
	}
	noFindings(t, wb, RuleMissingTable)
}
