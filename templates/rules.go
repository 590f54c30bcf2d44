package templates

import (
	"embed"
	"io/fs"
	"path"
	"sort"
)

// The rule declarations (审核公式) of package check, one file per group.
//
//go:embed rules/*.rules
var rulesFS embed.FS

// RuleFiles returns the embedded rule files by base name (intra.rules,
// cross.rules, prior.rules).
func RuleFiles() map[string][]byte {
	out := map[string][]byte{}
	ents, _ := fs.ReadDir(rulesFS, "rules")
	for _, e := range ents {
		b, err := rulesFS.ReadFile(path.Join("rules", e.Name()))
		if err == nil {
			out[e.Name()] = b
		}
	}
	return out
}

// RuleFileNames returns the rule file names in the order check loads them.
func RuleFileNames() []string {
	var names []string
	for n := range RuleFiles() {
		names = append(names, n)
	}
	order := map[string]int{"intra.rules": 0, "cross.rules": 1, "prior.rules": 2}
	sort.Slice(names, func(i, j int) bool {
		oi, ok := order[names[i]]
		if !ok {
			oi = 9
		}
		oj, ok := order[names[j]]
		if !ok {
			oj = 9
		}
		if oi != oj {
			return oi < oj
		}
		return names[i] < names[j]
	})
	return names
}
