package check_test

// End-to-end tests of one bad or unusual input: the reader, fill and check
// run as audit runs them, and the findings must name the input once, with
// no consequential findings computed from a wrong 0.

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/fill"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/shopspring/decimal"
)

type pipeline struct {
	wb       *model.Workbook
	findings []model.Finding
	fills    []model.Fill
}

// runCaseA writes Case A (MOF style, like `juesuan sample`), applies edit to
// the builder, reads the file back and runs fill and check.
func runCaseA(t *testing.T, opt templates.Options, overwrite bool, edit func(b *xlsx.Builder, wm *model.Workbook)) pipeline {
	t.Helper()
	opt.Style = model.StyleMOF
	b, wm, err := templates.Build(templates.CaseA(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if edit != nil {
		edit(b, wm)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	wb, book, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	book.Close()
	rules, err := check.Load()
	if err != nil {
		t.Fatal(err)
	}
	fills := fill.Fill(wb, check.Bind(rules, wb), fill.Options{Overwrite: overwrite})
	fs := append([]model.Finding(nil), wb.Findings...)
	fs = append(fs, check.Check(wb, rules, check.Options{})...)
	return pipeline{wb: wb, findings: fs, fills: fills}
}

// setT01 writes into 公开01表 at addr: a text, or a number when num is set.
func setT01(t *testing.T, addr, text string, num bool) func(*xlsx.Builder, *model.Workbook) {
	return func(b *xlsx.Builder, wm *model.Workbook) {
		t.Helper()
		if err := b.Use(wm.Table(model.T01).Sheet); err != nil {
			t.Fatal(err)
		}
		r, c, ok := xlsx.ParseAddr(addr)
		if !ok {
			t.Fatalf("bad address %q", addr)
		}
		var err error
		if num {
			err = b.SetNumber(r, c, decimal.RequireFromString(text), 2, xlsx.BuildStyle{Border: true})
		} else {
			err = b.SetString(r, c, text, xlsx.BuildStyle{Border: true, Text: true})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// keys lists findings of severity error or warning as "sev rule cell".
func keys(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity == model.SevInfo {
			continue
		}
		out = append(out, string(f.Severity)+" "+f.Rule+" "+f.Sheet+"!"+f.Cell)
	}
	slices.Sort(out)
	return out
}

func t01Cell(wb *model.Workbook, addr string) *model.Cell {
	for _, c := range wb.Table(model.T01).Cells() {
		if c.Addr == addr {
			return c
		}
	}
	return nil
}

// A typed dash is a typed 0: the same findings as 0, and fill never
// overwrites it (C14 其他收入 45.04 in Case A is cross-fillable when blank).
func TestDashIsTypedZero(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		zero := runCaseA(t, templates.Options{}, overwrite, setT01(t, "C14", "0", true))
		want := keys(zero.findings)
		var rules []string
		for _, k := range want {
			rules = append(rules, strings.Fields(k)[1])
		}
		if !slices.Contains(rules, "R01.1") || !overwrite && !slices.Contains(rules, "X6") {
			t.Fatalf("C14=0 findings %v, want R01.1 and X6 errors", want)
		}
		for _, dash := range []string{"-", "—", "--", "/", "——"} {
			p := runCaseA(t, templates.Options{}, overwrite, setT01(t, "C14", dash, false))
			if got := keys(p.findings); !slices.Equal(got, want) {
				t.Errorf("C14=%q overwrite=%v: findings\n%v\nwant (as for 0)\n%v", dash, overwrite, got, want)
			}
			for _, fl := range p.fills {
				if fl.Table == model.T01 && fl.Cell == "C14" {
					t.Errorf("C14=%q overwrite=%v: fill wrote %s (%s) over the typed dash", dash, overwrite, fl.Value, fl.Rule)
				}
			}
			c := t01Cell(p.wb, "C14")
			if c == nil || c.Blank || !c.Value.IsZero() || c.Raw != dash || c.Invalid {
				t.Errorf("C14=%q: cell %+v, want typed 0 keeping its raw text", dash, c)
			}
		}
	}
}

// A table that is not located is reported once (S01) and its cells are not
// counted as 0 in cross-table rules.
func TestMissingTableNotCounted(t *testing.T) {
	all := func(except model.TableID) []model.TableID {
		var ids []model.TableID
		for _, id := range model.AllTables {
			if id != except {
				ids = append(ids, id)
			}
		}
		return ids
	}
	tests := []struct {
		name    string
		order   []model.TableID
		absent  []string // rules that must not be reported
		missing []model.TableID
	}{
		{"only T09", []model.TableID{model.T09}, []string{"X19", "X20"}, []model.TableID{model.T04, model.T06}},
		{"no T09", all(model.T09), []string{"X19", "X20"}, []model.TableID{model.T09}},
		{"no T04", all(model.T04), []string{"X20"}, []model.TableID{model.T04}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := runCaseA(t, templates.Options{Order: tt.order}, false, nil)
			s01 := map[model.TableID]bool{}
			for _, f := range p.findings {
				if f.Rule == reader.RuleMissingTable {
					s01[f.Table] = true
				}
				if slices.Contains(tt.absent, f.Rule) || f.Severity != model.SevInfo && strings.Contains(f.Message, "未列示") {
					t.Errorf("spurious %s %s %s!%s: %s", f.Severity, f.Rule, f.Sheet, f.Cell, f.Message)
				}
				for _, c := range f.Cells {
					if c.Table != "" && p.wb.Table(c.Table) == nil {
						t.Errorf("%s refers to missing table %s: %s", f.Rule, c.Table, f.Message)
					}
				}
			}
			for _, id := range tt.missing {
				if !s01[id] {
					t.Errorf("no S01 for missing %s; findings %v", id, keys(p.findings))
				}
			}
		})
	}
}

// An amount the reader cannot read is unknown, not 0: S05 at the cell and
// nothing computed from it, and fill neither uses nor overwrites it.
func TestInvalidAmountNotZero(t *testing.T) {
	pristine := keys(runCaseA(t, templates.Options{}, false, nil).findings)
	tests := []struct {
		addr, text string
		msg        string // part of the S05 message
	}{
		{"C7", "四千", "不是数字"},
		{"C7", "1E+400", "超出合理范围"},
		{"C14", "abc", "不是数字"},
	}
	for _, tt := range tests {
		for _, overwrite := range []bool{false, true} {
			p := runCaseA(t, templates.Options{}, overwrite, setT01(t, tt.addr, tt.text, false))
			sheet := p.wb.Table(model.T01).Sheet
			var s05 []model.Finding
			var other []string
			for _, f := range p.findings {
				if f.Rule == reader.RuleNonNumeric {
					s05 = append(s05, f)
					continue
				}
				if f.Severity == model.SevInfo {
					continue
				}
				other = append(other, string(f.Severity)+" "+f.Rule+" "+f.Sheet+"!"+f.Cell)
				for _, c := range f.Cells {
					if c.Sheet == sheet && c.Cell == tt.addr {
						t.Errorf("%s=%q: %s uses the unreadable cell: %s", tt.addr, tt.text, f.Rule, f.Message)
					}
				}
			}
			slices.Sort(other)
			if len(s05) != 1 || s05[0].Cell != tt.addr || s05[0].Severity != model.SevError || !strings.Contains(s05[0].Message, tt.msg) {
				t.Errorf("%s=%q: S05 findings %+v, want one error at %s saying %q", tt.addr, tt.text, s05, tt.addr, tt.msg)
			}
			if !slices.Equal(other, pristine) {
				t.Errorf("%s=%q overwrite=%v: findings besides S05\n%v\nwant those of Case A\n%v", tt.addr, tt.text, overwrite, other, pristine)
			}
			for _, fl := range p.fills {
				if fl.Table == model.T01 && fl.Cell == tt.addr {
					t.Errorf("%s=%q: fill wrote %s over the unreadable cell", tt.addr, tt.text, fl.Value)
				}
			}
			if c := t01Cell(p.wb, tt.addr); c == nil || !c.Invalid || c.Raw != tt.text {
				t.Errorf("%s=%q: cell %+v, want Invalid with its raw text", tt.addr, tt.text, c)
			}
		}
	}
}
