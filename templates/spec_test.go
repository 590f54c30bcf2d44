package templates

import (
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

func TestLoadSpec(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Classes) != 26 {
		t.Errorf("classes = %d, want 26", len(s.Classes))
	}
	for _, id := range model.AllTables {
		if s.Table(id) == nil {
			t.Errorf("%s missing", id)
		}
	}
}

// t07Note is a real empty-table statement of T07 (MOF wording).
const t07Note = "本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，政府性基金预算财政拨款收入支出决算表为空表。"

func TestMatchers(t *testing.T) {
	s := MustLoad()
	cases := []struct {
		name string
		got  bool
		want bool
	}{
		{"T09 title curly quotes", s.Table(model.T09).MatchesTitle("财政拨款“三公”经费支出决算表"), true},
		{"T09 title older", s.Table(model.T09).MatchesTitle("一般公共预算财政拨款\"三公\"经费支出决算表"), true},
		{"T06 明细表", s.Table(model.T06).MatchesTitle("一般公共预算财政拨款基本支出决算明细表"), true},
		{"T08 支出 only", s.Table(model.T08).MatchesTitle("国有资本经营预算财政拨款支出决算表"), true},
		{"T03 not T05", s.Table(model.T03).MatchesTitle("一般公共预算财政拨款支出决算表"), false},
		{"T01 spaced title", s.Table(model.T01).MatchesTitle(" 收入支出 决算总表 "), true},
		{"T07 empty note", s.Table(model.T07).IsEmptyNote("本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，政府性基金预算财政拨款收入支出决算表为空表。"), true},
		{"T07 Shanghai note", s.Table(model.T07).IsEmptyNote("说明：中共上海市普陀区委社会工作部本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"), true},
		{"T09 Shanghai note", s.Table(model.T09).IsEmptyNote("说明：中共上海市普陀区委社会工作部本年度没有财政拨款“三公”经费支出，故本表无数据。"), true},
		{"T09 note is not T07's", s.Table(model.T07).IsEmptyNote("说明：本单位本年度没有财政拨款“三公”经费支出，故本表无数据。"), false},
		{"T07 note padded to the bound", s.Table(model.T07).IsEmptyNote(strings.Repeat(" ", MaxEmptyNote-len(t07Note)) + t07Note), true},
		{"T07 note beyond the bound", s.Table(model.T07).IsEmptyNote(strings.Repeat(" ", MaxEmptyNote-len(t07Note)+1) + t07Note), false},
		{"T01 使用非财政拨款结余（含专用结余）", s.Table(model.T01).Sides[0].Rows[9].Matches("使用非财政拨款结余（含专用结余）"), true},
		{"T01 上年结转和结余", s.Table(model.T01).Sides[0].Rows[10].Matches("上年结转和结余"), true},
		{"class 215 old name", s.Classes[13].Matches("十四、资源勘探信息等支出"), true},
		{"T09 interleaved path", s.Table(model.T09).Columns[0].MatchesPath([]string{"财政拨款“三公”经费", "合计", "预算数"}), true},
		{"T09 block path", s.Table(model.T09).Columns[6].MatchesPath([]string{"决算数", "合计"}), true},
		{"T09 小计 not 合计", s.Table(model.T09).Columns[0].MatchesPath([]string{"预算数", "公务用车购置及运行费", "小计"}), false},
		{"T09 运行费 vs 购置费", s.Table(model.T09).Columns[4].MatchesPath([]string{"预算数", "公务用车购置及运行维护费", "公务用车购置费"}), false},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestNormalizeLabel(t *testing.T) {
	for in, want := range map[string]string{
		"一、一般公共预算财政拨款收入":  "一般公共预算财政拨款收入",
		"二十六、抗疫特别国债安排的支出": "抗疫特别国债安排的支出",
		"（三）其他":    "其他",
		"　本年收入合计 ": "本年收入合计",
		"因公出国（境）费": "因公出国(境)费",
	} {
		if got := NormalizeLabel(in); got != want {
			t.Errorf("NormalizeLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCrossFillable(t *testing.T) {
	s := MustLoad()
	cases := []struct {
		id       model.TableID
		row, col string
		want     bool
	}{
		{model.T01, "一般公共预算财政拨款收入", "决算数", true},
		{model.T01, "其他收入", "决算数", true},
		{model.T01, "224", "决算数", true},      // 类 rows from T03 (X8)
		{model.T01, "年初结转和结余", "决算数", false}, // typed, no other source
		{model.T02, "合计", "财政拨款收入", true},
		{model.T02, "201", "财政拨款收入", false},
		{model.T03, "合计", "基本支出", false},
		{model.T04, "政府性基金预算财政拨款", "决算数", true},     // 收入 row
		{model.T04, "年初/政府性基金预算财政拨款", "决算数", false}, // its 年初 sub-row
		{model.T04, "224", "一般公共预算财政拨款", true},      // 支出 fund column
		{model.T04, "224", "合计", false},             // derived, not pulled
	}
	for _, c := range cases {
		if got := s.CrossFillable(c.id, c.row, c.col); got != c.want {
			t.Errorf("CrossFillable(%s, %s, %s) = %v, want %v", c.id, c.row, c.col, got, c.want)
		}
	}
}
