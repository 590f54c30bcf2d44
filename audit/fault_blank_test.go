package audit

import (
	"bytes"
	"context"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// TestTypedFaultWithBlankTotals: a wrong typed 项 (+1.00) in a workbook whose
// totals are all left for fill. The totals the wrong figure makes
// inconsistent stay blank with an F01 error naming the printed cells, are
// not judged as 0 by check (no cascade of "0.00 ≠ …" errors), and check's
// errors name the wrong cell itself.
func TestTypedFaultWithBlankTotals(t *testing.T) {
	d := templates.CaseA()
	d.Values[model.T05]["2240101"]["基本支出"] = "897.32" // 896.32 in T02/T03
	var buf bytes.Buffer
	wb, err := templates.Write(&buf, d, templates.Options{OmitDerived: true})
	if err != nil {
		t.Fatal(err)
	}
	wrong := wb.Cell(model.Key{Table: model.T05, Row: "2240101", Col: "基本支出"})
	res, err := Check(context.Background(), bytes.NewReader(buf.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var f01, named int
	for _, f := range res.Report.Findings {
		if f.Severity != model.SevError {
			continue
		}
		if f.Rule == "F01" {
			f01++
			continue
		}
		if f.Sheet != wrong.Sheet || f.Cell != wrong.Addr {
			t.Errorf("error %s names %s!%s, not the wrong cell %s!%s: %s", f.Rule, f.Sheet, f.Cell, wrong.Sheet, wrong.Addr, f.Message)
		}
		named++
	}
	if f01 == 0 || named == 0 {
		t.Errorf("%d F01 and %d check errors; want both", f01, named)
	}
	if res.Report.Status != "fail" {
		t.Errorf("status %s, want fail", res.Report.Status)
	}
}
