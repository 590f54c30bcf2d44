package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
)

// Limits bound what one upload may cost. Zero fields take the default.
type Limits struct {
	MaxBytes     int64 // size of the upload
	UnzipSize    int64 // total unzipped size of all parts
	UnzipXMLSize int64 // unzipped size of any one part
	MaxSheets    int   // worksheets in the workbook
	MaxRows      int   // last non-empty row scanned per sheet
	MaxCols      int   // last non-empty column scanned per sheet
	MaxCells     int   // non-empty cells (and merged ranges) per sheet
}

// DefaultLimits are generous for real nine-table workbooks (a few hundred
// rows) and small enough to keep one request within tens of MiB.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:     20 << 20,
		UnzipSize:    64 << 20,
		UnzipXMLSize: 16 << 20,
		MaxSheets:    64,
		MaxRows:      5000,
		MaxCols:      256,
		MaxCells:     200000,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.UnzipSize <= 0 {
		l.UnzipSize = d.UnzipSize
	}
	if l.UnzipXMLSize <= 0 {
		l.UnzipXMLSize = d.UnzipXMLSize
	}
	if l.UnzipXMLSize > l.UnzipSize {
		l.UnzipXMLSize = l.UnzipSize
	}
	if l.MaxSheets <= 0 {
		l.MaxSheets = d.MaxSheets
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCols <= 0 {
		l.MaxCols = d.MaxCols
	}
	if l.MaxCells <= 0 {
		l.MaxCells = d.MaxCells
	}
	return l
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	// The directory of an OLE2 file stores stream names in UTF-16LE; an
	// encrypted OOXML workbook is an OLE2 file with an EncryptionInfo stream.
	encryptionInfoUTF16 = utf16le("EncryptionInfo")
)

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// Open reads a workbook from r within lim. Every failure is a *model.Error
// with a Chinese message: ETooLarge, ETooMany, EXLS, EEncrypted, ENotXLSX
// or ECorrupt.
func Open(r io.Reader, lim Limits) (*Book, error) {
	return OpenContext(context.Background(), r, lim)
}

// OpenContext is Open whose loops end with the coded ETimeout error of
// the 读取 stage once ctx is done (see Book.SetContext).
func OpenContext(ctx context.Context, r io.Reader, lim Limits) (*Book, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, model.Errorf(model.ETooLarge, err, model.MsgTooLarge, humanBytes(lim.MaxBytes))
		}
		return nil, model.Errorf(model.ECorrupt, err, model.MsgReadFailed)
	}
	return OpenBytesContext(ctx, data, lim)
}

// OpenBytes is Open for a workbook already in memory.
func OpenBytes(data []byte, lim Limits) (*Book, error) {
	return OpenBytesContext(context.Background(), data, lim)
}

// OpenBytesContext is OpenContext for a workbook already in memory.
func OpenBytesContext(ctx context.Context, data []byte, lim Limits) (*Book, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, model.Errorf(model.ETooLarge, nil, model.MsgTooLarge, humanBytes(lim.MaxBytes))
	}
	switch {
	case len(data) == 0:
		return nil, model.Errorf(model.ENotXLSX, nil, model.MsgEmpty)
	case bytes.HasPrefix(data, oleMagic):
		if bytes.Contains(data, encryptionInfoUTF16) {
			return nil, model.Errorf(model.EEncrypted, nil, model.MsgEncrypted)
		}
		return nil, model.Errorf(model.EXLS, nil, model.MsgXLS)
	case !bytes.HasPrefix(data, []byte("PK")):
		return nil, model.Errorf(model.ENotXLSX, nil, model.MsgNotXLSX)
	}
	zr, err := checkZip(data, lim)
	if err != nil {
		return nil, err
	}
	if err := checkParts(zr, lim); err != nil { // zipcheck.go
		return nil, err
	}
	b := &Book{data: data, lim: lim, grids: map[string]*Grid{}, parts: map[string][]byte{},
		zfiles: make(map[string]*zip.File, len(zr.File)), stop: model.NewStop(ctx, model.StageRead)}
	for _, zf := range zr.File {
		// Part names as excelize keys them (ReadZipReader).
		name := strings.ReplaceAll(zf.Name, "\\", "/")
		switch strings.ToLower(name) {
		case "[content_types].xml":
			name = "[Content_Types].xml"
		case "xl/sharedstrings.xml":
			name = "xl/sharedStrings.xml"
		}
		b.zfiles[name] = zf
	}
	if err := b.loadSheets(); err != nil {
		return nil, err
	}
	return b, nil
}

// checkZip walks the zip directory before anything is unzipped, so
// oversized parts are refused (and never reach excelize, which would spill
// them to temporary files), and so a broken archive is reported as such.
func checkZip(data []byte, lim Limits) (*zip.Reader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, model.Errorf(model.ECorrupt, err, model.MsgZipBroken)
	}
	var total uint64
	sheets := 0
	for _, zf := range zr.File {
		size := zf.UncompressedSize64
		total += size
		if size > uint64(lim.UnzipXMLSize) {
			return nil, model.Errorf(model.ETooLarge, nil, model.MsgPartTooLarge, zf.Name, humanBytes(lim.UnzipXMLSize))
		}
		if total > uint64(lim.UnzipSize) {
			return nil, model.Errorf(model.ETooLarge, nil, model.MsgUnzipTooLarge, humanBytes(lim.UnzipSize))
		}
		if strings.HasPrefix(strings.ToLower(zf.Name), "xl/worksheets/") && strings.HasSuffix(strings.ToLower(zf.Name), ".xml") {
			sheets++
		}
	}
	if sheets > lim.MaxSheets {
		return nil, model.Errorf(model.ETooMany, nil, model.MsgTooManySheets, sheets, lim.MaxSheets)
	}
	if len(zr.File) > 4*lim.MaxSheets+64 {
		return nil, model.Errorf(model.ETooMany, nil, model.MsgTooManyParts, len(zr.File))
	}
	return zr, nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf(model.MsgBytes, n)
}

