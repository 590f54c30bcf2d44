package narrative

import (
	"strings"
	"testing"

	"github.com/juesuan/juesuan/templates"
)

func TestBindingsLoad(t *testing.T) {
	bs, err := LoadBindings()
	if err != nil {
		t.Fatal(err)
	}
	if len(bs.Binds) < 70 || len(bs.Sums) < 10 || len(bs.Roles) < 10 || len(bs.Sections) < 10 {
		t.Fatalf("bindings: %d binds, %d sums, %d roles, %d sections", len(bs.Binds), len(bs.Sums), len(bs.Roles), len(bs.Sections))
	}
}

func TestBindingsErrors(t *testing.T) {
	spec := templates.MustLoad()
	head := "section 总体 | 收入支出决算总体\n"
	cases := []struct {
		name, doc, want string
	}{
		{"unknown table", "bind 总体 | 收入总计 | 万元 | 收入总计 | T10[收入总计, 决算数] |", "单元格应写作"},
		{"unknown row", "bind 总体 | 收入总计 | 万元 | 收入总计 | T01[收入总额, 决算数] |", "没有行 \"收入总额\""},
		{"unknown column", "bind 总体 | 收入总计 | 万元 | 收入总计 | T01[收入总计, 金额] |", "没有列 \"金额\""},
		{"unknown section", "bind 收入 | 收入总计 | 万元 | 收入总计 | - |", "未声明的节"},
		{"unknown unit", "bind 总体 | 收入总计 | 千元 | 收入总计 | - |", "未知单位"},
		{"bad relation", "bind 总体 | 收入总计 | 万元 | 收入总计 | T01[收入总计, 决算数] | > |", "关系应为"},
		{"bad pattern", "bind 总体 | 收入(总计 | 万元 | 收入总计 | - |", "正则有误"},
		{"placeholder without group", "bind 总体 | 收入总计 | 万元 | 类:{类} | T05[{类}, 合计] |", "没有 (?P<类>"},
		{"one name two cells", "bind 总体 | 收入总计 | 万元 | 收入总计 | T01[收入总计, 决算数] |\nbind 总体 | 总计 | 万元 | 收入总计 | T01[支出总计, 决算数] |", "对应另一个单元格"},
		{"undefined sum name", "bind 总体 | 收入总计 | 万元 | 收入总计 | - |\nsum 收入总计 = 本年收入", "未定义的名称 \"本年收入\""},
		{"undefined denominator", "bind 总体 | 收入总计 | 万元 | 收入总计 | - | = | 总额", "分母 \"总额\""},
		{"undefined previous figure", "bind 总体 | 收入总计 | 万元 | 收入总计 | - | | | 前面", "前一个数字 \"前面\""},
		{"unknown role", "role 平均 | 平均 | 万元", "未知角色"},
		{"unknown keyword", "binding 总体 | 收入总计", "未知的行首"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBindings([]byte(head+c.doc), spec)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "第 ") {
				t.Errorf("no line number: %v", err)
			}
		})
	}
}

func TestSplitBar(t *testing.T) {
	got := splitBar("总体 | (年初|上年)结转和结余 | 万元 | 年初结转和结余 | T01[年初结转和结余, 决算数] |")
	want := []string{"总体", "(年初|上年)结转和结余", "万元", "年初结转和结余", "T01[年初结转和结余, 决算数]"}
	if strings.Join(got, "¦") != strings.Join(want, "¦") {
		t.Fatalf("%q", got)
	}
}

// TestScanFigures: units, thousands separators, full-width digits, signs;
// years, dates and ordinals are not figures.
func TestScanFigures(t *testing.T) {
	cases := []struct {
		text string
		want string // raw|value|decimals|unit ...
	}{
		{"2024年度收入总计4,126.63万元", "4,126.63万元|4126.63|2|万元"},
		{"占９８．９１％", "９８．９１％|98.91|2|%"},
		{"下设15个科室，1.办公室", "15个|15|0|个"},
		{"截至2024年12月31日，车辆8辆", "8辆|8|0|辆"},
		{"设备2台（套），接待23人次、2批次", "2台（套）|2|0|台(套) 23人次|23|0|人次 2批次|2|0|批次"},
		{"增加-5.00万元", "-5.00万元|-5|2|万元"},
		{"X.XX万元，XX万元", ""},
		{"4,1263.00万元", "4|4|0|"},
	}
	for _, c := range cases {
		s := 0
		var got []string
		for _, f := range scanFigures(c.text, 0, &s, "") {
			got = append(got, f.Raw+"|"+f.Value.String()+"|"+itoa(f.Decimals)+"|"+f.Unit)
		}
		if c.text == "4,1263.00万元" {
			// "4," followed by four digits is not a thousands separator
			if len(got) != 1 || !strings.HasPrefix(got[0], "1263.00万元") {
				t.Errorf("%q: %q", c.text, got)
			}
			continue
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q: %q, want %q", c.text, strings.Join(got, " "), c.want)
		}
	}
}
