package audit

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// Fingerprints carry users' 审核说明 from one upload to the next (the
// 审核结果 sheet stores them next to the explanation). Changing how they
// are computed orphans every explanation users have typed, so these are
// literal values: a change here must be deliberate, and announced.
func TestFingerprintsPinned(t *testing.T) {
	cases := []struct {
		fixture, rule, sheet, cell, fp string
	}{
		// Case A re-saved by LibreOffice through .xls: the same values at
		// the same cells as the embedded sample, so the same fingerprints
		// (checked against the sample below).
		{"lo_xls_mof_a", "R01.1", "公开01表", "C33", "8b104fc63ff11959"},
		{"lo_xls_mof_a", "R02.2", "公开02表", "C7", "798d499490fc7558"},
		{"lo_xls_mof_a", "R03.1", "公开03表", "C25", "aab018349d9b83ce"},
		{"lo_xls_mof_a", "R05.2", "公开05表", "E26", "d2f394b781589892"},
		{"lo_xls_mof_a", "R05.3", "公开05表", "D28", "8df2c1294998ca8c"},
		// The same finding in openpyxl's own layout (sheet 表五, the 项
		// one row up and one column right): another cell, another
		// fingerprint.
		{"openpyxl_scratch_mof_a", "R05.3", "表五", "E26", "f30ffd51ab5a6a50"},
	}
	found := map[string]map[string]string{} // fixture -> rule sheet!cell -> fingerprint
	for _, tc := range cases {
		if found[tc.fixture] != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(foreignDir, tc.fixture+".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Check(context.Background(), bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, f := range res.Report.Findings {
			m[f.Rule+" "+f.Sheet+"!"+f.Cell] = f.Fingerprint
		}
		found[tc.fixture] = m
	}
	for _, tc := range cases {
		k := tc.rule + " " + tc.sheet + "!" + tc.cell
		got, ok := found[tc.fixture][k]
		switch {
		case !ok:
			t.Errorf("%s: no finding %s", tc.fixture, k)
		case got != tc.fp:
			t.Errorf("%s: %s fingerprint %s, pinned %s", tc.fixture, k, got, tc.fp)
		}
	}

	// The embedded sample gives the LibreOffice copy's fingerprints: an
	// explanation typed in one is found in the other.
	in, _ := workbook(t, samples[0], false)
	res, err := Check(context.Background(), bytes.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	lo := found["lo_xls_mof_a"]
	if len(res.Report.Findings) != len(lo) {
		t.Errorf("sample has %d findings, its LibreOffice copy %d", len(res.Report.Findings), len(lo))
	}
	for _, f := range res.Report.Findings {
		if k := f.Rule + " " + f.Sheet + "!" + f.Cell; lo[k] != f.Fingerprint {
			t.Errorf("%s: sample fingerprint %s, LibreOffice copy %s", k, f.Fingerprint, lo[k])
		}
	}
}

// A finding without cells (a missing table) is fingerprinted by its rule,
// table and message.
func TestFingerprintCellless(t *testing.T) {
	cases := []struct {
		f  model.Finding
		fp string
	}{
		{model.Finding{Rule: "S01", Severity: model.SevError, Table: model.T01, Message: "未找到收入支出决算总表（公开01表）。"}, "bf3157e647521a57"},
		{model.Finding{Rule: "S01", Severity: model.SevWarning, Table: model.T07, Message: "未找到政府性基金预算财政拨款收入支出决算表（公开07表）。"}, "1191952de988f4fa"},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		f := tc.f
		f.SetFingerprint()
		if f.Fingerprint != tc.fp {
			t.Errorf("%s %s: fingerprint %s, pinned %s", f.Rule, f.Table, f.Fingerprint, tc.fp)
		}
		if seen[f.Fingerprint] {
			t.Errorf("%s %s: fingerprint %s shared with another finding", f.Rule, f.Table, f.Fingerprint)
		}
		seen[f.Fingerprint] = true
	}
}

// An explanation typed into the 审核结果 sheet of an annotated copy, which
// the user then re-saved in LibreOffice, is found again by fingerprint
// (testdata/foreign/make_libreoffice.sh types it with openpyxl).
func TestFingerprintCarriesExplanationThroughLibreOffice(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(foreignDir, "lo_resaved_explained_mof_a.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	const want = "安全监管项目含基本支出 3.62 万元，系人员借调，已在决算说明中解释。"
	var got []string
	for _, f := range res.Report.Findings {
		if f.Explanation != "" {
			got = append(got, f.Rule+" "+f.Sheet+"!"+f.Cell+" "+f.Fingerprint+" "+f.Explanation)
		}
	}
	if len(got) != 1 || got[0] != "R05.3 公开05表!D28 8df2c1294998ca8c "+want {
		t.Errorf("explained findings %q, want R05.3 公开05表!D28 with %q", got, want)
	}
	if res.Report.Summary.Explained != 1 {
		t.Errorf("summary explained %d, want 1", res.Report.Summary.Explained)
	}
}
