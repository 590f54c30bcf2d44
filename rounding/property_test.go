package rounding

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// outcome is one generated workbook's run: the round result, the 元
// check's errors and 尾差, the 万元 check's errors and 尾差.
type outcome struct {
	res                    *Result
	inErrs, errs, residues int
	firstErr, firstResidue string
	maxDelta               decimal.Decimal
	mismatch               string
}

// runOne writes generated workbook i in 元, rounds it to 万元 and checks
// the result as a user's upload.
func runOne(t testing.TB, i int) outcome {
	d := genWorkbook(i)
	var in bytes.Buffer
	if _, err := templates.Write(&in, d, templates.Options{Style: d.Style}); err != nil {
		t.Fatalf("%d: write: %v", i, err)
	}
	ctx := context.Background()
	var o outcome
	src := in.Bytes()
	var out bytes.Buffer
	res, err := File(ctx, bytes.NewReader(src), &out, Options{})
	if err != nil {
		t.Fatalf("%d: round: %v", i, err)
	}
	o.res = res
	if n := res.Input.Errors + res.Input.Infos; n > 0 {
		o.inErrs, o.firstErr = n, fmt.Sprintf("元: %d errors, %d 尾差", res.Input.Errors, res.Input.Infos)
	}
	rr, err := audit.Check(ctx, bytes.NewReader(out.Bytes()), audit.Options{})
	if err != nil {
		t.Fatalf("%d: check 万元: %v", i, err)
	}
	for _, f := range rr.Report.Findings {
		switch f.Severity {
		case model.SevError:
			o.errs++
			if o.firstErr == "" {
				o.firstErr = f.Rule + " " + f.Message
			}
		case model.SevInfo:
			o.residues++
			if o.firstResidue == "" {
				o.firstResidue = f.Rule + " " + f.Message
			}
		}
	}
	// Every published figure is within one cent of its plain rounding and
	// the read-back workbook prints exactly the computed figures.
	for _, a := range res.Adjusted {
		dv := decimal.RequireFromString(a.Delta).Abs()
		if dv.GreaterThan(o.maxDelta) {
			o.maxDelta = dv
		}
	}
	limit := decimal.RequireFromString("0.015")
	for k, v := range res.Values {
		if got := rr.Workbook.Value(k); !got.Equal(v) && o.mismatch == "" {
			o.mismatch = fmt.Sprintf("%v: read back %s, computed %s", k, got, v)
		}
		exact, _ := d.Value(k.Table, k.Row, k.Col)
		exact = exact.Shift(-4)
		switch {
		case o.mismatch != "":
		case exact.IsZero() && !v.IsZero():
			o.mismatch = fmt.Sprintf("%v: 0 in 元 printed %s", k, v)
		case exact.Sign()*v.Sign() < 0:
			o.mismatch = fmt.Sprintf("%v: %s 万元 printed %s", k, exact, v)
		case v.Sub(exact).Abs().GreaterThanOrEqual(limit):
			o.mismatch = fmt.Sprintf("%v: %s 万元 printed %s", k, exact, v)
		}
	}
	// The same figure in two tables is printed the same.
	for _, p := range [][2]model.Key{
		{{Table: model.T01, Row: "本年支出合计", Col: "决算数"}, {Table: model.T03, Row: "合计", Col: "本年支出合计"}},
		{{Table: model.T05, Row: "合计", Col: "合计"}, {Table: model.T04, Row: "本年支出合计", Col: "一般公共预算财政拨款"}},
		{{Table: model.T05, Row: "合计", Col: "基本支出"}, {Table: model.T06, Row: "人员经费合计", Col: "决算数"}},
		{{Table: model.T01, Row: "一般公共预算财政拨款收入", Col: "决算数"}, {Table: model.T04, Row: "一般公共预算财政拨款", Col: "决算数"}},
	} {
		a, b := res.Values[p[0]], res.Values[p[1]]
		ea, _ := d.Value(p[0].Table, p[0].Row, p[0].Col)
		eb, _ := d.Value(p[1].Table, p[1].Row, p[1].Col)
		if ea.Equal(eb) && !a.Equal(b) && o.mismatch == "" {
			o.mismatch = fmt.Sprintf("%v = %v in 元, printed %s and %s", p[0], p[1], a, b)
		}
	}
	return o
}

// TestProperty rounds 1,000 generated 元 workbooks (100 with -short):
// every re-check has 0 errors, at least 99 % have 0 尾差, no figure moves
// more than 0.01 from its plain rounding (so it is within 0.015 of its
// exact value), a 0 stays 0, no figure changes sign, and figures equal in
// 元 across tables (T01 本年支出合计 and T03 合计, T05 合计 and T04 一般公共
// 预算 …) print the same.
func TestProperty(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	outs := make([]outcome, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outs[i] = runOne(t, i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	clean, adjusted, figures, residualRuns, pushed, repaired, maxAdj := 0, 0, 0, 0, 0, 0, 0
	for i, o := range outs {
		if o.inErrs > 0 {
			t.Fatalf("generated workbook %d does not hold in 元: %s", i, o.firstErr)
		}
		if o.errs > 0 {
			t.Errorf("workbook %d: %d errors after rounding, e.g. %s", i, o.errs, o.firstErr)
		}
		if o.maxDelta.GreaterThan(decimal.New(1, -2)) {
			t.Errorf("workbook %d: a figure moved by %s", i, o.maxDelta)
		}
		if o.mismatch != "" {
			t.Errorf("workbook %d: %s", i, o.mismatch)
		}
		if o.residues == 0 {
			clean++
		} else if residualRuns < 3 {
			t.Logf("workbook %d: %d 尾差, e.g. %s; residual identities %d", i, o.residues, o.firstResidue, len(o.res.Residual))
		}
		if len(o.res.Residual) > 0 {
			residualRuns++
		}
		if o.residues == 0 && len(o.res.Residual) > 0 {
			t.Errorf("workbook %d: residual identities listed but the check found none", i)
		}
		adjusted += len(o.res.Adjusted)
		maxAdj = max(maxAdj, len(o.res.Adjusted))
		figures += o.res.Figures
		pushed += o.res.Pushed
		repaired += o.res.Repaired
	}
	rate := float64(clean) / float64(n)
	t.Logf("舍位平衡: %d workbooks, %d with 0 尾差 (%.1f%%), %d with residual identities; adjusted figures %d of %d (mean %.1f, max %d per workbook); cents pushed %d, local-search moves %d",
		n, clean, 100*rate, residualRuns, adjusted, figures, float64(adjusted)/float64(n), maxAdj, pushed, repaired)
	if rate < 0.99 {
		t.Errorf("0 尾差 in %.1f%% of runs, want ≥ 99%%", 100*rate)
	}
}
