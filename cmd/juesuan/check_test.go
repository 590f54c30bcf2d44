package main

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func writeCase(t *testing.T, d *templates.Data) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, templates.Options{}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "case.xlsx")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckCommand(t *testing.T) {
	broken := templates.CaseA()
	broken.Values[model.T01]["事业收入"] = map[string]string{"决算数": "5.00"}
	brokenPath := writeCase(t, broken)
	junk := filepath.Join(t.TempDir(), "junk.xlsx")
	if err := os.WriteFile(junk, []byte("not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string
	}{
		{"sample passes", []string{"check"}, exitOK, "错误 0 条", ""},
		{"sample json", []string{"check", "--json"}, exitOK, `"status": "warn"`, ""},
		{"sample exact", []string{"check", "--exact", "--json"}, exitFindings, `"status": "fail"`, ""},
		{"broken file", []string{"check", brokenPath}, exitFindings, "R01.1", ""},
		{"flags after file", []string{"check", brokenPath, "--json"}, exitFindings, `"rule": "R01.1"`, ""},
		// The sample as its own prior year: 年初 13.07 ≠ 上年年末 39.53.
		{"prior", []string{"check", "--prior", brokenPath, "--json"}, exitFindings, `"rule": "Y1"`, ""},
		{"missing file", []string{"check", filepath.Join(t.TempDir(), "none.xlsx")}, exitInput, "", "none.xlsx"},
		{"junk file", []string{"check", junk}, exitInput, "", "junk.xlsx"},
		// A bad prior-year file is named as such, not the checked file.
		{"bad prior", []string{"check", "--prior", junk, brokenPath}, exitInput, "", "junk.xlsx：上年决算工作簿"},
		{"two files", []string{"check", junk, junk}, exitInput, "", "一次只能审核一个文件"},
		{"rules", []string{"rules"}, exitOK, "共 78 条审核公式", ""},
		{"rules json", []string{"rules", "--json"}, exitOK, `"id": "X21"`, ""},
		{"rules since", []string{"rules"}, exitOK, "适用: 2025 年度起", ""},
		{"rules formula", []string{"rules", "--formula"}, exitOK, "for r in rows(T02): T02[r, 本年收入合计] =", ""},
		{"year pack", []string{"check", "--year", "2026", "--json"}, exitOK, `"source": "asked"`, ""},
		{"bad year", []string{"check", "--year", "25"}, exitInput, "", "--year 应为四位的决算年度"},
		{"catalog 2025", []string{"catalog", "--year", "2025"}, exitOK, "22198    款 超长期特别国债安排的支出", ""},
		{"catalog 2019", []string{"catalog", "--year", "2019"}, exitOK, "2019 年度没有专门的规则包", ""},
		{"unknown flag", []string{"check", "--foo"}, exitInput, "", "未知的选项 -foo"},
		{"residues folded", []string{"check"}, exitOK, "尾差 3 处，均在允许范围内", ""},
		{"residues listed", []string{"check", "--all"}, exitOK, "[尾差] R01.1", ""},
		{"flag without value", []string{"fill", "-o"}, exitInput, "", "选项 -o 需要一个值"},
		{"bad flag value", []string{"check", "--parts", "x"}, exitInput, "", "选项 -parts 的值 \"x\" 无效"},
		{"folder", []string{"check", t.TempDir()}, exitInput, "", "是文件夹，不是工作簿文件"},
		{"missing says so", []string{"check", filepath.Join(t.TempDir(), "无.xlsx")}, exitInput, "", "不存在，请检查路径和文件名"},
		{"fill clean", []string{"fill", "--clean", "-o", filepath.Join(t.TempDir(), "x.xlsx")}, exitOK, "已输出", ""},
		{"fill clean with errors", []string{"fill", "--clean", brokenPath, "-o", filepath.Join(t.TempDir(), "y.xlsx")}, exitFindings, "", "未生成报送版"},
		{"fill clean forced", []string{"fill", "--clean", "--force", brokenPath, "-o", filepath.Join(t.TempDir(), "z.xlsx")}, exitFindings, "已输出", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errb.String())
			}
			if !strings.Contains(out.String(), tt.stdout) {
				t.Errorf("stdout lacks %q:\n%.600s", tt.stdout, out.String())
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr lacks %q: %s", tt.stderr, errb.String())
			}
			if strings.Contains(strings.Join(tt.args, " "), "--json") && tt.code != exitInput {
				var rep model.Report
				if err := json.Unmarshal(out.Bytes(), &rep); err != nil && tt.args[0] == "check" {
					t.Errorf("json: %v", err)
				}
			}
		})
	}
}

// TestServeAddressInUse: a port another program holds is said in Chinese.
func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out, errb bytes.Buffer
	code := runServe([]string{"--addr", ln.Addr().String()}, &out, &errb)
	if code != exitInput || !strings.Contains(errb.String(), "已被其他程序占用") || strings.Contains(errb.String(), "bind:") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
