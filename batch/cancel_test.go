package batch

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"testing"

	"github.com/juesuan/juesuan/canceltest"
)

// TestCancelBatch (issue 15): a bulk run over a zip of large department
// workbooks, and the limit scan of a zip holding a large compressed nested
// archive, cancelled part way, return the coded timeout error within
// canceltest.Bound of the cancel: the walk looks at its context per entry
// and per MiB of a nested archive inflated, the workers' audits in their
// loops.
func TestCancelBatch(t *testing.T) {
	dept := canceltest.Department(t)
	// Two department workbooks with an 8 MiB text under each large table,
	// audited at once: every stage of each takes long enough that a run
	// which only looked between stages would be late.
	long := canceltest.WithLongNotes(t, dept, 8<<20)
	workbooks := zipOf(t, entry{"部门1.xlsx", long}, entry{"部门2.xlsx", long})

	nested := zipOf(t, entry{"单位.zip", storedLetters(t, 2, 16<<20)}, entry{"部门.xlsx", dept})

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) func(ctx context.Context) error
	}{
		{"serve", func(t *testing.T) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				_, err := ServeZip(ctx, bytes.NewReader(workbooks), int64(len(workbooks)), io.Discard, Options{Jobs: 2})
				return err
			}
		}},
		{"scan_nested", func(t *testing.T) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				return CheckZip(ctx, bytes.NewReader(nested), int64(len(nested)), Limits{})
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { canceltest.Prove(t, tc.setup) })
	}
}

// storedLetters is a zip of n stored entries of size bytes each: random
// letters of a two-letter alphabet, which deflate about 7:1 when the zip
// is itself deflated into another (within the bomb ratio), so the limit
// scan inflates the whole nested archive to check its size and checksum.
func storedLetters(t testing.TB, n, size int) []byte {
	t.Helper()
	rng := rand.New(rand.NewSource(1))
	data := make([]byte, size)
	for i := 0; i < len(data); i += 64 {
		bits := rng.Uint64()
		for k := i; k < min(i+64, len(data)); k++ {
			data[k] = 'a' + byte(bits&1)
			bits >>= 1
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range n {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("data%d.txt", i+1), Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCancelBatchNestedIsCompressed(t *testing.T) {
	// The scan case above proves nothing if the nested archive were
	// stored (walked in place, nothing inflated).
	z := zipOf(t, entry{"单位.zip", storedLetters(t, 2, 1<<20)})
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	if f := zr.File[0]; f.Method != zip.Deflate || f.CompressedSize64*4 >= f.UncompressedSize64 {
		t.Fatalf("nested archive method %d, %d of %d bytes", f.Method, f.CompressedSize64, f.UncompressedSize64)
	}
}
