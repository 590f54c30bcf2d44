package reader_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/xlsx"
)

// BenchmarkReadVaried measures the reading path per workbook on the varied
// workbooks juesuan bench generates (batch.Generate), split into its
// stages, beside the bench's floor (unzip and encoding/xml-tokenize every
// part) measured on the same files: "floor", "open+grids" (zip, sheets,
// shared strings, styles), "frombook" (recognition on grids already read)
// and "read" (both).
func BenchmarkReadVaried(b *testing.B) {
	const n = 24
	dir := filepath.Join(b.TempDir(), "in")
	paths, err := batch.Generate(context.Background(), dir, n, 1, false)
	if err != nil {
		b.Fatal(err)
	}
	files := make([][]byte, len(paths))
	for i, p := range paths {
		if files[i], err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
	perBook := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/book")
	}
	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				if err := tokenizeAll(data); err != nil {
					b.Fatal(err)
				}
			}
		}
		perBook(b)
	})
	b.Run("open+grids", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				bk, err := xlsx.OpenBytes(data, xlsx.Limits{})
				if err != nil {
					b.Fatal(err)
				}
				for _, s := range bk.Sheets() {
					if _, err := bk.Grid(s); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		perBook(b)
	})
	b.Run("frombook", func(b *testing.B) {
		books := make([]*xlsx.Book, len(files))
		for i, data := range files {
			bk, err := xlsx.OpenBytes(data, xlsx.Limits{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := reader.FromBook(bk, reader.Options{}); err != nil { // grids cached
				b.Fatal(err)
			}
			books[i] = bk
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			for _, bk := range books {
				if _, err := reader.FromBook(bk, reader.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		}
		perBook(b)
	})
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				if _, _, err := reader.Read(bytes.NewReader(data), reader.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		}
		perBook(b)
	})
}

// tokenizeAll is juesuan bench's floor for one file.
func tokenizeAll(data []byte) error { return batch.Floor(bytes.NewReader(data), int64(len(data))) }
