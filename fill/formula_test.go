package fill

import (
	"testing"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// A replaced total keeps the user's formula in the model: the writer keeps
// it in the file, the computed number becoming its cached value.
func TestOverwriteKeepsFormula(t *testing.T) {
	rs := rules(t)
	wb := build(t, samples[0], false)
	k := model.Key{Table: model.T01, Row: "本年收入合计", Col: "决算数"}
	c := wb.Cell(k)
	c.Value = c.Value.Add(decimal.NewFromInt(100))
	c.Raw, c.Formula = c.Value.StringFixed(2), "SUM(C7:C14)"
	fs := Fill(wb, check.Bind(rs, wb), Options{Overwrite: true})
	if len(fs) != 1 || fs[0].Cell != c.Addr {
		t.Fatalf("overwrite fills = %+v", fs)
	}
	if c.Formula != "SUM(C7:C14)" || c.Raw != fs[0].Value {
		t.Errorf("cell after overwrite: formula %q raw %q, want the formula kept and raw %s", c.Formula, c.Raw, fs[0].Value)
	}
}
