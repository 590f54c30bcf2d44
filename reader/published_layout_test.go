package reader

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/shopspring/decimal"
)

// Layouts seen in published workbooks that juesuan's own writer never
// prints (issue 10): 合计 on the 类|款|项 header row, titles with prefixes
// and suffixes, codes typed whole or spaced in split code columns, header
// cells and names broken over lines, merged headers. Each case builds one
// small sheet with the xlsx builder (excelize, an independent writer).

// grid is a sheet: rows from row 1, cells from column A. A cell "#12.30"
// is a number formatted with 2 decimals, "#6" an integer (General), any
// other non-empty cell a string.
type grid struct {
	rows   [][]string
	merges [][4]int // r1, c1, r2, c2
}

func (g grid) bytes(t *testing.T) []byte {
	t.Helper()
	b := xlsx.NewBuilder()
	defer b.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.AddSheet("表"))
	for r, row := range g.rows {
		for c, v := range row {
			switch {
			case v == "":
			case strings.HasPrefix(v, "#") && !strings.Contains(v, "."):
				n, err := strconv.Atoi(v[1:])
				must(err)
				must(b.SetInt(r+1, c+1, n, xlsx.BuildPlain))
			case strings.HasPrefix(v, "#"):
				must(b.SetNumber(r+1, c+1, decimal.RequireFromString(v[1:]), 2, xlsx.BuildPlain))
			default:
				must(b.SetString(r+1, c+1, v, xlsx.BuildPlain))
			}
		}
	}
	for _, m := range g.merges {
		must(b.Merge(m[0], m[1], m[2], m[3]))
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// t02Head is the Shanghai 收入决算表 header: 项目 over the code and name
// columns, 功能分类科目编码 over 类|款|项, value headers over two rows, and
// the 类|款|项 row carrying 合计 and the totals.
func t02Head(title string, total ...string) [][]string {
	rows := [][]string{
		{title},
		{"", "", "", "", "", "", "", "", "", "", "单位：万元"},
		{"项目", "", "", "", "本年收入\n合计", "财政拨款\n收入", "上级补助\n收入", "事业收入", "经营收入", "附属单位\n上缴收入", "其他收入"},
		{"功能分类科目编码", "", "", "科目\n名称"},
		append([]string{"类", "款", "项", "合计"}, total...),
	}
	return rows
}

var t02Merges = [][4]int{{1, 1, 1, 11}, {3, 1, 3, 4}, {4, 1, 4, 3}, {3, 5, 4, 5}, {3, 6, 4, 6}, {3, 7, 4, 7}, {3, 8, 4, 8}, {3, 9, 4, 9}, {3, 10, 4, 10}, {3, 11, 4, 11}}

// t05Head is the Shanghai 一般公共预算财政拨款支出决算表 header (合计 last):
// a pure 类|款|项 row.
func t05Head(title string) [][]string {
	return [][]string{
		{title},
		{"", "", "", "", "", "", "单位：万元"},
		{"项目", "", "", "", "本年支出"},
		{"功能分类科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"},
		{"类", "款", "项"},
	}
}

var t05Merges = [][4]int{{1, 1, 1, 7}, {3, 1, 3, 4}, {3, 5, 3, 7}, {4, 1, 4, 3}, {4, 4, 5, 4}, {4, 5, 5, 5}, {4, 6, 5, 6}, {4, 7, 5, 7}}

func rowsOf(head [][]string, body ...[]string) [][]string { return append(head, body...) }

func TestPublishedLayouts(t *testing.T) {
	tests := []struct {
		name  string
		g     grid
		table model.TableID
		// want maps "row/column" to the value read ("" = blank cell).
		want map[string]string
		// rows is the number of rows the table must have.
		rows int
		// absent lists rules no finding may have (besides the always
		// forbidden S10 unknown row and S04 unknown column).
		absent []string
		note   string // the empty-table statement expected
	}{
		{
			name: "a: T02 合计 on the 类|款|项 row, code parts repeated",
			g: grid{rows: rowsOf(t02Head("收入决算表", "#307.82", "#307.82"),
				[]string{"201", "", "", "一般公共服务支出", "#264.87", "#264.87"},
				[]string{"201", "39", "", "社会工作事务", "#264.87", "#264.87"},
				[]string{"201", "39", "01", "行政运行", "#264.87", "#264.87"},
				[]string{"221", "", "", "住房保障支出", "#43.00", "#43.00"},
				[]string{"221", "02", "", "住房改革支出", "#43.00", "#43.00"},
				[]string{"221", "02", "01", "住房公积金", "#43.00", "#43.00"},
				[]string{"注：本表反映部门本年度取得的各项收入情况。"}), merges: t02Merges},
			table: model.T02, rows: 7,
			want: map[string]string{"合计/本年收入合计": "307.82", "合计/财政拨款收入": "307.82", "合计/其他收入": "",
				"201/本年收入合计": "264.87", "2013901/财政拨款收入": "264.87", "2210201/本年收入合计": "43"},
		},
		{
			name: "a: T03 合计 on the 类|款|项 row, parent parts blank on child rows",
			g: grid{rows: [][]string{
				{"支出决算表"},
				{"", "", "", "", "", "", "", "", "", "单位：万元"},
				{"项目", "", "", "", "本年支出\n合计", "基本支出", "项目支出", "上缴上级\n支出", "经营支出", "对附属单位\n补助支出"},
				{"功能分类科目编码", "", "", "科目名称"},
				{"类", "款", "项", "合计", "#20.00", "#20.00", "0.00", "0.00", "0.00", "0.00"},
				{"201", "", "", "一般公共服务支出", "#20.00", "#20.00"},
				{"", "39", "", "社会工作事务", "#20.00", "#20.00"},
				{"", "", "01", "行政运行", "#12.00", "#12.00"},
				{"", "", "50", "事业运行", "#8.00", "#8.00"},
			}, merges: [][4]int{{3, 1, 3, 4}, {4, 1, 4, 3}, {3, 5, 4, 5}, {3, 6, 4, 6}, {3, 7, 4, 7}}},
			table: model.T03, rows: 5,
			want: map[string]string{"合计/本年支出合计": "20", "合计/项目支出": "0", "20139/基本支出": "20",
				"2013901/本年支出合计": "12", "2013950/基本支出": "8"},
		},
		{
			name: "a: empty T07 with 合计 on the 类|款|项 row and its 说明",
			g: grid{rows: [][]string{
				{"政府性基金预算财政拨款收入支出决算表"},
				{"", "", "", "", "", "", "", "", "", "单位：万元"},
				{"项目", "", "", "", "年初结转\n和结余", "本年收入", "本年支出", "", "", "年末结转\n和结余"},
				{"功能分类科目编码", "", "", "科目名称", "", "", "小计", "基本支出", "项目支出"},
				{"类", "款", "项", "合计"},
				{"注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。"},
				{"说明：某单位本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"},
			}, merges: [][4]int{{3, 1, 3, 4}, {4, 1, 4, 3}, {3, 5, 4, 5}, {3, 6, 4, 6}, {3, 7, 3, 9}, {3, 10, 4, 10}}},
			table: model.T07, rows: 1, absent: []string{RuleMissingColumn},
			want: map[string]string{"合计/本年收入": "", "合计/本年支出小计": ""},
			note: "说明：某单位本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。",
		},
		{
			name: "a: empty T08 without a 合计 row: the notes end the header",
			g: grid{rows: [][]string{
				{"国有资本经营预算财政拨款收入支出决算表"},
				{"", "", "", "", "", "", "", "", "", "单位：万元"},
				{"项目", "", "", "", "年初结转\n和结余", "本年收入", "本年支出", "", "", "年末结转\n和结余"},
				{"功能分类科目编码", "", "", "科目名称", "", "", "小计", "基本支出", "项目支出"},
				{"类", "款", "项"},
				{"注：本表反映部门本年度国有资本经营预算财政拨款收入支出及结转和结余情况。"},
				{"说明：某单位本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。"},
			}, merges: [][4]int{{3, 1, 3, 4}, {4, 1, 4, 3}, {3, 5, 4, 5}, {3, 6, 4, 6}, {3, 7, 3, 9}, {3, 10, 4, 10}}},
			table: model.T08, rows: 0, absent: []string{RuleMissingColumn},
			note: "说明：某单位本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。",
		},
		{
			name: "c: codes typed whole, spaced or dashed in the 类 column; merged header (e)",
			g: grid{rows: rowsOf(t05Head("一般公共预算财政拨款支出决算表"),
				[]string{"201", "", "", "一般公共服务支出", "#30.00", "#10.00", "#20.00"},
				[]string{"20139", "", "", "社会工作事务", "#30.00", "#10.00", "#20.00"},
				[]string{"2013901", "", "", "行政运行", "#10.00", "#10.00"},
				[]string{"201 39 99", "", "", "其他社会工作事务支出", "#20.00", "", "#20.00"},
				[]string{"208", "", "", "社会保障和就业支出", "#5.00", "#5.00"},
				[]string{"208-05", "", "", "行政事业单位养老支出", "#5.00", "#5.00"},
				[]string{"20805", "", "05", "机关事业单位基本养老保险缴费支出", "#5.00", "#5.00"},
				[]string{"合计", "", "", "", "#35.00", "#15.00", "#20.00"}), merges: append(t05Merges, [4]int{13, 1, 13, 4})},
			table: model.T05, rows: 8,
			want: map[string]string{"20139/合计": "30", "2013901/基本支出": "10", "2013999/项目支出": "20",
				"20805/合计": "5", "2080505/基本支出": "5", "合计/合计": "35"},
		},
		{
			name: "c: parts typed as numbers (6 for 06), a 类 code in the 款 column",
			g: grid{rows: rowsOf(t05Head("一般公共预算财政拨款支出决算表"),
				[]string{"#201", "", "", "一般公共服务支出", "#30.00", "#30.00"},
				[]string{"#201", "#6", "", "财政事务", "#30.00", "#30.00"},
				[]string{"#201", "#6", "#1", "行政运行", "#30.00", "#30.00"},
				[]string{"", "221", "", "住房保障支出", "#2.00", "#2.00"},
				[]string{"", "2", "", "住房改革支出", "#2.00", "#2.00"},
				[]string{"", "", "1", "住房公积金", "#2.00", "#2.00"},
				[]string{"合计", "", "", "", "#32.00", "#32.00"}), merges: append(t05Merges, [4]int{12, 1, 12, 4})},
			table: model.T05, rows: 7,
			want: map[string]string{"20106/合计": "30", "2010601/基本支出": "30", "221/合计": "2", "22102/合计": "2", "2210201/基本支出": "2"},
		},
		{
			name: "c: single code column with spaced and dashed codes",
			g: grid{rows: [][]string{
				{"一般公共预算财政拨款支出决算表"},
				{"", "", "", "单位：万元"},
				{"项目", "", "本年支出"},
				{"科目编码", "科目名称", "合计", "基本支出", "项目支出"},
				{"201", "一般公共服务支出", "#3.00", "#3.00"},
				{"201 06", "财政事务", "#3.00", "#3.00"},
				{"201-06-01", "行政运行", "#3.00", "#3.00"},
				{"合计", "", "#3.00", "#3.00"},
			}, merges: [][4]int{{3, 1, 3, 2}, {3, 3, 3, 5}}},
			table: model.T05, rows: 4,
			want: map[string]string{"20106/合计": "3", "2010601/基本支出": "3"},
		},
		{
			name: "d: header cells, labels and names broken over lines",
			g: grid{rows: [][]string{
				{"收入支出决算总表"},
				{"", "", "", "单位：万元"},
				{"收  入", "", "支  出"},
				{"项\n目", "决算数", "项    目", "决算数"},
				{"一、一般公共预算\n财政拨款收入", "#5.00", "一、一般公共\n服务支出", "#5.00"},
				{"本年收入\n合计", "#5.00", "本年支出\r\n合计", "#5.00"},
				{"使用非财政拨款结余\n（含专用结余）", "", "结余\n分配"},
				{"年初结转\n和结余", "", "年末结转\n和结余"},
				{"总  计", "#5.00", "总\n计", "#5.00"},
			}, merges: [][4]int{{1, 1, 1, 4}, {3, 1, 3, 2}, {3, 3, 3, 4}}},
			table: model.T01, rows: 10,
			want: map[string]string{"一般公共预算财政拨款收入/决算数": "5", "201/决算数": "5", "本年收入合计/决算数": "5",
				"本年支出合计/决算数": "5", "使用非财政拨款结余/决算数": "", "收入总计/决算数": "5", "支出总计/决算数": "5"},
		},
		{
			name: "d: T06 header and names with line breaks, 人员经费合计 on the last row",
			g: grid{rows: [][]string{
				{"一般公共预算财政拨款基本支出决算表"},
				{"", "", "", "", "", "单位：万元"},
				{"经济分类\n科目编码", "科目\n名称", "决算数", "经济分类\n科目编码", "科目\n名称", "决算数"},
				{"301", "工资福利\n支出", "#2.00", "302", "商品和\n服务支出", "#1.00"},
				{"30101", "基本\n工资", "#2.00", "30201", "办公费", "#1.00"},
				{"人员经费\n合计", "", "#2.00", "公用经费\n合计", "", "#1.00"},
			}, merges: [][4]int{{6, 1, 6, 2}, {6, 4, 6, 5}}},
			table: model.T06, rows: 6, absent: []string{RuleCatalog},
			want: map[string]string{"301/决算数": "2", "30101/决算数": "2", "30201/决算数": "1", "人员经费合计/决算数": "2", "公用经费合计/决算数": "1"},
		},
		{
			name: "c, e: T06 codes split 类|款 under a merged 经济分类科目编码 ([S3]), one 款 typed whole",
			g: grid{rows: [][]string{
				{"一般公共预算财政拨款基本支出决算表"},
				{"", "", "", "", "", "", "", "单位：万元"},
				{"经济分类科目编码", "", "科目名称", "决算数", "经济分类科目编码", "", "科目名称", "决算数"},
				{"类", "款", "", "", "类", "款"},
				{"301", "", "工资福利支出", "#2.00", "302", "", "商品和服务支出", "#1.00"},
				{"", "01", "基本工资", "#2.00", "302 01", "", "办公费", "#1.00"},
				{"人员经费合计", "", "", "#2.00", "公用经费合计", "", "", "#1.00"},
			}, merges: [][4]int{{3, 1, 3, 2}, {3, 3, 4, 3}, {3, 4, 4, 4}, {3, 5, 3, 6}, {3, 7, 4, 7}, {3, 8, 4, 8}, {7, 1, 7, 3}, {7, 5, 7, 7}}},
			table: model.T06, rows: 6,
			want: map[string]string{"301/决算数": "2", "30101/决算数": "2", "302/决算数": "1", "30201/决算数": "1", "人员经费合计/决算数": "2", "公用经费合计/决算数": "1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, _, err := Read(bytes.NewReader(tt.g.bytes(t)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			tb := wb.Table(tt.table)
			if tb == nil {
				t.Fatalf("%s not located", tt.table)
			}
			forbidden := append([]string{RuleUnknownRow, RuleUnknownColumn, RuleNonNumeric, RuleDuplicateRow, RuleOrphanCode}, tt.absent...)
			for _, f := range wb.Findings {
				for _, r := range forbidden {
					if f.Rule == r {
						t.Errorf("finding %s %s: %s", f.Rule, f.Cell, f.Message)
					}
				}
			}
			if len(tb.Rows) != tt.rows {
				var keys []string
				for _, r := range tb.Rows {
					keys = append(keys, r.Key)
				}
				t.Errorf("%d rows %v, want %d", len(tb.Rows), keys, tt.rows)
			}
			keys := make([]string, 0, len(tt.want))
			for k := range tt.want {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				row, col, _ := strings.Cut(k, "/")
				c := tb.Cell(row, col)
				switch {
				case c == nil:
					t.Errorf("%s: no cell", k)
				case tt.want[k] == "" && !c.Blank:
					t.Errorf("%s = %s (%s), want blank", k, c.Value, c.Addr)
				case tt.want[k] != "" && (c.Blank || !c.Value.Equal(decimal.RequireFromString(tt.want[k]))):
					t.Errorf("%s = %s blank=%v (%s), want %s", k, c.Value, c.Blank, c.Addr, tt.want[k])
				}
			}
			if tb.EmptyNote != tt.note {
				t.Errorf("EmptyNote = %q, want %q", tb.EmptyNote, tt.note)
			}
		})
	}
}

// TestPublishedTitles: titles as real files print them, with the prefixes
// and suffixes of tables.yaml's title_affixes.
func TestPublishedTitles(t *testing.T) {
	rd := &reader{spec: templates.MustLoad()}
	tests := []struct {
		text string
		want model.TableID // "" = no title
		core string        // the title proper, normalised
	}{
		{"收入支出决算总表", model.T01, "收入支出决算总表"},
		{"GK01 收入支出决算总表", model.T01, "收入支出决算总表"},
		{"gk02收入决算表", model.T02, "收入决算表"},
		{"收入支出决算总表（表1）", model.T01, "收入支出决算总表"},
		{"附表1 收入支出决算总表", model.T01, "收入支出决算总表"},
		{"附表1：收入支出决算总表", model.T01, "收入支出决算总表"},
		{"表一 收入支出决算总表", model.T01, "收入支出决算总表"},
		{"表1：收入支出决算总表", model.T01, "收入支出决算总表"},
		{"表3、支出决算表", model.T03, "支出决算表"},
		{"中共上海市普陀区委社会工作部2024年度收入支出决算总表", model.T01, "收入支出决算总表"},
		{"中共上海市普陀区委社会工作部 2024 年度 财政拨款收入支出决算总表", model.T04, "财政拨款收入支出决算总表"},
		{"附表5：某某局2024年度部门决算一般公共预算财政拨款支出决算表（表5）", model.T05, "一般公共预算财政拨款支出决算表"},
		{"公开06表 一般公共预算财政拨款基本支出决算明细表", model.T06, "一般公共预算财政拨款基本支出决算明细表"},
		{"国有资本经营预算财政拨款支出决算表(2024年度)", model.T08, "国有资本经营预算财政拨款支出决算表"},
		{"表七 财政拨款“三公”经费支出决算表", model.T09, "财政拨款\"三公\"经费支出决算表"},
		{"一般公共预算财政拨款支出决算表", model.T05, "一般公共预算财政拨款支出决算表"},
		// Not titles: other words before or after the title.
		{"财政拨款收入决算表", "", ""},
		{"收入支出决算总表说明", "", ""},
		{"关于收入支出决算总表的说明", "", ""},
	}
	for _, tt := range tests {
		h, ok := rd.matchTitleUncached(tt.text)
		var got model.TableID
		if ok {
			got = h.spec.ID
		}
		if got != tt.want || ok && h.title != tt.core {
			t.Errorf("%q: table %q title %q, want %q %q", tt.text, got, h.title, tt.want, tt.core)
		}
	}
}
