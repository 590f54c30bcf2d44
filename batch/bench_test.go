package batch

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkBatch runs the whole pipeline over 100 generated workbooks
// (varied Case A, ~21 KB each): walk, read, fill, check, annotate, write,
// summary. Reports workbooks/s; -benchmem gives allocations per run.
func BenchmarkBatch(b *testing.B) {
	const n = 100
	in := filepath.Join(b.TempDir(), "in")
	if _, err := Generate(context.Background(), in, n, 2, false); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name       string
		reportOnly bool
	}{{"annotate", false}, {"report-only", true}} {
		b.Run(mode.name, func(b *testing.B) {
			out := b.TempDir()
			files := 0
			for b.Loop() {
				st, err := RunDir(context.Background(), []string{in}, out, Options{ReportOnly: mode.reportOnly})
				if err != nil {
					b.Fatal(err)
				}
				files += st.Files
			}
			b.ReportMetric(float64(files)/b.Elapsed().Seconds(), "workbooks/s")
		})
	}
}
