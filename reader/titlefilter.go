package reader

import (
	"regexp/syntax"
	"strings"
	"sync"
	"unicode"

	"github.com/juesuan/juesuan/templates"
)

// titleFilter is a cheap pre-test of title candidates derived from the
// spec's title patterns (tables.yaml `titles`), so that a title added to
// the spec can never be rejected by a literal in Go code. pieces holds, per
// pattern, the literal runs every match must contain; a text can be a title
// only if it contains all pieces of some pattern. runes are the Han
// characters common to every pattern's pieces (NormalizeText leaves Han
// characters alone, so they can be tested on raw text).
type titleFilter struct {
	pieces [][]string
	runes  []rune
}

var titleFilters = struct {
	sync.Mutex
	m map[*templates.Spec]*titleFilter
}{m: map[*templates.Spec]*titleFilter{}}

// titleFilterOf returns the filter of spec, computed once.
func titleFilterOf(spec *templates.Spec) *titleFilter {
	titleFilters.Lock()
	defer titleFilters.Unlock()
	if f, ok := titleFilters.m[spec]; ok {
		return f
	}
	f := newTitleFilter(spec)
	titleFilters.m[spec] = f
	return f
}

func newTitleFilter(spec *templates.Spec) *titleFilter {
	f := &titleFilter{}
	var common map[rune]bool
	for i := range spec.Tables {
		for _, p := range spec.Tables[i].Titles {
			ps := requiredLiterals(p)
			f.pieces = append(f.pieces, ps)
			seen := map[rune]bool{}
			for _, s := range ps {
				for _, r := range s {
					if unicode.Is(unicode.Han, r) {
						seen[r] = true
					}
				}
			}
			if common == nil {
				common = seen
				continue
			}
			for r := range common {
				if !seen[r] {
					delete(common, r)
				}
			}
		}
	}
	for r := range common {
		f.runes = append(f.runes, r)
	}
	return f
}

// requiredLiterals returns the literal runs a match of title pattern p must
// contain: the literal parts of its top-level concatenation (nil when the
// pattern is not a plain concatenation, which then filters nothing out).
func requiredLiterals(p string) []string {
	p = strings.TrimPrefix(p, "~")
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil // MustLoad compiled it; a pattern we cannot read filters nothing
	}
	re = re.Simplify()
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	var out []string
	for _, s := range subs {
		if s.Op == syntax.OpLiteral && s.Flags&syntax.FoldCase == 0 {
			out = append(out, templates.NormalizeText(string(s.Rune)))
		}
	}
	return out
}

// mayContain is the raw-text pre-test: every common Han character present.
func (f *titleFilter) mayContain(text string) bool {
	for _, r := range f.runes {
		if !strings.ContainsRune(text, r) {
			return false
		}
	}
	return true
}

// admits reports whether normalized text n contains all literal pieces of
// at least one title pattern.
func (f *titleFilter) admits(n string) bool {
	for _, ps := range f.pieces {
		ok := true
		for _, s := range ps {
			if !strings.Contains(n, s) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
