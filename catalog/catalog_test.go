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
