package xlsxtest

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// SheetRows is one sheet as read back by ReadSheets: displayed text per
// cell (formulas give their cached value) and the formulas by A1 address.
type SheetRows struct {
	Name     string
	Rows     [][]string
	Formulas map[string]string
}

// ReadSheets reads every sheet of a small generated workbook (a summary
// read back; not for user uploads, which go through xlsx.Open and its
// limits).
func ReadSheets(r io.Reader) ([]SheetRows, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 512 << 20})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []SheetRows
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", name, err)
		}
		sr := SheetRows{Name: name, Rows: rows, Formulas: map[string]string{}}
		for i, row := range rows {
			for j := range row {
				a, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if fo, err := f.GetCellFormula(name, a); err == nil && fo != "" {
					sr.Formulas[a] = fo
				}
			}
		}
		out = append(out, sr)
	}
	return out, nil
}
