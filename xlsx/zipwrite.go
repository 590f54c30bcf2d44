package xlsx

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"io"
	"io/fs"
	"sync"

	"github.com/xuri/excelize/v2"
)

// flateFree keeps a few compressors (each holds about 0.5 MB of tables
// and buffers) across garbage collections, which empty a sync.Pool: with
// a pool, nearly every annotated workbook allocated a new one.
var flateFree = make(chan *deflater, 4)

type pooledFlate struct{ *deflater }

func (p pooledFlate) Close() error {
	err := p.deflater.Close()
	p.deflater.w = nil
	select {
	case flateFree <- p.deflater:
	default:
	}
	return err
}

// bestSpeed is the compressor of the parts juesuan writes (deflate.go:
// about BestSpeed's size at a little over half its CPU).
func bestSpeed(w io.Writer) (io.WriteCloser, error) {
	select {
	case fw := <-flateFree:
		fw.Reset(w)
		return pooledFlate{fw}, nil
	default:
	}
	return pooledFlate{newDeflater(w)}, nil
}

// copyBuf is the buffer copyRaw moves compressed parts through: zip's
// Writer.Copy takes a new 32 KiB buffer for every part it copies.
var copyBuf = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyRaw is zw.Copy(f) (the part still compressed, its header as it
// was) through a pooled buffer.
func copyRaw(zw *zip.Writer, f *zip.File) error {
	r, err := f.OpenRaw()
	if err != nil {
		return err
	}
	fh := f.FileHeader // a copy: zw keeps no pointer into f's archive
	fw, err := zw.CreateRaw(&fh)
	if err != nil {
		return err
	}
	buf := copyBuf.Get().(*[]byte)
	defer copyBuf.Put(buf)
	_, err = io.CopyBuffer(fw, r, *buf)
	return err
}

// bookZip is the zip writer excelize saves an annotated book through.
// excelize re-deflates every part, unchanged ones included, at the default
// level (a third of the cost of writing a nine-table workbook). Here a
// part whose bytes equal the upload's (same size and CRC-32) is copied
// still compressed, and a changed part is deflated by bestSpeed.
type bookZip struct {
	zw   *zip.Writer
	orig map[string]*zip.File
	cur  *pendingPart
}

func (b *Book) newZipWriter(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, bestSpeed)
	return &bookZip{zw: zw, orig: b.zfiles}
}

// pendingPart holds a part until it is complete, so it can be compared
// with the upload's before its header is written. A single Write (how
// excelize writes a stored part) is kept without copying.
type pendingPart struct {
	name  string
	orig  *zip.File
	first []byte
	buf   *bytes.Buffer
}

func (p *pendingPart) Write(b []byte) (int, error) {
	switch {
	case p.buf != nil:
		p.buf.Write(b)
	case p.first == nil:
		p.first = b
	default:
		p.buf = bytes.NewBuffer(make([]byte, 0, len(p.first)+len(b)))
		p.buf.Write(p.first)
		p.buf.Write(b)
		p.first = nil
	}
	return len(b), nil
}

func (p *pendingPart) bytes() []byte {
	if p.buf != nil {
		return p.buf.Bytes()
	}
	return p.first
}

func (z *bookZip) flush() error {
	p := z.cur
	if p == nil {
		return nil
	}
	z.cur = nil
	data := p.bytes()
	if o := p.orig; o.Method == zip.Deflate || o.Method == zip.Store {
		if uint64(len(data)) == o.UncompressedSize64 && crc32.ChecksumIEEE(data) == o.CRC32 {
			return copyRaw(z.zw, o)
		}
	}
	w, err := z.zw.Create(p.name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// Create starts a part. Parts without a counterpart in the upload are
// streamed straight into the compressor.
func (z *bookZip) Create(name string) (io.Writer, error) {
	if err := z.flush(); err != nil {
		return nil, err
	}
	if o := z.orig[name]; o != nil && o.Name == name {
		z.cur = &pendingPart{name: name, orig: o}
		return z.cur, nil
	}
	return z.zw.Create(name)
}

func (z *bookZip) AddFS(fsys fs.FS) error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

func (z *bookZip) Close() error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.zw.Close()
}
