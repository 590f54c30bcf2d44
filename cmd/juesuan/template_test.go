package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/xlsxtest"
)

func TestTemplateAndSampleCommands(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		file   string   // output file to inspect ("-" = stdout)
		sheets []string // expected first sheets
		cell   [3]string
		stderr string
	}{
		{"template default", []string{"template", "-o", filepath.Join(dir, "blank.xlsx")}, exitOK, filepath.Join(dir, "blank.xlsx"), []string{"公开01表", "公开02表"}, [3]string{"公开01表", "A1", "收入支出决算总表"}, "已生成"},
		{"template shanghai", []string{"template", "--style", "shanghai", "-o", filepath.Join(dir, "sh.xlsx")}, exitOK, filepath.Join(dir, "sh.xlsx"), []string{"收入支出决算总表"}, [3]string{"收入支出决算总表", "D2", "单位：万元"}, ""},
		{"template stdout", []string{"template", "-o", "-"}, exitOK, "-", []string{"公开01表"}, [3]string{"公开01表", "F3", "金额单位：万元"}, ""},
		{"sample a", []string{"sample", "-o", filepath.Join(dir, "a.xlsx")}, exitOK, filepath.Join(dir, "a.xlsx"), []string{"公开01表"}, [3]string{"公开01表", "C36", "4126.63"}, ""},
		{"sample c defaults to shanghai", []string{"sample", "--case", "c", "-o", filepath.Join(dir, "c.xlsx")}, exitOK, filepath.Join(dir, "c.xlsx"), []string{"收入支出决算总表"}, [3]string{"收入支出决算总表", "B5", "307.82"}, ""},
		{"sample c as mof", []string{"sample", "--case", "C", "--style", "mof", "-o", "-"}, exitOK, "-", []string{"公开01表"}, [3]string{"公开01表", "A3", "部门：中共上海市普陀区委社会工作部"}, ""},
		{"bad style", []string{"template", "--style", "beijing", "-o", filepath.Join(dir, "x.xlsx")}, exitInput, "", nil, [3]string{}, "未知的版式"},
		{"bad case", []string{"sample", "--case", "b"}, exitInput, "", nil, [3]string{}, "未知的案例"},
		{"extra args", []string{"sample", "x.xlsx"}, exitInput, "", nil, [3]string{}, "多余的参数"},
		{"bad flag", []string{"template", "--nope"}, exitInput, "", nil, [3]string{}, ""},
		{"help", []string{"sample", "-h"}, exitOK, "", nil, [3]string{}, "用法: juesuan sample"},
		{"unwritable", []string{"template", "-o", filepath.Join(dir, "no", "such", "dir.xlsx")}, exitInput, "", nil, [3]string{}, "无法写入"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
			if tc.file == "" {
				if stdout.Len() != 0 && tc.name != "help" {
					t.Errorf("unexpected stdout %d bytes", stdout.Len())
				}
				return
			}
			data := stdout.Bytes()
			if tc.file != "-" {
				var err error
				if data, err = os.ReadFile(tc.file); err != nil {
					t.Fatal(err)
				}
			}
			in, err := xlsxtest.Inspect(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			if got := in.Sheets(); len(got) != 9 || !slices.Equal(got[:len(tc.sheets)], tc.sheets) {
				t.Errorf("sheets %v", got)
			}
			if got, err := in.Raw(tc.cell[0], tc.cell[1]); err != nil || got != tc.cell[2] {
				t.Errorf("%s!%s = %q, %v; want %q", tc.cell[0], tc.cell[1], got, err, tc.cell[2])
			}
		})
	}
	// No temporary files are left behind.
	left, _ := filepath.Glob(filepath.Join(dir, ".juesuan-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
