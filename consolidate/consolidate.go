// Package consolidate adds units' nine tables into one department's
// (部门汇总) and compares a submitted department workbook with that sum.
//
// It has its own home rather than living in batch because it is pure
// arithmetic on the model (no files, no pool): the CLI, the HTTP API or a
// test can sum workbooks without pulling in the bulk machinery, and batch
// does not grow a second job.
package consolidate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// Sum adds the units' tables cell by cell (by table, row key and column
// key; the union of the code rows) into a templates.Data named name. Units
// should be filled first (audit.Check's workbook) so that blank totals
// count with their values. Amounts are in 万元 unless every unit is in 元.
// A cell blank in every unit stays blank; a table with no value in any
// unit keeps the first unit's 空表 statement.
func Sum(name string, units []*model.Workbook) (*templates.Data, error) {
	if len(units) == 0 {
		return nil, model.Errorf(model.EInvalid, nil, "没有可汇总的单位工作簿。")
	}
	unit := model.Yuan
	for _, u := range units {
		for _, t := range u.Located() {
			if tableUnit(u, t) != model.Yuan {
				unit = model.Wan
			}
		}
	}
	d := &templates.Data{
		UnitName: name, Unit: unit, Style: model.StyleMOF,
		Values:     map[model.TableID]map[string]map[string]string{},
		Names:      map[string]string{},
		EmptyNotes: map[model.TableID]string{},
	}
	sums := map[model.Key]decimal.Decimal{}
	var order []model.Key
	notes := map[model.TableID]string{}
	for _, u := range units {
		for _, t := range u.Located() {
			for _, r := range t.Rows {
				if r.Code != "" && d.Names[r.Code] == "" && r.Label != "" {
					d.Names[r.Code] = r.Label
				}
			}
			if t.EmptyNote != "" && notes[t.ID] == "" {
				notes[t.ID] = t.EmptyNote
			}
			for _, c := range t.Cells() {
				if c.Blank && !c.Filled() {
					continue
				}
				k := model.Key{Table: t.ID, Row: c.Row, Col: c.Col}
				v := convert(c.Value, tableUnit(u, t), unit)
				if old, ok := sums[k]; ok {
					sums[k] = old.Add(v)
				} else {
					sums[k] = v
					order = append(order, k)
				}
			}
		}
	}
	for _, k := range order {
		rows := d.Values[k.Table]
		if rows == nil {
			rows = map[string]map[string]string{}
			d.Values[k.Table] = rows
		}
		if rows[k.Row] == nil {
			rows[k.Row] = map[string]string{}
		}
		rows[k.Row][k.Col] = sums[k].StringFixed(max(2, -sums[k].Exponent()))
	}
	for id, n := range notes {
		if len(d.Values[id]) == 0 {
			d.EmptyNotes[id] = n
		}
	}
	return d, nil
}

func tableUnit(wb *model.Workbook, t *model.Table) model.Unit {
	if t != nil && t.Unit != "" {
		return t.Unit
	}
	if wb.Unit != "" {
		return wb.Unit
	}
	return model.Wan
}

// convert changes an amount between 万元 and 元 exactly.
func convert(v decimal.Decimal, from, to model.Unit) decimal.Decimal {
	switch {
	case from == model.Yuan && to == model.Wan:
		return v.Shift(-4)
	case from == model.Wan && to == model.Yuan:
		return v.Shift(4)
	}
	return v
}

// Difference is one cell where the department's workbook and the sum of
// its units disagree beyond tolerance.
type Difference struct {
	Key       model.Key
	Sheet     string // the department workbook's sheet and cell ("" when it lacks the cell)
	Cell      string
	Table     string // the table as the department workbook prints it: 公开05表 一般公共预算财政拨款支出决算表
	Label     string
	Dept      decimal.Decimal
	Sum       decimal.Decimal
	Diff      decimal.Decimal // Dept - Sum
	Tolerance decimal.Decimal
	Unit      model.Unit
}

