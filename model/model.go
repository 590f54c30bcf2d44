// Package model holds the domain types every stage shares: the located
// tables of one workbook with their values and cell addresses, findings and
// fills, and the coded error type. Reader, fill, check and annotate exchange
// only these types.
package model

import (
	"sort"

	"github.com/shopspring/decimal"
)

// TableID names one of the nine tables by meaning, whatever the file numbers
// it: T07 is always 政府性基金, T08 国有资本经营, T09 "三公".
type TableID string

const (
	T01 TableID = "T01" // 收入支出决算总表
	T02 TableID = "T02" // 收入决算表
	T03 TableID = "T03" // 支出决算表
	T04 TableID = "T04" // 财政拨款收入支出决算总表
	T05 TableID = "T05" // 一般公共预算财政拨款支出决算表
	T06 TableID = "T06" // 一般公共预算财政拨款基本支出决算表
	T07 TableID = "T07" // 政府性基金预算财政拨款收入支出决算表
	T08 TableID = "T08" // 国有资本经营预算财政拨款收入支出决算表
	T09 TableID = "T09" // 财政拨款"三公"经费支出决算表

	// Tables some regions print beyond the nine (Yunnan's set of 11).
	T10 TableID = "T10" // 一般公共预算财政拨款项目支出决算表
	T11 TableID = "T11" // 财政拨款"三公"经费、行政参公单位机关运行经费情况表
)

// AllTables lists the nine ids in their canonical order.
var AllTables = []TableID{T01, T02, T03, T04, T05, T06, T07, T08, T09}

// ExtraTables lists the regional tables beyond the nine: read and checked
// when a workbook prints them, never missing when it does not.
var ExtraTables = []TableID{T10, T11}

// KnownTables is AllTables then ExtraTables.
var KnownTables = append(append([]TableID{}, AllTables...), ExtraTables...)

// IsExtra reports whether id is a regional table beyond the nine.
func IsExtra(id TableID) bool {
	for _, x := range ExtraTables {
		if x == id {
			return true
		}
	}
	return false
}

// Style is the layout family a table was printed in.
type Style string

const (
	StyleMOF      Style = "mof"      // 公开0N表, 部门/金额单位 line, 栏次 row, single code column
	StyleShanghai Style = "shanghai" // no numbers, 单位：万元, split 类|款|项 columns
)

// Chinese names the style as users know it.
func (s Style) Chinese() string {
	if s == StyleShanghai {
		return "上海式"
	}
	return "财政部式"
}

// Unit is the amount unit read from the unit line.
type Unit string

const (
	Wan  Unit = "万元"
	Yuan Unit = "元"
)

// Key addresses one logical value: table, row key and column key. Row keys
// are function/economic codes ("201", "2240101", "30101") or canonical labels
// ("合计", "本年收入合计", "年初/一般公共预算财政拨款"); column keys are
// canonical header names ("本年支出合计", "预算数/合计").
type Key struct {
	Table TableID `json:"table"`
	Row   string  `json:"row"`
	Col   string  `json:"column"`
}

// Cell is one amount cell of a located table.
type Cell struct {
	Key
	Sheet string          // sheet name as in the workbook
	Addr  string          // A1 address
	Value decimal.Decimal // 0 when blank or invalid
	Blank bool            // nothing was typed (a dash is a typed 0, not blank)
	// Invalid marks a cell whose text is not a usable amount (reader S05:
	// not a number, out of range, an Excel error value): its value is
	// unknown, not 0, so no equation with it is evaluated or solved.
	Invalid bool
	// Unresolved marks a derived cell fill left blank because the printed
	// figures around it disagree (an F01 finding names them): unknown, not
	// 0, like an Invalid one, so no identity with it is judged.
	Unresolved bool
	Raw        string // the text as read, for messages
	// Decimals is how many decimals the value was printed with; tolerance
	// is derived from it (a blank counts as 2).
	Decimals int
	Derived  bool   // the template computes this cell from others
	FilledBy string // rule ID when the fill stage wrote the value
	Formula  string // the formula if the cell had one (value is its cached result)
}

// Filled reports whether the fill stage produced the cell's value.
func (c *Cell) Filled() bool { return c.FilledBy != "" }

// Row is one data row of a located table.
type Row struct {
	Key      string // code or canonical label
	Code     string // function/economic code; "" for labelled rows
	Level    int    // 1 类, 2 款, 3 项; 0 for labelled rows
	Label    string // as printed (科目名称 or row label)
	Side     string // 收入/支出 in T01/T04; 人员经费/公用经费 in T06
	SheetRow int    // 1-based sheet row
}

// Column is one value column of a located table.
type Column struct {
	Key      string // canonical key
	Header   string // header path as printed, joined with "/"
	Side     string // 收入/支出 in T01/T04
	SheetCol int    // 1-based sheet column
}

