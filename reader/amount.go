package reader

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// maxAmount bounds parsed amounts: no unit's budget reaches 10^15 万元, and
// huge exponents would make decimal arithmetic slow.
var maxAmount = decimal.New(1, 15)

// Amount is one parsed amount cell.
type Amount struct {
	Value decimal.Decimal
	Blank bool // nothing was typed
	// Dash is set for a typed "-", "—", "--" or "/": the usual way to print
	// 0, so Value is 0 and Blank is false (fill must not overwrite it).
	Dash     bool
	Decimals int // decimals as printed, at least 2 (also for a blank)
}

// amountStatus says why text is not an amount.
type amountStatus int

const (
	amountOK         amountStatus = iota
	amountBad                     // not a number
	amountTooLarge                // beyond maxAmount
	amountTooPrecise              // more than maxDecimals decimals typed as text
	amountExcelError              // an Excel error value (#DIV/0!, #REF!, ...)
)

// maxDecimals bounds the decimals of an amount: real tables print 2 (some
// exports 4–6); thousands of digits would bloat tolerances and messages.
const maxDecimals = 10

// ParseAmount parses an amount cell. typed is true for a cell stored as a
// number (text is then its stored value); fmtDecimals is the number of
// decimals its number format prints (-1 for General or unknown). Accepted:
// typed numbers, numbers stored as text, thousands separators, full-width
// digits, blank (Blank) and "-"/"—"/"--"/"/" (Dash, a typed 0), "(1.23)"
// and "−1.23" as negatives.
func ParseAmount(text string, typed bool, fmtDecimals int) (Amount, bool) {
	a, st := parseAmount(text, typed, fmtDecimals)
	return a, st == amountOK
}

func parseAmount(text string, typed bool, fmtDecimals int) (Amount, amountStatus) {
	s := foldNumber(text)
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
	dec := -1 // decimals of the number as read, when known before s is
	if typed && plainTyped(s) {
		// What ParseFloat and FormatFloat(v, 'f', -1) would give, without
		// them: a number of at most 15 significant digits is its own
		// shortest round trip.
		var err error
		if d, dec, err = plainDecimal(s, true); err != nil {
			return Amount{}, amountBad
		}
	} else if typed {
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
		if d.Abs().Cmp(maxAmount) >= 0 {
			return Amount{}, amountTooLarge
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
		// At most 15 integer and 10 decimal digits: below maxAmount.
		var err error
		if d, dec, err = plainDecimal(s, false); err != nil {
			return Amount{}, amountBad
		}
	}
	// Decimals: as printed (the number format's for typed cells, else the
	// text's), but never below the 2 every nine-table amount is published
	// with: "400" typed or General-formatted is 400.00, not a figure
	// rounded to whole 万元, and must not widen the rounding tolerance.
	if dec < 0 {
		dec = decimalsOf(s)
	}
	if typed && fmtDecimals >= 0 {
		dec = fmtDecimals
	}
	dec = max(dec, 2)
	if neg && !d.IsZero() {
		d = d.Neg()
	}
	return Amount{Value: d, Decimals: dec}, amountOK
}

// plainTyped reports whether the stored value s of a numeric cell is
// digits with at most one point and digits after it, at most 15
// significant digits, below 10^15 and with at most maxDecimals decimals
// once trailing zeros are dropped: a number that float64 holds exactly
// enough for its shortest round trip to be itself.
func plainTyped(s string) bool {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if !allDigits(intPart) || hasDot && !allDigits(frac) {
		return false
	}
	intPart = strings.TrimLeft(intPart, "0")
	frac = strings.TrimRight(frac, "0")
	if len(intPart) > 15 || len(frac) > maxDecimals {
		return false
	}
	sig := len(intPart) + len(frac)
	if intPart == "" {
		sig = len(strings.TrimLeft(frac, "0"))
	}
	return sig <= 15
}

// zeros are the decimals 0 with exponent 0, -1, …, -maxDecimals, shared
// by the many zero cells (a decimal is immutable; decimal.Zero is shared
// the same way).
var zeros = func() (z [maxDecimals + 1]decimal.Decimal) {
	for i := range z {
		z[i] = decimal.New(0, int32(-i))
	}
	return z
}()

// plainDecimal is decimal.NewFromString for digits with an optional point
// and at most 18 digits: the same value and exponent (as written, or, for
// canonical, without the zeros a shortest float format drops) and the
// decimals. The caller checked the form (plainNumber with the commas
// removed, or plainTyped).
func plainDecimal(s string, canonical bool) (decimal.Decimal, int, error) {
	intPart, frac, _ := strings.Cut(s, ".")
	if canonical {
		intPart = strings.TrimLeft(intPart, "0")
		frac = strings.TrimRight(frac, "0")
	}
	if len(strings.TrimLeft(intPart, "0"))+len(frac) > 18 {
		// Beyond int64: NewFromString itself (big.Int.SetString).
		d, err := decimal.NewFromString(intPart + "." + frac)
		return d, len(frac), err
	}
	var v int64
	for i := 0; i < len(intPart); i++ {
		v = v*10 + int64(intPart[i]-'0')
	}
	for i := 0; i < len(frac); i++ {
		v = v*10 + int64(frac[i]-'0')
	}
	if v == 0 && len(frac) < len(zeros) {
		return zeros[len(frac)], len(frac), nil
	}
	return decimal.New(v, int32(-len(frac))), len(frac), nil
}

// outOfRange reports whether ParseFloat's result is a number beyond float
// range (err ErrRange with ±Inf) or beyond any amount (> 1e300); NaN and
// "Inf" typed as words are not numbers at all.
func outOfRange(v float64, err error) bool {
	if err != nil {
		return errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0)
	}
	return !math.IsInf(v, 0) && v > 1e300
}

