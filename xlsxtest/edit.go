package xlsxtest

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// CellEdit is one change Edit applies: Value nil clears the cell; a
// string writes a text cell; int/float64 write a number. A Formula is set
// after the value; excelize writes no cached result for it.
type CellEdit struct {
	Sheet, Cell string
	Value       any
	Formula     string
}

// Edit applies edits to an .xlsx held in memory and returns the new file,
// so tests can mutate generated workbooks without importing excelize.
func Edit(data []byte, edits ...CellEdit) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("edit: open: %w", err)
	}
	defer f.Close()
	for _, e := range edits {
		var err error
		switch v := e.Value.(type) {
		case nil:
			err = f.SetCellValue(e.Sheet, e.Cell, nil)
		case string:
			err = f.SetCellStr(e.Sheet, e.Cell, v)
		default:
			err = f.SetCellValue(e.Sheet, e.Cell, v)
		}
		if err == nil && e.Formula != "" {
			err = f.SetCellFormula(e.Sheet, e.Cell, e.Formula)
		}
		if err != nil {
			return nil, fmt.Errorf("edit %s!%s: %w", e.Sheet, e.Cell, err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("edit: write: %w", err)
	}
	return buf.Bytes(), nil
}

// SetInRow types text into the column headed header of the table on
// sheet, in the row whose column headed keyHeader holds key, as a user
// would in Excel (an explanation typed beside a finding's fingerprint in
// 审核结果). It reports whether the row was found.
func SetInRow(data []byte, sheet, keyHeader, key, header, text string) ([]byte, bool, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, false, fmt.Errorf("edit: open: %w", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, false, fmt.Errorf("edit: %s: %w", sheet, err)
	}
	kc, hc := -1, -1
	for i, r := range rows {
		if kc < 0 {
			for j, v := range r {
				switch strings.TrimSpace(v) {
				case keyHeader:
					kc = j
				case header:
					hc = j
				}
			}
			if kc < 0 || hc < 0 {
				kc, hc = -1, -1
			}
			continue
		}
		if kc < len(r) && strings.TrimSpace(r[kc]) == key {
			a, err := excelize.CoordinatesToCellName(hc+1, i+1)
			if err != nil {
				return nil, false, err
			}
			if err := f.SetCellStr(sheet, a, text); err != nil {
				return nil, false, err
			}
			var buf bytes.Buffer
			if _, err := f.WriteTo(&buf); err != nil {
				return nil, false, fmt.Errorf("edit: write: %w", err)
			}
			return buf.Bytes(), true, nil
		}
	}
	return data, false, nil
}
