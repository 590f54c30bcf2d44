package reader

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// TestYear: the 决算年度 is read from a cover sheet, from titles that carry
// it, or taken as asked; the catalog follows it (22198 is a 2025 code).
func TestYear(t *testing.T) {
	write := func(t *testing.T, year int, cover bool) []byte {
		t.Helper()
		d := templates.CaseC()
		d.Year = year
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, d, templates.Options{Style: model.StyleShanghai, CoverSheet: cover}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, tc := range []struct {
		name          string
		year          int
		cover         bool
		asked         int
		want, printed int
	}{
		{"no year printed", 2024, false, 0, 0, 0},
		{"cover 2025", 2025, true, 0, 2025, 2025},
		{"cover 2024 read as 2025", 2024, true, 2025, 2025, 2024},
		{"asked, nothing printed", 2024, false, 2023, 2023, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb, _, err := Read(bytes.NewReader(write(t, tc.year, tc.cover)), Options{Year: tc.asked})
			if err != nil {
				t.Fatal(err)
			}
			if wb.Year != tc.want || wb.YearPrinted != tc.printed {
				t.Errorf("year %d printed %d, want %d and %d", wb.Year, wb.YearPrinted, tc.want, tc.printed)
			}
		})
	}
}

// TestRenamedClass: a 类 printed under its former name gets a warning that
// names the current one.
func TestRenamedClass(t *testing.T) {
	d := templates.CaseA()
	d.Names["210"] = "医疗卫生与计划生育支出"
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, templates.Options{}); err != nil {
		t.Fatal(err)
	}
	wb, _, err := Read(bytes.NewReader(buf.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range wb.Findings {
		if f.Rule == RuleCatalog && strings.Contains(f.Message, "旧称") && strings.Contains(f.Message, "卫生健康支出") {
			n++
			if f.Severity != model.SevWarning {
				t.Errorf("severity %s", f.Severity)
			}
		}
	}
	if n == 0 {
		t.Errorf("no rename warning: %v", wb.Findings)
	}
}

// TestUnitNameFromTitle: a Shanghai workbook prints no 部门 line; the unit
// is the name before the year in its titles.
func TestUnitNameFromTitle(t *testing.T) {
	data, err := os.ReadFile("../testdata/published/case_c_published.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	wb, _, err := Read(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if wb.UnitName != "中共上海市普陀区委社会工作部" || wb.YearPrinted != 2024 {
		t.Errorf("unit %q year %d", wb.UnitName, wb.YearPrinted)
	}
}
