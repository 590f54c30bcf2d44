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
	for k, v := range res.Values {
		if got := rr.Workbook.Value(k); !got.Equal(v) && o.mismatch == "" {
			o.mismatch = fmt.Sprintf("%v: read back %s, computed %s", k, got, v)
		}
	}
	return o
}

// TestProperty rounds 1,000 generated 元 workbooks (100 with -short):
// every re-check has 0 errors, at least 99 % have 0 尾差, no figure moves
// more than 0.01 from its plain rounding.
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
