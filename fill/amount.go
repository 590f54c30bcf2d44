package fill

import (
	"math"

	"github.com/shopspring/decimal"
)

// amt is an exact amount in the solve's and the repair's inner loops:
// int64 units of 10⁻⁴ while the value is on that grid and fits, else the
// decimal itself. Every operation that could overflow falls back to
// decimal arithmetic, so results are exact either way (never float64);
// the int64 path only saves the allocations of shopspring's big.Int
// arithmetic, which dominated fill's cost. Amounts are rounded to cents
// (or their printed decimals), tolerances are multiples of ½·10⁻ᵈ: 10⁻⁴
// holds both for d ≤ 3.
type amt struct {
	u int64
	d *decimal.Decimal // the value, when it is not on the int64 path
}

const amtPlaces = 4

// centUnits is one cent in amt units.
const centUnits = 100

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

func units(u int64) amt { return amt{u: u} }

func bigAmt(d decimal.Decimal) amt { return amt{d: &d} }

func (a amt) isBig() bool { return a.d != nil }

// amtOf converts d exactly (no allocation when it is on the 10⁻⁴ grid and
// fits in int64).
func amtOf(d decimal.Decimal) amt {
	exp := int(d.Exponent())
	if d.NumDigits() <= 18 {
		c := d.CoefficientInt64()
		switch {
		case exp >= -amtPlaces && exp+amtPlaces < len(pow10):
			if u, ok := mul64(c, pow10[exp+amtPlaces]); ok {
				return amt{u: u}
			}
		case exp < -amtPlaces && -amtPlaces-exp < len(pow10):
			if p := pow10[-amtPlaces-exp]; c%p == 0 {
				return amt{u: c / p}
			}
		}
	}
	return bigAmt(d)
}

// dec is a as a decimal (exponent −4 on the int64 path: for arithmetic
// and comparison, not for display; see at).
func (a amt) dec() decimal.Decimal {
	if a.isBig() {
		return *a.d
	}
	return decimal.New(a.u, -amtPlaces)
}

func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || a == -1 && b == math.MinInt64 || b == -1 && a == math.MinInt64 {
		return 0, false
	}
	return p, true
}

func (a amt) add(b amt) amt {
	if !a.isBig() && !b.isBig() {
		if s := a.u + b.u; (s^a.u)&(s^b.u) >= 0 {
			return amt{u: s}
		}
	}
	return bigAmt(a.dec().Add(b.dec()))
}

func (a amt) sub(b amt) amt {
	if !a.isBig() && !b.isBig() {
		if s := a.u - b.u; (a.u^b.u)&(a.u^s) >= 0 {
			return amt{u: s}
		}
	}
	return bigAmt(a.dec().Sub(b.dec()))
}

func (a amt) neg() amt {
	if !a.isBig() && a.u != math.MinInt64 {
		return amt{u: -a.u}
	}
	return bigAmt(a.dec().Neg())
}

func (a amt) abs() amt {
	if a.sign() < 0 {
		return a.neg()
	}
	return a
}

// mul is a·k.
func (a amt) mul(k int64) amt {
	if !a.isBig() {
		if p, ok := mul64(a.u, k); ok {
			return amt{u: p}
		}
	}
	return bigAmt(a.dec().Mul(decimal.NewFromInt(k)))
}

// addCents is a + k cents.
func (a amt) addCents(k int64) amt {
	if p, ok := mul64(k, centUnits); ok {
		return a.add(amt{u: p})
	}
	return a.add(bigAmt(decimal.New(k, -2)))
}

func (a amt) sign() int {
	if a.isBig() {
		return a.d.Sign()
	}
	switch {
	case a.u < 0:
		return -1
	case a.u > 0:
		return 1
	}
	return 0
}

func (a amt) isZero() bool { return a.sign() == 0 }

func (a amt) cmp(b amt) int {
	if !a.isBig() && !b.isBig() {
		switch {
		case a.u < b.u:
			return -1
		case a.u > b.u:
			return 1
		}
		return 0
	}
	return a.dec().Cmp(b.dec())
}

// round is decimal's Round(places): half away from zero.
func (a amt) round(places int32) amt {
	if a.isBig() || places >= amtPlaces {
		if a.isBig() {
			return bigAmt(a.d.Round(places))
		}
		return a
	}
	if places < 0 || amtPlaces-places >= int32(len(pow10)) {
		return bigAmt(a.dec().Round(places))
	}
	p := pow10[amtPlaces-places]
	q, r := a.u/p, a.u%p
	if r < 0 {
		r = -r
	}
	if 2*r >= p {
		if a.u < 0 {
			q--
		} else {
			q++
		}
	}
	if u, ok := mul64(q, p); ok {
		return amt{u: u}
	}
	return bigAmt(a.dec().Round(places))
}

// at is a.round(places) as the decimal decimal.Round(places) returns:
// exponent −places, so that texts derived from the exponent (FormatAmount)
// read as before.
func (a amt) at(places int32) decimal.Decimal {
	r := a.round(places)
	if !r.isBig() && places >= 0 {
		if places <= amtPlaces {
			return decimal.New(r.u/pow10[amtPlaces-places], -places)
		}
		if int(places-amtPlaces) < len(pow10) {
			if u, ok := mul64(r.u, pow10[places-amtPlaces]); ok {
				return decimal.New(u, -places)
			}
		}
	}
	return r.dec().Round(places)
}

// fixed is decimal's StringFixed(places).
func (a amt) fixed(places int32) string {
	if a.isBig() || places < 0 || places > amtPlaces {
		return a.dec().StringFixed(places)
	}
	r := a.round(places)
	if r.isBig() {
		return r.d.StringFixed(places)
	}
	return fixedText(r.u/pow10[amtPlaces-places], int(places), false)
}

// text is decimal's String(): trailing zeros trimmed.
func (a amt) text() string {
	if a.isBig() {
		return a.d.String()
	}
	return fixedText(a.u, amtPlaces, true)
}

// fixedText writes v·10⁻ᵖˡᵃᶜᵉˢ with places decimals (trimmed of trailing
// zeros when trim).
func fixedText(v int64, places int, trim bool) string {
	// Digits are written right to left into one buffer: the string is the
	// only allocation.
	var buf [48]byte
	mag := uint64(v)
	if v < 0 {
		mag = uint64(-v) // MinInt64 too: two's complement
	}
	i := len(buf)
	for k := 0; k < places; k++ {
		d := byte('0' + mag%10)
		mag /= 10
		if trim && d == '0' && i == len(buf) {
			continue // a trailing zero of the fraction
		}
		i--
		buf[i] = d
	}
	if i < len(buf) {
		i--
		buf[i] = '.'
	}
	for {
		i--
		buf[i] = byte('0' + mag%10)
		mag /= 10
		if mag == 0 {
			break
		}
	}
	if v < 0 {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

func (a amt) String() string { return a.text() }
