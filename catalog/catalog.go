// Package catalog holds the 2024 支出功能分类 and 部门预算支出经济分类
// code lists (embedded CSVs, replaceable), used to warn about unknown codes
// and names that differ from the catalog's.
package catalog

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/templates"
)

//go:embed func-codes-2024.csv
var funcCSV []byte

//go:embed econ-codes-2024.csv
var econCSV []byte

// yearFS holds each year pack's additions to the 2024 catalog
// (templates/packs.yaml names the file of each year).
//
//go:embed codes-*.csv
var yearFS embed.FS

// Entry is one code of the catalog.
type Entry struct {
	Code      string
	Name      string
	Level     string // 类, 款 or 项
	Parent    string
	Confirmed bool // a public source showed this code with this name
}

// Catalog maps codes to entries. Function codes (2xx) and economic codes
// (3xx) do not overlap, so one map serves both.
type Catalog struct {
	entries map[string][]Entry // a code may carry candidate names
}

// Load reads a catalog CSV with the header code,name,level,parent,source,confirmed.
func Load(r io.Reader) (*Catalog, error) {
	c := &Catalog{entries: map[string][]Entry{}}
	if err := c.add(r); err != nil {
		return nil, err
	}
	return c, nil
}

// Merge adds the entries of another CSV to c.
func (c *Catalog) Merge(r io.Reader) error { return c.add(r) }

func (c *Catalog) add(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("catalog header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, k := range []string{"code", "name"} {
		if _, ok := col[k]; !ok {
			return fmt.Errorf("catalog header: column %q missing", k)
		}
	}
	get := func(rec []string, k string) string {
		if i, ok := col[k]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	line := 1
	for {
		rec, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("catalog line %d: %w", line, err)
		}
		e := Entry{Code: get(rec, "code"), Name: get(rec, "name"), Level: get(rec, "level"),
			Parent: get(rec, "parent"), Confirmed: get(rec, "confirmed") == "yes"}
		if e.Code == "" {
			continue
		}
		c.entries[e.Code] = append(c.entries[e.Code], e)
	}
}

var (
	defOnce sync.Once
	def     *Catalog
)

// Default returns the embedded 2024 catalog (function and economic codes).
func Default() *Catalog {
	defOnce.Do(func() {
		c, err := Load(bytes.NewReader(funcCSV))
		if err == nil {
			err = c.Merge(bytes.NewReader(econCSV))
		}
		if err != nil {
			// The CSVs are embedded and tested; failure is a build defect.
			panic(err)
		}
		def = c
	})
	return def
}

// Lookup returns the entries of code (several when the catalog lists
// candidate names), or nil.
func (c *Catalog) Lookup(code string) []Entry {
	if c == nil {
		return nil
	}
	return c.entries[code]
}

// Len is the number of distinct codes.
func (c *Catalog) Len() int { return len(c.entries) }

var (
	yearMu sync.Mutex
	years  = map[int]*Catalog{}
)

// ForYear returns the catalog of year's pack (templates/packs.yaml): the
// 2024 catalog plus the additions of every pack up its chain. An unknown
// year takes the pack Select gives it.
func ForYear(year int) (*Catalog, error) {
	packs, err := templates.LoadPacks()
	if err != nil {
		return nil, err
	}
	pk, _ := packs.Select(year)
	yearMu.Lock()
	defer yearMu.Unlock()
	if c := years[pk.Year]; c != nil {
		return c, nil
	}
	c := &Catalog{entries: make(map[string][]Entry, Default().Len()+16)}
	for k, v := range Default().entries {
		c.entries[k] = append([]Entry(nil), v...)
	}
	for _, q := range packs.Chain(pk) {
		if q.Codes == "" {
			continue
		}
		b, err := yearFS.ReadFile(q.Codes)
		if err != nil {
			return nil, fmt.Errorf("catalog %d: %w", q.Year, err)
		}
		if err := c.add(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("catalog %d: %w", q.Year, err)
		}
	}
	years[pk.Year] = c
	return c, nil
}

// All returns every entry in code order.
func (c *Catalog) All() []Entry {
	var out []Entry
	for _, es := range c.entries {
		out = append(out, es...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Name < out[j].Name
	})
	return out
}
