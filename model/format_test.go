package model

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestFormatAmount(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0.00", "1754.76": "1,754.76", "-1234567.8": "-1,234,567.80",
		"0.005": "0.005", "100000": "100,000.00",
	} {
		if got := FormatAmount(decimal.RequireFromString(in)); got != want {
			t.Errorf("FormatAmount(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestCodeLevel(t *testing.T) {
	for in, want := range map[string]int{"201": 1, "20106": 2, "2010601": 3, "2010": 0, "20a": 0, "": 0, "合计": 0} {
		if got := CodeLevel(in); got != want {
			t.Errorf("CodeLevel(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestReportStatus(t *testing.T) {
	wb := &Workbook{Tables: map[TableID]*Table{}}
	cases := []struct {
		name string
		fs   []Finding
		want Status
	}{
		{"none", nil, "pass"},
		{"info only", []Finding{{Severity: SevInfo}}, "pass"},
		{"warning", []Finding{{Severity: SevWarning}}, "warn"},
		{"explained warning", []Finding{{Severity: SevWarning, Explained: true}}, "pass"},
		{"error beats warning", []Finding{{Severity: SevWarning}, {Severity: SevError}}, "fail"},
	}
	for _, c := range cases {
		if got := NewReport(wb, c.fs, nil).Status; got != c.want {
			t.Errorf("%s: status %s, want %s", c.name, got, c.want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	mk := func(f Finding) string { f.SetFingerprint(); return f.Fingerprint }
	base := Finding{Rule: "X12", Table: T05, Sheet: "公开05表", Cell: "D8",
		Cells: []CellRef{{Sheet: "公开05表", Cell: "D8", Value: "1754.76"}}}
	// Pinned: fingerprints carry users' 审核说明 across uploads; a change
	// here must be deliberate and noted in the README.
	if got := mk(base); got != "7720809fb5401859" {
		t.Fatalf("fingerprint of the X12 example changed: %s", got)
	}
	if got := mk(Finding{Rule: "S01", Table: T03, Message: "未找到支出决算表（公开03表）。"}); got != "fead9b40a56a5a2a" {
		t.Fatalf("fingerprint of a cell-less finding changed: %s", got)
	}
	other := base
	other.Cells = []CellRef{{Sheet: "公开05表", Cell: "D8", Value: "1754.77"}}
	if mk(base) == mk(other) {
		t.Error("a changed value must change the fingerprint")
	}
	// Two cell-less findings (missing tables) must not collide.
	s1 := Finding{Rule: "S01", Table: T07, Message: "未找到公开07表"}
	s2 := Finding{Rule: "S01", Table: T08, Message: "未找到公开08表"}
	if mk(s1) == mk(s2) {
		t.Error("missing-table findings share a fingerprint")
	}
}

// The verdict's words are one definition: the text report, the annotated
// workbook's summary and the page's JSON all say them through Chinese.
func TestStatusChinese(t *testing.T) {
	for s, want := range map[Status]string{StatusPass: "通过", StatusWarn: "通过（有提示）", StatusFail: "未通过", "other": "other"} {
		if got := s.Chinese(); got != want {
			t.Errorf("%s: %q, want %q", s, got, want)
		}
	}
}
