package reader

import (
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// The reading path's amount and code parsers as they were before their
// fast paths (issue 11): the reference the fast ones are compared with
// (TestParsersMatchReference).

func parseAmountRef(text string, typed bool, fmtDecimals int) (Amount, amountStatus) {
	s := foldNumberRef(text)
	switch s {
	case "":
		return Amount{Value: decimal.Zero, Blank: true, Decimals: 2}, amountOK
	case "-", "--", "---", "—", "——", "–", "/":
		return Amount{Value: decimal.Zero, Dash: true, Decimals: 2}, amountOK
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, s[1:len(s)-1]
	}
	if strings.HasPrefix(s, "-") {
		neg, s = !neg, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	var d decimal.Decimal
	if typed {
		v, err := strconv.ParseFloat(s, 64)
		if outOfRange(v, err) {
			return Amount{}, amountTooLarge
		}
		if err != nil || v != v || math.IsInf(v, 0) {
			return Amount{}, amountBad
		}
		if v >= 1e15 {
			return Amount{}, amountTooLarge
		}
		// Excel stores up to 17 significant digits (4126.6300000000001);
		// it shows 15, and so do we.
		s = strconv.FormatFloat(v, 'f', -1, 64)
		if sig := significantDigits(s); sig > 15 {
			s = strconv.FormatFloat(v, 'g', 15, 64)
			v2, _ := strconv.ParseFloat(s, 64)
			s = strconv.FormatFloat(v2, 'f', -1, 64)
		}
		d, err = decimal.NewFromString(s)
		if err != nil {
			return Amount{}, amountBad
		}
		// Float residue of cached formula results (5.55E-17 for 0.1+0.2-0.3)
		// is not an amount anyone typed.
		if d.Exponent() < -maxDecimals {
			d = d.Round(maxDecimals)
			s = d.String()
		}
	} else {
		if !plainNumber(s) {
			// "1E+400" is a number, just not a usable amount: say so.
			if scientific(s) {
				if v, err := strconv.ParseFloat(s, 64); outOfRange(v, err) || err == nil && v >= 1e15 {
					return Amount{}, amountTooLarge
				}
			}
			return Amount{}, amountBad
		}
		s = strings.ReplaceAll(s, ",", "")
		intPart, frac, _ := strings.Cut(s, ".")
		if len(frac) > maxDecimals {
			return Amount{}, amountTooPrecise
		}
		if len(strings.TrimLeft(intPart, "0")) > 15 {
			return Amount{}, amountTooLarge
		}
		var err error
		d, err = decimal.NewFromString(s)
		if err != nil {
			return Amount{}, amountBad
		}
	}
	if d.Abs().Cmp(maxAmount) >= 0 {
		return Amount{}, amountTooLarge
	}
	// Decimals: as printed (the number format's for typed cells, else the
	// text's), but never below the 2 every nine-table amount is published
	// with: "400" typed or General-formatted is 400.00, not a figure
	// rounded to whole 万元, and must not widen the rounding tolerance.
	dec := decimalsOf(s)
	if typed && fmtDecimals >= 0 {
		dec = fmtDecimals
	}
	dec = max(dec, 2)
	if neg && !d.IsZero() {
		d = d.Neg()
	}
	return Amount{Value: d, Decimals: dec}, amountOK
}

// foldNumber trims white space and folds full-width digits and signs.
func foldNumberRef(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' || r == '\u00a0' || r == '\u200b':
			continue
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == '\u2212' || r == '\u2010' || r == '\u2011' || r == '\uFE63':
			r = '-'
		case r == '\u2014' || r == '\u2013' || r == '\u2015':
			// dashes as blank markers; kept as one rune so "——" stays a dash run
		}
		switch r {
		case '（':
			r = '('
		case '）':
			r = ')'
		case '，':
			r = ','
		case '。':
			r = '.'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ParseCode turns what a code cell holds into a code: "2010601",
// "201 06 01", "201|06|01", "201-06-01", "2010601.0", full-width digits.
// ok is false for anything else.
func parseCodeRef(text string) (string, bool) {
	s := strings.TrimSuffix(foldNumberRef(text), ".0")
	if !allDigits(s) {
		var ok bool
		if s, ok = joinCodePartsRef(s); !ok {
			return "", false
		}
	}
	switch len(s) {
	case 3, 5, 7:
		return s, true
	}
	return "", false
}

// joinCodeParts joins a code typed with separators: a 3-digit 类 part
// followed by one or two 2-digit parts ("201-06-01" gives "2010601").
// Anything else is no code.
func joinCodePartsRef(s string) (string, bool) {
	parts := strings.FieldsFunc(s, codeSeparator)
	if len(parts) < 2 || len(parts) > 3 {
		return "", false
	}
	out := ""
	for i, p := range parts {
		if !allDigits(p) || i == 0 && len(p) != 3 || i > 0 && len(p) != 2 {
			return "", false
		}
		out += p
	}
	// Only separators between the parts, one each.
	if n := len([]rune(s)) - len(out); n != len(parts)-1 {
		return "", false
	}
	return out, true
}

func digitsRef(s string) (string, bool) {
	s = strings.TrimSuffix(foldNumberRef(s), ".0")
	if allDigits(s) {
		return s, true
	}
	return joinCodePartsRef(s)
}
