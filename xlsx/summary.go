package xlsx

// summary.go: a streaming writer for large generated workbooks (the bulk
// 汇总.xlsx). Builder keeps every cell in memory; a province's summary has
// tens of thousands of rows, so rows go through excelize's StreamWriter and
// reach a temporary file instead. Links are HYPERLINK formulas with a cached
// value because the stream writer cannot write relationship hyperlinks.

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// SummaryCell is one cell of a streamed row.
type SummaryCell struct {
	Text string
	// Number, when set, is decimal text written as a numeric cell; Text is
	// then ignored. Money keeps its exact text: the float64 handed to
	// excelize is formatted back with the shortest round-trip digits, which
	// for amounts of at most 15 significant digits is the original text.
	Number string
	// Link makes the cell a HYPERLINK to this target ("file.xlsx#'表'!C5");
	// Text is what the cell shows.
	Link   string
	Bold   bool
	Amount bool // #,##0.00; otherwise a number is shown as is
	// NumFmt is a custom number format of a Number (ToleranceNumFmt);
	// it takes precedence over Amount.
	NumFmt string
	Fill   string
}

// SummaryWriter writes sheets row by row.
type SummaryWriter struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	sheets int
	row    int
	styles map[SummaryCell]int
	// The current sheet's header row (the last frozen row; 0 = none), its
	// width in cells, and the last data row once Footer was called.
	name    string
	headRow int
	cols    int
	dataEnd int
}

// NewSummaryWriter starts an empty workbook.
func NewSummaryWriter() *SummaryWriter {
	return &SummaryWriter{f: excelize.NewFile(), styles: map[SummaryCell]int{}}
}

// Close releases temporary files.
func (s *SummaryWriter) Close() error { return s.f.Close() }

// Sheet starts a new sheet (flushing the previous one) with column widths
// and freeze panes above row freezeRow / left of freezeCol (1-based; 1 = none).
// Like the 审核结果 sheet of an annotated workbook, every sheet prints A4
// landscape, one page wide; with frozen rows, the last of them is the
// header of an AutoFilter over the data below it, and the frozen rows
// repeat on every printed page.
func (s *SummaryWriter) Sheet(name string, widths []float64, freezeRow, freezeCol int) error {
	if err := s.flush(); err != nil {
		return err
	}
	if s.sheets == 0 {
		if err := s.f.SetSheetName(s.f.GetSheetName(0), name); err != nil {
			return fmt.Errorf("sheet %q: %w", name, err)
		}
	} else if _, err := s.f.NewSheet(name); err != nil {
		return fmt.Errorf("sheet %q: %w", name, err)
	}
	s.sheets++
	// Print setup goes on the sheet while it is still empty: the stream
	// writer copies sheetPr out when it starts and the page setup when it
	// flushes, and the sheet is never parsed back.
	if err := s.printSetup(name); err != nil {
		return err
	}
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet %q: %w", name, err)
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if freezeRow > 1 || freezeCol > 1 {
		tl := Addr(max(freezeRow, 1), max(freezeCol, 1))
		pane := "bottomLeft"
		switch {
		case freezeRow > 1 && freezeCol > 1:
			pane = "bottomRight"
		case freezeCol > 1:
			pane = "topRight"
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: max(freezeCol-1, 0), YSplit: max(freezeRow-1, 0), TopLeftCell: tl, ActivePane: pane}); err != nil {
			return err
		}
	}
	s.sw, s.row = sw, 0
	s.name, s.headRow, s.cols, s.dataEnd = name, max(freezeRow-1, 0), 0, 0
	if s.headRow > 0 {
		titles := fmt.Sprintf("%s!$1:$%d", QuoteSheet(name), s.headRow)
		if err := s.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: titles, Scope: name}); err != nil {
			return fmt.Errorf("sheet %q print titles: %w", name, err)
		}
	}
	return nil
}

