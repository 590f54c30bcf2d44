// Package templates holds the declarative description of the nine tables
// (tables.yaml, embedded) and the rule declarations, plus the blank-template
// and sample writers built from them. The reader locates tables with the
// same specs the writer prints, so the two cannot drift apart.
package templates

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/juesuan/juesuan/model"
	"gopkg.in/yaml.v3"
)

//go:embed tables.yaml
var tablesYAML []byte

// Kind is the structural family of a table.
type Kind string

const (
	KindBalance Kind = "balance" // two-sided, labelled rows (T01, T04)
	KindCoded   Kind = "coded"   // function-code rows + 合计 (T02, T03, T05, T07, T08)
	KindEcon    Kind = "econ"    // economic-code rows in column groups (T06)
	KindSangong Kind = "sangong" // one row, 12 columns (T09)
)

// Spec is the whole embedded description.
type Spec struct {
	Classes []Class     `yaml:"classes"`
	Tables  []TableSpec `yaml:"tables"`
	// Sets are the regional table sets (云南 …): order and printed titles.
	Sets []SetSpec `yaml:"sets"`
	// TitleAffixes is what real files print before and after a title.
	TitleAffixes TitleAffixes `yaml:"title_affixes"`
	byID         map[model.TableID]*TableSpec
}

// TitleAffixes are the patterns (normalised text) allowed around a title:
// any run of prefixes, each optionally followed by a separator, before it,
// and any run of suffixes after it.
type TitleAffixes struct {
	Separators string   `yaml:"separators"`
	Prefixes   []string `yaml:"prefixes"`
	Suffixes   []string `yaml:"suffixes"`
}

// wrap returns the pattern of a title core p with the affixes around it,
// the core as the capture group named "title".
func (a TitleAffixes) wrap(p string) string {
	var b strings.Builder
	b.WriteString("^")
	if len(a.Prefixes) > 0 {
		b.WriteString("(?:(?:" + strings.Join(a.Prefixes, "|") + ")")
		if a.Separators != "" {
			b.WriteString("(?:" + a.Separators + ")?")
		}
		b.WriteString(")*")
	}
	b.WriteString("(?P<title>" + p + ")")
	if len(a.Suffixes) > 0 {
		b.WriteString("(?:" + strings.Join(a.Suffixes, "|") + ")*")
	}
	b.WriteString("$")
	return b.String()
}

// SetSpec is one regional table set: the tables it prints in its order and
// the titles it prints where they differ from the tables' names.
type SetSpec struct {
	Key    string                   `yaml:"key"`
	Name   string                   `yaml:"name"`
	Note   string                   `yaml:"note"`
	Tables []model.TableID          `yaml:"tables"`
	Titles map[model.TableID]string `yaml:"titles"`
}

// Set returns the regional set key, or nil.
func (s *Spec) Set(key string) *SetSpec {
	for i := range s.Sets {
		if s.Sets[i].Key == key {
			return &s.Sets[i]
		}
	}
	return nil
}

// Class is one 功能分类 类 row of the 支出 side of T01/T04.
type Class struct {
	Code    string `yaml:"code"`
	Label   string `yaml:"label"`
	Ordinal string `yaml:"ordinal"`
	Match   string `yaml:"match"`
	re      *regexp.Regexp
}

// Matches reports whether a printed label names this class.
func (c *Class) Matches(label string) bool { return c.re.MatchString(NormalizeLabel(label)) }

// TableSpec describes one table.
type TableSpec struct {
	ID     model.TableID `yaml:"id"`
	Name   string        `yaml:"name"`
	Number int           `yaml:"number"`
	Kind   Kind          `yaml:"kind"`
	// Set is the regional set a table beyond the nine belongs to.
	Set     string   `yaml:"set"`
	Catalog string   `yaml:"catalog"` // function | economic
	Titles  []string `yaml:"titles"`
	// Variants are title forms of other years or regions (a warning, not an error).
	Variants []Variant                  `yaml:"variants"`
	Note     string                     `yaml:"note"`
	Empty    string                     `yaml:"empty"` // pattern of the empty-table statement
	Total    *RowSpec                   `yaml:"total"` // 合计 row of coded tables
	Sides    []SideSpec                 `yaml:"sides"`
	Columns  []ColSpec                  `yaml:"columns"`
	Groups   []GroupSpec                `yaml:"groups"`
	Layout   map[model.Style][][]string `yaml:"layout"`
	Print    []string                   `yaml:"print"`
	Row      *RowSpec                   `yaml:"row"` // the single data row of T09

	titleRe []*regexp.Regexp
	emptyRe *regexp.Regexp
}

