package check

import (
	"bytes"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

func TestWriteTextAndFingerprints(t *testing.T) {
	rules := mustRules(t)
	wb := caseC()
	put(wb, model.T06, "人员经费合计", "决算数", "95.40") // R06.2 and X12 errors
	fs := Check(wb, rules, Options{})
	again := Check(wb, rules, Options{})
	if len(fs) != len(again) {
		t.Fatalf("runs differ: %d vs %d findings", len(fs), len(again))
	}
	fp := map[string]bool{}
	for _, f := range fs {
		fp[f.Fingerprint] = true
	}
	for _, f := range again {
		if !fp[f.Fingerprint] {
			t.Errorf("fingerprint not stable: %+v", f)
		}
	}
	rep := model.NewReport(wb, fs, nil)
	var buf bytes.Buffer
	if err := WriteText(&buf, rep); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// The one wrong cell (人员经费合计) is named by both broken identities,
	// so both are listed under its table.
	for _, want := range []string{"未通过", "【公开06表", "[错误] X12", "[错误] R06.2", "差额 -0.05", "可能有误的单元格：公开06表 人员经费合计"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// Tables in order; within a table errors before 尾差.
	if i, j := strings.Index(out, "【公开05表"), strings.Index(out, "【公开06表"); i >= 0 && j < i {
		t.Errorf("tables out of order:\n%s", out)
	}
	sec := out[strings.Index(out, "【公开06表"):]
	if e, i := strings.Index(sec, "[错误]"), strings.Index(sec, "[尾差]"); i >= 0 && e > i {
		t.Errorf("尾差 before 错误 in 公开06表:\n%s", sec)
	}
	if !strings.Contains(out, "差额 0.04，超出允许尾差 0.015") {
		t.Errorf("X12 message lacks difference and tolerance:\n%s", out)
	}
}

// TestWriteTextFoldsResidues: errors first, then 提示, then one 尾差 line
// per table; All lists each 尾差; tables named by title, never T0N.
func TestWriteTextFoldsResidues(t *testing.T) {
	wb := caseARead(t)
	put(wb, model.T06, "人员经费合计", "决算数", "1633.61")
	rep := model.NewReport(wb, Check(wb, mustRules(t), Options{}), nil)
	var folded, all bytes.Buffer
	if err := WriteText(&folded, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteTextOptions(&all, rep, TextOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	out := folded.String()
	e, w, r := strings.Index(out, "\n错误（"), strings.Index(out, "\n提示（"), strings.Index(out, "\n尾差（")
	if e < 0 || w < e || r < w {
		t.Errorf("sections out of order (错误 %d, 提示 %d, 尾差 %d):\n%s", e, w, r, out)
	}
	if strings.Contains(out, "[尾差]") || !strings.Contains(out, "【公开01表 收入支出决算总表】尾差 3 处，均在允许范围内") {
		t.Errorf("尾差 not folded per table:\n%s", out)
	}
	if strings.Count(all.String(), "[尾差]") != rep.Summary.Infos {
		t.Errorf("All lists %d 尾差, want %d", strings.Count(all.String(), "[尾差]"), rep.Summary.Infos)
	}
	for _, id := range model.AllTables {
		if strings.Contains(out, "【"+string(id)) {
			t.Errorf("table named by its id %s:\n%s", id, out)
		}
	}
}

// A narrative finding with no table cell is located in the document: 说明第
// N 段 (1-based) or the row of a table of the document; one with a cell keeps
// the cell.
func TestWriteTextNarrativePlace(t *testing.T) {
	wb := caseC()
	for _, tc := range []struct {
		f    model.Finding
		want string
	}{
		{model.Finding{Rule: "N07", Severity: model.SevWarning, Message: "甲", Narrative: &model.NarrativeRef{Paragraph: 57}}, "[提示] N07 说明第 58 段\n"},
		{model.Finding{Rule: "N26", Severity: model.SevWarning, Message: "乙", Narrative: &model.NarrativeRef{Paragraph: -1, Table: 3, Row: 10, Col: 4}}, "[提示] N26 说明表格 3 第 10 行\n"},
		{model.Finding{Rule: "N01", Severity: model.SevError, Message: "丙", Sheet: "公开01表", Cell: "C8", Narrative: &model.NarrativeRef{Paragraph: 2}}, "[错误] N01 公开01表!C8\n"},
		{model.Finding{Rule: "N12", Severity: model.SevWarning, Message: "丁"}, "[提示] N12\n"},
	} {
		var buf bytes.Buffer
		if err := WriteText(&buf, model.NewReport(wb, []model.Finding{tc.f}, nil)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("%s: want %q in:\n%s", tc.f.Rule, tc.want, buf.String())
		}
	}
}
