package fill

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// amtSamples are decimals on and off the 10⁻⁴ grid, small and beyond
// int64, with the exponents the reader and the solver produce.
func amtSamples() []decimal.Decimal {
	out := []decimal.Decimal{decimal.Zero, decimal.New(0, -2), decimal.New(1, -2), decimal.New(-1, -2),
		decimal.New(5, -3), decimal.New(-5, -3), decimal.New(12345, -5), decimal.New(1234500, -6),
		decimal.New(math.MaxInt64, -2), decimal.New(math.MinInt64, -2), decimal.New(math.MaxInt64, 0),
		decimal.New(math.MinInt64, -4), decimal.New(7, 3), decimal.New(-922337203685477, 0),
		decimal.RequireFromString("123456789012345678901234.5"), decimal.RequireFromString("-0.00005"),
		decimal.RequireFromString("0.00015"), decimal.RequireFromString("-2.345"), decimal.RequireFromString("2.345")}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		mag := []int64{100, 1e4, 1e8, 1e12, 1e17, math.MaxInt64}[r.IntN(6)]
		v := r.Int64N(mag)
		if r.IntN(2) == 0 {
			v = -v
		}
		out = append(out, decimal.New(v, int32(-r.IntN(7))))
	}
	return out
}

// TestAmtMatchesDecimal: every amt operation gives what shopspring
// decimal gives, on the int64 path, across its overflow, and beyond.
func TestAmtMatchesDecimal(t *testing.T) {
	xs := amtSamples()
	r := rand.New(rand.NewPCG(3, 4))
	for i, x := range xs {
		a := amtOf(x)
		if !a.dec().Equal(x) {
			t.Fatalf("amtOf(%s) = %s", x, a.dec())
		}
		// The int64 path is the one taken for every amount of a workbook.
		if a.isBig() && x.Exponent() >= -amtPlaces && x.Exponent() <= 0 && x.Abs().LessThan(decimal.New(1, 12)) {
			t.Errorf("amtOf(%s) fell back to decimal", x)
		}
		if got, want := a.text(), x.String(); got != want {
			t.Errorf("text(%s) = %q, want %q", x, got, want)
		}
		for _, p := range []int32{0, 1, 2, 3, 4, 5} {
			if got, want := a.fixed(p), x.StringFixed(p); got != want {
				t.Errorf("fixed(%s, %d) = %q, want %q", x, p, got, want)
			}
			if got, want := a.at(p), x.Round(p); !got.Equal(want) || got.Exponent() != want.Exponent() {
				t.Errorf("at(%s, %d) = %s (exp %d), want %s (exp %d)", x, p, got, got.Exponent(), want, want.Exponent())
			}
			if got, want := a.round(p).dec(), x.Round(p); !got.Equal(want) {
				t.Errorf("round(%s, %d) = %s, want %s", x, p, got, want)
			}
		}
		if !a.neg().dec().Equal(x.Neg()) || !a.abs().dec().Equal(x.Abs()) || a.sign() != x.Sign() || a.isZero() != x.IsZero() {
			t.Errorf("neg/abs/sign of %s", x)
		}
		k := []int64{1, -1, 3, -7, 1 << 40, math.MaxInt64}[i%6]
		if got, want := a.mul(k).dec(), x.Mul(decimal.NewFromInt(k)); !got.Equal(want) {
			t.Errorf("%s·%d = %s, want %s", x, k, got, want)
		}
		if got, want := a.addCents(k).dec(), x.Add(decimal.New(k, -2)); !got.Equal(want) {
			t.Errorf("%s + %d cents = %s, want %s", x, k, got, want)
		}
		y := xs[r.IntN(len(xs))]
		b := amtOf(y)
		if got, want := a.add(b).dec(), x.Add(y); !got.Equal(want) {
			t.Errorf("%s + %s = %s, want %s", x, y, got, want)
		}
		if got, want := a.sub(b).dec(), x.Sub(y); !got.Equal(want) {
			t.Errorf("%s − %s = %s, want %s", x, y, got, want)
		}
		if got, want := a.cmp(b), x.Cmp(y); got != want {
			t.Errorf("cmp(%s, %s) = %d, want %d", x, y, got, want)
		}
	}
}
