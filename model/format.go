package model

import (
	"strings"

	"github.com/shopspring/decimal"
)

// CodeLevel is the level of a classification code: 1 类 (3 digits), 2 款
// (5), 3 项 (7); 0 for anything that is not such a code.
func CodeLevel(code string) int {
	for _, ch := range code {
		if ch < '0' || ch > '9' {
			return 0
		}
	}
	switch len(code) {
	case 3:
		return 1
	case 5:
		return 2
	case 7:
		return 3
	}
	return 0
}

// FormatAmount prints an amount the accountant's way, 1,754.76: at least
// two decimals, more only when the value has them.
func FormatAmount(d decimal.Decimal) string {
	places := int32(2)
	if e := -d.Exponent(); e > places {
		places = e
	}
	return Thousands(d.StringFixed(places))
}

// FormatAmountText is FormatAmount of an amount held as text (the JSON
// report's expected, actual, difference, tolerance and fill values): the
// one display users read, "1.00" never "1" beside it. Text that is not a
// number is returned as it is.
func FormatAmountText(s string) string {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return FormatAmount(d)
}

// Thousands inserts thousands separators into a plain decimal text.
func Thousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
