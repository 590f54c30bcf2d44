package model

import "github.com/shopspring/decimal"

// The rounding tolerance of spec §5.0, defined once for every stage (check,
// fill, consolidate). A value printed with d decimals stands for the
// interval ±½·10⁻ᵈ around it; an identity between printed values can miss
// by at most the sum of its operands' half-intervals. Only printed operands
// count: a blank cell is an exact 0 and does not widen the interval (a
// printed 0.00 does, a typed dash is printed too).

// HalfUnit is ½·10⁻ᵈ for a value printed with d decimals, never coarser
// than ½ cent: amounts are published to the cent of their unit, a typed
// "500" stands for 500.00.
func HalfUnit(decimals int) decimal.Decimal {
	if decimals < 2 {
		decimals = 2
	}
	return decimal.New(5, int32(-decimals-1))
}

// Printed reports whether c stands for a rounded printed value: present,
// readable and not blank. A value juesuan filled counts as printed: it will
// be printed in the output and is itself rounded to the cent.
func (c *Cell) Printed() bool { return c != nil && !c.Blank && !c.Invalid }

// Tolerance is the §5.0 bound of an identity among cells: the sum of the
// half-intervals of its printed operands (nil and blank cells add nothing).
func Tolerance(cells ...*Cell) decimal.Decimal {
	// Counted per number of decimals (nearly always all 2): one exact
	// decimal per count, not a decimal addition per operand.
	var n [8]int64
	tol := decimal.Zero
	for _, c := range cells {
		if !c.Printed() {
			continue
		}
		if d := max(c.Decimals, 2); d < len(n) {
			n[d]++
		} else {
			tol = tol.Add(HalfUnit(d))
		}
	}
	for d, k := range n {
		if k > 0 {
			tol = tol.Add(decimal.New(5*k, int32(-d-1)))
		}
	}
	return tol
}

// ToleranceOf is the §5.0 bound of an identity among n printed values of d
// decimals each: n·½·10⁻ᵈ (a total and its n−1 items: ½·10⁻ᵈ·(items+1)).
func ToleranceOf(n, decimals int) decimal.Decimal {
	if n <= 0 {
		return decimal.Zero
	}
	return HalfUnit(decimals).Mul(decimal.NewFromInt(int64(n)))
}