// part returns the unzipped bytes of a package part; ok is false when the
// package has no such part. A part that cannot be unzipped (damaged data,
// or more data than its header declares) is ECorrupt.
func (b *Book) part(name string) (data []byte, ok bool, err error) {
	if d, ok := b.parts[name]; ok {
		return d, true, nil
	}
	zf := b.zfiles[name]
	if zf == nil {
		return nil, false, nil
	}
	if b.stop.Now() { // before inflating up to UnzipXMLSize
		return nil, true, b.stop.Err()
	}
	rc, err := zf.Open()
	if err == nil {
		n := min(zf.UncompressedSize64, uint64(b.lim.UnzipXMLSize))
		buf := bytes.NewBuffer(make([]byte, 0, n+bytes.MinRead))
		_, err = buf.ReadFrom(io.LimitReader(stopReader{rc, b.stop}, b.lim.UnzipXMLSize+1))
		rc.Close()
		data = buf.Bytes()
		if err == nil && int64(len(data)) > b.lim.UnzipXMLSize {
			return nil, true, model.Errorf(model.ETooLarge, nil, model.MsgPartTooLarge, name, humanBytes(b.lim.UnzipXMLSize))
		}
	}
	if err := b.stop.Err(); err != nil {
		return nil, true, err
	}
	if err != nil {
		return nil, true, model.Errorf(model.ECorrupt, err, model.MsgPartBroken, name)
	}
	b.parts[name] = data
	return data, true, nil
}

// stopReader ends an inflation with stop's error once stop is done; the
// inflater returns at most a window (32 KiB) per Read, so a part of many
// MiB is looked at often.
type stopReader struct {
	r    io.Reader
	stop *model.Stop
}

func (s stopReader) Read(p []byte) (int, error) {
	if s.stop.Now() {
		return 0, s.stop.Err()
	}
	return s.r.Read(p)
}

type xmlRels struct {
	Rels []xmlRel `xml:"Relationship"`
}

type xmlRel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

type xmlWorkbook struct {
	Sheets []xmlSheet `xml:"sheets>sheet"`
}

type xmlSheet struct {
	Name  string `xml:"name,attr"`
	State string `xml:"state,attr"`
	// r:id, in the transitional relationships namespace or in Strict
	// OOXML's (http://purl.oclc.org/ooxml/officeDocument/relationships).
	RID string `xml:"id,attr"`
}

// loadSheets resolves sheet names to their parts from workbook.xml and its
// relationships (the same path excelize takes), in workbook order.
func (b *Book) loadSheets() error {
	wbPath := "xl/workbook.xml"
	raw, ok, err := b.part("_rels/.rels")
	if err != nil {
		return err
	}
	if ok {
		if rels, err := unmarshalRels(raw, true); err == nil {
			for _, r := range rels.Rels {
				if strings.HasSuffix(r.Type, "/officeDocument") {
					wbPath = strings.TrimPrefix(r.Target, "/")
				}
			}
		}
	}
	raw, ok, err = b.part(wbPath)
	if err != nil {
		return err
	}
	if !ok {
		return model.Errorf(model.ECorrupt, nil, model.MsgNoWorkbookPart, wbPath)
	}
	wb, err := unmarshalWorkbook(raw, true)
	if err != nil {
		return model.Errorf(model.ECorrupt, err, model.MsgWorkbookBroken, wbPath)
	}
	b.wbPath = wbPath
	dir := path.Dir(wbPath)
	targets := map[string]string{}
	raw, ok, err = b.part(dir + "/_rels/" + path.Base(wbPath) + ".rels")
	if err != nil {
		return err
	}
	if ok {
		rels, err := unmarshalRels(raw, true)
		if err != nil {
			return model.Errorf(model.ECorrupt, err, model.MsgWorkbookRelsBroken)
		}
		for _, r := range rels.Rels {
			t := r.Target
			if strings.HasPrefix(t, "/") {
				t = t[1:]
			} else {
				t = path.Clean(dir + "/" + t)
			}
			targets[r.ID] = t
		}
	}
	if len(wb.Sheets) > b.lim.MaxSheets {
		return model.Errorf(model.ETooMany, nil, model.MsgTooManySheets, len(wb.Sheets), b.lim.MaxSheets)
	}
	for _, s := range wb.Sheets {
		// Excel allows 31 characters; a longer name is no workbook Excel
		// writes, and a megabyte one would be copied into every reference.
		if n := utf8.RuneCountInString(s.Name); n > maxSheetName {
			return model.Errorf(model.ECorrupt, nil, model.MsgSheetNameTooLong, n)
		}
	}
	b.sheets = b.sheets[:0]
	b.paths = map[string]string{}
	for _, s := range wb.Sheets {
		b.sheets = append(b.sheets, SheetInfo{Name: s.Name, Hidden: s.State == "hidden" || s.State == "veryHidden"})
		b.paths[s.Name] = targets[s.RID]
	}
	return nil
}

// maxSheetName is the longest sheet name accepted: Excel's 31 characters,
// with room for writers that allow a little more.
const maxSheetName = 255

// Sheets returns the sheet names in workbook order, hidden ones included.
func (b *Book) Sheets() []string {
	out := make([]string, len(b.sheets))
	for i, s := range b.sheets {
		out[i] = s.Name
	}
	return out
}
