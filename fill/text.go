package fill

import (
	"strconv"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// The texts of every fill (its note, its operands' values) are built on
// each run: here without fmt's boxing and big.Int's digit strings.

// msgf is fmt.Sprintf for the messages of messages.go that take only
// string arguments, each %s (or %d, given as its decimal text) replaced in
// order.
func msgf(format string, args ...string) string {
	n := len(format)
	for _, a := range args {
		n += len(a)
	}
	var b strings.Builder
	b.Grow(n)
	for {
		i := strings.IndexByte(format, '%')
		if i < 0 || i+1 >= len(format) || len(args) == 0 {
			b.WriteString(format)
			return b.String()
		}
		b.WriteString(format[:i])
		b.WriteString(args[0])
		args = args[1:]
		format = format[i+2:]
	}
}

// formatAmount is model.FormatAmount: #,##0.00, more decimals when d has
// them.
func formatAmount(d decimal.Decimal) string {
	places := int32(2)
	if e := -d.Exponent(); e > places {
		places = e
	}
	return formatAt(amtOf(d), places)
}

// formatAt is model.FormatAmount(a.at(places)) for places ≥ 2.
func formatAt(a amt, places int32) string {
	if a.isBig() || places > amtPlaces || places < 2 {
		return model.FormatAmount(a.at(places))
	}
	r := a.round(places)
	if r.isBig() {
		return model.FormatAmount(a.at(places))
	}
	var buf [48]byte
	return string(appendThousands(buf[:0], r.u/pow10[amtPlaces-places], int(places)))
}

// appendThousands appends v·10⁻ᵖˡᵃᶜᵉˢ with places decimals and thousands
// separators (model.Thousands of its fixed text).
func appendThousands(b []byte, v int64, places int) []byte {
	var buf [24]byte
	mag := uint64(v)
	if v < 0 {
		mag = uint64(-v)
		b = append(b, '-')
	}
	digits := strconv.AppendUint(buf[:0], mag, 10)
	if pad := places + 1 - len(digits); pad > 0 {
		var z [24]byte
		for i := range pad {
			z[i] = '0'
		}
		digits = append(z[:pad:pad], digits...)
	}
	intPart, frac := digits[:len(digits)-places], digits[len(digits)-places:]
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, d)
	}
	if places > 0 {
		b = append(b, '.')
		b = append(b, frac...)
	}
	return b
}
