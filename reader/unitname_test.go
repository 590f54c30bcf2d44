package reader

import (
	"bytes"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// TestUnitNameEveryStyle: the unit name is read whatever the style prints
// it with: the MOF 部门 line, a Shanghai title (TestUnitNameFromTitle) or,
// in a Shanghai workbook with plain titles, the 说明 line under an empty
// table. A workbook that prints it nowhere has none (the file name then
// names the result).
func TestUnitNameEveryStyle(t *testing.T) {
	caseAShanghai := templates.CaseA()
	caseAShanghai.Style = model.StyleShanghai
	for _, tc := range []struct {
		name  string
		data  *templates.Data
		style model.Style
		want  string
	}{
		{"MOF 部门 line", templates.CaseA(), model.StyleMOF, "昌吉回族自治州应急管理局"},
		{"Shanghai empty-table note", templates.CaseC(), model.StyleShanghai, "中共上海市普陀区委社会工作部"},
		{"Case C in MOF style", templates.CaseC(), model.StyleMOF, "中共上海市普陀区委社会工作部"},
		{"Shanghai, printed nowhere", caseAShanghai, model.StyleShanghai, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := templates.Write(&buf, tc.data, templates.Options{Style: tc.style}); err != nil {
				t.Fatal(err)
			}
			wb, _, err := Read(bytes.NewReader(buf.Bytes()), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if wb.UnitName != tc.want {
				t.Errorf("unit %q, want %q", wb.UnitName, tc.want)
			}
		})
	}
}

func TestNoteUnit(t *testing.T) {
	for in, want := range map[string]string{
		"说明：中共上海市普陀区委社会工作部本年度没有财政拨款“三公”经费支出，故本表无数据。":  "中共上海市普陀区委社会工作部",
		"说明: 上海市普陀区财政局 2024年度没有政府性基金预算财政拨款收入，故本表无数据。": "上海市普陀区财政局",
		"注：某某中心2024年没有国有资本经营预算财政拨款支出。":                "某某中心",
		"说明：本单位本年度没有财政拨款“三公”经费支出，故本表无数据。":             "",
		"说明：我部门本年度没有政府性基金预算财政拨款收入。":                   "",
		"本表无数据。": "",
		"":       "",
	} {
		if got := noteUnit(in); got != want {
			t.Errorf("noteUnit(%q) = %q, want %q", in, got, want)
		}
	}
}
