package check

import (
	"slices"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// R06.4 takes the side of each economic class from tables.yaml `groups`
// (the classes R06.2/R06.3 sum), not from Go literals: with the spec's
// groups a 301 row on the 公用经费 side is reported, and with other groups
// the same workbook is judged by those.
func TestSidesFromSpecGroups(t *testing.T) {
	var personnel []string
	for _, g := range templates.MustLoad().Table(model.T06).Groups {
		if g.Key == "人员经费" {
			personnel = g.Classes
		}
	}
	if !slices.Equal(personnel, []string{"301", "303"}) {
		t.Fatalf("tables.yaml T06 人员经费 classes %v", personnel)
	}
	rules := mustRules(t)
	r064 := func(fs []model.Finding) []string {
		var out []string
		for _, f := range fs {
			if f.Rule == "R06.4" {
				out = append(out, string(f.Severity)+" "+f.Cells[0].Row)
			}
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name  string
		side  map[string]string // row key -> side to print it on
		sides map[string]string // class -> group, overriding the spec; nil = spec
		want  []string
	}{
		{"as printed", nil, nil, nil},
		{"30101 on 公用经费", map[string]string{"30101": "公用经费"}, nil, []string{"error 30101"}},
		{"30201 on 人员经费", map[string]string{"30201": "人员经费"}, nil, []string{"error 30201"}},
		{"other groups", nil, map[string]string{"301": "人员经费", "303": "人员经费", "302": "人员经费", "310": "公用经费"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb := caseARead(t)
			t06 := wb.Table(model.T06)
			for row, side := range tt.side {
				t06.Row(row).Side = side
			}
			c := NewChecker(wb, rules, Options{})
			want := tt.want
			if tt.sides != nil {
				c.b.sides = map[model.TableID]map[string]string{model.T06: tt.sides}
				// Every 302 row printed on the 公用经费 side is now wrong.
				for _, r := range t06.Rows {
					if r.Code != "" && r.Code[:3] == "302" && r.Side == "公用经费" {
						want = append(want, "error "+r.Key)
					}
				}
				if len(want) == 0 {
					t.Fatal("Case A prints no 302 row on the 公用经费 side")
				}
				slices.Sort(want)
			}
			if got := r064(c.Run()); !slices.Equal(got, want) {
				t.Errorf("R06.4 %v, want %v", got, want)
			}
		})
	}
}

// A condition that reads a table which was not located does not hold (its
// cells are unknown, not 0); nor does one that reads an unreadable cell.
func TestConditionOnMissingTable(t *testing.T) {
	rules, err := Parse("test.rules", []byte(`
Z1 error CONDITIONAL "测试"
    T01[本年收入合计] = T01[其他收入]
    when T04[年初财政拨款结转和结余, 决算数] = 0
Z2 error CONDITIONAL "测试"
    T01[本年收入合计] = T01[其他收入]
    when T01[上级补助收入] = 0
Z3 error CERTAIN "测试"
    T01[本年收入合计] = T04[本年收入合计, 决算数]
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(wb *model.Workbook)
		want []string
	}{
		// Case A: T04 年初 is 0 and 上级补助收入 is 0: both conditions hold.
		{"all tables", nil, []string{"Z1", "Z2", "Z3"}},
		{"no T04", func(wb *model.Workbook) { delete(wb.Tables, model.T04) }, []string{"Z2"}},
		{"unreadable 上级补助收入", func(wb *model.Workbook) {
			c := wb.Table(model.T01).Cell("上级补助收入", "决算数")
			c.Invalid, c.Raw = true, "四千"
		}, []string{"Z1", "Z3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb := caseARead(t)
			if tt.edit != nil {
				tt.edit(wb)
			}
			var got []string
			for _, f := range Check(wb, rules, Options{}) {
				if f.Severity == model.SevError {
					got = append(got, f.Rule)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("errors %v, want %v", got, tt.want)
			}
		})
	}
}
