package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/templates"
)

func TestRulesFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.rules", "A1 error CERTAIN \"本年收入合计\"\n    T01[本年收入合计] = T01[其他收入] + T01[经营收入]\n")
	bad := write("bad.rules", "A1 error CERTAIN \"本年收入合计\"\n    T01[本年收入合计] = T01[其他收入] + T01[经营收人]\n"+
		"A2 error STRUCTURE \"子集\"\n    subset(codes(T05))\n")
	dup := write("dup.rules", "A1 warning USUAL \"重复\"\n    T01[本年收入合计] >= 0\n")
	intra := write("intra.rules", string(templates.RuleFiles()["intra.rules"]))
	narr := write("narr.rules", "N1 warning CONDITIONAL \"说明\"\n    T06[公用经费合计] = 说明[机关经费] when stated(机关经费)\n")
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr []string // substrings
		noStdout       bool
	}{
		{"clean file", []string{"rules", "--file", good}, exitOK,
			[]string{"A1", "共 1 条审核公式。", "检查通过"}, nil, false},
		{"clean file json", []string{"rules", "--json", "--file", good}, exitOK, []string{`"id": "A1"`}, nil, false},
		{"embedded copy lists its narrative", []string{"rules", "--file", intra}, exitOK,
			[]string{"共 46 条审核公式。", "R06.5 说明[机关运行经费]"}, nil, false},
		{"diagnostics", []string{"rules", "--file", bad}, exitInput, nil,
			[]string{bad + ":2:35: A1: T01 没有行“经营收人”（是否为“经营收入”？）\n" +
				bad + ":4:5: A2: subset 需要 2 个参数（subset(codes(T05), codes(T03))），实为 1 个\n" +
				"juesuan: 审核公式有 2 处问题，未加载。\n"}, true},
		{"diagnostics json", []string{"rules", "--json", "--file", bad}, exitInput, nil, []string{bad + ":2:35:"}, true},
		{"two files, one rule twice", []string{"rules", "--file", good, "--file", dup}, exitInput, nil,
			[]string{dup + ":1:1: 规则 A1 重复定义（首次定义于 " + good + ":1）"}, true},
		{"narrative item the narrative lacks", []string{"rules", "--file", narr}, exitInput, nil,
			[]string{narr + ":2:22: N1: 决算说明中没有“机关经费”这一项", narr + ":2:40: N1: 决算说明中没有“机关经费”这一项"}, true},
		{"missing file", []string{"rules", "--file", filepath.Join(dir, "none.rules")}, exitInput, nil, []string{"无法读取公式文件"}, true},
		{"positional argument", []string{"rules", good}, exitInput, nil, []string{"用法"}, true},
		{"embedded", []string{"rules"}, exitOK, []string{"共 78 条审核公式。"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errb.String())
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%.600s", s, out.String())
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errb.String())
				}
			}
			if tt.noStdout && out.Len() > 0 {
				t.Errorf("stdout not empty: %.300s", out.String())
			}
			if tt.name == "clean file json" {
				var rs []map[string]any
				if err := json.Unmarshal(out.Bytes(), &rs); err != nil || len(rs) != 1 {
					t.Errorf("json %v: %s", err, out.String())
				}
			}
		})
	}
}
