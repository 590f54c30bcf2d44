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

// TestCheckSampleGolden pins what the README's first command prints:
// juesuan check with no file checks the embedded workbook and its embedded
// narrative in one report. Status as before the narrative joined it
// (通过（有提示）, exit 0, 0 errors); the narrative adds only its 尾差.
func TestCheckSampleGolden(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"check"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	golden := filepath.Join("testdata", "check_sample.golden")
	if *updateGoldens {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/juesuan -run TestCheckSampleGolden -update)", err)
	}
	if out.String() != string(want) {
		t.Errorf("juesuan check differs from %s (-update, then review):\n%s", golden, out.String())
	}

	out.Reset()
	if code := run([]string{"check", "--json"}, &out, &errb); code != exitOK {
		t.Fatalf("--json: exit %d", code)
	}
	var rep model.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != "warn" || rep.Summary.Errors != 0 {
		t.Errorf("status %s, %d errors; want warn and 0 (the workbook's one R05.3 hint)", rep.Status, rep.Summary.Errors)
	}
	narr := 0
	for _, f := range rep.Findings {
		if f.Narrative == nil {
			continue
		}
		narr++
		if f.Severity != model.SevInfo || !strings.Contains(f.Message, "尾差") {
			t.Errorf("the embedded narrative has %s %s: %s", f.Rule, f.Severity, f.Message)
		}
	}
	if narr == 0 {
		t.Error("no narrative finding: is the embedded narrative checked at all?")
	}
	if rep.Pack.Year == 0 {
		t.Error("the merged report lost its rule pack")
	}
}