// Variant is a recognised title of another year or region.
type Variant struct {
	Title string `yaml:"title"`
	Name  string `yaml:"name"`
	Note  string `yaml:"note"`
	// Set: the title of a regional set, expected where the workbook
	// prints a table of that set.
	Set string `yaml:"set"`
}

// SideSpec is one side (收入 or 支出) of a balance table.
type SideSpec struct {
	Key     string    `yaml:"key"`
	Header  string    `yaml:"header"`
	Columns []ColSpec `yaml:"columns"`
	Classes bool      `yaml:"classes"` // one row per 类 of Spec.Classes before Rows
	// PullClasses: the 类 rows may be filled from another table when blank.
	PullClasses bool      `yaml:"pull_classes"`
	Rows        []RowSpec `yaml:"rows"`
}

// RowSpec is a labelled row.
type RowSpec struct {
	Key     string `yaml:"key"`
	Label   string `yaml:"label"` // as printed by the writer
	Match   string `yaml:"match"` // pattern for the reader; default: the label
	Derived bool   `yaml:"derived"`
	Bottom  bool   `yaml:"bottom"` // part of the bottom block (paired across sides)
	After   string `yaml:"after"`  // only matches below the row with this key
	Pair    string `yaml:"pair"`
	// Pull: a typed (input) row that may be filled from another table
	// when blank (spec §6 cross-fill).
	Pull     bool                   `yaml:"pull"`
	Position map[model.Style]string `yaml:"position"` // first | last (合计 rows)
	re       *regexp.Regexp
}

// Matches reports whether a printed label names this row.
func (r *RowSpec) Matches(label string) bool { return r.re.MatchString(NormalizeLabel(label)) }

// ColSpec is a value column.
type ColSpec struct {
	Key    string `yaml:"key"`
	Header string `yaml:"header"` // as printed by the writer; default: the key
	// Headers overrides Header for one style (Shanghai prints 决算数
	// where MOF exports print 金额).
	Headers  map[model.Style]string `yaml:"headers"`
	Path     []string               `yaml:"path"`
	Derived  bool                   `yaml:"derived"`
	Optional bool                   `yaml:"optional"` // absent in an older variant
	// Pull: a typed column that may be filled from another table when blank.
	Pull bool `yaml:"pull"`
	res  []*regexp.Regexp
}

