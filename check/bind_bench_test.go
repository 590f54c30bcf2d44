package check_test

import (
	"bytes"
	"testing"

	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// variants reads the first n of batch's generated workbooks (the ones
// juesuan bench measures: Case A in both styles, scaled, blank totals,
// blank zeros, 元).
func variants(tb testing.TB, n int) []*model.Workbook {
	tb.Helper()
	out := make([]*model.Workbook, n)
	for i := range out {
		v := batch.MakeVariant(i, false)
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, v.Data, v.Options); err != nil {
			tb.Fatal(err)
		}
		wb, _, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = wb
	}
	return out
}

// BenchmarkBind measures binding alone, as audit does it per workbook:
// NewBinding and its Equations for fill ("fill"), then the checker's
// NewChecker on the same Binding ("check", the reuse); "both" is the sum,
// the workbook's whole binding cost, and "fresh" the same without the
// shape cache (bindcache.go). "sample" is Case A as printed, "varied"
// cycles over 20 of batch's generated workbooks (three shapes).
func BenchmarkBind(b *testing.B) {
	rules, err := check.Load()
	if err != nil {
		b.Fatal(err)
	}
	sets := []struct {
		name string
		wbs  []*model.Workbook
	}{
		{"sample", variants(b, 1)},
		{"varied", variants(b, 20)},
	}
	for _, s := range sets {
		b.Run(s.name+"/both", func(b *testing.B) {
			i := 0
			for b.Loop() {
				wb := s.wbs[i%len(s.wbs)]
				bd := check.NewBinding(rules, wb)
				_ = bd.Equations()
				_ = check.NewChecker(wb, rules, check.Options{Binding: bd})
				i++
			}
		})
		// The same without the shape cache: every workbook bound afresh
		// (a batch whose workbooks all differ).
		b.Run(s.name+"/fresh", func(b *testing.B) {
			var none *check.TestCache
			i := 0
			for b.Loop() {
				wb := s.wbs[i%len(s.wbs)]
				bd := none.Bind(rules, wb)
				_ = bd.Equations()
				_ = check.NewChecker(wb, rules, check.Options{Binding: bd})
				i++
			}
		})
		b.Run(s.name+"/fill", func(b *testing.B) {
			i := 0
			for b.Loop() {
				wb := s.wbs[i%len(s.wbs)]
				_ = check.NewBinding(rules, wb).Equations()
				i++
			}
		})
		bds := make([]*check.Binding, len(s.wbs))
		for i, wb := range s.wbs {
			bds[i] = check.NewBinding(rules, wb)
			_ = bds[i].Equations()
		}
		b.Run(s.name+"/check", func(b *testing.B) {
			i := 0
			for b.Loop() {
				k := i % len(s.wbs)
				_ = check.NewChecker(s.wbs[k], rules, check.Options{Binding: bds[k]})
				i++
			}
		})
	}
}
