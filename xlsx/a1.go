package xlsx

// The one A1 address codec of juesuan: column letters and numbers, "B7",
// "$B$7", ranges and sheet-qualified references. Every package that
// converts addresses uses these (excelize's converters allocate and
// return errors for what the hot paths know is in range).

import (
	"strconv"
	"strings"
)

// MaxRow and MaxCol are the last row and column of a sheet (XFD1048576).
const (
	MaxRow = 1 << 20
	MaxCol = 1 << 14
)

// ColName returns the column letters of a 1-based column number ("" for
// a number below 1).
func ColName(col int) string {
	var buf [8]byte
	i := len(buf)
	for col > 0 {
		col--
		i--
		buf[i] = byte('A' + col%26)
		col /= 26
	}
	return string(buf[i:])
}

// Addr returns the A1 address of row, col.
func Addr(row, col int) string {
	// One allocation, not three: the reader makes one for every cell.
	var buf [32]byte
	i := 8
	for col > 0 {
		col--
		i--
		buf[i] = byte('A' + col%26)
		col /= 26
	}
	return string(strconv.AppendInt(buf[i:8], int64(row), 10))
}

// RangeAddr returns an A1 range such as "A1:F40".
func RangeAddr(top, left, bottom, right int) string {
	return Addr(top, left) + ":" + Addr(bottom, right)
}

// ColNumber returns the 1-based number of column letters ("AB" = 28,
// lowercase too); ok is false for anything else or beyond XFD.
func ColNumber(letters string) (col int, ok bool) {
	if letters == "" {
		return 0, false
	}
	for i := 0; i < len(letters); i++ {
		ch := letters[i]
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		if ch < 'A' || ch > 'Z' {
			return 0, false
		}
		col = col*26 + int(ch-'A'+1)
		if col > MaxCol {
			return 0, false
		}
	}
	return col, true
}

// ParseAddr splits an A1 address into its 1-based row and column: "AB12",
// "ab12", "$AB$12", "AB$12" or "$AB12"; ok is false for anything else and
// for an address outside A1:XFD1048576.
func ParseAddr(s string) (row, col int, ok bool) { return parseRef(s) }

// parseRef is ParseAddr (the name the sheet scanners use).
func parseRef(s string) (row, col int, ok bool) {
	i := 0
	if i < len(s) && s[i] == '$' {
		i++
	}
	start := i
	for i < len(s) {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		if ch < 'A' || ch > 'Z' {
			break
		}
		col = col*26 + int(ch-'A'+1)
		if col > MaxCol {
			return 0, 0, false
		}
		i++
	}
	if i == start {
		return 0, 0, false
	}
	if i < len(s) && s[i] == '$' {
		i++
	}
	if i == len(s) {
		return 0, 0, false
	}
	for ; i < len(s); i++ {
		ch := s[i]
		if ch < '0' || ch > '9' {
			return 0, 0, false
		}
		row = row*10 + int(ch-'0')
		if row > MaxRow {
			return 0, 0, false
		}
	}
	if row == 0 {
		return 0, 0, false
	}
	return row, col, true
}

// parseRange reads "A1:C3" (either corner first) as a Merge.
func parseRange(s string) (Merge, bool) {
	a, bb, ok := strings.Cut(s, ":")
	if !ok {
		return Merge{}, false
	}
	r1, c1, ok1 := parseRef(a)
	r2, c2, ok2 := parseRef(bb)
	if !ok1 || !ok2 {
		return Merge{}, false
	}
	return Merge{Top: min(r1, r2), Left: min(c1, c2), Bottom: max(r1, r2), Right: max(c1, c2)}, true
}

// QuoteSheet quotes a sheet name for a formula or hyperlink location.
func QuoteSheet(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SplitRef splits a sheet-qualified reference, "'收入 决算表'!C5" or
// "Sheet1!C5", into the sheet's name (unquoted) and the cell.
func SplitRef(s string) (sheet, cell string, ok bool) {
	s = strings.TrimSpace(s)
	i := strings.LastIndex(s, "!")
	if i <= 0 {
		return "", "", false
	}
	sheet, cell = s[:i], s[i+1:]
	if strings.HasPrefix(sheet, "'") && strings.HasSuffix(sheet, "'") && len(sheet) >= 2 {
		sheet = strings.ReplaceAll(sheet[1:len(sheet)-1], "''", "'")
	}
	return sheet, cell, cell != ""
}