// MatchesPath reports whether every pattern of the column matches a
// distinct level of the printed header path (normalised).
func (c *ColSpec) MatchesPath(path []string) bool {
	used := make([]bool, len(path))
	for _, re := range c.res {
		found := false
		for i, p := range path {
			if !used[i] && re.MatchString(NormalizeText(p)) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// GroupSpec is a column group of T06.
type GroupSpec struct {
	Key     string   `yaml:"key"`
	Classes []string `yaml:"classes"`
	Total   RowSpec  `yaml:"total"`
}

var (
	loadOnce sync.Once
	loaded   *Spec
	loadErr  error
)

// Load returns the embedded spec, parsed and compiled once.
func Load() (*Spec, error) {
	loadOnce.Do(func() { loaded, loadErr = Parse(tablesYAML) })
	return loaded, loadErr
}

// MustLoad is Load for callers that cannot continue without the spec
// (it is embedded and tested, so failure is a build defect).
func MustLoad() *Spec {
	s, err := Load()
	if err != nil {
		panic(err)
	}
	return s
}

// Parse parses and compiles a spec document.
func Parse(doc []byte) (*Spec, error) {
	var s Spec
	if err := yaml.Unmarshal(doc, &s); err != nil {
		return nil, fmt.Errorf("parse tables spec: %w", err)
	}
	s.byID = map[model.TableID]*TableSpec{}
	for i := range s.Classes {
		c := &s.Classes[i]
		var err error
		if c.re, err = compile(orDefault(c.Match, regexp.QuoteMeta(c.Label))); err != nil {
			return nil, fmt.Errorf("class %s: %w", c.Code, err)
		}
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		if err := t.compile(s.TitleAffixes); err != nil {
			return nil, fmt.Errorf("table %s: %w", t.ID, err)
		}
		s.byID[t.ID] = t
	}
	for _, id := range model.AllTables {
		if s.byID[id] == nil {
			return nil, fmt.Errorf("tables spec: %s missing", id)
		}
	}
	for _, t := range s.Tables {
		if !model.IsExtra(t.ID) && !slices.Contains(model.AllTables, t.ID) {
			return nil, fmt.Errorf("tables spec: unknown table %s", t.ID)
		}
		if model.IsExtra(t.ID) && s.Set(t.Set) == nil {
			return nil, fmt.Errorf("tables spec: %s: set %q is not declared", t.ID, t.Set)
		}
		for _, v := range t.Variants {
			if v.Set != "" && s.Set(v.Set) == nil {
				return nil, fmt.Errorf("tables spec: %s: variant %q: set %q is not declared", t.ID, v.Title, v.Set)
			}
		}
	}
	for _, st := range s.Sets {
		for _, id := range st.Tables {
			if s.byID[id] == nil {
				return nil, fmt.Errorf("tables spec: set %s: unknown table %s", st.Key, id)
			}
		}
		for id, title := range st.Titles {
			ts := s.byID[id]
			if ts == nil || !ts.MatchesTitle(title) {
				return nil, fmt.Errorf("tables spec: set %s: title %q is not one the reader recognises as %s", st.Key, title, id)
			}
		}
	}
	return &s, nil
}

// Table returns the spec of id.
func (s *Spec) Table(id model.TableID) *TableSpec { return s.byID[id] }

func (t *TableSpec) compile(aff TitleAffixes) error {
	for _, p := range t.Titles {
		if strings.HasPrefix(p, "~") {
			return fmt.Errorf("title %q: titles are whole patterns (no ~)", p)
		}
		re, err := regexp.Compile(aff.wrap(p))
		if err != nil {
			return fmt.Errorf("title %q with title_affixes: %w", p, err)
		}
		t.titleRe = append(t.titleRe, re)
	}
	if t.Empty != "" {
		re, err := compile(t.Empty)
		if err != nil {
			return err
		}
		t.emptyRe = re
	}
	rows := func(rs []RowSpec) error {
		for i := range rs {
			r := &rs[i]
			var err error
			if r.re, err = compile(orDefault(r.Match, regexp.QuoteMeta(NormalizeLabel(r.Label)))); err != nil {
				return fmt.Errorf("row %s: %w", r.Key, err)
			}
		}
		return nil
	}
	cols := func(cs []ColSpec) error {
		for i := range cs {
			c := &cs[i]
			for _, p := range c.Path {
				re, err := compile(p)
				if err != nil {
					return fmt.Errorf("column %s: %w", c.Key, err)
				}
				c.res = append(c.res, re)
			}
		}
		return nil
	}
	if t.Total != nil {
		if err := rows([]RowSpec{}); err != nil {
			return err
		}
		tot := []RowSpec{*t.Total}
		if err := rows(tot); err != nil {
			return err
		}
		*t.Total = tot[0]
	}
	if t.Row != nil && t.Row.Label == "" && t.Row.Match == "" {
		t.Row.Match = ".*"
	}
	if t.Row != nil {
		r := []RowSpec{*t.Row}
		if err := rows(r); err != nil {
			return err
		}
		*t.Row = r[0]
	}
	for i := range t.Sides {
		if err := rows(t.Sides[i].Rows); err != nil {
			return err
		}
		if err := cols(t.Sides[i].Columns); err != nil {
			return err
		}
	}
	for i := range t.Groups {
		g := []RowSpec{t.Groups[i].Total}
		if err := rows(g); err != nil {
			return err
		}
		t.Groups[i].Total = g[0]
	}
	return cols(t.Columns)
}

// MatchesTitle reports whether a printed title names this table, with any
// of the spec's title affixes around it.
func (t *TableSpec) MatchesTitle(title string) bool {
	_, ok := t.MatchTitle(title)
	return ok
}

// MatchTitle is MatchesTitle that also returns the title proper (normalised,
// affixes removed), e.g. "附表6 一般公共预算财政拨款基本支出决算明细表（表6）"
// gives "一般公共预算财政拨款基本支出决算明细表".
func (t *TableSpec) MatchTitle(title string) (string, bool) {
	n := NormalizeText(title)
	for _, re := range t.titleRe {
		if m := re.FindStringSubmatch(n); m != nil {
			return m[re.SubexpIndex("title")], true
		}
	}
	return "", false
}

// VariantOf returns the variant whose title matches, or nil for the
// standard 2024 title.
func (t *TableSpec) VariantOf(title string) *Variant {
	n := NormalizeText(title)
	for i := range t.Variants {
		if NormalizeText(t.Variants[i].Title) == n {
			return &t.Variants[i]
		}
	}
	return nil
}

// MaxEmptyNote bounds the text tried as an empty-table statement: the
// statement is a sentence or two ("本单位无政府性基金…故本表为空表"), and the
// pattern's bounded gaps cost time per byte, so an 8 MiB cell would take
// seconds that no cancellation interrupts.
const MaxEmptyNote = 4 << 10

// IsEmptyNote reports whether text is this table's empty-table statement.
func (t *TableSpec) IsEmptyNote(text string) bool {
	return t.emptyRe != nil && len(text) <= MaxEmptyNote && t.emptyRe.MatchString(NormalizeText(text))
}

// AllColumns returns the value columns of the table, both sides for
// balance tables.
func (t *TableSpec) AllColumns() []ColSpec {
	if len(t.Sides) == 0 {
		return t.Columns
	}
	var out []ColSpec
	for _, s := range t.Sides {
		out = append(out, s.Columns...)
	}
	return out
}

// CrossFillable reports whether a blank typed cell (row, col) of table id may
// be filled from another table (spec §6): the `pull` marks of tables.yaml.
func (s *Spec) CrossFillable(id model.TableID, row, col string) bool {
	t := s.Table(id)
	if t == nil {
		return false
	}
	if t.Total != nil && row == t.Total.Key {
		return t.Total.Pull
	}
	for _, side := range t.Sides {
		inSide := false
		for _, c := range side.Columns {
			if c.Key == col {
				inSide = true
				if c.Pull {
					return true
				}
			}
		}
		if !inSide {
			continue
		}
		for _, r := range side.Rows {
			if r.Key == row {
				return r.Pull
			}
		}
		if side.PullClasses && model.CodeLevel(row) == 1 {
			return true
		}
	}
	return false
}

// NumberLabel is the MOF-style number printed at the top right, e.g. 公开01表.
func (t *TableSpec) NumberLabel() string { return fmt.Sprintf("公开%02d表", t.Number) }

// HeaderText returns the printed header of a column.
func (c *ColSpec) HeaderText() string { return orDefault(c.Header, lastPart(c.Key)) }

// HeaderFor returns the printed header of a column in a style.
func (c *ColSpec) HeaderFor(style model.Style) string {
	if h := c.Headers[style]; h != "" {
		return h
	}
	return c.HeaderText()
}

func lastPart(k string) string {
	if i := strings.LastIndex(k, "/"); i >= 0 {
		return k[i+1:]
	}
	return k
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// compile anchors a pattern unless it starts with "~".
func compile(p string) (*regexp.Regexp, error) {
	if strings.HasPrefix(p, "~") {
		return regexp.Compile(p[1:])
	}
	return regexp.Compile("^(?:" + p + ")$")
}

// NormalizeText folds what differs between real files but not in meaning:
// white space (incl. U+3000) removed, full-width ASCII folded, Chinese
// parentheses and quotes unified.
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\u200b':
			continue
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		}
		switch r {
		case '“', '”', '＂', '「', '」', '\'', '‘', '’':
			r = '"'
		case '（':
			r = '('
		case '）':
			r = ')'
		case '：':
			r = ':'
		}
		b.WriteRune(r)
	}
	return b.String()
}

var ordinalRe = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|\d+[、.．]|\(\d+\))`)

// NormalizeLabel is NormalizeText plus removal of a leading ordinal
// ("一、", "（二）", "3.") so labels match whatever numbering a region uses.
func NormalizeLabel(s string) string {
	return ordinalRe.ReplaceAllString(NormalizeText(s), "")
}
