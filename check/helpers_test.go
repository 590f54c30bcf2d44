package check

import (
	"sort"
	"testing"

	"github.com/juesuan/juesuan/model"
)

func mustRules(t testing.TB) []*Rule {
	t.Helper()
	rules, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func summarize(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Severity)+" "+f.Rule+" "+f.Sheet+"!"+f.Cell)
	}
	sort.Strings(out)
	return out
}