// scientific reports whether s (sign already removed) looks like a number
// in E notation: digits, at most one dot, one e/E with an optional sign.
func scientific(s string) bool {
	mant, exp, ok := strings.Cut(strings.ToLower(s), "e")
	if !ok || mant == "" || exp == "" {
		return false
	}
	exp = strings.TrimLeft(exp, "+-")
	ip, fp, _ := strings.Cut(mant, ".")
	return (allDigits(ip) || ip == "" && fp != "") && (fp == "" || allDigits(fp)) && allDigits(exp)
}

func significantDigits(s string) int {
	n := 0
	started := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		if c != '0' {
			started = true
		}
		if started {
			n++
		}
	}
	return n
}

func decimalsOf(s string) int {
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

// plainNumber accepts 1234, 1234.5, 1,234.56 (groups of three) and .5.
func plainNumber(s string) bool {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if hasDot && (frac == "" || !allDigits(frac)) {
		return false
	}
	if intPart == "" {
		return hasDot
	}
	if !strings.Contains(intPart, ",") {
		return allDigits(intPart)
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 || !allDigits(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// foldNumber trims white space and folds full-width digits and signs.
// Text with nothing to fold (plain digits, most labels) is returned as it
// is, without a copy.
func foldNumber(text string) string {
	if !needsFold(text) {
		return text
	}
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

// needsFold reports whether foldNumber changes text: a rune it removes or
// replaces, or a byte that is no UTF-8 (written back as U+FFFD).
func needsFold(text string) bool {
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size == 1,
			r == '\u3000' || r == '\u00a0' || r == '\u200b',
			r >= 0xFF01 && r <= 0xFF5E,
			r == '\u2212' || r == '\u2010' || r == '\u2011' || r == '\uFE63',
			r == '。':
			return true
		}
		i += size
	}
	return false
}

// hasDigit reports whether text holds an ASCII or a full-width digit
// (U+FF10–U+FF19, UTF-8 EF BC 90–99): no code can be read from text
// without one.
func hasDigit(text string) bool {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= '0' && c <= '9' || c == 0xEF && i+2 < len(text) && text[i+1] == 0xBC && text[i+2] >= 0x90 && text[i+2] <= 0x99 {
			return true
		}
	}
	return false
}

// ParseCode turns what a code cell holds into a code: "2010601",
// "201 06 01", "201|06|01", "201-06-01", "2010601.0", full-width digits.
// ok is false for anything else.
func ParseCode(text string) (string, bool) {
	if !hasDigit(text) {
		return "", false
	}
	s := strings.TrimSuffix(foldNumber(text), ".0")
	if !allDigits(s) {
		var ok bool
		if s, ok = joinCodeParts(s); !ok {
			return "", false
		}
	}
	switch len(s) {
	case 3, 5, 7:
		return s, true
	}
	return "", false
}

// codeSeparator reports a character real files type between the parts of
// a code ("201-06-01", "201|06|01", "201/06/01"; spaces are folded away
// before).
func codeSeparator(r rune) bool {
	switch r {
	case '-', '|', '/', '_', '·', '、':
		return true
	}
	return false
}

// joinCodeParts joins a code typed with separators: a 3-digit 类 part
// followed by one or two 2-digit parts ("201-06-01" gives "2010601").
// Anything else is no code.
func joinCodeParts(s string) (string, bool) {
	// Digits and separators only, or no code (without splitting).
	for _, r := range s {
		if (r < '0' || r > '9') && !codeSeparator(r) {
			return "", false
		}
	}
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

// codeParent is the code one level up, "" for a 类.
func codeParent(code string) string {
	if len(code) <= 3 {
		return ""
	}
	return code[:len(code)-2]
}
