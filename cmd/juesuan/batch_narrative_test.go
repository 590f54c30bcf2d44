package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchNarrativeLine: batch says how many narratives it paired and how
// many it could not; a narrative's error fails its unit (exit 1).
func TestBatchNarrativeLine(t *testing.T) {
	seed, err := os.ReadFile(seedNarrative)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	clean, bad := t.TempDir(), t.TempDir()
	for _, dir := range []string{clean, bad} {
		writeUnitCase(t, filepath.Join(dir, "a.xlsx"), "", false)
		os.WriteFile(filepath.Join(dir, "乙局决算说明.txt"), []byte("乙局2024年度部门决算公开说明\n收入总计100.00万元。\n"), 0o644)
	}
	os.WriteFile(filepath.Join(clean, "a说明.txt"), seed, 0o644)
	os.WriteFile(filepath.Join(bad, "a说明.txt"), bytes.Replace(seed, []byte("本年收入4,113.55"), []byte("本年收入4,213.55"), 1), 0o644)
	for _, tc := range []struct {
		dir  string
		want int
	}{{clean, exitOK}, {bad, exitFindings}} {
		var out, errb bytes.Buffer
		code := run([]string{"batch", "--report-only", "-o", filepath.Join(t.TempDir(), "out"), tc.dir}, &out, &errb)
		if code != tc.want {
			t.Errorf("exit %d, want %d\n%s%s", code, tc.want, out.String(), errb.String())
		}
		if !strings.Contains(out.String(), "决算公开说明：与工作簿配对 1 个，未配对 1 个") {
			t.Errorf("no narrative line:\n%s", out.String())
		}
	}
}
