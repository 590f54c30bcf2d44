package check

import (
	"fmt"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// fixture builds model workbooks in code, laid out the way the reader
// would report them (one sheet per table, A1 addresses by position).
type fixture struct {
	wb *model.Workbook
}

type ftable struct {
	t    *model.Table
	cols []string
	row  int
}

func newFixture() *fixture {
	return &fixture{wb: &model.Workbook{Tables: map[model.TableID]*model.Table{}, Unit: model.Wan}}
}

func (f *fixture) table(id model.TableID, name string, cols ...string) *ftable {
	t := model.NewTable(id)
	t.Name = name
	t.Title = name
	t.Number = fmt.Sprintf("公开%s表", strings.TrimPrefix(string(id), "T"))
	t.Sheet = t.Number
	t.Unit = model.Wan
	for i, c := range cols {
		t.Columns = append(t.Columns, &model.Column{Key: c, Header: c, SheetCol: i + 3})
	}
	f.wb.Tables[id] = t
	f.wb.Sheets = append(f.wb.Sheets, t.Sheet)
	return &ftable{t: t, cols: cols, row: 5}
}

func colName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

// add appends a row; vals align with the table's columns ("" = blank).
func (ft *ftable) add(key, label, side string, vals ...string) *ftable {
	code := ""
	if model.CodeLevel(key) > 0 {
		code = key
	}
	ft.t.Rows = append(ft.t.Rows, &model.Row{Key: key, Code: code, Level: model.CodeLevel(code), Label: label, Side: side, SheetRow: ft.row})
	for i, v := range vals {
		if i >= len(ft.cols) {
			break
		}
		c := &model.Cell{Key: model.Key{Row: key, Col: ft.cols[i]}, Sheet: ft.t.Sheet,
			Addr: fmt.Sprintf("%s%d", colName(i+3), ft.row), Raw: v, Decimals: 2}
		if v == "" {
			c.Blank = true
		} else {
			c.Value = decimal.RequireFromString(v)
		}
		ft.t.SetCell(c)
	}
	ft.row++
	return ft
}

var classCodes = []string{"201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214",
	"215", "216", "217", "219", "220", "221", "222", "223", "224", "229", "231", "232", "234"}

// caseC is spec §7 Case C (中共上海市普陀区委社会工作部, FY2024), built from the
// figures the spec lists.
func caseC() *model.Workbook {
	f := newFixture()
	t1 := f.table(model.T01, "收入支出决算总表", "决算数")
	inc := map[string]string{"一般公共预算财政拨款收入": "307.82", "本年收入合计": "307.82", "使用非财政拨款结余": "0", "年初结转和结余": "0", "收入总计": "307.82"}
	for _, k := range []string{"一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "上级补助收入",
		"事业收入", "经营收入", "附属单位上缴收入", "其他收入", "本年收入合计", "使用非财政拨款结余", "年初结转和结余", "收入总计"} {
		t1.add(k, k, "收入", inc[k])
	}
	exp := map[string]string{"201": "264.87", "208": "10.82", "210": "2.71", "221": "29.42"}
	for _, c := range classCodes {
		t1.add(c, c+"支出", "支出", exp[c])
	}
	for _, kv := range [][2]string{{"本年支出合计", "307.82"}, {"结余分配", "0"}, {"年末结转和结余", "0"}, {"支出总计", "307.82"}} {
		t1.add(kv[0], kv[0], "支出", kv[1])
	}

	codes := [][4]string{ // code, total, 基本, 项目
		{"合计", "307.82", "105.58", "202.24"},
		{"201", "264.87", "62.63", "202.24"}, {"20139", "264.87", "62.63", "202.24"},
		{"2013901", "51.32", "51.32", ""}, {"2013950", "11.31", "11.31", ""}, {"2013999", "202.24", "", "202.24"},
		{"208", "10.82", "10.82", ""}, {"20805", "10.82", "10.82", ""}, {"2080505", "6.18", "6.18", ""}, {"2080506", "4.64", "4.64", ""},
		{"210", "2.71", "2.71", ""}, {"21011", "2.71", "2.71", ""}, {"2101101", "2.22", "2.22", ""}, {"2101102", "0.49", "0.49", ""},
		{"221", "29.42", "29.42", ""}, {"22102", "29.42", "29.42", ""}, {"2210201", "17.70", "17.70", ""}, {"2210203", "11.72", "11.72", ""},
	}
	t2 := f.table(model.T02, "收入决算表", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
	t3 := f.table(model.T03, "支出决算表", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
	t5 := f.table(model.T05, "一般公共预算财政拨款支出决算表", "合计", "基本支出", "项目支出")
	for _, c := range codes {
		t2.add(c[0], c[0], "", c[1], c[1], "", "", "", "", "")
		t3.add(c[0], c[0], "", c[1], c[2], c[3], "", "", "")
	}
	for _, c := range codes[1:] {
		t5.add(c[0], c[0], "", c[1], c[2], c[3])
	}
	t5.add("合计", "合计", "", codes[0][1], codes[0][2], codes[0][3]) // Shanghai: 合计 last

	t4 := f.table(model.T04, "财政拨款收入支出决算总表", "决算数", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
	for _, kv := range [][2]string{{"一般公共预算财政拨款", "307.82"}, {"政府性基金预算财政拨款", ""}, {"国有资本经营预算财政拨款", ""},
		{"本年收入合计", "307.82"}, {"年初财政拨款结转和结余", "0"}, {"年初/一般公共预算财政拨款", "0"},
		{"年初/政府性基金预算财政拨款", ""}, {"年初/国有资本经营预算财政拨款", ""}, {"收入总计", "307.82"}} {
		t4.add(kv[0], kv[0], "收入", kv[1])
	}
	for _, c := range classCodes {
		t4.add(c, c+"支出", "支出", "", exp[c], exp[c], "", "")
	}
	t4.add("本年支出合计", "本年支出合计", "支出", "", "307.82", "307.82", "", "")
	t4.add("年末财政拨款结转和结余", "年末财政拨款结转和结余", "支出", "", "0", "0", "", "")
	t4.add("支出总计", "总计", "支出", "", "307.82", "307.82", "", "")

	t6 := f.table(model.T06, "一般公共预算财政拨款基本支出决算表", "决算数")
	for _, kv := range [][3]string{{"301", "95.36", "人员经费"}, {"30101", "14.12", "人员经费"}, {"30102", "39.72", "人员经费"},
		{"30107", "10.16", "人员经费"}, {"30108", "6.18", "人员经费"}, {"30109", "4.64", "人员经费"}, {"30110", "2.71", "人员经费"},
		{"30112", "0.09", "人员经费"}, {"30113", "17.70", "人员经费"}, {"30199", "0.04", "人员经费"}, {"303", "0.00", "人员经费"},
		{"302", "10.23", "公用经费"}, {"30201", "3.78", "公用经费"}, {"30211", "1.15", "公用经费"}, {"30213", "0.02", "公用经费"},
		{"30226", "0.68", "公用经费"}, {"30227", "0.48", "公用经费"}, {"30229", "1.48", "公用经费"}, {"30239", "2.43", "公用经费"},
		{"30299", "0.20", "公用经费"}, {"310", "0.00", "公用经费"},
		{"人员经费合计", "95.36", "人员经费"}, {"公用经费合计", "10.23", "公用经费"}} {
		t6.add(kv[0], kv[0], kv[2], kv[1])
	}
	fund := []string{"年初结转和结余", "本年收入", "本年支出小计", "基本支出", "项目支出", "年末结转和结余"}
	t7 := f.table(model.T07, "政府性基金预算财政拨款收入支出决算表", fund...)
	t7.add("合计", "合计", "", "", "", "", "", "", "")
	t7.t.EmptyNote = "说明：本单位本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"
	t8 := f.table(model.T08, "国有资本经营预算财政拨款收入支出决算表", fund...)
	t8.add("合计", "合计", "", "", "", "", "", "", "")
	t8.t.EmptyNote = "说明：本单位本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。"
	var sg []string
	for _, b := range []string{"预算数", "决算数"} {
		for _, it := range []string{"合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费"} {
			sg = append(sg, b+"/"+it)
		}
	}
	t9 := f.table(model.T09, "财政拨款\"三公\"经费支出决算表", sg...)
	t9.add("三公经费", "", "", make([]string, 12)...)
	t9.t.EmptyNote = "说明：本单位本年度没有财政拨款\"三公\"经费支出，故本表无数据。"
	return f.wb
}
