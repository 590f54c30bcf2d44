package narrative

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// TestRulesCatalogue: every rule the checks report, with every severity it
// is reported at, is listed by Rules(), and nothing else is (N00, the
// bindings failing to load, is internal). The calls are read from the
// package's own source, so a new check without a listing fails here.
func TestRulesCatalogue(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`(?:add|addCell|mark)\("(N\d\d)", (model\.Sev\w+|sev)?`)
	used := map[string]map[model.Severity]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if used[m[1]] == nil {
				used[m[1]] = map[model.Severity]bool{}
			}
			switch m[2] {
			case "model.SevError":
				used[m[1]][model.SevError] = true
			case "model.SevWarning":
				used[m[1]][model.SevWarning] = true
			case "model.SevInfo":
				used[m[1]][model.SevInfo] = true
			case "sev": // N01: error, or warning for an ≈ binding
				used[m[1]][model.SevError] = true
				used[m[1]][model.SevWarning] = true
			default: // mark: always a warning
				used[m[1]][model.SevWarning] = true
			}
		}
	}
	if len(used) < 20 {
		t.Fatalf("found only %d rules in the source: the pattern no longer matches the calls", len(used))
	}
	listed := map[string]bool{}
	for _, r := range Rules() {
		listed[r.ID] = true
		sevs, ok := used[r.ID]
		if !ok {
			t.Errorf("%s is listed but no check reports it", r.ID)
			continue
		}
		for s := range sevs {
			if !slices.Contains(r.Severities, s) {
				t.Errorf("%s is reported as %s but listed as %v", r.ID, s, r.Severities)
			}
		}
		for _, s := range r.Severities {
			if !sevs[s] {
				t.Errorf("%s is listed as %s but never reported so", r.ID, s)
			}
		}
		if r.Message == "" {
			t.Errorf("%s has no message", r.ID)
		}
	}
	for id := range used {
		if !listed[id] {
			t.Errorf("%s is reported but not listed by Rules()", id)
		}
	}
}

// TestListing: the catalogue names tables by their printed names and
// carries every bind, role and sum line.
func TestListing(t *testing.T) {
	c, err := Listing()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := LoadBindings()
	if len(c.Bindings) != len(b.Binds) || len(c.Roles) != len(b.Roles) || len(c.Sums) != len(b.Sums) || len(c.Sections) != len(b.Sections) {
		t.Fatalf("listing %d/%d/%d/%d, bindings %d/%d/%d/%d", len(c.Bindings), len(c.Roles), len(c.Sums), len(c.Sections),
			len(b.Binds), len(b.Roles), len(b.Sums), len(b.Sections))
	}
	tid := regexp.MustCompile(`T0\d`)
	for _, bi := range c.Bindings {
		if tid.MatchString(bi.Table + bi.Cell + bi.Words) {
			t.Errorf("line %d names a table by its id: %q %q", bi.Line, bi.Table, bi.Cell)
		}
		if (bi.Table == "") != (bi.Relation == "") {
			t.Errorf("line %d: table %q, relation %q", bi.Line, bi.Table, bi.Relation)
		}
	}
}
