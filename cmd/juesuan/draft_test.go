package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/templates"
)

// TestDraftCommand: juesuan draft writes a docx (or txt) that check
// --narrative reads back against the same workbook with no error; bad
// input is exit 2 with a Chinese message.
func TestDraftCommand(t *testing.T) {
	dir := t.TempDir()
	wbPath := writeCase(t, templates.CaseA())
	broken := templates.CaseA()
	broken.Values[model.T01]["事业收入"] = map[string]string{"决算数": "5.00"}
	brokenPath := writeCase(t, broken)
	junk := filepath.Join(dir, "junk.xlsx")
	if err := os.WriteFile(junk, []byte("not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		file   string // written, read back and checked
		stdout string
		stderr string
	}{
		{"sample docx", []string{"draft", "-o", filepath.Join(dir, "s.docx")}, exitOK, filepath.Join(dir, "s.docx"), "待填写", ""},
		{"sample txt", []string{"draft", "-o", filepath.Join(dir, "s.txt")}, exitOK, filepath.Join(dir, "s.txt"), "未给上年决算", ""},
		{"workbook, default name", []string{"draft", wbPath}, exitOK, strings.TrimSuffix(wbPath, ".xlsx") + ".说明草稿.docx", "已输出", ""},
		{"prior", []string{"draft", "--prior", wbPath, "-o", filepath.Join(dir, "p.docx")}, exitOK, filepath.Join(dir, "p.docx"), "待填写", ""},
		// a workbook with errors still drafts (exit 0), and says so
		{"broken workbook", []string{"draft", brokenPath, "-o", filepath.Join(dir, "b.txt")}, exitOK, "", "工作簿本身有 2 条错误", ""},
		{"stdout", []string{"draft", "-o", "-"}, exitOK, "", "2024年度部门决算公开说明", ""},
		{"year", []string{"draft", "--year", "2025", "-o", "-"}, exitOK, "", "2025年度部门决算公开说明", ""},
		{"bad year", []string{"draft", "--year", "25"}, exitInput, "", "", "--year 应为四位的决算年度"},
		{"missing file", []string{"draft", filepath.Join(dir, "none.xlsx")}, exitInput, "", "", "不存在"},
		{"junk file", []string{"draft", junk}, exitInput, "", "", "junk.xlsx"},
		{"bad prior", []string{"draft", "--prior", junk}, exitInput, "", "", "上年文件"},
		{"two files", []string{"draft", wbPath, wbPath}, exitInput, "", "", "一次只能起草一个单位"},
		{"unknown flag", []string{"draft", "--nope"}, exitInput, "", "", "未知的选项"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, out.String())
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errb.String())
			}
			if tt.file == "" {
				return
			}
			var chk, chkErr bytes.Buffer
			args := []string{"check", "--json", "--narrative", tt.file}
			if tt.name != "sample docx" && tt.name != "sample txt" {
				args = append(args, wbPath)
			}
			if code := run(args, &chk, &chkErr); code != exitOK {
				t.Fatalf("check of the draft: exit %d\n%s%s", code, chk.String(), chkErr.String())
			}
			if !strings.Contains(chk.String(), `"rule": "N08"`) {
				t.Error("the draft's placeholders are not reported")
			}
			f, err := os.Open(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			doc, err := narrative.Read(f, filepath.Base(tt.file), narrative.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if string(doc.Format) != strings.TrimPrefix(filepath.Ext(tt.file), ".") {
				t.Errorf("format %s for %s", doc.Format, tt.file)
			}
		})
	}
}
