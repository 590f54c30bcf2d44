package xlsx

// build.go: the write side. Builder is a small, table-agnostic writer over
// excelize used by the template and sample generators: sheets, string and
// number cells by 1-based row/column, merges, a handful of cell styles,
// column widths, frozen panes and print setup. It knows nothing about the
// nine tables.

import (
	"fmt"
	"io"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// BuildStyle is the look of one cell. It is a comparable value so the
// builder can cache one excelize style per distinct BuildStyle (NewStyle
// scans the style table linearly).
type BuildStyle struct {
	Bold   bool
	Size   float64 // font size in points; 0 = default (11)
	HAlign string  // "left", "center", "right"; "" = general
	VAlign string  // "top", "center", "bottom"; "" = center
	Wrap   bool
	Border bool // thin border on all four sides
	// Amount applies the number format #,##0.00 (built-in format 4).
	Amount bool
	// Text applies the text format "@" so Excel keeps typed digits as text.
	Text bool
}

// Common styles of the generators.
var (
	BuildTitle  = BuildStyle{Bold: true, Size: 16, HAlign: "center"}
	BuildPlain  = BuildStyle{}
	BuildRight  = BuildStyle{HAlign: "right"}
	BuildHeader = BuildStyle{Bold: true, HAlign: "center", Wrap: true, Border: true}
	BuildLabel  = BuildStyle{HAlign: "left", Border: true}
	BuildCode   = BuildStyle{HAlign: "left", Border: true, Text: true}
	BuildCenter = BuildStyle{HAlign: "center", Border: true}
	BuildAmount = BuildStyle{HAlign: "right", Border: true, Amount: true}
	BuildNote   = BuildStyle{HAlign: "left", Wrap: true}
)

// BuildPrint is the print setup of a sheet.
type BuildPrint struct {
	Landscape  bool
	A4         bool
	FitToWidth bool // one page wide, as many pages tall as needed
	// TitleRows repeats sheet rows first..last (1-based) on every printed
	// page; 0 = none.
	TitleFirst, TitleLast int
}

// Builder writes one new workbook. Methods act on the current sheet (the
// one most recently added). The zero value is not usable; use NewBuilder.
type Builder struct {
	// Font is the font family of every style (the caller's choice, e.g.
	// the one the printed tables use); "" leaves excelize's default.
	Font   string
	f      *excelize.File
	sheet  string
	sheets []string
	styles map[BuildStyle]int
}

// NewBuilder starts an empty workbook (its default sheet is replaced by
// the first AddSheet).
func NewBuilder() *Builder {
	return &Builder{f: excelize.NewFile(), styles: map[BuildStyle]int{}}
}

// Close releases the workbook's temporary resources.
func (b *Builder) Close() error { return b.f.Close() }

// AddSheet appends a sheet and makes it current. Names must be unique and
// valid Excel sheet names (at most 31 characters, none of :\/?*[]).
func (b *Builder) AddSheet(name string) error {
	if len(b.sheets) == 0 {
		// Rename the default sheet so the workbook has no stray "Sheet1".
		if err := b.f.SetSheetName(b.f.GetSheetName(0), name); err != nil {
			return fmt.Errorf("add sheet %q: %w", name, err)
		}
	} else {
		for _, s := range b.sheets {
			if s == name {
				return fmt.Errorf("add sheet %q: duplicate name", name)
			}
		}
		if _, err := b.f.NewSheet(name); err != nil {
			return fmt.Errorf("add sheet %q: %w", name, err)
		}
	}
	b.sheet = name
	b.sheets = append(b.sheets, name)
	return nil
}

// Use makes an existing sheet current again (to edit a sheet written
// earlier, e.g. in hostile-input tests).
func (b *Builder) Use(name string) error {
	for _, s := range b.sheets {
		if s == name {
			b.sheet = name
			return nil
		}
	}
	return fmt.Errorf("use sheet %q: no such sheet", name)
}

// Sheet returns the current sheet's name.
func (b *Builder) Sheet() string { return b.sheet }

// Sheets returns the sheet names in workbook order.
func (b *Builder) Sheets() []string { return append([]string(nil), b.sheets...) }

func (b *Builder) cell(row, col int) (string, error) {
	if b.sheet == "" {
		return "", fmt.Errorf("no sheet: call AddSheet first")
	}
	if row < 1 || row > MaxRow || col < 1 || col > MaxCol {
		return "", fmt.Errorf("cell (%d,%d): outside A1:XFD1048576", row, col)
	}
	return Addr(row, col), nil
}

// SetString writes text (empty text writes an empty, styled cell).
func (b *Builder) SetString(row, col int, s string, st BuildStyle) error {
	a, err := b.cell(row, col)
	if err != nil {
		return err
	}
	if s != "" {
		if err := b.f.SetCellStr(b.sheet, a, s); err != nil {
			return fmt.Errorf("%s!%s: %w", b.sheet, a, err)
		}
	}
	return b.Style(row, col, row, col, st)
}

// SetNumber writes an exact decimal as a numeric cell with the given
// number of decimals (the value text goes to the file as is; no float64
// round trip).
func (b *Builder) SetNumber(row, col int, v decimal.Decimal, decimals int32, st BuildStyle) error {
	a, err := b.cell(row, col)
	if err != nil {
		return err
	}
	if err := b.f.SetCellDefault(b.sheet, a, v.StringFixed(decimals)); err != nil {
		return fmt.Errorf("%s!%s: %w", b.sheet, a, err)
	}
	return b.Style(row, col, row, col, st)
}

// SetInt writes a whole number (行次/栏次 numbers).
func (b *Builder) SetInt(row, col, n int, st BuildStyle) error {
	a, err := b.cell(row, col)
	if err != nil {
		return err
	}
	if err := b.f.SetCellInt(b.sheet, a, int64(n)); err != nil {
		return fmt.Errorf("%s!%s: %w", b.sheet, a, err)
	}
	return b.Style(row, col, row, col, st)
}

// Style applies st to the rectangle r1,c1 .. r2,c2.
func (b *Builder) Style(r1, c1, r2, c2 int, st BuildStyle) error {
	a1, err := b.cell(r1, c1)
	if err != nil {
		return err
	}
	a2, err := b.cell(r2, c2)
	if err != nil {
		return err
	}
	id, err := b.styleID(st)
	if err != nil {
		return err
	}
	if err := b.f.SetCellStyle(b.sheet, a1, a2, id); err != nil {
		return fmt.Errorf("style %s!%s:%s: %w", b.sheet, a1, a2, err)
	}
	return nil
}

// Merge merges the rectangle r1,c1 .. r2,c2 (the top-left cell keeps its
// value). A 1x1 rectangle is a no-op.
func (b *Builder) Merge(r1, c1, r2, c2 int) error {
	if r1 == r2 && c1 == c2 {
		return nil
	}
	a1, err := b.cell(r1, c1)
	if err != nil {
		return err
	}
	a2, err := b.cell(r2, c2)
	if err != nil {
		return err
	}
	if err := b.f.MergeCell(b.sheet, a1, a2); err != nil {
		return fmt.Errorf("merge %s!%s:%s: %w", b.sheet, a1, a2, err)
	}
	return nil
}

// SetColWidth sets the width (in characters) of columns c1..c2.
func (b *Builder) SetColWidth(c1, c2 int, width float64) error {
	if c1 < 1 || c2 < 1 || c1 > MaxCol || c2 > MaxCol {
		return fmt.Errorf("column width %d..%d: outside A..XFD", c1, c2)
	}
	return b.f.SetColWidth(b.sheet, ColName(c1), ColName(c2), width)
}

// SetRowHeight sets the height (in points) of a row.
func (b *Builder) SetRowHeight(row int, h float64) error {
	return b.f.SetRowHeight(b.sheet, row, h)
}

// Freeze freezes the rows above row and the columns left of col (both
// 1-based: Freeze(5, 1) keeps rows 1–4 in view, no frozen column).
func (b *Builder) Freeze(row, col int) error {
	if row <= 1 && col <= 1 {
		return nil
	}
	tl, err := b.cell(row, col)
	if err != nil {
		return err
	}
	return b.f.SetPanes(b.sheet, &excelize.Panes{
		Freeze: true, XSplit: col - 1, YSplit: row - 1,
		TopLeftCell: tl, ActivePane: buildActivePane(row, col),
	})
}

func buildActivePane(row, col int) string {
	switch {
	case row > 1 && col > 1:
		return "bottomRight"
	case row > 1:
		return "bottomLeft"
	default:
		return "topRight"
	}
}

// Print sets paper, orientation, fit-to-width and repeated title rows.
func (b *Builder) Print(p BuildPrint) error {
	var opt excelize.PageLayoutOptions
	if p.A4 {
		size := 9 // SpreadsheetML paper size 9 = A4
		opt.Size = &size
	}
	orient := "portrait"
	if p.Landscape {
		orient = "landscape"
	}
	opt.Orientation = &orient
	if p.FitToWidth {
		one, any := 1, 0
		opt.FitToWidth, opt.FitToHeight = &one, &any
		fit := true
		if err := b.f.SetSheetProps(b.sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
			return fmt.Errorf("print setup %s: %w", b.sheet, err)
		}
	}
	if err := b.f.SetPageLayout(b.sheet, &opt); err != nil {
		return fmt.Errorf("print setup %s: %w", b.sheet, err)
	}
	if p.TitleFirst > 0 && p.TitleLast >= p.TitleFirst {
		err := b.f.SetDefinedName(&excelize.DefinedName{
			Name:     "_xlnm.Print_Titles",
			RefersTo: fmt.Sprintf("'%s'!$%d:$%d", buildQuoteSheet(b.sheet), p.TitleFirst, p.TitleLast),
			Scope:    b.sheet,
		})
		if err != nil {
			return fmt.Errorf("print titles %s: %w", b.sheet, err)
		}
	}
	return nil
}

// buildQuoteSheet doubles apostrophes for use inside a quoted sheet reference.
func buildQuoteSheet(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '\'' {
			out = append(out, '\'')
		}
		out = append(out, r)
	}
	return string(out)
}