// String renders the difference for a terminal, in Chinese.
func (d Difference) String() string {
	where := d.Sheet + "!" + d.Cell
	if d.Sheet == "" {
		where = "（部门表无此单元格）"
	}
	table := d.Table
	if table == "" {
		table = tableName(d.Key.Table)
	}
	return fmt.Sprintf(msgDifference, where, table, d.Label, d.Key.Col, model.FormatAmount(d.Dept), model.FormatAmount(d.Sum),
		model.FormatAmount(d.Diff), d.Unit, model.FormatAmount(d.Tolerance))
}

// Tolerance is the allowed difference for a sum of n units (spec §5.0,
// model.ToleranceOf): each unit's printed cell and the department's own
// figure stand for ±½ cent, n+1 printed values in all.
func Tolerance(n int) decimal.Decimal {
	return model.ToleranceOf(n+1, 2)
}

// Compare reports every cell where dept differs from sum (the Data of n
// units) by more than Tolerance(n): cells of either side, a missing cell
// counting as 0. Differences come in table, sheet-row order.
func Compare(dept *model.Workbook, sum *templates.Data, n int) []Difference {
	tol := Tolerance(n)
	unit := sum.Unit
	if unit == "" {
		unit = model.Wan
	}
	seen := map[model.Key]bool{}
	var out []Difference
	check := func(k model.Key, c *model.Cell, t *model.Table) {
		if seen[k] {
			return
		}
		seen[k] = true
		var dv decimal.Decimal
		if c != nil {
			dv = convert(c.Value, tableUnit(dept, t), unit)
		}
		sv, _ := sum.Value(k.Table, k.Row, k.Col)
		diff := dv.Sub(sv)
		if diff.Abs().LessThanOrEqual(tol) {
			return
		}
		d := Difference{Key: k, Dept: dv, Sum: sv, Diff: diff, Tolerance: tol, Unit: unit, Label: k.Row}
		if c != nil {
			d.Sheet, d.Cell = c.Sheet, c.Addr
		}
		if t != nil && t.Title != "" {
			d.Table = strings.TrimSpace(t.Number + " " + t.Title)
		}
		if r := t.Row(k.Row); r != nil && r.Label != "" && r.Code != "" {
			d.Label = r.Code + " " + r.Label
		}
		out = append(out, d)
	}
	for _, id := range model.KnownTables {
		t := dept.Table(id)
		if t != nil {
			for _, c := range t.Cells() {
				check(model.Key{Table: id, Row: c.Row, Col: c.Col}, c, t)
			}
		}
		var rest []model.Key
		for row, cols := range sum.Values[id] {
			for col := range cols {
				if k := (model.Key{Table: id, Row: row, Col: col}); !seen[k] {
					rest = append(rest, k)
				}
			}
		}
		sort.Slice(rest, func(i, j int) bool {
			if rest[i].Row != rest[j].Row {
				return rest[i].Row < rest[j].Row
			}
			return rest[i].Col < rest[j].Col
		})
		for _, k := range rest {
			check(k, t.Cell(k.Row, k.Col), t)
		}
	}
	return out
}

// tableName is the spec's name of a table the department workbook lacks
// (never its internal id).
func tableName(id model.TableID) string {
	if ts := templates.MustLoad().Table(id); ts != nil {
		return ts.Name
	}
	return string(id)
}

// DeptName derives the department's name from its units' names when none
// is given: their longest common prefix (昌吉回族自治州应急管理局机关 and
// 昌吉回族自治州应急管理局应急救援中心 → 昌吉回族自治州应急管理局), the one
// unit's own name, else 部门汇总 — never the first of several units.
func DeptName(units []*model.Workbook) string {
	var names []string
	for _, u := range units {
		if n := strings.TrimSpace(u.UnitName); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return msgDeptDefault
	}
	p := []rune(names[0])
	for _, n := range names[1:] {
		r := []rune(n)
		i := 0
		for i < len(p) && i < len(r) && p[i] == r[i] {
			i++
		}
		p = p[:i]
	}
	// A prefix cut inside a bracket or before a separator reads badly:
	// 某局（机关） and 某局（中心） share 某局（.
	prefix := strings.TrimRight(string(p), " -_·（(、，,")
	if len([]rune(prefix)) < 2 {
		return msgDeptDefault
	}
	return prefix
}
