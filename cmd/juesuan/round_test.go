package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func TestRoundCommand(t *testing.T) {
	dir := t.TempDir()
	yuan := filepath.Join(dir, "单位_元.xlsx")
	wan := filepath.Join(dir, "单位_万元.xlsx")
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{Unit: model.Yuan}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(yuan, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
		t.Fatal(err)
	}
	wanIn := filepath.Join(dir, "已是万元.xlsx")
	if err := os.WriteFile(wanIn, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		// Case A in 元 carries the published residues (208 类 180.66 vs 项
		// 180.67 …): those identities do not hold in 元, so they are
		// listed and not enforced; the 万元 figures are Case A's.
		{"case a in 元", []string{"round", yuan, "-o", wan}, exitOK,
			[]string{"（万元）", "原工作簿（元）中有", "R05.2", "复核万元工作簿：错误 0 条"}, ""},
		{"default output name", []string{"round", yuan}, exitOK, []string{"单位_元.万元.xlsx"}, ""},
		{"already 万元", []string{"round", wanIn}, exitInput, nil, "以元为单位"},
		{"no file", []string{"round"}, exitInput, nil, "用法: juesuan round"},
		{"missing", []string{"round", filepath.Join(dir, "无.xlsx")}, exitInput, nil, "不存在"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %s stderr %s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"round", "--json", yuan, "-o", wan}, &stdout, &stderr); code != exitOK {
		t.Fatalf("--json: exit %d: %s", code, stderr.String())
	}
	var rep roundReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout.String())
	}
	if rep.Output != wan || rep.Check.Errors != 0 || len(rep.Unbalanced) == 0 || rep.Adjusted == nil || rep.Residual == nil {
		t.Errorf("--json report: %+v", rep)
	}
	// The 万元 workbook prints Case A's figures.
	if res, err := checkFile(t.Context(), wan); err != nil {
		t.Fatal(err)
	} else if got := res.Value(model.Key{Table: model.T01, Row: "收入总计", Col: "决算数"}).String(); got != "4126.63" || res.Unit != model.Wan {
		t.Errorf("T01 收入总计 = %s %s, want 4126.63 万元", got, res.Unit)
	}
}
