package hostile

// batch.go: hostile archives for POST /api/v1/batch (issue 15). Like the
// workbook corpus they are built in code and never downloaded; each has a
// defined outcome asserted by this package's tests.

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
)

// BombEntries and BombEntrySize shape the nested bomb: a stored inner zip
// of BombEntries zero-filled "workbooks" of BombEntrySize bytes each
// (12 × 19 MiB = 228 MiB), deflated inside an outer zip of about 227 KiB.
const (
	BombEntries   = 12
	BombEntrySize = 19 << 20
)

// ArchiveCase is one hostile bulk upload.
type ArchiveCase struct {
	Name  string
	Doc   string
	Bytes func() []byte
	// Status and Code: the answer of POST /api/v1/batch (Code "" for 200).
	Status int
	Code   string
	// Unreadable: with 200, how many entries results.ndjson must report
	// as unreadable (each with this code).
	Unreadable     int
	UnreadableCode string
	// Inflated is what the walk must inflate into memory (the nested
	// archive's declared size); the heap bound of the tests is derived
	// from it.
	Inflated int64
}

// ArchiveCorpus returns the hostile bulk uploads.
func ArchiveCorpus() []ArchiveCase {
	return []ArchiveCase{
		{Name: "nested zip bomb", Doc: "a 227 KiB zip holding, deflated, a 228 MiB stored zip of 12 zero-filled 19 MiB " +
			"\"workbooks\": each entry is within the per-file limit and the nested archive within MaxNested, but it " +
			"inflates about 1000-fold; refused from its directory entry (batch.Limits.MaxRatio, 100) before a byte is inflated",
			Bytes: once(func() []byte { return NestedBomb(BombEntries, BombEntrySize, 0, false) }), Status: 413, Code: "too_large"},
		{Name: "nested zip bomb, out of order", Doc: "the same bomb with its entries in reverse name order: refused the same way",
			Bytes: once(func() []byte { return NestedBomb(BombEntries, BombEntrySize, 0, true) }), Status: 413, Code: "too_large"},
		{Name: "nested zip bomb, lying directory", Doc: "the bomb whose outer directory declares the nested " +
			"archive as 4 KiB: inflation stops at the declared size and the archive is corrupt",
			Bytes: once(func() []byte { return NestedBomb(BombEntries, BombEntrySize, 4<<10, false) }), Status: 400, Code: "corrupt"},
		{Name: "nested archive out of order", Doc: "a compressed nested archive of two 12 MiB incompressible non-workbooks " +
			"stored in reverse name order: it cannot be streamed in the walk's order, so its declared size is weighed " +
			"against the memory budget before it is inflated, once, into an exact buffer; both entries are not_xlsx",
			Bytes: once(func() []byte { return NestedNoise(2, 12<<20) }), Status: 200,
			Unreadable: 2, UnreadableCode: "not_xlsx", Inflated: 2*(12<<20) + 1<<10},
	}
}

// NestedBomb builds an outer zip holding inner.zip (deflated), a stored zip
// of n zero-filled entries of size bytes named 单位NN.xlsx. declared, when
// non-zero, replaces inner.zip's uncompressed size in the outer headers;
// reversed stores the entries in reverse name order. Nothing of the inner
// archive is held in memory while it is built.
func NestedBomb(n int, size int64, declared uint64, reversed bool) []byte {
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	must(err)
	cw := &countWriter{w: fw}
	crc := crc32.NewIEEE()
	inner := zip.NewWriter(io.MultiWriter(cw, crc))
	zeros := make([]byte, 1<<20)
	for k := 1; k <= n; k++ {
		i := k
		if reversed {
			i = n + 1 - k
		}
		w, err := inner.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("单位%02d.xlsx", i), Method: zip.Store})
		must(err)
		for left := size; left > 0; left -= int64(len(zeros)) {
			_, err := w.Write(zeros[:min(left, int64(len(zeros)))])
			must(err)
		}
	}
	must(inner.Close())
	must(fw.Close())
	if declared == 0 {
		declared = uint64(cw.n)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "各区/inner.zip", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	must(err)
	_, err = w.Write(comp.Bytes())
	must(err)
	must(zw.Close())
	return buf.Bytes()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// NestedNoise builds an outer zip holding noise.zip (deflated), a zip of n
// entries of size pseudo-random bytes (incompressible, starting with "X":
// not a workbook) stored in reverse name order.
func NestedNoise(n int, size int) []byte {
	rng := rand.New(rand.NewPCG(15, 15))
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	for i := n; i >= 1; i-- {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("附件%02d.xlsx", i), Method: zip.Store})
		must(err)
		b := make([]byte, size)
		for j := 0; j+8 <= len(b); j += 8 {
			binary.LittleEndian.PutUint64(b[j:], rng.Uint64())
		}
		b[0] = 'X'
		_, err = w.Write(b)
		must(err)
	}
	must(zw.Close())
	var buf bytes.Buffer
	outer := zip.NewWriter(&buf)
	w, err := outer.CreateHeader(&zip.FileHeader{Name: "noise.zip", Method: zip.Deflate})
	must(err)
	_, err = w.Write(inner.Bytes())
	must(err)
	must(outer.Close())
	return buf.Bytes()
}
