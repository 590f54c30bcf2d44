package audit

import (
	"bytes"
	"context"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/xuri/excelize/v2"
)

// TestMissingTableOneFinding: a Shanghai workbook without its 支出决算表
// gives exactly one finding more than the complete workbook (S01), no X21
// cascade and no error citing a 公开0N表 number the workbook never prints;
// the rules that needed the table are listed as unchecked.
func TestMissingTableOneFinding(t *testing.T) {
	for _, tc := range []struct {
		name string
		data func() *templates.Data
	}{{"CaseC", templates.CaseC}, {"CaseA", templates.CaseA}} {
		t.Run(tc.name, func(t *testing.T) {
			var full bytes.Buffer
			wb, err := templates.Write(&full, tc.data(), templates.Options{Style: model.StyleShanghai})
			if err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(full.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.DeleteSheet(wb.Tables[model.T03].Sheet); err != nil {
				t.Fatal(err)
			}
			var cut bytes.Buffer
			if err := f.Write(&cut); err != nil {
				t.Fatal(err)
			}
			before, err := Check(context.Background(), bytes.NewReader(full.Bytes()), Options{})
			if err != nil {
				t.Fatal(err)
			}
			after, err := Check(context.Background(), bytes.NewReader(cut.Bytes()), Options{})
			if err != nil {
				t.Fatal(err)
			}
			had := map[string]bool{}
			for _, f := range before.Report.Findings {
				had[f.Rule+"|"+f.Sheet+"!"+f.Cell] = true
			}
			var added []model.Finding
			for _, f := range after.Report.Findings {
				if !had[f.Rule+"|"+f.Sheet+"!"+f.Cell] {
					added = append(added, f)
				}
			}
			if len(added) != 1 || added[0].Rule != "S01" {
				for _, f := range added {
					t.Errorf("added: %s %s %s!%s %s", f.Severity, f.Rule, f.Sheet, f.Cell, f.Message)
				}
				t.Fatalf("%d findings added by the missing table, want exactly one S01", len(added))
			}
			if bytes.Contains([]byte(added[0].Message), []byte("公开03表")) {
				t.Errorf("message cites a table number the workbook does not print: %s", added[0].Message)
			}
			var listed bool
			for _, u := range after.Report.Unchecked {
				if u.Table == model.T03 && u.Row == "" && u.Col == "" && len(u.Rules) > 5 {
					listed = true
				}
			}
			if !listed {
				t.Errorf("T03 not listed as unchecked: %+v", after.Report.Unchecked)
			}
		})
	}
}
