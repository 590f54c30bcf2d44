package rounding

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// figure builds a variable from its exact value in 1/10000 cent of 万元.
func figure(exact int64) *variable {
	r := (exact + 5000) / 10000
	if exact < 0 {
		r = (exact - 5000) / 10000
	}
	size := exact / 10000
	if size < 0 {
		size = -size
	}
	sign := int64(0)
	switch {
	case exact > 0:
		sign = 1
	case exact < 0:
		sign = -1
	}
	return &variable{r: r, rem: exact - r*10000, size: size, fixed: exact == 0, sign: sign}
}

// sum is the relation vars[total] = Σ vars[items].
func sum(total int, items ...int) *relation {
	q := &relation{total: total, vars: []int{total}, coefs: []int64{1}}
	for _, i := range items {
		q.vars = append(q.vars, i)
		q.coefs = append(q.coefs, -1)
	}
	return q
}

func TestSolve(t *testing.T) {
	tests := []struct {
		name  string
		exact []int64 // 1/10000 cent
		rels  []*relation
		want  []int64 // adjustments; nil: any, as long as every relation holds
	}{
		{
			// 100.4 + 200.4 + 300.4 = 601.2 cents: the items round to 600,
			// the total to 601; the residue goes to the largest item.
			name:  "residue onto the largest item",
			exact: []int64{6012000, 1004000, 2004000, 3004000},
			rels:  []*relation{sum(0, 1, 2, 3)},
			want:  []int64{0, 0, 0, 1},
		},
		{
			// The largest item (499.8) is already rounded up: the cent goes
			// to the largest item whose exact value is above its rounding.
			name:  "an item on the residue's side",
			exact: []int64{8005500, 1004500, 4998000, 2003000},
			rels:  []*relation{sum(0, 1, 2, 3)},
			want:  []int64{0, 0, 0, 1},
		},
		{
			// Two levels: 合计 = 类1 + 类2, each 类 = its two 款.
			name:  "top-down through the hierarchy",
			exact: []int64{20000000, 10004000, 9996000, 5004000, 5000000, 4998000, 4998000},
			rels:  []*relation{sum(0, 1, 2), sum(1, 3, 4), sum(2, 5, 6)},
		},
		{
			// A 2×2 table of 0.5-cent cells with row, column and grand
			// totals: every cell rounds to 1, every total to 1 (the grand
			// total to 2); one cell per row and column must go down.
			name:  "two-way table",
			exact: []int64{5000, 5000, 5000, 5000, 10000, 10000, 10000, 10000, 20000},
			rels: []*relation{
				sum(4, 0, 1), sum(5, 2, 3), // rows
				sum(6, 0, 2), sum(7, 1, 3), // columns
				sum(8, 4, 5), sum(8, 6, 7), // grand total both ways
			},
		},
		{
			name:  "an exact 0 stays 0",
			exact: []int64{14000, 0, 6000, 6000},
			rels:  []*relation{sum(0, 1, 2, 3)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &system{}
			for _, e := range tc.exact {
				s.vars = append(s.vars, figure(e))
			}
			for _, q := range tc.rels {
				s.add(q)
			}
			s.residuals()
			s.push()
			s.repair(1, 10000)
			if v := s.violation(); v != 0 {
				t.Fatalf("violation %d left, d = %v", v, s.snapshot())
			}
			for i, x := range s.vars {
				if x.d < -1 || x.d > 1 || (x.fixed && x.d != 0) || x.sign*x.value() < 0 {
					t.Errorf("figure %d: d = %d, value %d", i, x.d, x.value())
				}
			}
			if tc.want != nil && !reflect.DeepEqual(s.snapshot(), tc.want) {
				t.Errorf("d = %v, want %v", s.snapshot(), tc.want)
			}
		})
	}
}

