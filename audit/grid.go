package audit

import (
	"sort"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
)

// Bounds of one grid: a finding's own rows and columns are always shown
// (up to these caps); neighbours fill the window around them.
const (
	gridMaxRows   = 16
	gridMaxCols   = 8
	gridMaxTables = 3
)

// AttachGrids gives every finding with located cells the grids of the
// tables around them (its primary cell's table first). The workbook is
// the filled one, so the grid shows what check judged.
func AttachGrids(wb *model.Workbook, fs []model.Finding) {
	idx := map[model.TableID]*tableIndex{} // each table laid out once
	for i := range fs {
		fs[i].Grids = findingGrids(wb, &fs[i], idx)
	}
}

// pos is a cell's sheet coordinates.
type pos struct{ row, col int }

func findingGrids(wb *model.Workbook, f *model.Finding, idx map[model.TableID]*tableIndex) []model.Grid {
	roles := map[model.TableID]map[pos]model.GridRole{}
	var order []model.TableID
	add := func(id model.TableID, sheet, addr string, role model.GridRole) {
		t := wb.Table(id)
		if t == nil || addr == "" || (sheet != "" && sheet != t.Sheet) {
			return
		}
		r, c, ok := xlsx.ParseAddr(addr)
		if !ok {
			return
		}
		m := roles[id]
		if m == nil {
			m = map[pos]model.GridRole{}
			roles[id] = m
			order = append(order, id)
		}
		// A suspect stays a suspect when it is an operand as well.
		if m[pos{r, c}] != model.RoleSuspect {
			m[pos{r, c}] = role
		}
	}
	primary := f.Table
	for _, c := range f.Cells {
		if c.Sheet == f.Sheet && c.Cell == f.Cell && c.Table != "" {
			primary = c.Table
		}
	}
	if f.Narrative == nil {
		// A narrative finding's Cell is the table cell its figure is
		// compared with: shown, but not blamed.
		add(primary, f.Sheet, f.Cell, model.RoleSuspect)
	} else {
		add(primary, f.Sheet, f.Cell, model.RoleOperand)
	}
	for _, s := range f.Suspects {
		add(s.Table, s.Sheet, s.Cell, model.RoleSuspect)
	}
	for _, c := range f.Cells {
		id := c.Table
		if id == "" {
			id = primary
		}
		add(id, c.Sheet, c.Cell, model.RoleOperand)
	}
	var out []model.Grid
	for _, id := range order {
		if len(out) == gridMaxTables {
			break
		}
		ti := idx[id]
		if ti == nil {
			ti = indexTable(wb.Table(id))
			idx[id] = ti
		}
		if g, ok := tableGrid(wb.Table(id), ti, roles[id]); ok {
			out = append(out, g)
		}
	}
	return out
}

// gridRow is one sheet row of a table: the row entries printed on it (two
// in the 收入|支出 tables).
type gridRow struct {
	sheetRow int
	rows     []*model.Row
}

// tableIndex is a table laid out by sheet position: its sheet rows and
// value columns in sheet order, its cells by coordinates.
type tableIndex struct {
	rows  []*gridRow
	cols  []*model.Column
	cells map[pos]*model.Cell
}

func indexTable(t *model.Table) *tableIndex {
	byRow := map[int]*gridRow{}
	var rows []*gridRow
	for _, r := range t.Rows {
		g := byRow[r.SheetRow]
		if g == nil {
			g = &gridRow{sheetRow: r.SheetRow}
			byRow[r.SheetRow] = g
			rows = append(rows, g)
		}
		g.rows = append(g.rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].sheetRow < rows[j].sheetRow })
	cols := append([]*model.Column(nil), t.Columns...)
	sort.SliceStable(cols, func(i, j int) bool { return cols[i].SheetCol < cols[j].SheetCol })
	cells := map[pos]*model.Cell{}
	for _, c := range t.Cells() {
		if c.Sheet != t.Sheet {
			continue
		}
		if row, col, ok := xlsx.ParseAddr(c.Addr); ok {
			cells[pos{row, col}] = c
		}
	}
	return &tableIndex{rows: rows, cols: cols, cells: cells}
}

