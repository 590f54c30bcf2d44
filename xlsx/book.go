// Package xlsx is the only package that touches excelize. It opens uploaded
// workbooks within limits, turns sheets into plain text grids for the
// reader, and writes workbooks back (build, annotate).
package xlsx

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// Book is one opened workbook. Other files of this package (annotate,
// build) add methods that edit f; the reader only reads grids. Grids are
// read from the file as opened and cached, so read them before editing.
// A Book is not safe for concurrent use.
type Book struct {
	f      *excelize.File
	lim    Limits
	sheets []SheetInfo
	grids  map[string]*Grid
	paths  map[string]string // sheet name -> part name
	styles map[int]int       // style index -> printed decimals
	sst    []string          // shared strings, loaded on first grid
	sstOK  bool
}

// SheetInfo names one sheet in workbook order.
type SheetInfo struct {
	Name   string
	Hidden bool
}

// WriteTo writes the workbook as .xlsx to w.
func (b *Book) WriteTo(w io.Writer) (int64, error) {
	return b.f.WriteTo(w)
}
