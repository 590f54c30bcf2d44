package rounding

import (
	"bytes"
	"context"
	"testing"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// TestRoundYunnan: a Yunnan set in 元 rounds into the Yunnan set in 万元
// (11 tables, the set's titles), which checks with no error.
func TestRoundYunnan(t *testing.T) {
	var in bytes.Buffer
	if _, err := templates.Write(&in, templates.WithYunnan(templates.CaseA()), templates.Options{Set: "yunnan", Unit: model.Yuan}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := File(context.Background(), bytes.NewReader(in.Bytes()), &out, Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := audit.Check(context.Background(), bytes.NewReader(out.Bytes()), audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Workbook.Located()); n != 11 {
		t.Fatalf("万元 workbook has %d tables", n)
	}
	if got := res.Workbook.Table(model.T01).Title; templates.NormalizeText(got) != "收入支出决算表" {
		t.Errorf("T01 printed as %q", got)
	}
	if res.Report.Summary.Errors != 0 || res.Workbook.Unit != model.Wan {
		t.Errorf("万元 Yunnan set: unit %s, %+v", res.Workbook.Unit, res.Report.Summary)
	}
}
