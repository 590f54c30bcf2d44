package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

const seedNarrative = "../../../shared/seeds/000_a0b1eb271cefa8f5.txt"

// TestCheckNarrative: check --narrative merges the narrative's findings
// into the workbook's report; status and exit code cover both.
func TestCheckNarrative(t *testing.T) {
	seed, err := os.ReadFile(seedNarrative)
	if err != nil {
		t.Skipf("seed not available: %v", err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "说明.txt")
	os.WriteFile(good, seed, 0o644)
	// A planted fault: 本年收入 4,113.55 → 4,213.55 where it is restated.
	bad := filepath.Join(dir, "错.txt")
	os.WriteFile(bad, bytes.Replace(seed, []byte("本年收入4,113.55"), []byte("本年收入4,213.55"), 1), 0o644)
	junk := filepath.Join(dir, "junk.docx")
	os.WriteFile(junk, []byte("PK\x03\x04junk"), 0o644)

	var out, errb bytes.Buffer
	if code := runCheck([]string{"--json", "--narrative", good}, &out, &errb); code != exitOK {
		t.Fatalf("good narrative: exit %d: %s", code, errb.String())
	}
	var rep model.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Narrative != nil {
			n++
		}
	}
	if n == 0 || rep.Summary.Errors != 0 {
		t.Fatalf("narrative findings %d, errors %d", n, rep.Summary.Errors)
	}

	out.Reset()
	if code := runCheck([]string{"--narrative", bad}, &out, &errb); code != exitFindings {
		t.Fatalf("planted fault: exit %d, want %d\n%s", code, exitFindings, out.String())
	}
	if !strings.Contains(out.String(), "说明第 33 段") {
		t.Errorf("the fault's paragraph is not cited:\n%s", out.String())
	}

	errb.Reset()
	if code := runCheck([]string{"--narrative", junk}, &out, &errb); code != exitInput || !strings.Contains(errb.String(), "说明文件") {
		t.Fatalf("unreadable narrative: exit %d, stderr %q", code, errb.String())
	}
}
