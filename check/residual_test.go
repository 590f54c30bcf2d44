package check

import (
	"math/rand"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// residualEquation is the identity Σleft = Σright over cells bound in wb
// (a nil entry: a row the table does not print); neg marks − terms.
func residualEquation(wb *model.Workbook, left, right []*model.Cell, neg map[*model.Cell]bool) *Equation {
	eq := &Equation{Rule: &Rule{ID: "T"}, Op: "="}
	for side, cs := range [2][]*model.Cell{left, right} {
		for _, c := range cs {
			t := Term{Sign: 1, wb: wb, cell: c}
			if neg[c] {
				t.Sign = -1
			}
			if side == 0 {
				eq.Left = append(eq.Left, t)
			} else {
				eq.Right = append(eq.Right, t)
			}
		}
	}
	return eq
}

// TestResidualSign pins the exact sign of Σleft − Σright that decides
// whether an identity holds: the int64 path and its decimal fallback
// (coefficients beyond 18 digits, exponents more than 18 apart, sums that
// overflow) agree with shopspring decimal on every case.
func TestResidualSign(t *testing.T) {
	wb := &model.Workbook{}
	c := &Checker{b: &bindCtx{cur: &windex{wb: wb}}}
	cell := func(s string) *model.Cell { return &model.Cell{Value: decimal.RequireFromString(s)} }
	tests := []struct {
		name        string
		left, right []string
		neg         []int // indexes (left then right) of negative terms
		want        int
		invalid     bool
	}{
		{name: "cents equal", left: []string{"3244.79"}, right: []string{"1428.31", "1816.48"}, want: 0},
		{name: "one cent over", left: []string{"3244.80"}, right: []string{"1428.31", "1816.48"}, want: 1},
		{name: "one cent under", left: []string{"3244.78"}, right: []string{"1428.31", "1816.48"}, want: -1},
		{name: "mixed exponents", left: []string{"1.005"}, right: []string{"1", "0.005"}, want: 0},
		{name: "positive exponent", left: []string{"1e5"}, right: []string{"99999.99", "0.01"}, want: 0},
		{name: "negative term", left: []string{"10"}, right: []string{"12", "2"}, neg: []int{2}, want: 0},
		{name: "empty sides", want: 0},
		{name: "zero operands only", left: []string{"0"}, right: []string{"0.00"}, want: 0},
		{name: "19 digits", left: []string{"1234567890123456789"}, right: []string{"1234567890123456788"}, want: 1},
		{name: "25 digits", left: []string{"1234567890123456789012345"}, right: []string{"1234567890123456789012344", "1"}, want: 0},
		{name: "2^64+1, low bits 1", left: []string{"18446744073709551617"}, right: []string{"1"}, want: 1},
		{name: "exponents 20 apart", left: []string{"1e10", "1e-10"}, right: []string{"1e10"}, want: 1},
		{name: "sum overflows int64", left: []string{"900000000000000000", "900000000000000000", "900000000000000000",
			"900000000000000000", "900000000000000000", "900000000000000000", "900000000000000000",
			"900000000000000000", "900000000000000000", "900000000000000000", "900000000000000000"},
			right: []string{"9900000000000000000"}, want: 0},
		{name: "scaling overflows int64", left: []string{"9e17", "0.01"}, right: []string{"9e17"}, want: 1},
		{name: "missing cell", left: []string{"5", ""}, right: []string{"5"}, want: 0},
		{name: "invalid operand", left: []string{"5", "!"}, right: []string{"5"}, invalid: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cells [2][]*model.Cell
			neg := map[*model.Cell]bool{}
			n := 0
			for side, vs := range [2][]string{tc.left, tc.right} {
				for _, v := range vs {
					var x *model.Cell
					switch v {
					case "":
					case "!":
						x = &model.Cell{Invalid: true}
					default:
						x = cell(v)
					}
					for _, j := range tc.neg {
						if j == n && x != nil {
							neg[x] = true
						}
					}
					n++
					cells[side] = append(cells[side], x)
				}
			}
			eq := residualEquation(wb, cells[0], cells[1], neg)
			sign, invalid := c.residualSign(eq)
			if invalid != tc.invalid || !invalid && sign != tc.want {
				t.Errorf("residualSign = %d, %v; want %d, %v", sign, invalid, tc.want, tc.invalid)
			}
			if !invalid {
				if ref := c.b.sum(eq.Left).Cmp(c.b.sum(eq.Right)); ref != sign {
					t.Errorf("residualSign = %d, decimal says %d", sign, ref)
				}
			}
		})
	}
}

// TestResidualSignRandom compares the fast sign, side sums and residual
// with decimal arithmetic on random operands around the int64 limits and
// the cent.
func TestResidualSignRandom(t *testing.T) {
	wb := &model.Workbook{}
	c := &Checker{b: &bindCtx{cur: &windex{wb: wb}}}
	rng := rand.New(rand.NewSource(11))
	for i := 0; i < 20000; i++ {
		var cells [2][]*model.Cell
		neg := map[*model.Cell]bool{}
		for side := range cells {
			for range rng.Intn(6) {
				var v decimal.Decimal
				switch rng.Intn(4) {
				case 0: // cents
					v = decimal.New(rng.Int63n(1e9)-5e8, -2)
				case 1: // near the int64 limit
					v = decimal.New(rng.Int63()-rng.Int63(), int32(rng.Intn(5)-2))
				case 2: // any exponent
					v = decimal.New(rng.Int63n(1e6), int32(rng.Intn(41)-20))
				default: // the negation of an earlier operand, so sides often balance
					if len(cells[0]) > 0 {
						v = cells[0][rng.Intn(len(cells[0]))].Value
					}
				}
				x := &model.Cell{Value: v}
				neg[x] = rng.Intn(3) == 0
				cells[side] = append(cells[side], x)
			}
		}
		eq := residualEquation(wb, cells[0], cells[1], neg)
		sign, _ := c.residualSign(eq)
		if ref := c.b.sum(eq.Left).Cmp(c.b.sum(eq.Right)); ref != sign {
			t.Fatalf("case %d: residualSign = %d, decimal says %d (%v = %v)", i, sign, ref, eq.Left, eq.Right)
		}
		// The sums and the residual printed in findings are the decimal ones.
		for _, ts := range [][]Term{eq.Left, eq.Right} {
			got, want := c.side(ts).sum, c.b.sum(ts)
			if got.String() != want.String() || model.FormatAmount(got) != model.FormatAmount(want) {
				t.Fatalf("case %d: side sum %s (%s), decimal %s (%s)", i, got, model.FormatAmount(got), want, model.FormatAmount(want))
			}
		}
		if got, want := c.residual(eq), c.b.sum(eq.Left).Sub(c.b.sum(eq.Right)); !got.Equal(want) {
			t.Fatalf("case %d: residual %s, decimal %s", i, got, want)
		}
	}
}
