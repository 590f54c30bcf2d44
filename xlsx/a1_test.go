package xlsx

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestA1Codec(t *testing.T) {
	for _, tc := range []struct {
		in       string
		row, col int
		ok       bool
	}{
		{"A1", 1, 1, true},
		{"B7", 7, 2, true},
		{"$B$7", 7, 2, true},
		{"B$7", 7, 2, true},
		{"$B7", 7, 2, true},
		{"b7", 7, 2, true},
		{"aB12", 12, 28, true},
		{"Z1", 1, 26, true},
		{"AA1", 1, 27, true},
		{"AZ3", 3, 52, true},
		{"ZZ9", 9, 702, true},
		{"AAA1", 1, 703, true},
		{"XFD1048576", MaxRow, MaxCol, true},
		{"xfd1048576", MaxRow, MaxCol, true},
		{"$XFD$1048576", MaxRow, MaxCol, true},
		{"A01", 1, 1, true}, // a leading zero is still row 1, as Excel reads it
		{"XFE1", 0, 0, false},
		{"A1048577", 0, 0, false},
		{"ZZZZ99999999", 0, 0, false},
		{"A0", 0, 0, false},
		{"A", 0, 0, false},
		{"7", 0, 0, false},
		{"1A", 0, 0, false},
		{"", 0, 0, false},
		{"$", 0, 0, false},
		{"$$A1", 0, 0, false},
		{"A$$1", 0, 0, false},
		{"A1$", 0, 0, false},
		{"A-1", 0, 0, false},
		{"A 1", 0, 0, false},
		{" A1", 0, 0, false},
		{"A1:B2", 0, 0, false},
		{"Ａ1", 0, 0, false},
		{"A１", 0, 0, false},
	} {
		r, c, ok := ParseAddr(tc.in)
		if r != tc.row || c != tc.col || ok != tc.ok {
			t.Errorf("ParseAddr(%q) = %d, %d, %v; want %d, %d, %v", tc.in, r, c, ok, tc.row, tc.col, tc.ok)
		}
		if !tc.ok {
			continue
		}
		if want := strings.ToUpper(strings.ReplaceAll(tc.in, "$", "")); Addr(r, c) != want && !strings.Contains(tc.in, "01") {
			t.Errorf("Addr(%d, %d) = %q, want %q", r, c, Addr(r, c), want)
		}
	}
	for _, tc := range []struct {
		col     int
		letters string
	}{{1, "A"}, {26, "Z"}, {27, "AA"}, {52, "AZ"}, {53, "BA"}, {702, "ZZ"}, {703, "AAA"}, {MaxCol, "XFD"}, {0, ""}, {-3, ""}} {
		if got := ColName(tc.col); got != tc.letters {
			t.Errorf("ColName(%d) = %q, want %q", tc.col, got, tc.letters)
		}
		if tc.col < 1 {
			continue
		}
		if n, ok := ColNumber(strings.ToLower(tc.letters)); !ok || n != tc.col {
			t.Errorf("ColNumber(%q) = %d, %v", strings.ToLower(tc.letters), n, ok)
		}
	}
	for _, bad := range []string{"", "XFE", "A1", "$A", "ÄB", "AAAA"} {
		if n, ok := ColNumber(bad); ok {
			t.Errorf("ColNumber(%q) = %d, ok", bad, n)
		}
	}
	// Every column round-trips, and agrees with excelize (an independent
	// implementation).
	for c := 1; c <= MaxCol; c++ {
		name := ColName(c)
		if n, ok := ColNumber(name); !ok || n != c {
			t.Fatalf("ColNumber(ColName(%d) = %q) = %d, %v", c, name, n, ok)
		}
		if x, err := excelize.ColumnNumberToName(c); err != nil || x != name {
			t.Fatalf("column %d: %q, excelize %q %v", c, name, x, err)
		}
	}
	if got := RangeAddr(3, 2, 40, 6); got != "B3:F40" {
		t.Errorf("RangeAddr = %q", got)
	}
	if m, ok := parseRange("$C$4:a1"); !ok || m != (Merge{Top: 1, Left: 1, Bottom: 4, Right: 3}) {
		t.Errorf("parseRange = %+v %v", m, ok)
	}
	for _, tc := range []struct{ in, sheet, cell string }{
		{"'收入 决算表'!C5", "收入 决算表", "C5"},
		{"'O''Brien'!B3", "O'Brien", "B3"},
		{"Sheet1!$C$5", "Sheet1", "$C$5"},
	} {
		if s, c, ok := SplitRef(tc.in); !ok || s != tc.sheet || c != tc.cell {
			t.Errorf("SplitRef(%q) = %q %q %v", tc.in, s, c, ok)
		}
		if s, c, _ := SplitRef(QuoteSheet(tc.sheet) + "!" + tc.cell); s != tc.sheet || c != tc.cell {
			t.Errorf("SplitRef(QuoteSheet(%q)) = %q %q", tc.sheet, s, c)
		}
	}
}

// FuzzParseAddr: whatever ParseAddr accepts is inside A1:XFD1048576,
// round-trips through Addr, is what it reads with the $ signs dropped
// and the letters in capitals, and is what excelize reads it as.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"A1", "$B$7", "b7", "XFD1048576", "XFE1", "A1048577", "A0", "1A", "$$A1", "A1$", "AA01", "", "Ａ1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, c, ok := ParseAddr(s)
		if !ok {
			if r != 0 || c != 0 {
				t.Fatalf("ParseAddr(%q) rejected with %d, %d", s, r, c)
			}
			return
		}
		if r < 1 || r > MaxRow || c < 1 || c > MaxCol {
			t.Fatalf("ParseAddr(%q) = %d, %d: out of bounds", s, r, c)
		}
		a := Addr(r, c)
		if r2, c2, ok := ParseAddr(a); !ok || r2 != r || c2 != c {
			t.Fatalf("ParseAddr(Addr(%d, %d) = %q) = %d, %d, %v", r, c, a, r2, c2, ok)
		}
		bare := strings.ToUpper(strings.ReplaceAll(s, "$", ""))
		if i := strings.IndexAny(bare, "0123456789"); i < 0 || bare[:i] != ColName(c) || strings.TrimLeft(bare[i:], "0") != strings.TrimLeft(a[len(ColName(c)):], "0") {
			t.Fatalf("ParseAddr(%q) = %d, %d (%s)", s, r, c, a)
		}
		if xc, xr, err := excelize.CellNameToCoordinates(s); err == nil && (xr != r || xc != c) {
			t.Fatalf("ParseAddr(%q) = %d, %d; excelize %d, %d", s, r, c, xr, xc)
		}
	})
}