// WriteTo writes the workbook as .xlsx.
func (b *Builder) WriteTo(w io.Writer) (int64, error) {
	if len(b.sheets) == 0 {
		return 0, fmt.Errorf("write workbook: no sheets")
	}
	n, err := b.f.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("write workbook: %w", err)
	}
	return n, nil
}

func (b *Builder) styleID(st BuildStyle) (int, error) {
	if id, ok := b.styles[st]; ok {
		return id, nil
	}
	s := &excelize.Style{
		Font:      &excelize.Font{Bold: st.Bold, Size: st.Size, Family: b.Font},
		Alignment: &excelize.Alignment{Horizontal: st.HAlign, Vertical: buildOrDefault(st.VAlign, "center"), WrapText: st.Wrap},
	}
	if st.Size == 0 {
		s.Font.Size = 11
	}
	if st.Border {
		for _, side := range []string{"left", "right", "top", "bottom"} {
			s.Border = append(s.Border, excelize.Border{Type: side, Color: "000000", Style: 1})
		}
	}
	switch {
	case st.Amount:
		s.NumFmt = 4 // #,##0.00
	case st.Text:
		s.NumFmt = 49 // @
	}
	id, err := b.f.NewStyle(s)
	if err != nil {
		return 0, fmt.Errorf("new style: %w", err)
	}
	b.styles[st] = id
	return id, nil
}

func buildOrDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
