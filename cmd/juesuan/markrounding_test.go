package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
)

// TestFillMarkRounding: Case A's 尾差 leave no green cell and no note in
// the output of `fill` and of `batch`; with --mark-rounding they are
// marked. Either way 审核结果 lists them.
func TestFillMarkRounding(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	in := fillTestFile(t, dir, "录入.xlsx", templates.CaseA(), false)
	for i, tc := range []struct {
		batch bool
		args  []string
		green bool
	}{{false, nil, false}, {false, []string{"--mark-rounding"}, true}, {true, nil, false}, {true, []string{"--mark-rounding"}, true}} {
		out := filepath.Join(dir, "out.xlsx")
		args := append(append([]string{"fill"}, tc.args...), in, "-o", out)
		if tc.batch {
			outDir := filepath.Join(dir, fmt.Sprintf("结果%d", i))
			args = append(append([]string{"batch", "-o", outDir}, tc.args...), in)
			out = ""
		}
		var o, e bytes.Buffer
		if code := run(args, &o, &e); code != exitOK {
			t.Fatalf("%v: exit %d: %s %s", args, code, o.String(), e.String())
		}
		if out == "" {
			m, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("结果%d", i), "*.审核.xlsx"))
			if len(m) == 0 {
				t.Fatalf("%v: no annotated copy", args)
			}
			out = m[0]
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		s, err := xlsxtest.TakeSnapshot(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		green, notes, listed := 0, 0, 0
		for k, c := range s.Cells {
			inResults := strings.HasPrefix(k, annotate.ResultsSheet+"!")
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
			t.Errorf("%v: %d green cells, %d 尾差 notes, %d listed in 审核结果; want marks %v and the list", args, green, notes, listed, tc.green)
		}
	}
}
