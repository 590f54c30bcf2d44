package model

import (
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