func tableGrid(t *model.Table, ti *tableIndex, roles map[pos]model.GridRole) (model.Grid, bool) {
	rows, cells := ti.rows, ti.cells
	cols := append([]*model.Column(nil), ti.cols...) // narrowed below, per finding
	// In the 收入|支出 tables a sheet row carries two items: show only the
	// side(s) the finding's cells are on, so each value stands beside its
	// own row name.
	side := map[int]string{}
	for _, c := range cols {
		side[c.SheetCol] = c.Side
	}
	used := map[string]bool{}
	for p := range roles {
		if sd, ok := side[p.col]; ok {
			used[sd] = true
		}
	}
	if len(used) == 1 && !used[""] {
		kept := cols[:0]
		for _, c := range cols {
			if used[c.Side] {
				kept = append(kept, c)
			}
		}
		cols = kept
	}

	rowIdx, colIdx := map[int]int{}, map[int]int{}
	for i, r := range rows {
		rowIdx[r.sheetRow] = i
	}
	for i, c := range cols {
		colIdx[c.SheetCol] = i
	}
	var wantRows, wantCols []int
	seenR, seenC := map[int]bool{}, map[int]bool{}
	for p := range roles {
		ri, okR := rowIdx[p.row]
		ci, okC := colIdx[p.col]
		if !okR || !okC {
			continue
		}
		if !seenR[ri] {
			seenR[ri] = true
			wantRows = append(wantRows, ri)
		}
		if !seenC[ci] {
			seenC[ci] = true
			wantCols = append(wantCols, ci)
		}
	}
	if len(wantRows) == 0 {
		return model.Grid{}, false
	}
	pickR := window(wantRows, len(rows), gridMaxRows)
	pickC := window(wantCols, len(cols), gridMaxCols)

	g := model.Grid{Table: t.ID, Title: t.Title, Number: t.Number, Sheet: t.Sheet, Unit: t.Unit,
		Columns: []model.GridColumn{}, Rows: []model.GridRow{}}
	if g.Title == "" {
		g.Title = t.Name
	}
	var sides = map[string]bool{}
	for _, ci := range pickC {
		c := cols[ci]
		letter := xlsx.ColName(c.SheetCol)
		g.Columns = append(g.Columns, model.GridColumn{Key: c.Key, Header: c.Header, Letter: letter})
		sides[c.Side] = true
	}
	prev := -1
	for _, ri := range pickR {
		r := rows[ri]
		// On a row printed with both sides, name it by the side(s) shown.
		label := r.rows[0]
		var names []string
		for _, x := range r.rows {
			if sides[x.Side] {
				if len(names) == 0 {
					label = x
				}
				names = append(names, x.Label)
			}
		}
		text := label.Label
		if len(names) > 1 {
			text = strings.Join(names, " | ")
		}
		gr := model.GridRow{Key: label.Key, Code: label.Code, Label: text, Row: r.sheetRow,
			Gap: prev >= 0 && ri != prev+1, Cells: make([]model.GridCell, 0, len(pickC))}
		prev = ri
		for _, ci := range pickC {
			p := pos{r.sheetRow, cols[ci].SheetCol}
			gc := model.GridCell{Role: roles[p]}
			if c := cells[p]; c != nil {
				gc.Cell = c.Addr
				gc.Filled = c.Filled()
				switch {
				case c.Invalid || c.Unresolved:
					gc.Raw = c.Raw
				case c.Blank && !c.Filled():
					gc.Blank = true
				default:
					gc.Value = c.Value.StringFixed(int32(max(2, c.Decimals)))
				}
			} else if p.row >= 1 && p.col >= 1 && p.row <= xlsx.MaxRow && p.col <= xlsx.MaxCol {
				gc.Cell, gc.Blank = xlsx.Addr(p.row, p.col), true
			}
			gr.Cells = append(gr.Cells, gc)
		}
		g.Rows = append(g.Rows, gr)
	}
	return g, true
}

// window picks indexes out of 0..n-1 to show: the wanted ones (sorted, at
// most limit), the rows between them and one neighbour on each side when
// that fits in limit. When the wanted ones are spread wider than limit,
// only they are shown (the grid marks the gaps).
func window(want []int, n, limit int) []int {
	sort.Ints(want)
	if len(want) > limit {
		want = want[:limit]
	}
	lo, hi := want[0], want[len(want)-1]
	if hi-lo+1 > limit {
		return want
	}
	if lo > 0 && hi-lo+2 <= limit {
		lo--
	}
	if hi < n-1 && hi-lo+2 <= limit {
		hi++
	}
	out := make([]int, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}
