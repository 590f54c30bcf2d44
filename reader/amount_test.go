package reader

import "testing"

func TestParseAmount(t *testing.T) {
	tests := []struct {
		text   string
		typed  bool
		fmtDec int
		want   string
		blank  bool
		dec    int
		ok     bool
	}{
		{"4126.63", true, 2, "4126.63", false, 2, true},
		{"4126.6300000000001", true, -1, "4126.63", false, 2, true},
		{"100", true, -1, "100", false, 2, true},
		{"100", true, 2, "100", false, 2, true},
		{"12.5", true, 3, "12.5", false, 3, true},
		{"12.5", true, 0, "12.5", false, 2, true},
		{"1E-3", true, -1, "0.001", false, 3, true},
		{"2,940.05", false, -1, "2940.05", false, 2, true},
		{"１２３.４５", false, -1, "123.45", false, 2, true},
		{"１，２３４.５０", false, -1, "1234.5", false, 2, true},
		{" 9746.50 ", false, -1, "9746.5", false, 2, true},
		{"", false, -1, "0", true, 2, true},
		// A dash is a typed 0: not blank (fill must not overwrite it).
		{"-", false, -1, "0", false, 2, true},
		{"—", false, -1, "0", false, 2, true},
		{"--", false, -1, "0", false, 2, true},
		{"——", false, -1, "0", false, 2, true},
		{"/", false, -1, "0", false, 2, true},
		{"－", false, -1, "0", false, 2, true},
		{"0.00", false, -1, "0", false, 2, true},
		{"(1.23)", false, -1, "-1.23", false, 2, true},
		{"（1.23）", false, -1, "-1.23", false, 2, true},
		{"−1.23", false, -1, "-1.23", false, 2, true},
		{"-0", false, -1, "0", false, 2, true},
		{"-5", true, -1, "-5", false, 2, true},
		{"12.3.4", false, -1, "", false, 0, false},
		{"abc", false, -1, "", false, 0, false},
		{"1,2,3", false, -1, "", false, 0, false},
		{"12,34.5", false, -1, "", false, 0, false},
		{"1.", false, -1, "", false, 0, false},
		{"NaN", false, -1, "", false, 0, false},
		{"NaN", true, -1, "", false, 0, false},
		{"1E+100000", false, -1, "", false, 0, false},
		{"1E+100000", true, -1, "", false, 0, false},
		{"12345678901234567890", false, -1, "", false, 0, false},
		{"1e15", true, -1, "", false, 0, false},
		{"0.00000000001", false, -1, "", false, 0, false},
		{"5.551115123125783e-17", true, -1, "0", false, 2, true},
		{"0.1234567891", false, -1, "0.1234567891", false, 10, true},
	}
	for _, tt := range tests {
		a, ok := ParseAmount(tt.text, tt.typed, tt.fmtDec)
		if ok != tt.ok {
			t.Errorf("ParseAmount(%q, %v) ok = %v, want %v", tt.text, tt.typed, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if a.Value.String() != tt.want || a.Blank != tt.blank || a.Decimals != tt.dec {
			t.Errorf("ParseAmount(%q, %v) = %s blank=%v dec=%d, want %s blank=%v dec=%d",
				tt.text, tt.typed, a.Value, a.Blank, a.Decimals, tt.want, tt.blank, tt.dec)
		}
	}
}

func TestParseAmountTooLarge(t *testing.T) {
	for _, s := range []string{"1000000000000000", "12345678901234567890"} {
		if _, st := parseAmount(s, false, -1); st != amountTooLarge {
			t.Errorf("%s: status %d, want too large", s, st)
		}
	}
}

// TestParseAmountStatus: numbers that parse but are out of range are "too
// large" (msgTooLarge), not "not a number"; words stay "not a number".
func TestParseAmountStatus(t *testing.T) {
	tests := []struct {
		text  string
		typed bool
		want  amountStatus
	}{
		{"1E+400", false, amountTooLarge},
		{"1E+400", true, amountTooLarge},
		{"1e+400", false, amountTooLarge},
		{"-1E+400", true, amountTooLarge},
		{"1E+100000", false, amountTooLarge},
		{"1.5E+20", false, amountTooLarge},
		{"1E+301", true, amountTooLarge},
		{"1e15", true, amountTooLarge},
		{"NaN", true, amountBad},
		{"Inf", true, amountBad},
		{"Inf", false, amountBad},
		{"四千", false, amountBad},
		{"1E+", false, amountBad},
		{"E5", false, amountBad},
		{"1.5E+3", false, amountBad}, // in range but not how amounts are typed as text
	}
	for _, tt := range tests {
		if _, st := parseAmount(tt.text, tt.typed, -1); st != tt.want {
			t.Errorf("parseAmount(%q, %v) status %d, want %d", tt.text, tt.typed, st, tt.want)
		}
	}
	// Blank and Dash are exclusive: only an empty text is blank.
	for text, dash := range map[string]bool{"": false, " ": false, "-": true, "—": true, "--": true, "/": true, "0": false} {
		a, ok := ParseAmount(text, false, -1)
		if !ok || a.Dash != dash || a.Blank == (dash || text == "0") || !a.Value.IsZero() {
			t.Errorf("ParseAmount(%q) = %+v ok=%v, want dash=%v", text, a, ok, dash)
		}
	}
}

func TestParseCode(t *testing.T) {
	tests := []struct {
		text, want string
		ok         bool
	}{
		{"2010601", "2010601", true},
		{"201 06 01", "2010601", true},
		{"201|06|01", "2010601", true},
		{"2010601.0", "2010601", true},
		{"２０１", "201", true},
		{"30101", "30101", true},
		{"2010", "", false},
		{"合计", "", false},
		{"", "", false},
		{"20106011", "", false},
		{"201-06-01", "2010601", true},
		{"201/06", "20106", true},
		{"２０１－０６", "20106", true},
		{"201 - 06 - 01", "2010601", true},
		{"20-106", "", false},
		{"201--06", "", false},
		{"201-6", "", false},
		{"-201", "", false},
		{"201-06-01-01", "", false},
		{"307.82", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseCode(tt.text)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCode(%q) = %q,%v want %q,%v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}
