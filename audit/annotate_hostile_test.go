package audit

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/hostile"
	"github.com/juesuan/juesuan/model"
)

// TestFillHostileCorpus annotates every hostile workbook that can be read
// (formulas without cached values, sheet-wide merges, claimed dimensions,
// odd cells...): annotation must succeed, and every filled value must be in
// the written workbook as a number, marked. This exercises xlsx.Book.Apply's
// in-place sheet edits on files the generator does not write.
func TestFillHostileCorpus(t *testing.T) {
	n, filled := 0, 0
	for _, c := range hostile.Corpus() {
		if c.Big || c.Want.Code != "" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			var out bytes.Buffer
			res, err := Fill(context.Background(), bytes.NewReader(c.Bytes()), &out, Options{})
			if err != nil {
				var me *model.Error
				if errors.As(err, &me) && me.Code != model.EInternal {
					return // a coded refusal is Check's business (hostile tests)
				}
				t.Fatalf("Fill: %v", err)
			}
			// Read back: the filled cells now hold the values, so nothing is
			// left to fill, and each reads as the value written.
			again, err := Check(context.Background(), bytes.NewReader(out.Bytes()), Options{})
			if err != nil {
				t.Fatalf("annotated workbook does not read: %v", err)
			}
			if len(again.Report.Fills) != 0 {
				t.Errorf("%d cells still to fill after annotation, e.g. %+v", len(again.Report.Fills), again.Report.Fills[0])
			}
			cells := map[string]*model.Cell{}
			for _, tb := range again.Workbook.Located() {
				for _, c := range tb.Cells() {
					cells[c.Sheet+"!"+c.Addr] = c
				}
			}
			for _, fl := range res.Report.Fills {
				c := cells[fl.Sheet+"!"+fl.Cell]
				want, err := decimal.NewFromString(fl.Value)
				if err != nil {
					t.Fatal(err)
				}
				if c == nil || c.Blank || !c.Value.Equal(want) {
					t.Errorf("%s!%s reads %+v, want %s", fl.Sheet, fl.Cell, c, fl.Value)
				}
			}
			if len(res.Report.Fills) > 0 {
				filled++
			}
			n++
		})
	}
	if n < 10 || filled < 1 {
		t.Errorf("only %d corpus workbooks annotated, %d with fills", n, filled)
	}
}
