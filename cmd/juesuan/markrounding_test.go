package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

// TestFillMarkRounding: Case A's 尾差 leave no green cell and no note in
// the output of `fill`; with --mark-rounding they are marked. Either way
// 审核结果 lists them.
func TestFillMarkRounding(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	in := fillTestFile(t, dir, "录入.xlsx", templates.CaseA(), false)
	for _, tc := range []struct {
		args  []string
		green bool
	}{{nil, false}, {[]string{"--mark-rounding"}, true}} {
		out := filepath.Join(dir, "out.xlsx")
		var o, e bytes.Buffer
		if code := run(append(append([]string{"fill"}, tc.args...), in, "-o", out), &o, &e); code != exitOK {
			t.Fatalf("fill %v: exit %d: %s %s", tc.args, code, o.String(), e.String())
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		s, err := xlsx.TakeSnapshot(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		green, notes, listed := 0, 0, 0
		for k, c := range s.Cells {
			inResults := strings.HasPrefix(k, xlsx.ResultsSheet+"!")
			if !inResults && strings.Contains(c.Fill, xlsx.MarkColor(xlsx.MarkInfo)) {
				green++
			}
			if inResults && c.Value == "尾差" {
				listed++
			}
		}
		for _, txt := range s.Comments {
			if strings.Contains(txt, "[尾差]") {
				notes++
			}
		}
		if (green > 0) != tc.green || (notes > 0) != tc.green || listed == 0 {
			t.Errorf("fill %v: %d green cells, %d 尾差 notes, %d listed in 审核结果; want marks %v and the list", tc.args, green, notes, listed, tc.green)
		}
	}
}
