// Package xlsx is the only package of the program that touches excelize
// (xlsxtest, for tests, is the other). It opens uploaded
// workbooks within limits, turns sheets into plain text grids for the
// reader, and writes workbooks back (build, annotate).
package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"io/fs"

	"github.com/juesuan/juesuan/model"
	"github.com/xuri/excelize/v2"
)

// Book is one opened workbook. Reading (sheet list, grids, number formats)
// works on the zip parts directly; excelize is opened only when the book is
// first edited (annotate) or written, because its open (every part
// unzipped, styles, workbook and theme unmarshalled) costs more than the
// whole read of a nine-table workbook. Grids are read from the file as
// opened and cached, so read them before editing.
// A Book is not safe for concurrent use.
type Book struct {
	data   []byte               // the upload, for excelize and raw copies on write
	zfiles map[string]*zip.File // part name -> zip entry (names as excelize sees them)
	parts  map[string][]byte    // parts unzipped so far
	f      *excelize.File       // nil until edit
	fErr   error
	lim    Limits
	sheets []SheetInfo
	grids  map[string]*Grid
	paths  map[string]string // sheet name -> part name
	wbPath string            // the workbook part
	styles map[int]int       // style index -> printed decimals
	xfFmt  []int             // cellXfs index -> numFmtId (from styles.xml, read lazily)
	fmts   map[int]string    // custom numFmtId -> format code
	stOK   bool
	sst    []string // shared strings, loaded on first grid
	sstOK  bool
	// Buffers of the sheet reader, reused from sheet to sheet (grid.go).
	pendBuf  []pendingCell
	arenaBuf []byte

	patched int // sheets Apply edited in place (tests)
	// cached: part -> cell key -> cached value of a formula cell edited
	// through excelize (see setCachedValues).
	cached map[string]map[int64]string

	stop *model.Stop // cancellation of the loops over this book's parts (nil: none)

	annot  *annState // marks, notes and cloned styles of the excelize path (ann)
	direct *Direct   // the committed direct edits WriteTo writes (Direct.Commit)
}

// SetContext makes the book's loops (zip entries, sheet and shared-string
// scans, patches, comments, the direct writer) end with stage's coded
// ETimeout error once ctx is done; a stage sets it before working on the
// book.
func (b *Book) SetContext(ctx context.Context, stage string) { b.stop = model.NewStop(ctx, stage) }

// Stop is the book's cancellation check (nil: none), for the loops of the
// stage working on the book.
func (b *Book) Stop() *model.Stop { return b.stop }

// SheetInfo names one sheet in workbook order.
type SheetInfo struct {
	Name   string
	Hidden bool
}

// edit opens the workbook in excelize for editing, once. A file that reads
// but that excelize cannot open is ECorrupt, as it was when excelize opened
// every upload.
func (b *Book) edit() error {
	if b.f != nil {
		return nil
	}
	if b.fErr != nil {
		return b.fErr
	}
	// excelize sees notes parts numbered and targets written as it
	// expects them (excelizeview.go).
	view, err := b.excelizeView()
	if err != nil {
		if _, coded := err.(*model.Error); !coded {
			err = model.Errorf(model.ECorrupt, err, model.MsgNotOpenable)
		}
		b.fErr = err
		return b.fErr
	}
	f, err := excelize.OpenReader(bytes.NewReader(view), excelize.Options{
		UnzipSizeLimit:    b.lim.UnzipSize,
		UnzipXMLSizeLimit: b.lim.UnzipXMLSize,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		b.fErr = model.Errorf(model.ECorrupt, err, model.MsgNotOpenable)
		return b.fErr
	}
	// A package without a styles part (Excel opens it with the default
	// style) leaves excelize no cell style to clone a mark from: its
	// style calls would fail or panic later, so the edit is refused here,
	// coded.
	if f.Styles == nil || f.Styles.CellXfs == nil || len(f.Styles.CellXfs.Xf) == 0 {
		_ = f.Close()
		b.fErr = model.Errorf(model.ECorrupt, nil, model.MsgNoStyles)
		return b.fErr
	}
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		z := b.newZipWriter(w)
		if len(b.cached) == 0 {
			return z
		}
		return &cachingZip{ZipWriter: z, cached: b.cached}
	})
	b.f = f
	return nil
}

// WriteTo writes the workbook as .xlsx to w. Parts that were not changed
// are copied from the upload as they were compressed; changed parts are
// deflated at BestSpeed.
func (b *Book) WriteTo(w io.Writer) (int64, error) {
	// Hook of the direct write path (direct.go): edits committed there
	// are written without excelize.
	if n, ok, err := b.WriteDirect(w); ok {
		return n, err
	}
	if err := b.edit(); err != nil {
		return 0, err
	}
	return b.f.WriteTo(w)
}

// Close releases temporary files excelize may hold.
func (b *Book) Close() error {
	if b.f == nil {
		return nil
	}
	return b.f.Close()
}

// cachingZip holds back the sheet parts that have formula cells edited
// through excelize and writes them with their cached values
// (setCachedValues).
type cachingZip struct {
	excelize.ZipWriter
	cached map[string]map[int64]string
	name   string
	buf    *bytes.Buffer
}

func (z *cachingZip) flush() error {
	if z.buf == nil {
		return nil
	}
	data := setCachedValues(z.buf.Bytes(), z.cached[z.name])
	z.buf = nil
	w, err := z.ZipWriter.Create(z.name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func (z *cachingZip) Create(name string) (io.Writer, error) {
	if err := z.flush(); err != nil {
		return nil, err
	}
	if len(z.cached[name]) > 0 {
		z.name, z.buf = name, &bytes.Buffer{}
		return z.buf, nil
	}
	return z.ZipWriter.Create(name)
}

func (z *cachingZip) AddFS(fsys fs.FS) error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.ZipWriter.AddFS(fsys)
}

func (z *cachingZip) Close() error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.ZipWriter.Close()
}
