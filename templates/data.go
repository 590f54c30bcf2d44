package templates

import (
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// Data is the content of one unit's nine tables, independent of layout:
// the writer lays it out in any style. Values are decimal text in Unit,
// keyed like the model: table -> row key -> column key.
type Data struct {
	UnitName string
	Unit     model.Unit  // unit of Values; "" = 万元
	Year     int         // 决算 year, e.g. 2024
	Style    model.Style // the style the unit published in (a default for the CLI)
	Values   map[model.TableID]map[string]map[string]string
	// Names maps a code to its 科目名称 as printed (function and economic
	// codes do not overlap).
	Names map[string]string
	// EmptyNotes are the 空表/无数据 statements printed under a table.
	EmptyNotes map[model.TableID]string
}

// Value returns the amount at table, row, col and whether it is present.
func (d *Data) Value(id model.TableID, row, col string) (decimal.Decimal, bool) {
	if d == nil {
		return decimal.Zero, false
	}
	s, ok := d.Values[id][row][col]
	if !ok || strings.TrimSpace(s) == "" {
		return decimal.Zero, false
	}
	v, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return decimal.Zero, false
	}
	return v, true
}

// Codes returns the code rows (all-digit keys) of a table's values in
// depth-first code order (lexical order puts 201 < 20106 < 2010601 < 208).
func (d *Data) Codes(id model.TableID) []string {
	if d == nil {
		return nil
	}
	var out []string
	for k := range d.Values[id] {
		if isCode(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func isCode(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

//go:embed samples/*.yaml
var samplesFS embed.FS

// sampleDoc is the YAML form of a Data: each table lists its column keys
// once, then one value list per row.
type sampleDoc struct {
	UnitName   string                     `yaml:"unit_name"`
	Unit       model.Unit                 `yaml:"unit"`
	Year       int                        `yaml:"year"`
	Style      model.Style                `yaml:"style"`
	Names      map[string]string          `yaml:"names"`
	EmptyNotes map[model.TableID]string   `yaml:"empty_notes"`
	Tables     map[model.TableID]docTable `yaml:"tables"`
}

type docTable struct {
	Columns []string            `yaml:"columns"`
	Rows    map[string][]string `yaml:"rows"`
}

// ParseData reads a Data document (the format of templates/samples/*.yaml)
// and validates every value and column key against the spec.
func ParseData(doc []byte) (*Data, error) {
	var sd sampleDoc
	if err := yaml.Unmarshal(doc, &sd); err != nil {
		return nil, fmt.Errorf("parse sample: %w", err)
	}
	spec, err := Load()
	if err != nil {
		return nil, err
	}
	d := &Data{
		UnitName: sd.UnitName, Unit: sd.Unit, Year: sd.Year, Style: sd.Style,
		Names: sd.Names, EmptyNotes: sd.EmptyNotes,
		Values: map[model.TableID]map[string]map[string]string{},
	}
	if d.Unit == "" {
		d.Unit = model.Wan
	}
	for id, tb := range sd.Tables {
		ts := spec.Table(id)
		if ts == nil {
			return nil, fmt.Errorf("sample: unknown table %q", id)
		}
		known := map[string]bool{}
		for _, c := range ts.AllColumns() {
			known[c.Key] = true
		}
		for _, c := range tb.Columns {
			if !known[c] {
				return nil, fmt.Errorf("sample %s: unknown column %q", id, c)
			}
		}
		rows := map[string]map[string]string{}
		for rk, vals := range tb.Rows {
			if len(vals) != len(tb.Columns) {
				return nil, fmt.Errorf("sample %s row %s: %d values for %d columns", id, rk, len(vals), len(tb.Columns))
			}
			m := map[string]string{}
			for i, v := range vals {
				v = strings.TrimSpace(v)
				if v == "" {
					continue
				}
				if _, err := decimal.NewFromString(v); err != nil {
					return nil, fmt.Errorf("sample %s row %s column %s: %q is not a number", id, rk, tb.Columns[i], v)
				}
				m[tb.Columns[i]] = v
			}
			rows[rk] = m
		}
		d.Values[id] = rows
	}
	return d, nil
}

var (
	caseOnce     sync.Once
	caseA, caseC []byte
	caseErr      error
)

func loadCase(name string) *Data {
	caseOnce.Do(func() {
		if caseA, caseErr = samplesFS.ReadFile("samples/case_a.yaml"); caseErr != nil {
			return
		}
		caseC, caseErr = samplesFS.ReadFile("samples/case_c.yaml")
	})
	if caseErr != nil {
		panic(caseErr) // embedded at build time: a missing file is a build defect
	}
	doc := caseA
	if name == "c" {
		doc = caseC
	}
	// Parsed afresh on every call so callers may mutate their copy.
	d, err := ParseData(doc)
	if err != nil {
		panic(err) // embedded and tested
	}
	return d
}

// CaseA returns the embedded sample of spec §7 Case A: 昌吉回族自治州应急管理局,
// 2024, 万元. Every figure the narrative states is reproduced; open values
// are chosen so that every CERTAIN rule holds within the §5.0 tolerance.
// Each call returns a fresh copy.
func CaseA() *Data { return loadCase("a") }

// CaseC returns the embedded sample of spec §7 Case C: 中共上海市普陀区委
// 社会工作部, 2024 (Shanghai style; T07/T08/T09 empty with 说明 lines).
func CaseC() *Data { return loadCase("c") }

// EconCode is a 经济分类 code the blank template prints, with its name.
type EconCode struct {
	Code string `yaml:"code"`
	Name string `yaml:"name"`
}

var (
	printOnce  sync.Once
	printCodes map[model.TableID][]EconCode
	printErr   error
)

// PrintCodes returns the codes (classes and their 款) the blank template
// prints for table id, from the `codes` list of tables.yaml. Only T06 has
// one.
func PrintCodes(id model.TableID) ([]EconCode, error) {
	printOnce.Do(func() {
		// tables.yaml's `codes` is read here rather than in Spec so the
		// writer's extra field stays out of the reader's types.
		var doc struct {
			Tables []struct {
				ID    model.TableID `yaml:"id"`
				Codes []EconCode    `yaml:"codes"`
			} `yaml:"tables"`
		}
		if printErr = yaml.Unmarshal(tablesYAML, &doc); printErr != nil {
			return
		}
		printCodes = map[model.TableID][]EconCode{}
		for _, t := range doc.Tables {
			if len(t.Codes) > 0 {
				printCodes[t.ID] = t.Codes
			}
		}
	})
	return printCodes[id], printErr
}

// SetOf is the regional set whose extra tables d holds ("" = the nine): the
// set to write it as, so that a sum or a conversion keeps those tables.
func SetOf(d *Data) string {
	if d == nil {
		return ""
	}
	spec := MustLoad()
	for id := range d.Values {
		if ts := spec.Table(id); ts != nil && ts.Set != "" {
			return ts.Set
		}
	}
	return ""
}

// WithYunnan returns a copy of d with the two tables of the Yunnan set
// beyond the nine, derived from the nine so that their identities hold:
// T10 (一般公共预算财政拨款项目支出) is T05's 项目支出 column row by row;
// T11 carries T09's 三公 items (预算数, 决算数) and a 机关运行经费 equal to
// T06's 公用经费合计. The sample and the tests of the Yunnan set use it.
func WithYunnan(d *Data) *Data {
	if d == nil {
		return nil
	}
	out := *d
	out.Values = map[model.TableID]map[string]map[string]string{}
	for id, rows := range d.Values {
		out.Values[id] = map[string]map[string]string{}
		for rk, cols := range rows {
			m := map[string]string{}
			for ck, v := range cols {
				m[ck] = v
			}
			out.Values[id][rk] = m
		}
	}
	// T10 lists the 类 that have 项目支出, with every row T05 prints under
	// them (a printed 0.00 included, as T05 prints it).
	t10 := map[string]map[string]string{}
	for rk, cols := range d.Values[model.T05] {
		class := rk
		if isCode(rk) && len(rk) > 3 {
			class = rk[:3]
		}
		if v, ok := d.Value(model.T05, class, "项目支出"); ok && !v.IsZero() {
			if _, ok := cols["项目支出"]; ok {
				t10[rk] = map[string]string{"项目支出": cols["项目支出"]}
			}
		}
	}
	out.Values[model.T10] = t10
	t11 := map[string]map[string]string{}
	for _, item := range []string{"合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费"} {
		row := item
		m := map[string]string{}
		for _, block := range []string{"预算数", "决算数"} {
			if v, ok := d.Values[model.T09]["三公经费"][block+"/"+item]; ok {
				m[block] = v
			}
		}
		t11[row] = m
	}
	if v, ok := d.Values[model.T06]["公用经费合计"]["决算数"]; ok {
		t11["机关运行经费"] = map[string]string{"决算数": v}
	}
	out.Values[model.T11] = t11
	return &out
}
