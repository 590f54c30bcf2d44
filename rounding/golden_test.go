package rounding

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/templates"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

// TestGolden pins what one generated workbook's balance does, readably:
// every adjusted figure with its cells, 元 value, exact and published 万元.
func TestGolden(t *testing.T) {
	d := genWorkbook(3)
	var in bytes.Buffer
	if _, err := templates.Write(&in, d, templates.Options{Style: d.Style}); err != nil {
		t.Fatal(err)
	}
	fixture := filepath.Join("testdata", "golden-yuan.xlsx")
	if *update {
		if err := os.WriteFile(fixture, in.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := describe(t, d, in.Bytes())
	// The committed copy of the workbook (the API tests round it too)
	// still rounds the same as the generated one.
	committed, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if c := describe(t, d, committed); c != got {
		t.Errorf("%s rounds differently from the generated workbook:\n%s", fixture, c)
	}
	path := filepath.Join("testdata", "adjusted.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("adjustments changed (go test ./rounding -run Golden -update to accept):\n%s", got)
	}
}

// describe rounds a 元 workbook and lists, readably, what the balance did.
func describe(t *testing.T, d *templates.Data, in []byte) string {
	t.Helper()
	res, err := File(context.Background(), bytes.NewReader(in), &bytes.Buffer{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %d figures, %d relations, %d adjusted, %d residual, %d unbalanced in 元\n",
		d.UnitName, res.Figures, res.Identities, len(res.Adjusted), len(res.Residual), len(res.Unbalanced))
	for _, a := range res.Adjusted {
		var cells []string
		for _, c := range a.Cells {
			cells = append(cells, c.Sheet+"!"+c.Cell)
		}
		fmt.Fprintf(&b, "%-40s %-34s %14s 元 = %-12s → %s (%s)\n", strings.Join(cells, " "), a.Cells[0].Label,
			a.Cells[0].Value, a.Exact, a.Published, a.Delta)
	}
	for _, r := range res.Residual {
		fmt.Fprintf(&b, "residual %s %s: %s (%s)\n", r.Rule, r.Where, r.Expr, r.Difference)
	}
	return b.String()
}
