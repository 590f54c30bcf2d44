package catalog

import (
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	c := Default()
	tests := []struct {
		code, name string
		confirmed  bool
	}{
		{"201", "一般公共服务支出", true},
		{"30101", "基本工资", true},
		{"2010101", "行政运行", false},
	}
	for _, tt := range tests {
		es := c.Lookup(tt.code)
		if len(es) == 0 {
			t.Fatalf("%s missing", tt.code)
		}
		if es[0].Name != tt.name || es[0].Confirmed != tt.confirmed {
			t.Errorf("%s = %+v, want %s confirmed=%v", tt.code, es[0], tt.name, tt.confirmed)
		}
	}
	if c.Len() < 1500 {
		t.Errorf("Len = %d, want >= 1500", c.Len())
	}
	if c.Lookup("999") != nil {
		t.Error("999 should be unknown")
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name, csv string
		wantErr   bool
		codes     int
	}{
		{"ok", "code,name,level,parent,source,confirmed\n201,一般公共服务支出,类,,x,yes\n", false, 1},
		{"bom", "\ufeffcode,name\n201,x\n202,y\n", false, 2},
		{"no name column", "code,level\n201,类\n", true, 0},
		{"empty", "", true, 0},
		{"bad quote", "code,name\n201,\"x\n", true, 0},
	}
	for _, tt := range tests {
		c, err := Load(strings.NewReader(tt.csv))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		if err == nil && c.Len() != tt.codes {
			t.Errorf("%s: Len = %d, want %d", tt.name, c.Len(), tt.codes)
		}
	}
}

// TestForYear: each pack's catalog is 2024's plus the additions up its
// chain; 2026 = 2025 until published otherwise; the 2024 catalog is not
// changed by building the others.
func TestForYear(t *testing.T) {
	for _, tc := range []struct {
		year int
		want bool // 22198 known
	}{{0, false}, {2023, false}, {2024, false}, {2025, true}, {2026, true}, {2031, true}, {2019, false}} {
		c, err := ForYear(tc.year)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(c.Lookup("22198")) > 0; got != tc.want {
			t.Errorf("%d: 22198 known %v, want %v", tc.year, got, tc.want)
		}
		if len(c.Lookup("2240101")) == 0 {
			t.Errorf("%d: base code 2240101 missing", tc.year)
		}
	}
	if len(Default().Lookup("22198")) != 0 {
		t.Error("the 2024 catalog gained a 2025 code")
	}
}
