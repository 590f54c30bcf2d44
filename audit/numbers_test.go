package audit

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/juesuan/juesuan/templates"
)

// TestResultsSheetNumbers: the 审核结果 sheet shows amounts as the messages
// print them: 应为/实为/差额 #,##0.00 and the 容差 with its third decimal
// (0.045, not 0.05 beside a message saying 0.045). Read with excelize's
// formatter, as a spreadsheet displays the cells.
func TestResultsSheetNumbers(t *testing.T) {
	var in, out bytes.Buffer
	if _, err := templates.Write(&in, templates.CaseA(), templates.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Fill(context.Background(), bytes.NewReader(in.Bytes()), &out, Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("审核结果")
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	found := 0
	for _, r := range rows {
		if len(r) > 10 && r[0] == "序号" {
			for i, h := range r {
				col[h] = i
			}
			continue
		}
		if len(col) == 0 || len(r) <= col["容差"] {
			continue
		}
		// Case A: R01.1 本年收入合计 4,113.55 vs 4,113.56 within 0.045.
		if r[col["规则"]] == "R01.1" && r[col["单元格"]] == "公开01表!C33" {
			found++
			for h, want := range map[string]string{"应为": "4,113.56", "实为": "4,113.55", "差额": "-0.01", "容差": "0.045"} {
				if got := r[col[h]]; got != want {
					t.Errorf("R01.1 %s shows %q, want %q", h, got, want)
				}
			}
		}
		if r[col["规则"]] == "R01.2" {
			found++
			if got := r[col["容差"]]; got != "0.02" {
				t.Errorf("R01.2 容差 shows %q, want 0.02", got)
			}
		}
	}
	if found != 2 {
		t.Fatalf("R01.1/R01.2 rows found %d times in 审核结果:\n%v", found, rows[:min(len(rows), 6)])
	}
}
