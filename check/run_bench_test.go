package check_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/fill"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// boundCheckers reads, fills and binds the generated variants idx the way
// audit does (one Binding shared by fill and check), so that a benchmark
// times Checker.Run alone on the workbooks the batch sees.
func boundCheckers(tb testing.TB, idx ...int) []*check.Checker {
	tb.Helper()
	rules, err := check.Load()
	if err != nil {
		tb.Fatal(err)
	}
	var out []*check.Checker
	for _, i := range idx {
		v := batch.MakeVariant(i, false)
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, v.Data, v.Options); err != nil {
			tb.Fatal(err)
		}
		wb, book, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		book.Close()
		bd := check.NewBinding(rules, wb)
		fill.Run(wb, bd.Equations(), fill.Options{Rules: rules})
		out = append(out, check.NewChecker(wb, rules, check.Options{Binding: bd}))
	}
	return out
}

// BenchmarkRun times Checker.Run (evaluating every bound rule, the
// suspects search, predicates, the unchecked list) per workbook: on a
// workbook whose identities all hold ("clean"), on one with an injected
// error ("broken", variant 39: T09's 公务接待费 off by one, so its 合计
// disagrees) and over the 100 varied workbooks BenchmarkBatch reads
// ("varied": scaled, blank totals for fill, other layouts, two broken).
func BenchmarkRun(b *testing.B) {
	for _, bc := range []struct {
		name string
		idx  []int
	}{
		{"clean", []int{0}},
		{"broken", []int{39}},
		{"varied", seq(100)},
	} {
		cs := boundCheckers(b, bc.idx...)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for _, c := range cs {
					n += len(c.Run())
				}
			}
			b.ReportMetric(float64(n)/float64(b.N*len(cs)), "findings/wb")
		})
	}
}

// TestRunVariants pins that the benchmark's inputs are what its names
// say: the clean variant has no error finding, the broken one has one.
func TestRunVariants(t *testing.T) {
	for _, tc := range []struct {
		i      int
		broken bool
	}{{0, false}, {39, true}} {
		fs := boundCheckers(t, tc.i)[0].Run()
		errs := 0
		for _, f := range fs {
			if f.Severity == model.SevError {
				errs++
			}
		}
		if (errs > 0) != tc.broken {
			t.Errorf("variant %d: %d error findings, want broken=%v: %s", tc.i, errs, tc.broken, fmt.Sprint(fs))
		}
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
