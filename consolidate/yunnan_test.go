package consolidate

import (
	"bytes"
	"context"
	"testing"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// TestSumYunnan: two units of the Yunnan set sum into the Yunnan set (its
// two extra tables kept, written with templates.SetOf), which checks with
// no error and compares equal to the sum; a changed T11 figure in the
// department table is a difference.
func TestSumYunnan(t *testing.T) {
	opt := templates.Options{Set: "yunnan"}
	u := read(t, templates.WithYunnan(templates.CaseA()), opt)
	sum, err := Sum("两个单位", []*model.Workbook{u, u})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Values[model.T10] == nil || sum.Values[model.T11] == nil || templates.SetOf(sum) != "yunnan" {
		t.Fatalf("sum lost the Yunnan tables: set %q", templates.SetOf(sum))
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, sum, templates.Options{Set: templates.SetOf(sum)}); err != nil {
		t.Fatal(err)
	}
	// A sum of two rounded units: each figure carries two roundings.
	res, err := audit.Check(context.Background(), bytes.NewReader(buf.Bytes()), audit.Options{Parts: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Workbook.Located()) != 11 || res.Report.Summary.Errors != 0 {
		t.Errorf("summed Yunnan set: %d tables, %+v", len(res.Workbook.Located()), res.Report.Summary)
		for _, f := range res.Report.Findings {
			if f.Severity == model.SevError {
				t.Log(f.Rule, f.Sheet, f.Cell, f.Message)
			}
		}
	}
	dept := read(t, sum, templates.Options{Set: "yunnan"})
	if d := Compare(dept, sum, 2); len(d) != 0 {
		t.Errorf("written sum differs from itself: %v", d)
	}
	c := dept.Table(model.T11).Cell("机关运行经费", "决算数")
	c.Value = c.Value.Add(c.Value)
	if d := Compare(dept, sum, 2); len(d) != 1 || d[0].Key.Table != model.T11 {
		t.Errorf("a changed T11 figure: %v", d)
	}
}
