package audit

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func TestGridWindow(t *testing.T) {
	for _, tc := range []struct {
		name        string
		want        []int
		n, limit    int
		wantIndexes []int
	}{
		{"one in the middle", []int{5}, 10, 16, []int{4, 5, 6}},
		{"at the top", []int{0, 2}, 10, 16, []int{0, 1, 2, 3}},
		{"at the bottom", []int{9}, 10, 16, []int{8, 9}},
		{"span fills the limit", []int{0, 3}, 10, 4, []int{0, 1, 2, 3}},
		{"spread wider than the limit", []int{1, 30, 60}, 80, 16, []int{1, 30, 60}},
		{"more wanted than the limit", []int{1, 2, 3, 4, 5}, 80, 3, []int{1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := window(append([]int(nil), tc.want...), tc.n, tc.limit); !reflect.DeepEqual(got, tc.wantIndexes) {
				t.Errorf("window(%v, %d, %d) = %v, want %v", tc.want, tc.n, tc.limit, got, tc.wantIndexes)
			}
		})
	}
}

// TestGridsOfCaseA: with Options.Grid every finding with located cells has
// a grid; each grid's own cell is among its cells; a finding on one side of
// 收入支出决算总表 shows that side's columns only (each value beside its
// own row name); without Options.Grid no grids.
func TestGridsOfCaseA(t *testing.T) {
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{Style: model.StyleMOF}); err != nil {
		t.Fatal(err)
	}
	plain, err := Check(context.Background(), bytes.NewReader(buf.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), bytes.NewReader(buf.Bytes()), Options{Grid: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range plain.Report.Findings {
		if f.Grids != nil {
			t.Fatalf("grids without Options.Grid: %s", f.Rule)
		}
	}
	oneSide := 0
	for _, f := range res.Report.Findings {
		if f.Cell == "" {
			continue
		}
		if len(f.Grids) == 0 {
			t.Errorf("%s %s!%s: no grid", f.Rule, f.Sheet, f.Cell)
			continue
		}
		g := f.Grids[0]
		found := false
		for _, r := range g.Rows {
			for _, c := range r.Cells {
				found = found || (c.Cell == f.Cell && c.Role == model.RoleSuspect)
			}
		}
		if !found {
			t.Errorf("%s: its cell %s is not the grid's suspect", f.Rule, f.Cell)
		}
		if g.Table == model.T01 {
			sides := map[string]bool{}
			for _, c := range g.Columns {
				sides[strings.SplitN(c.Header, "/", 2)[0]] = true
			}
			if len(sides) == 1 {
				oneSide++
			}
		}
	}
	if oneSide == 0 {
		t.Errorf("no finding of 收入支出决算总表 shows one side only")
	}
}

// BenchmarkCheckGrid: Check of the changed Case A with and without grids.
func BenchmarkCheckGrid(b *testing.B) {
	var buf bytes.Buffer
	d := templates.CaseA()
	d.Values[model.T01]["本年收入合计"] = map[string]string{"决算数": "5000.00"}
	if _, err := templates.Write(&buf, d, templates.Options{Style: model.StyleMOF}); err != nil {
		b.Fatal(err)
	}
	for _, grid := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "grid"}[grid], func(b *testing.B) {
			for b.Loop() {
				if _, err := Check(context.Background(), bytes.NewReader(buf.Bytes()), Options{Grid: grid}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