func TestRoundRefuses(t *testing.T) {
	rules, err := audit.Rules()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	wb, err := templates.Write(&buf, templates.CaseA(), templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		wb   *model.Workbook
		code string
	}{
		{"nil", nil, model.ENoTables},
		{"no tables", &model.Workbook{}, model.ENoTables},
		{"万元", wb, model.ENotYuan},
	} {
		if _, err := Round(tc.wb, rules, Options{}); model.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if _, err := File(context.Background(), bytes.NewReader(buf.Bytes()), &bytes.Buffer{}, Options{}); model.ErrorCode(err) != model.ENotYuan {
		t.Errorf("File on a 万元 workbook: %v", err)
	}
}

// The same workbook is always rounded the same.
func TestRoundDeterministic(t *testing.T) {
	d := genWorkbook(7)
	var in bytes.Buffer
	if _, err := templates.Write(&in, d, templates.Options{}); err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	ra, err := File(context.Background(), bytes.NewReader(in.Bytes()), &a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := File(context.Background(), bytes.NewReader(in.Bytes()), &b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ra.Values, rb.Values) || !reflect.DeepEqual(ra.Adjusted, rb.Adjusted) {
		t.Error("two runs differ")
	}
	if len(ra.Adjusted) == 0 {
		t.Error("nothing adjusted: the workbook does not exercise the balance")
	}
	for _, adj := range ra.Adjusted {
		if len(adj.Cells) == 0 || adj.Cells[0].Sheet == "" || adj.Cells[0].Cell == "" || adj.Exact == "" {
			t.Errorf("adjustment without its cell or exact value: %+v", adj)
		}
	}
}

// The 万元 workbook is laid out like the 元 one.
func TestRoundKeepsLayout(t *testing.T) {
	for _, opt := range []templates.Options{
		{Style: model.StyleMOF, T06Groups: 3, T09Order: "interleaved"},
		{Style: model.StyleShanghai, T06Groups: 2, T09Order: "blocks"},
	} {
		var in, out bytes.Buffer
		src, err := templates.Write(&in, genWorkbook(11), opt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := File(context.Background(), bytes.NewReader(in.Bytes()), &out, Options{}); err != nil {
			t.Fatal(err)
		}
		res, err := audit.Check(context.Background(), &out, audit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		wb := res.Workbook
		// (The Shanghai style prints no 部门 line: no name to keep.)
		if wb.Unit != model.Wan || (opt.Style == model.StyleMOF && wb.UnitName != src.UnitName) {
			t.Errorf("%+v: unit %s, name %q", opt, wb.Unit, wb.UnitName)
		}
		for _, id := range []model.TableID{model.T01, model.T06, model.T09} {
			if got, want := wb.Table(id), src.Table(id); got == nil || got.Style != opt.Style {
				t.Errorf("%+v: %s style %v", opt, id, got)
			} else if want != nil && want.Variant != "" && got.Variant != want.Variant {
				t.Errorf("%+v: %s variant %q, want %q", opt, id, got.Variant, want.Variant)
			}
		}
	}
}

// Without the balance, plain rounding breaks identities: each is listed in
// Residual, and they are exactly the identities the re-check reports as 尾差.
func TestPlainResidualsListed(t *testing.T) {
	d := genWorkbook(5)
	var in, out bytes.Buffer
	if _, err := templates.Write(&in, d, templates.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := File(context.Background(), bytes.NewReader(in.Bytes()), &out, Options{Plain: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Residual) == 0 || len(res.Adjusted) != 0 {
		t.Fatalf("plain rounding: %d residual, %d adjusted", len(res.Residual), len(res.Adjusted))
	}
	rep, err := audit.Check(context.Background(), &out, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	residues := map[string]bool{}
	for _, f := range rep.Report.Findings {
		if f.Severity == model.SevInfo {
			residues[f.Rule] = true
		}
		if f.Severity == model.SevError {
			t.Errorf("plain rounding gives an error beyond tolerance: %s %s", f.Rule, f.Message)
		}
	}
	listed := map[string]bool{}
	for _, r := range res.Residual {
		listed[r.Rule] = true
		if r.Difference == "0.00" || r.Expr == "" {
			t.Errorf("residual without its difference or cells: %+v", r)
		}
	}
	for rule := range residues {
		if !listed[rule] {
			t.Errorf("the check finds a 尾差 of %s that Residual does not list", rule)
		}
	}
	t.Logf("plain rounding: %d identities broken (rules %d), the balance: 0", len(res.Residual), len(listed))
}
