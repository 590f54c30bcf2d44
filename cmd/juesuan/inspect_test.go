package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xlsx")
	if err := os.WriteFile(bad, []byte("not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  string // substring
		stderr  string
		isJSON  bool
		nTables int
	}{
		{"sample json", []string{"--json"}, exitOK, `"id": "T01"`, "", true, 9},
		{"sample text", nil, exitOK, "识别出 9/9 张表", "", false, 0},
		{"not xlsx", []string{bad}, exitInput, "", "不是 .xlsx 文件", false, 0},
		{"missing file", []string{filepath.Join(dir, "none.xlsx")}, exitInput, "", "不存在", false, 0},
		{"two files", []string{"a", "b"}, exitInput, "", "用法", false, 0},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(append([]string{"inspect"}, tt.args...), &out, &errOut)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d (stderr %s)", tt.name, code, tt.code, errOut.String())
		}
		if !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errOut.String(), tt.stderr) {
			t.Errorf("%s: stdout %.200q / stderr %q, want %q / %q", tt.name, out.String(), errOut.String(), tt.stdout, tt.stderr)
		}
		if tt.isJSON {
			var v struct {
				Tables []struct{ ID, Sheet, Title, Style, Unit, Range string }
				Values []struct {
					Table, Row, Column, Sheet, Cell, Value string
					Blank                                  bool
				}
				Findings []json.RawMessage
			}
			if err := json.Unmarshal(out.Bytes(), &v); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if len(v.Tables) != tt.nTables || len(v.Values) < 400 || v.Findings == nil {
				t.Errorf("%s: %d tables, %d values, findings %v", tt.name, len(v.Tables), len(v.Values), v.Findings)
			}
			found := false
			for _, x := range v.Values {
				if x.Table == "T01" && x.Row == "收入总计" && x.Value == "4126.63" && x.Cell != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: T01 收入总计 4126.63 not in values", tt.name)
			}
		}
	}
}
