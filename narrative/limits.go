package narrative

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
)

// Limits bound the work on one document; zero fields take DefaultLimits.
// Like the workbook reader's (xlsx.Limits), they keep hostile input (a zip
// bomb, deep XML, a huge paragraph) within bounded time and memory.
type Limits struct {
	MaxBytes          int64 // size of the file
	UnzipSize         int64 // total unzipped size of the parts read (docx)
	UnzipXMLSize      int64 // unzipped size of any one part read (docx)
	MaxEntries        int   // zip entries (docx)
	MaxDepth          int   // XML element nesting (docx)
	MaxParagraphs     int   // prose paragraphs
	MaxCells          int   // table cells
	MaxParagraphRunes int   // runes in one paragraph or table cell
	MaxPDFObjects     int   // objects in a PDF

	// stop is ReadContext's cancellation, looked at by the readers' loops
	// (zip entries, XML tokens, PDF objects and operators, paragraphs).
	stop *model.Stop
}

// DefaultLimits are generous for real narratives (a few hundred
// paragraphs, a hundred pages of 绩效自评表).
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:          20 << 20,
		UnzipSize:         64 << 20,
		UnzipXMLSize:      32 << 20,
		MaxEntries:        2000,
		MaxDepth:          128,
		MaxParagraphs:     20000,
		MaxCells:          200000,
		MaxParagraphRunes: 100000,
		MaxPDFObjects:     200000,
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
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxParagraphs <= 0 {
		l.MaxParagraphs = d.MaxParagraphs
	}
	if l.MaxCells <= 0 {
		l.MaxCells = d.MaxCells
	}
	if l.MaxParagraphRunes <= 0 {
		l.MaxParagraphRunes = d.MaxParagraphRunes
	}
	if l.MaxPDFObjects <= 0 {
		l.MaxPDFObjects = d.MaxPDFObjects
	}
	return l
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// trimSpace trims white space including the ideographic space and NBSP.
func trimSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\ufeff' })
}
