package templates

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed packs.yaml
var packsYAML []byte

// Pack is one year's rule pack (packs.yaml): what differs from its parent.
type Pack struct {
	Year   int      `yaml:"year"`
	Parent int      `yaml:"parent"`
	Rules  []string `yaml:"rules"` // rule files that apply from this year on
	Codes  string   `yaml:"codes"` // catalog additions (a CSV of package catalog)
	Note   string   `yaml:"note"`
}

// Packs is the set of year packs.
type Packs struct {
	Default int                 `yaml:"default"`
	List    []Pack              `yaml:"packs"`
	Renames map[string][]string `yaml:"renames"` // code -> former names
	byYear  map[int]*Pack
}

var (
	packsOnce sync.Once
	packs     *Packs
	packsErr  error
)

// LoadPacks returns the embedded packs, parsed and checked once.
func LoadPacks() (*Packs, error) {
	packsOnce.Do(func() { packs, packsErr = ParsePacks(packsYAML) })
	return packs, packsErr
}

// MustPacks is LoadPacks for callers that cannot go on without them (they
// are embedded and tested).
func MustPacks() *Packs {
	p, err := LoadPacks()
	if err != nil {
		panic(err)
	}
	return p
}

// ParsePacks parses a packs document: unknown keys, a parent that is not a
// pack, a cycle, a rule file that does not exist or a default that is not
// a pack are errors.
func ParsePacks(doc []byte) (*Packs, error) {
	var p Packs
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("packs.yaml: %w", err)
	}
	p.byYear = map[int]*Pack{}
	for i := range p.List {
		pk := &p.List[i]
		if p.byYear[pk.Year] != nil {
			return nil, fmt.Errorf("packs.yaml: year %d twice", pk.Year)
		}
		p.byYear[pk.Year] = pk
	}
	files := RuleFiles()
	for _, pk := range p.List {
		if pk.Parent != 0 && p.byYear[pk.Parent] == nil {
			return nil, fmt.Errorf("packs.yaml: %d: parent %d is not a pack", pk.Year, pk.Parent)
		}
		for _, f := range pk.Rules {
			if _, ok := files[f]; !ok {
				return nil, fmt.Errorf("packs.yaml: %d: rule file %s not found", pk.Year, f)
			}
		}
		seen := map[int]bool{}
		for y := pk.Year; y != 0; y = p.byYear[y].Parent {
			if seen[y] {
				return nil, fmt.Errorf("packs.yaml: %d: parents form a cycle", pk.Year)
			}
			seen[y] = true
		}
	}
	if p.byYear[p.Default] == nil {
		return nil, fmt.Errorf("packs.yaml: default %d is not a pack", p.Default)
	}
	sort.Slice(p.List, func(i, j int) bool { return p.List[i].Year < p.List[j].Year })
	return &p, nil
}

// Pack returns the pack of year, or nil.
func (p *Packs) Pack(year int) *Pack { return p.byYear[year] }

// Select returns the pack for a workbook of year (0: not known): its own,
// else the default for 0, else the nearest earlier pack (the nearest later
// one for a year before every pack). exact reports whether the year has a
// pack of its own.
func (p *Packs) Select(year int) (pk *Pack, exact bool) {
	if year == 0 {
		return p.byYear[p.Default], false
	}
	if pk := p.byYear[year]; pk != nil {
		return pk, true
	}
	var best *Pack
	for i := range p.List {
		if p.List[i].Year <= year {
			best = &p.List[i]
		}
	}
	if best == nil {
		best = &p.List[0]
	}
	return best, false
}

// Chain lists pk and its ancestors, the base first.
func (p *Packs) Chain(pk *Pack) []*Pack {
	var out []*Pack
	for q := pk; q != nil; q = p.byYear[q.Parent] {
		out = append([]*Pack{q}, out...)
		if q.Parent == 0 {
			break
		}
	}
	return out
}

// Since maps a rule file to the first year its rules apply (files that no
// pack names apply in every year).
func (p *Packs) Since() map[string]int {
	out := map[string]int{}
	for _, pk := range p.List {
		for _, f := range pk.Rules {
			if y, ok := out[f]; !ok || pk.Year < y {
				out[f] = pk.Year
			}
		}
	}
	return out
}

// Renamed reports whether name is a former name of code (packs.yaml
// renames), so the printed name is outdated rather than wrong.
func (p *Packs) Renamed(code, name string) bool {
	for _, old := range p.Renames[code] {
		if NormalizeLabel(old) == NormalizeLabel(name) {
			return true
		}
	}
	return false
}
