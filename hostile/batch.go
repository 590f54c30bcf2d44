package hostile

// batch.go: hostile archives for POST /api/v1/batch (issue 15). Like the
// workbook corpus they are built in code and never downloaded; each has a
// defined outcome asserted by this package's tests.

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
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
			"\"workbooks\": each entry is within the per-file limit and the nested archive within MaxNested; its entries " +
			"lie front to back, so it is streamed (never held), each entry refused from its first bytes: every entry " +
			"is reported not_xlsx",
			Bytes: once(func() []byte { return NestedBomb(BombEntries, BombEntrySize, 0, false) }), Status: 200,
			Unreadable: BombEntries, UnreadableCode: "not_xlsx"},
		{Name: "nested zip bomb, out of order", Doc: "the same bomb with its entries stored in reverse name order: it " +
			"cannot be streamed in the walk's order, so its declared size is weighed against the memory budget before " +
			"it is inflated, once, into an exact buffer; every entry is reported not_xlsx",
			Bytes: once(func() []byte { return NestedBomb(BombEntries, BombEntrySize, 0, true) }), Status: 200,
			Unreadable: BombEntries, UnreadableCode: "not_xlsx", Inflated: BombEntries * (BombEntrySize + 200)},
		{Name: "nested zip bomb, lying directory", Doc: "the bomb whose outer directory declares the nested " +
			"archive as 4 KiB: inflation stops at the declared size and the archive is corrupt",
			Bytes: once(func() []byte { return NestedBomb(BombEntries, BombEntrySize, 4<<10, false) }), Status: 400, Code: "corrupt"},
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
