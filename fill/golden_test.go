package fill

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// notesText lists every fill with its derivation, then the fill's own
// findings: the readable record of how each value came about.
func notesText(title string, fills []model.Fill, own []model.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n# sheet!cell value rule | note | alternative\n", title)
	for _, f := range fills {
		fmt.Fprintf(&b, "%s!%s %s %s | %s", f.Sheet, f.Cell, f.Value, f.Rule, f.Note)
		if f.Alternative != "" {
			fmt.Fprintf(&b, " | %s", f.Alternative)
		}
		b.WriteString("\n")
	}
	for _, f := range own {
		fmt.Fprintf(&b, "[%s] %s %s!%s %s\n", f.Severity.Chinese(), f.Rule, f.Sheet, f.Cell, f.Message)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./fill -run Golden -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the run (go test ./fill -run Golden -update, then read the diff)", path)
	}
}

func TestFillNotesGolden(t *testing.T) {
	cases := []struct {
		name  string
		title string
		wb    func(t *testing.T) *model.Workbook
	}{
		{"notes_casea_mof.golden", "Case A, MOF style, every derived cell blank", func(t *testing.T) *model.Workbook { return build(t, samples[0], true) }},
		{"notes_casec_shanghai.golden", "Case C, Shanghai style, every derived cell blank", func(t *testing.T) *model.Workbook { return build(t, samples[3], true) }},
		{"notes_x12.golden", "X12 residues: T06 款 sum to 2,152.27 and 184.67, T05 prints 基本支出 2,336.91", func(*testing.T) *model.Workbook { return x12("2336.91") }},
		{"notes_x12_conflict.golden", "X12 conflict: T05 prints 基本支出 2,330.00", func(*testing.T) *model.Workbook { return x12("2330.00") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fills, own := fillRun(t, c.wb(t))
			golden(t, c.name, notesText(c.title, fills, own))
		})
	}
}
