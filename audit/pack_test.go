package audit

import (
	"bytes"
	"context"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// bonds2025 is Case C as a 2025 unit that also spent 100.00 of 超长期特别国债
// money (22198 / 2219899), consistent in every table: paid from 政府性基金
// (T01/T04 基金 rows and column, T07), or, with inT05, booked as
// 一般公共预算 money (T01/T04 一般公共预算, T05) — the one wrong thing then
// is that a 特别国债 款 stands in T05. Derived cells are left blank for fill.
func bonds2025(t *testing.T, inT05 bool) []byte {
	t.Helper()
	d := templates.CaseC()
	d.Year = 2025
	d.Names["22198"] = "超长期特别国债安排的支出"
	d.Names["2219899"] = "其他超长期特别国债安排的支出"
	set := func(id model.TableID, row, col, v string) {
		if d.Values[id] == nil {
			d.Values[id] = map[string]map[string]string{}
		}
		if d.Values[id][row] == nil {
			d.Values[id][row] = map[string]string{}
		}
		d.Values[id][row][col] = v
	}
	set(model.T01, "221", "决算数", "129.42")
	for _, code := range []string{"22198", "2219899"} {
		set(model.T02, code, "财政拨款收入", "100.00")
		set(model.T03, code, "项目支出", "100.00")
	}
	set(model.T02, "221", "财政拨款收入", "129.42")
	set(model.T03, "221", "项目支出", "100.00")
	if inT05 {
		set(model.T01, "一般公共预算财政拨款收入", "决算数", "407.82")
		set(model.T04, "一般公共预算财政拨款", "决算数", "407.82")
		set(model.T04, "221", "一般公共预算财政拨款", "129.42")
		for _, code := range []string{"22198", "2219899"} {
			set(model.T05, code, "项目支出", "100.00")
		}
		set(model.T05, "221", "项目支出", "100.00")
	} else {
		delete(d.EmptyNotes, model.T07)
		set(model.T01, "政府性基金预算财政拨款收入", "决算数", "100.00")
		set(model.T04, "政府性基金预算财政拨款", "决算数", "100.00")
		set(model.T04, "221", "政府性基金预算财政拨款", "100.00")
		for _, code := range []string{"221", "22198", "2219899"} {
			set(model.T07, code, "本年收入", "100.00")
			set(model.T07, code, "项目支出", "100.00")
		}
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, templates.Options{Style: model.StyleShanghai, OmitDerived: true, CoverSheet: true}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestYearPacks: a 2025 workbook with 2219899 in T04/T07 checks with 0
// errors; with 2219899 in T05 gives K25.1; the report names the pack and
// --year overrides the year the workbook prints.
func TestYearPacks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		inT05    bool
		year     int
		wantK25  bool
		wantPack int
		wantSrc  string
		wantP01  bool
	}{
		{"2025, bonds in T04/T07", false, 0, false, 2025, model.PackPrinted, false},
		{"2025, bonds in T05", true, 0, true, 2025, model.PackPrinted, false},
		{"read as 2024", true, 2024, false, 2024, model.PackAsked, true},
		{"read as 2026", true, 2026, true, 2026, model.PackAsked, true},
		{"2031: nearest pack", true, 2031, true, 2026, model.PackAsked, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Check(context.Background(), bytes.NewReader(bonds2025(t, tc.inT05)), Options{Year: tc.year})
			if err != nil {
				t.Fatal(err)
			}
			rep := res.Report
			var k25, p01 bool
			for _, f := range rep.Findings {
				switch {
				case f.Rule == "K25.1" && f.Severity == model.SevError:
					k25 = true
				case f.Rule == RulePack:
					p01 = true
				case f.Severity == model.SevError:
					t.Errorf("error %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
				}
			}
			if k25 != tc.wantK25 || p01 != tc.wantP01 {
				t.Errorf("K25.1 %v P01 %v, want %v %v", k25, p01, tc.wantK25, tc.wantP01)
			}
			if rep.Pack.Year != tc.wantPack || rep.Pack.Source != tc.wantSrc || rep.Pack.Printed != 2025 || rep.Pack.Note == "" {
				t.Errorf("pack %+v, want year %d source %s printed 2025", rep.Pack, tc.wantPack, tc.wantSrc)
			}
		})
	}
}
