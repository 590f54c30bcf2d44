package xlsxtest

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Inspection reads back what a generator wrote: raw values, number
// formats, merges, frozen panes and print titles. Tests of the
// generators check their output with it without importing excelize.
type Inspection struct {
	f *excelize.File
}

// BuildInspect opens a workbook written by a Builder (or any .xlsx).
func Inspect(r io.Reader) (*Inspection, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("inspect workbook: %w", err)
	}
	return &Inspection{f: f}, nil
}

// Close releases the workbook.
func (in *Inspection) Close() error { return in.f.Close() }

// Sheets returns the sheet names in workbook order.
func (in *Inspection) Sheets() []string { return in.f.GetSheetList() }

// Raw returns the stored (unformatted) value of a cell.
func (in *Inspection) Raw(sheet, a1 string) (string, error) {
	return in.f.GetCellValue(sheet, a1, excelize.Options{RawCellValue: true})
}

// IsNumber reports whether a cell is stored as a number (not text).
func (in *Inspection) IsNumber(sheet, a1 string) (bool, error) {
	t, err := in.f.GetCellType(sheet, a1)
	if err != nil {
		return false, err
	}
	return t == excelize.CellTypeNumber || t == excelize.CellTypeUnset, nil
}

// NumFmt returns the number format id of a cell's style (4 = #,##0.00,
// 49 = text).
func (in *Inspection) NumFmt(sheet, a1 string) (int, error) {
	id, err := in.f.GetCellStyle(sheet, a1)
	if err != nil {
		return 0, err
	}
	st, err := in.f.GetStyle(id)
	if err != nil {
		return 0, err
	}
	return st.NumFmt, nil
}

// Bordered reports whether a cell has a border on all four sides.
func (in *Inspection) Bordered(sheet, a1 string) (bool, error) {
	id, err := in.f.GetCellStyle(sheet, a1)
	if err != nil {
		return false, err
	}
	st, err := in.f.GetStyle(id)
	if err != nil {
		return false, err
	}
	return len(st.Border) == 4, nil
}

// Merges returns the merged ranges of a sheet as "A1:F1".
func (in *Inspection) Merges(sheet string) ([]string, error) {
	ms, err := in.f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	return out, nil
}

// Frozen returns the first unfrozen row and column (1-based) of a sheet's
// frozen panes, or 1, 1 when nothing is frozen.
func (in *Inspection) Frozen(sheet string) (row, col int, err error) {
	p, err := in.f.GetPanes(sheet)
	if err != nil {
		return 0, 0, err
	}
	if !p.Freeze {
		return 1, 1, nil
	}
	return p.YSplit + 1, p.XSplit + 1, nil
}

// PrintTitles returns the sheet's repeated print-title rows reference
// ("'公开01表'!$1:$6"), or "".
func (in *Inspection) PrintTitles(sheet string) string {
	for _, d := range in.f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" && d.Scope == sheet {
			return d.RefersTo
		}
	}
	return ""
}

// Landscape reports whether the sheet prints landscape on A4 fitted to
// one page wide.
func (in *Inspection) Landscape(sheet string) (bool, error) {
	l, err := in.f.GetPageLayout(sheet)
	if err != nil {
		return false, err
	}
	return l.Orientation != nil && *l.Orientation == "landscape" &&
		l.Size != nil && *l.Size == 9 && l.FitToWidth != nil && *l.FitToWidth == 1, nil
}
