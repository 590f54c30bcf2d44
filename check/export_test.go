package check

import (
	"fmt"
	"reflect"

	"github.com/juesuan/juesuan/model"
)

// TestCache is a shape cache of its own, for tests of bindcache.go.
type TestCache struct{ c *shapeCache }

// NewTestCache returns an empty cache holding up to n shapes.
func NewTestCache(n int) *TestCache {
	return &TestCache{&shapeCache{max: n, seen: make([]uint64, 64)}}
}

// Bind is NewBinding with this cache; nil binds without any.
func (tc *TestCache) Bind(rules []*Rule, wb *model.Workbook) *Binding {
	if tc == nil {
		return newBinding(rules, wb, nil)
	}
	return newBinding(rules, wb, tc.c)
}

// Hits is how many bindings were taken from the cache.
func (tc *TestCache) Hits() int64 { return tc.c.hits.Load() }

// Len is how many shapes the cache holds.
func (tc *TestCache) Len() int {
	if es := tc.c.entries.Load(); es != nil {
		return len(*es)
	}
	return 0
}

// FromTemplate reports whether bd was made from a cached template.
func (bd *Binding) FromTemplate() bool { return bd.tmpl != nil }

// SameEquations describes the first difference between two bindings'
// equations, terms compared field by field (the cell and workbook by
// identity), "" when there is none.
func SameEquations(got, want []Equation) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d equations, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Rule != w.Rule || g.Op != w.Op || g.Where != w.Where || len(g.Left) != len(w.Left) || len(g.Right) != len(w.Right) {
			return fmt.Sprintf("equation %d: %s %s %q %d|%d, want %s %s %q %d|%d", i,
				g.Rule.ID, g.Op, g.Where, len(g.Left), len(g.Right), w.Rule.ID, w.Op, w.Where, len(w.Left), len(w.Right))
		}
		for s, sides := range [2][2][]Term{{g.Left, w.Left}, {g.Right, w.Right}} {
			for j := range sides[0] {
				if a, b := sides[0][j], sides[1][j]; a != b {
					return fmt.Sprintf("equation %d (%s %s) side %d term %d: %+v, want %+v", i, g.Rule.ID, g.Where, s, j, a, b)
				}
			}
		}
	}
	return ""
}

// SameIndex describes the first difference between the table indexes of
// two bindings of one workbook, "" when there is none.
func SameIndex(got, want *Binding) string {
	if len(got.idx.tables) != len(want.idx.tables) {
		return fmt.Sprintf("%d tables indexed, want %d", len(got.idx.tables), len(want.idx.tables))
	}
	for id, w := range want.idx.tables {
		g := got.idx.table(id)
		if g == nil {
			return fmt.Sprintf("%s not indexed", id)
		}
		if g.t != w.t || !reflect.DeepEqual(g.shapeSets(), w.shapeSets()) || !reflect.DeepEqual(g.rowOf, w.rowOf) || !reflect.DeepEqual(g.rowCells, w.rowCells) {
			return fmt.Sprintf("%s indexed differently", id)
		}
	}
	return ""
}