// printSetup: A4 landscape, fitted to one page wide (as many pages tall as
// it takes), the margins of the 审核结果 sheet.
func (s *SummaryWriter) printSetup(name string) error {
	a4, landscape, wide, tall := 9, "landscape", 1, 0
	fit := true
	if err := s.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("sheet %q print setup: %w", name, err)
	}
	if err := s.f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return fmt.Errorf("sheet %q print setup: %w", name, err)
	}
	lr, tb, hf := 0.4, 0.6, 0.3
	if err := s.f.SetPageMargins(name, &excelize.PageLayoutMarginsOptions{Left: &lr, Right: &lr, Top: &tb, Bottom: &tb, Header: &hf, Footer: &hf}); err != nil {
		return fmt.Errorf("sheet %q print setup: %w", name, err)
	}
	return nil
}

// Footer marks the rows from here on (totals, a note) as below the data:
// outside the AutoFilter, so sorting and filtering leave them in place.
func (s *SummaryWriter) Footer() {
	if s.dataEnd == 0 {
		s.dataEnd = max(s.row, s.headRow)
	}
}

// Row appends one row to the current sheet.
func (s *SummaryWriter) Row(cells ...SummaryCell) error {
	if s.sw == nil {
		return fmt.Errorf("summary row: no sheet")
	}
	s.row++
	if s.row == s.headRow {
		s.cols = len(cells)
	}
	vals := make([]any, len(cells))
	for i, c := range cells {
		id, err := s.style(c)
		if err != nil {
			return err
		}
		cell := excelize.Cell{StyleID: id}
		switch {
		case c.Number != "":
			d, err := decimal.NewFromString(c.Number)
			if err != nil {
				return fmt.Errorf("summary row %d: %q is not a number", s.row, c.Number)
			}
			f, _ := d.Float64()
			cell.Value = f
		case c.Link != "":
			cell.Formula = "HYPERLINK(" + formulaString(c.Link) + "," + formulaString(c.Text) + ")"
			cell.Value = c.Text
		case c.Text != "":
			cell.Value = c.Text
		default:
			if id == 0 {
				continue
			}
		}
		vals[i] = cell
	}
	return s.sw.SetRow(Addr(s.row, 1), vals)
}

// formulaString quotes s as a formula string literal.
func formulaString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (s *SummaryWriter) style(c SummaryCell) (int, error) {
	k := SummaryCell{Bold: c.Bold, Amount: c.Amount && c.Number != "", Fill: c.Fill, Link: boolText(c.Link != "")}
	if c.Number != "" {
		k.NumFmt = c.NumFmt
	}
	if id, ok := s.styles[k]; ok {
		return id, nil
	}
	if !k.Bold && !k.Amount && k.NumFmt == "" && k.Fill == "" && k.Link == "" {
		return 0, nil
	}
	st := &excelize.Style{Font: &excelize.Font{Bold: k.Bold}}
	if k.Link != "" {
		st.Font.Color, st.Font.Underline = "0563C1", "single"
	}
	switch {
	case k.NumFmt != "":
		st.CustomNumFmt = &k.NumFmt
	case k.Amount:
		st.NumFmt = 4 // #,##0.00
	}
	if k.Fill != "" {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{k.Fill}}
	}
	id, err := s.f.NewStyle(st)
	if err != nil {
		return 0, fmt.Errorf("summary style: %w", err)
	}
	s.styles[k] = id
	return id, nil
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func (s *SummaryWriter) flush() error {
	if s.sw == nil {
		return nil
	}
	if s.headRow > 0 && s.cols > 0 {
		end := s.dataEnd
		if end == 0 {
			end = max(s.row, s.headRow)
		}
		// The stream writer still holds the sheet's settings, which it
		// writes out on Flush.
		ref := Addr(s.headRow, 1) + ":" + Addr(end, s.cols)
		if err := s.f.AutoFilter(s.name, ref, nil); err != nil {
			return fmt.Errorf("sheet %q filter: %w", s.name, err)
		}
	}
	err := s.sw.Flush()
	s.sw = nil
	return err
}

// WriteTo flushes the last sheet and writes the workbook.
func (s *SummaryWriter) WriteTo(w io.Writer) (int64, error) {
	if err := s.flush(); err != nil {
		return 0, err
	}
	if s.sheets == 0 {
		return 0, fmt.Errorf("write summary: no sheets")
	}
	// The first sheet is already the active one. SetActiveSheet would
	// parse every streamed sheet back into memory (270 MB for a 10,000
	// unit summary).
	return s.f.WriteTo(w)
}