// Table is one located table with its values.
type Table struct {
	ID      TableID
	Name    string // canonical name, e.g. 收入支出决算总表
	Sheet   string
	Title   string // title text as printed
	Number  string // "公开01表" as printed, "" when absent
	Style   Style
	Unit    Unit
	Range   string // A1 range covering title to last data row
	Variant string // layout variant, e.g. "blocks"/"interleaved" (T09), "expenditure-only" (T08)
	// EmptyNote is the 无数据/为空表 statement printed under the table, if any.
	EmptyNote string
	// Checked: some bound identity reads the table's cells (set by
	// check.NewChecker).
	Checked bool
	Rows    []*Row
	Columns []*Column
	cells   map[[2]string]*Cell
	order   []*Cell
}

// NewTable returns an empty table ready for SetCell.
func NewTable(id TableID) *Table {
	return &Table{ID: id, cells: map[[2]string]*Cell{}}
}

// Reserve makes room for n cells in a table that has none yet, so a
// reader that knows roughly how many it will set does not grow the index
// step by step.
func (t *Table) Reserve(n int) {
	if len(t.cells) == 0 && n > 0 {
		t.cells = make(map[[2]string]*Cell, n)
		t.order = make([]*Cell, 0, n)
	}
}

// SetCell stores c under its row and column key, replacing any earlier one.
func (t *Table) SetCell(c *Cell) {
	if t.cells == nil {
		t.cells = map[[2]string]*Cell{}
	}
	c.Table = t.ID
	k := [2]string{c.Row, c.Col}
	if _, ok := t.cells[k]; !ok {
		t.order = append(t.order, c)
	} else {
		for i, o := range t.order {
			if o.Row == c.Row && o.Col == c.Col {
				t.order[i] = c
			}
		}
	}
	t.cells[k] = c
}

// Cell returns the cell at row, col, or nil when the table has none there
// (a code row that is not printed counts as 0).
func (t *Table) Cell(row, col string) *Cell {
	if t == nil {
		return nil
	}
	return t.cells[[2]string{row, col}]
}

// Value returns the amount at row, col: 0 for a missing or blank cell.
func (t *Table) Value(row, col string) decimal.Decimal {
	if c := t.Cell(row, col); c != nil {
		return c.Value
	}
	return decimal.Zero
}

// Cells returns every cell in reading order (sheet row, then column).
func (t *Table) Cells() []*Cell { return t.order }

// Row returns the row with key k, or nil.
func (t *Table) Row(k string) *Row {
	if t == nil {
		return nil
	}
	for _, r := range t.Rows {
		if r.Key == k {
			return r
		}
	}
	return nil
}

// Column returns the column with key k, or nil (the first one for keys
// shared by both sides of T01).
func (t *Table) Column(k string) *Column {
	if t == nil {
		return nil
	}
	for _, c := range t.Columns {
		if c.Key == k {
			return c
		}
	}
	return nil
}

// Codes returns the codes of the table's code rows in sheet order.
func (t *Table) Codes() []string {
	var out []string
	for _, r := range t.Rows {
		if r.Code != "" {
			out = append(out, r.Code)
		}
	}
	return out
}

// Workbook is everything the reader learned from one file.
type Workbook struct {
	Tables   map[TableID]*Table
	Unit     Unit   // the unit shared by the tables (万元 unless every table says 元)
	UnitName string // the 部门/单位 name when printed
	// Year is the 决算年度 the workbook is read as: the one asked for, else
	// YearPrinted; 0 when neither is known.
	Year int
	// YearPrinted is the year its titles, 部门 line or cover print most
	// often (0: none).
	YearPrinted int
	Sheets      []string
	// Findings are the structural findings of the reader (missing table,
	// duplicate code, non-numeric amount, ...).
	Findings []Finding
}

// Table returns the located table id, or nil.
func (w *Workbook) Table(id TableID) *Table {
	if w == nil {
		return nil
	}
	return w.Tables[id]
}

// Cell returns the cell at k, or nil.
func (w *Workbook) Cell(k Key) *Cell { return w.Table(k.Table).Cell(k.Row, k.Col) }

// Value returns the amount at k: 0 for a missing table, row or cell.
func (w *Workbook) Value(k Key) decimal.Decimal { return w.Table(k.Table).Value(k.Row, k.Col) }

// Located returns the located tables in canonical order, the regional
// extras after the nine.
func (w *Workbook) Located() []*Table {
	var out []*Table
	for _, id := range KnownTables {
		if t := w.Tables[id]; t != nil {
			out = append(out, t)
		}
	}
	return out
}

// SortFindings orders findings by severity (errors first), then table,
// sheet position and rule, so reports read the same on every run.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Cell < b.Cell
	})
}
