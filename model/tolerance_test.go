package model

import (
	"math/rand"
	"testing"

	"github.com/shopspring/decimal"
)

func TestTolerance(t *testing.T) {
	printed := func(d int) *Cell { return &Cell{Decimals: d} }
	blank := &Cell{Blank: true, Decimals: 2}
	dash := &Cell{Raw: "-", Decimals: 0} // a typed dash: printed, a 0
	invalid := &Cell{Invalid: true}
	many := func(n int, c func() *Cell) []*Cell {
		var out []*Cell
		for i := 0; i < n; i++ {
			out = append(out, c())
		}
		return out
	}
	// README's example: a class total and 28 item rows, 12 of them printed.
	example := append([]*Cell{printed(2)}, many(12, func() *Cell { return printed(2) })...)
	example = append(example, many(16, func() *Cell { return blank })...)
	for _, tc := range []struct {
		name  string
		cells []*Cell
		want  string
	}{
		{"README 302 example", example, "0.065"},
		{"two printed", []*Cell{printed(2), printed(2)}, "0.01"},
		{"blanks widen nothing", []*Cell{printed(2), blank, blank, nil}, "0.005"},
		{"dash counts as printed", []*Cell{printed(2), dash}, "0.01"},
		{"unreadable adds nothing", []*Cell{printed(2), invalid}, "0.005"},
		{"three decimals", []*Cell{printed(3), printed(3)}, "0.001"},
		{"nothing printed", []*Cell{blank}, "0"},
	} {
		if got := Tolerance(tc.cells...); !got.Equal(decimal.RequireFromString(tc.want)) {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	if got := ToleranceOf(3, 2); got.String() != "0.015" {
		t.Errorf("ToleranceOf(3, 2) = %s", got)
	}
}

// Tolerance counts operands per number of decimals; the bound (and its
// text, which reports and fingerprints carry) is the plain sum of the
// half-units of the printed operands, whatever the mix.
func TestToleranceIsTheSumOfHalfUnits(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for i := 0; i < 2000; i++ {
		var cells []*Cell
		want := decimal.Zero
		for j := rng.Intn(40); j > 0; j-- {
			c := &Cell{Decimals: rng.Intn(12) - 1, Blank: rng.Intn(5) == 0, Invalid: rng.Intn(9) == 0}
			if rng.Intn(7) == 0 {
				c = nil
			}
			if c.Printed() {
				want = want.Add(HalfUnit(c.Decimals))
			}
			cells = append(cells, c)
		}
		if got := Tolerance(cells...); !got.Equal(want) || got.String() != want.String() {
			t.Fatalf("Tolerance = %s, want %s (%d operands)", got, want, len(cells))
		}
	}
}
