package annotate

import (
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// TestNoteNumbers: the comments in the workbook show amounts one way,
// #,##0.00 (never "1" beside "1.00"), and a 提示 — a heuristic, not an
// identity — carries no 应为/实为/差额/容差 equation.
func TestNoteNumbers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		note      string
		want, not []string
	}{
		{"error amounts", findingNote(model.Finding{Rule: "X12", Severity: model.SevError, Message: "…",
			Expected: "1754.76", Actual: "1755", Difference: "-0.24", Tolerance: "0.015"}),
			[]string{"应为 1,754.76，实为 1,755.00，差额 -0.24，容差 0.015"}, []string{"1755，", "实为 1755"}},
		{"residue amounts", findingNote(model.Finding{Rule: "R01.1", Severity: model.SevInfo, Message: "…",
			Expected: "4113.56", Actual: "4113.55", Difference: "-0.01", Tolerance: "0.045"}),
			[]string{"应为 4,113.56，实为 4,113.55，差额 -0.01，容差 0.045"}, nil},
		{"hint without equation", findingNote(model.Finding{Rule: "R05.3", Severity: model.SevWarning,
			Message:  "基本支出通常只出现在行政运行…：公开05表 2240106 安全监管 基本支出 3.62，通常应为 0",
			Expected: "0", Actual: "3.62", Difference: "3.62", Tolerance: "0.005"}),
			[]string{"[提示] R05.3 基本支出通常只出现在行政运行"}, []string{"\n应为", "实为", "差额", "容差"}},
		{"fill", fillNote(model.Fill{Rule: "R01.2", Value: "4126.6"}), []string{"补填 R01.2：4,126.60"}, []string{"4126.6"}},
		{"fill replaced", fillNote(model.Fill{Rule: "R01.1", Value: "4113.55", Old: "5000"}),
			[]string{"补填 R01.1：原值 5,000.00 已替换为 4,113.55"}, []string{"5000 "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range tc.want {
				if !strings.Contains(tc.note, w) {
					t.Errorf("note lacks %q:\n%s", w, tc.note)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(tc.note, n) {
					t.Errorf("note has %q:\n%s", n, tc.note)
				}
			}
		})
	}
}
