package fill

import (
	"testing"

	"github.com/juesuan/juesuan/check"
	"github.com/shopspring/decimal"
)

// TestFillBeyondInt64: amounts too large for amt's int64 path (the
// samples ×10¹⁵: beyond 9.2·10¹⁴ in units of 10⁻⁴) take the decimal
// fallback through the sweep, the repair and the notes: each subtotal of
// printed items is their exact sum (summed here in decimal), and check —
// its own arithmetic — finds no error the fill created.
func TestFillBeyondInt64(t *testing.T) {
	rs := rules(t)
	scale := decimal.New(1, 15)
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			wb := build(t, sm, true)
			for _, tb := range wb.Located() {
				for _, c := range tb.Cells() {
					if !c.Blank {
						c.Value = c.Value.Mul(scale)
						c.Raw = c.Value.StringFixed(int32(max(c.Decimals, 0)))
					}
				}
			}
			before := errorKeys(t, wb)
			s := run(wb, check.Bind(rs, wb), Options{Rules: rs})
			big, sums := 0, 0
			for _, f := range s.fills {
				c := wb.Cell(keyOf(f))
				if amtOf(c.Value).isBig() {
					big++
				}
				if v, err := decimal.NewFromString(f.Value); err != nil || !v.Equal(c.Value) {
					t.Errorf("%s!%s: fill value %q, cell %s", f.Sheet, f.Cell, f.Value, c.Value)
				}
				q := s.def[c]
				if q == nil || q.nLeft != 1 || q.terms[0].cell != c {
					continue
				}
				var want decimal.Decimal
				printed := true
				for _, tm := range q.terms[1:] {
					if tm.cell == nil {
						continue
					}
					printed = printed && !tm.cell.Filled()
					if tm.sign < 0 {
						want = want.Sub(tm.cell.Value)
					} else {
						want = want.Add(tm.cell.Value)
					}
				}
				if !printed {
					continue
				}
				sums++
				if !c.Value.Equal(want) {
					t.Errorf("%s!%s = %s, its printed items (%s) sum to %s", c.Sheet, c.Addr, c.Value, q.rule, want)
				}
			}
			if big == 0 || sums == 0 {
				t.Fatalf("%d fills beyond int64, %d exact sums checked: the fallback was not exercised", big, sums)
			}
			for _, f := range created(t, wb, before, s.fills, s.findings) {
				t.Errorf("created by fill: %s %s", f.Rule, f.Message)
			}
		})
	}
}
