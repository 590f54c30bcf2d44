package xlsx

import (
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// Addresses outside A1:XFD1048576, or not addresses at all, make the sheet
// corrupt in both tokenizers (excelize fails on them when annotating).
func TestBadReferences(t *testing.T) {
	b, err := OpenBytes(fixture(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sheet := func(rows, merges string) []byte {
		return []byte(`<worksheet><sheetData>` + rows + `</sheetData>` + merges + `</worksheet>`)
	}
	tests := []struct {
		name, want string
		raw        []byte
	}{
		{"ok", "", sheet(`<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="1"/></row>`, `<mergeCells><mergeCell ref="A1:XFD1048576"/><mergeCell ref="B2"/></mergeCells>`)},
		{"cell far out", "无效的单元格地址“ZZZZ99999999”", sheet(`<row r="1"><c r="ZZZZ99999999"><v>1</v></c></row>`, "")},
		{"column beyond XFD", "无效的单元格地址“XFE1”", sheet(`<row r="1"><c r="XFE1"><v>1</v></c></row>`, "")},
		{"row beyond 1048576 in a cell", "无效的单元格地址“A1048577”", sheet(`<row><c r="A1048577"><v>1</v></c></row>`, "")},
		{"empty cell far out", "无效的单元格地址“A99999999”", sheet(`<row r="1"><c r="A99999999"/></row>`, "")},
		{"not an address", "无效的单元格地址“1A”", sheet(`<row r="1"><c r="1A"><v>1</v></c></row>`, "")},
		{"row far out", "无效的行号“99999999”", sheet(`<row r="99999999"><c><v>1</v></c></row>`, "")},
		{"row zero", "无效的行号“0”", sheet(`<row r="0"/>`, "")},
		{"row not a number", "无效的行号“x”", sheet(`<row r="x"/>`, "")},
		{"merge beyond XFD", "无效的合并单元格区域“C3:XFE4”", sheet(``, `<mergeCells><mergeCell ref="C3:XFE4"/></mergeCells>`)},
		{"merge not a range", "无效的合并单元格区域“A1:?”", sheet(``, `<mergeCells><mergeCell ref="A1:?"/></mergeCells>`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The fast scanner stops at the error and parseSheet re-reads
			// with encoding/xml, which must give the same answer.
			_, fastOK, _ := b.scanSheet("公开01表", tt.raw)
			if tt.want == "" && !fastOK {
				t.Fatal("the fast scanner declined the sheet")
			}
			_, fastErr := b.parseSheet("公开01表", tt.raw)
			_, refErr := b.parseSheetXML("公开01表", tt.raw)
			for i, err := range []error{fastErr, refErr} {
				if tt.want == "" {
					if err != nil {
						t.Errorf("tokenizer %d: %v", i, err)
					}
					continue
				}
				msg := model.ErrorMessage(err)
				if model.ErrorCode(err) != model.ECorrupt || !strings.Contains(msg, "工作表“公开01表”中有"+tt.want) || !strings.Contains(msg, "文件可能已损坏") {
					t.Errorf("tokenizer %d: err = %v, want corrupt with %s", i, err, tt.want)
				}
			}
		})
	}
}
