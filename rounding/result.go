package rounding

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
)

// results fills res from the solved system.
func (b *builder) results(s *system, res *Result) {
	members := make([][]int, len(s.vars))
	for i := range b.keys {
		v := b.figOf[i]
		members[v] = append(members[v], i)
		c := b.cells[i]
		if c.Blank && !c.Filled() {
			continue
		}
		res.Values[b.keys[i]] = decimal.New(s.vars[v].value(), -2)
	}
	for v, x := range s.vars {
		if x.d == 0 {
			continue
		}
		a := Adjustment{
			Exact:     b.exact[members[v][0]].Shift(-4).String(),
			Rounded:   decimal.New(x.r, -2).StringFixed(2),
			Published: decimal.New(x.value(), -2).StringFixed(2),
			Delta:     decimal.New(x.d, -2).StringFixed(2),
		}
		for _, i := range members[v] {
			c := b.cells[i]
			a.Cells = append(a.Cells, model.CellRef{Sheet: c.Sheet, Cell: c.Addr, Value: b.exact[i].String(),
				Table: c.Table, Row: c.Row, Col: c.Col, Label: label(b.wb, c)})
		}
		res.Adjusted = append(res.Adjusted, a)
	}
	sort.SliceStable(res.Adjusted, func(i, j int) bool {
		a, c := res.Adjusted[i].Cells[0], res.Adjusted[j].Cells[0]
		if a.Table != c.Table {
			return a.Table < c.Table
		}
		return cellLess(a.Cell, c.Cell)
	})
	for _, q := range s.rels {
		if q.cost() == 0 {
			continue
		}
		eq := b.raw[q.id].eq
		diff := b.difference(eq, res.Values)
		res.Residual = append(res.Residual, b.identity(eq, diff, 2))
	}
}

// identity renders a bound equation with its cells.
func (b *builder) identity(eq check.Equation, diff decimal.Decimal, places int32) Identity {
	side := func(ts []check.Term) string {
		var parts []string
		for i, t := range ts {
			ref := string(t.Key.Table) + "[" + t.Key.Row + "," + t.Key.Col + "]"
			if c := b.wb.Cell(t.Key); c != nil {
				ref = c.Sheet + "!" + c.Addr
			}
			switch {
			case i == 0 && t.Sign < 0:
				ref = "−" + ref
			case i > 0 && t.Sign < 0:
				ref = "− " + ref
			case i > 0:
				ref = "+ " + ref
			}
			parts = append(parts, ref)
		}
		if len(parts) == 0 {
			return "0"
		}
		return strings.Join(parts, " ")
	}
	return Identity{Rule: eq.Rule.ID, Where: eq.Where, Expr: side(eq.Left) + " " + eq.Op + " " + side(eq.Right),
		Difference: diff.StringFixed(places)}
}

// label names a cell for people: table sheet, row label or code, column.
func label(wb *model.Workbook, c *model.Cell) string {
	row := c.Row
	if r := wb.Table(c.Table).Row(c.Row); r != nil && r.Code != "" && r.Label != "" {
		row = r.Code + " " + r.Label
	}
	if c.Col == "" || c.Col == "决算数" {
		return row
	}
	return row + " / " + c.Col
}

// cellLess orders A1 addresses by row, then column.
func cellLess(a, b string) bool {
	ra, ca, _ := xlsx.ParseAddr(a)
	rb, cb, _ := xlsx.ParseAddr(b)
	if ra != rb {
		return ra < rb
	}
	return ca < cb
}
