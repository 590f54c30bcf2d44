package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsxtest"
	"github.com/xuri/excelize/v2"
)

// smallBook writes a workbook with typed numbers, strings, a formula with
// its cached value, merges and number formats.
func smallBook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "收入决算表"))
	s := "收入决算表"
	must(f.SetCellStr(s, "A1", "收入决算表"))
	must(f.MergeCell(s, "A1", "D1"))
	must(f.SetCellStr(s, "A2", "项目"))
	must(f.MergeCell(s, "A2", "B2"))
	must(f.SetCellStr(s, "C2", "本年收入合计"))
	must(f.SetCellFloat(s, "C3", 4126.63, -1, 64))
	must(f.SetCellStr(s, "D3", "1,234.50"))
	must(f.SetCellInt(s, "B5", 7))
	must(f.SetCellFormula(s, "C4", "C3*2"))
	amount, err := f.NewStyle(&excelize.Style{NumFmt: 4})
	must(err)
	must(f.SetCellStyle(s, "C3", "C3", amount))
	custom := "#,##0.000;-#,##0.000"
	st3, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	must(err)
	must(f.SetCellStyle(s, "B5", "B5", st3))
	_, err = f.NewSheet("隐藏")
	must(err)
	must(f.SetSheetVisible("隐藏", false))
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	must(err)
	// Give C4 a cached value, as Excel would have saved it.
	return rewritePart(t, buf.Bytes(), "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		i := bytes.Index(b, []byte(`<c r="C4"`))
		j := i + bytes.Index(b[i:], []byte("</c>"))
		return append(append(append([]byte{}, b[:i]...), `<c r="C4"><f>C3*2</f><v>8253.26</v>`...), b[j:]...)
	})
}

// rewritePart returns a copy of the zip with one part changed.
func rewritePart(t testing.TB, data []byte, name string, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == name {
			b, found = edit(b), true
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("part %s not found", name)
	}
	return out.Bytes()
}

func TestGrid(t *testing.T) {
	b, err := Open(bytes.NewReader(smallBook(t)), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := strings.Join(b.Sheets(), ","); got != "收入决算表,隐藏" {
		t.Fatalf("Sheets = %s", got)
	}
	if infos := b.sheets; infos[0].Hidden || !infos[1].Hidden {
		t.Errorf("sheets = %+v", infos)
	}
	g, err := b.Grid("收入决算表")
	if err != nil {
		t.Fatal(err)
	}
	if g.MaxRow != 5 || g.MaxCol != 4 {
		t.Errorf("extent = %d x %d, want 5 x 4", g.MaxRow, g.MaxCol)
	}
	tests := []struct {
		addr    string
		text    string
		number  bool
		formula string
		dec     int
		spread  string
	}{
		{"A1", "收入决算表", false, "", -1, "收入决算表"},
		{"D1", "", false, "", 0, "收入决算表"},
		{"B2", "", false, "", 0, "项目"},
		{"C3", "4126.63", true, "", 2, "4126.63"},
		{"D3", "1,234.50", false, "", -1, "1,234.50"},
		{"C4", "8253.26", true, "C3*2", -1, "8253.26"},
		{"B5", "7", true, "", 3, "7"},
		{"A5", "", false, "", 0, ""},
		{"Z99", "", false, "", -1, ""},
	}
	for _, tt := range tests {
		r, c, ok := parseRef(tt.addr)
		if !ok {
			t.Fatal(tt.addr)
		}
		cell := g.At(r, c)
		if cell.Text != tt.text || cell.Number != tt.number || cell.Formula != tt.formula || (tt.text != "" && cell.Decimals != tt.dec) {
			t.Errorf("%s = %+v, want text %q number %v formula %q dec %d", tt.addr, cell, tt.text, tt.number, tt.formula, tt.dec)
		}
		if s := g.SpreadText(r, c); s != tt.spread {
			t.Errorf("%s spread = %q, want %q", tt.addr, s, tt.spread)
		}
	}
	if m, ok := g.MergeAt(1, 3); !ok || m != (Merge{1, 1, 1, 4}) {
		t.Errorf("MergeAt(C1) = %+v %v", m, ok)
	}
	g2, _ := b.Grid("收入决算表")
	if g2 != g {
		t.Error("Grid should be read once and cached")
	}
	if _, err := b.Grid("无此表"); model.ErrorCode(err) != model.ENotFound {
		t.Errorf("unknown sheet: %v", err)
	}
	var out bytes.Buffer
	if n, err := b.WriteTo(&out); err != nil || n == 0 {
		t.Errorf("WriteTo = %d, %v", n, err)
	}
}

func TestAddr(t *testing.T) {
	tests := []struct {
		r, c int
		want string
	}{{1, 1, "A1"}, {7, 26, "Z7"}, {3, 27, "AA3"}, {10, 702, "ZZ10"}, {1, 703, "AAA1"}}
	for _, tt := range tests {
		if got := Addr(tt.r, tt.c); got != tt.want {
			t.Errorf("Addr(%d,%d) = %s, want %s", tt.r, tt.c, got, tt.want)
		}
		r, c, ok := parseRef(tt.want)
		if !ok || r != tt.r || c != tt.c {
			t.Errorf("parseRef(%s) = %d,%d,%v", tt.want, r, c, ok)
		}
	}
	for _, bad := range []string{"", "A", "12", "A0", "A-1", "AAAAAAA1"} {
		if _, _, ok := parseRef(bad); ok {
			t.Errorf("parseRef(%q) accepted", bad)
		}
	}
}

func TestFormatDecimals(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{"General", -1}, {"0", 0}, {"0.00", 2}, {"#,##0.00", 2}, {"#,##0.000_);(#,##0.000)", 3},
		{`"¥"#,##0.00`, 2}, {`0.0"万元"`, 1}, {"@", -1}, {"0%", 0},
		// What Excel, WPS and LibreOffice write for amounts in Chinese
		// locales: brackets, fill and padding characters, sections.
		{`_ * #,##0.00_ ;_ * \-#,##0.00_ ;_ * "-"??_ ;_ @_ `, 2},
		{`#,##0.00;[红色]-#,##0.00`, 2}, {`#,##0.00_);[Red]\(#,##0.00\)`, 2},
		{`[$¥-804]#,##0.00`, 2}, {`[$-804]0.0`, 1}, {`[DBNum2][$-804]General`, -1}, {`[$-409]General`, -1},
		{`[=0]"-";#,##0.00`, 2}, {`;;;`, -1}, {`**0.00`, 2}, {`_0#,##0`, 0},
		{`[>=100000000]0.00,,"亿";[>=10000]0.00,"万";0.00`, 2}, {`[h]:mm:ss`, -1}, {`yyyy"年"m"月"d"日"`, -1},
	}
	for _, tt := range tests {
		if got := formatDecimals(tt.code); got != tt.want {
			t.Errorf("formatDecimals(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
}

// encrypted writes a real password-protected workbook (an OLE2 container).
func encrypted(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellStr("Sheet1", "A1", "收入决算表"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenErrors(t *testing.T) {
	good := smallBook(t)
	xls := append(append([]byte{}, oleMagic...), make([]byte, 504)...)
	xls = append(xls, utf16le("Workbook")...)
	bigRows := rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("</sheetData>"), []byte(`<row r="6000"><c r="A6000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>`), 1)
	})
	wideCols := rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("</sheetData>"), []byte(`<row r="9"><c r="ZZ9"><v>1</v></c></row></sheetData>`), 1)
	})
	badSST := rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("</sheetData>"), []byte(`<row r="9"><c r="A9" t="s"><v>999</v></c></row></sheetData>`), 1)
	})
	deep := rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("</sheetData>"), []byte("</sheetData>"+strings.Repeat("<x>", 100)+strings.Repeat("</x>", 100)), 1)
	})
	entity := rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("</sheetData>"), []byte(`<row r="9"><c r="A9" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>`), 1)
	})
	truncSheet := rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		i := bytes.Index(b, []byte("<row r=\"3\""))
		return b[:i+40]
	})
	tests := []struct {
		name string
		data []byte
		lim  Limits
		code string
	}{
		{"empty", nil, Limits{}, model.ENotXLSX},
		{"not a zip", []byte("hello, this is text"), Limits{}, model.ENotXLSX},
		{"pdf", []byte("%PDF-1.7\n"), Limits{}, model.ENotXLSX},
		{"truncated zip", good[:len(good)/2], Limits{}, model.ECorrupt},
		{"zip without workbook", zipOf(t, map[string]string{"a.txt": "x"}), Limits{}, model.ECorrupt},
		{"xls", xls, Limits{}, model.EXLS},
		{"encrypted", encrypted(t), Limits{}, model.EEncrypted},
		{"too large upload", good, Limits{MaxBytes: 1000}, model.ETooLarge},
		{"part too large", good, Limits{UnzipXMLSize: 100, UnzipSize: 1 << 20}, model.ETooLarge},
		{"unzip too large", good, Limits{UnzipXMLSize: 3000, UnzipSize: 3000}, model.ETooLarge},
		{"too many sheets", good, Limits{MaxSheets: 1}, model.ETooMany},
	}
	for _, tt := range tests {
		_, err := Open(bytes.NewReader(tt.data), tt.lim)
		checkErr(t, tt.name, err, tt.code)
	}
	sheetTests := []struct {
		name string
		data []byte
		lim  Limits
		code string
	}{
		{"truncated sheet XML", truncSheet, Limits{}, model.ECorrupt},
		{"rows beyond limit", bigRows, Limits{}, model.ETooMany},
		{"columns beyond limit", wideCols, Limits{}, model.ETooMany},
		{"cells beyond limit", good, Limits{MaxCells: 3}, model.ETooMany},
		{"shared string out of range", badSST, Limits{}, model.ECorrupt},
		{"deeply nested XML", deep, Limits{}, model.ECorrupt},
		{"undefined entity", entity, Limits{}, model.ECorrupt},
	}
	for _, tt := range sheetTests {
		b, err := Open(bytes.NewReader(tt.data), tt.lim)
		if err != nil {
			t.Errorf("%s: Open: %v", tt.name, err)
			continue
		}
		_, err = b.Grid("收入决算表")
		checkErr(t, tt.name, err, tt.code)
	}
}

func checkErr(t *testing.T, name string, err error, code string) {
	t.Helper()
	var me *model.Error
	if !errors.As(err, &me) {
		t.Errorf("%s: err = %v, want *model.Error %s", name, err, code)
		return
	}
	if me.Code != code {
		t.Errorf("%s: code = %s (%v), want %s", name, me.Code, err, code)
	}
	if !hasHan(me.Message) {
		t.Errorf("%s: message %q is not Chinese", name, me.Message)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func zipOf(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, s := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, s)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEdit(t *testing.T) {
	data, err := xlsxtest.Edit(smallBook(t),
		xlsxtest.CellEdit{Sheet: "收入决算表", Cell: "C3", Value: "abc"},
		xlsxtest.CellEdit{Sheet: "收入决算表", Cell: "D3", Value: nil},
		xlsxtest.CellEdit{Sheet: "收入决算表", Cell: "E3", Value: 12.5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(bytes.NewReader(data), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := b.Grid("收入决算表")
	if err != nil {
		t.Fatal(err)
	}
	if c := g.At(3, 3); c.Text != "abc" || c.Number {
		t.Errorf("C3 = %+v", c)
	}
	if c := g.At(3, 4); c.Text != "" {
		t.Errorf("D3 = %+v", c)
	}
	if c := g.At(3, 5); c.Text != "12.5" || !c.Number {
		t.Errorf("E3 = %+v", c)
	}
}

func BenchmarkOpenGrid(b *testing.B) {
	data := smallBook(b)
	b.ReportAllocs()
	for b.Loop() {
		bk, err := Open(bytes.NewReader(data), DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range bk.Sheets() {
			if _, err := bk.Grid(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestGridHostileShapes(t *testing.T) {
	good := smallBook(t)
	hugeDim := rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		i := bytes.Index(b, []byte("<sheetData"))
		return append(append(append([]byte{}, b[:i]...), `<dimension ref="A1:XFD1048576"/>`...), b[i:]...)
	})
	storm := func(n int) []byte {
		return rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
			var m strings.Builder
			for i := 0; i < n; i++ {
				m.WriteString(`<mergeCell ref="A1:XFD1048576"/>`)
			}
			return bytes.Replace(b, []byte("</mergeCells>"), []byte(m.String()+"</mergeCells>"), 1)
		})
	}
	styleOnly := rewritePart(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		// A formatted but empty cell far away does not count as used.
		return bytes.Replace(b, []byte("</sheetData>"), []byte(`<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>`), 1)
	})
	tests := []struct {
		name   string
		data   []byte
		lim    Limits
		code   string // "" = reads fine
		maxRow int
	}{
		{"dimension of a million rows is ignored", hugeDim, Limits{}, "", 5},
		{"formatted empty cell far away", styleOnly, Limits{}, "", 5},
		{"a few sheet-wide merges", storm(3), Limits{}, "", 5},
		{"merge storm beyond the cell budget", storm(50), Limits{MaxCells: 20}, model.ETooMany, 0},
	}
	for _, tt := range tests {
		b, err := Open(bytes.NewReader(tt.data), tt.lim)
		if err != nil {
			t.Errorf("%s: Open: %v", tt.name, err)
			continue
		}
		g, err := b.Grid("收入决算表")
		if tt.code != "" {
			checkErr(t, tt.name, err, tt.code)
			continue
		}
		if err != nil || g.MaxRow != tt.maxRow {
			t.Errorf("%s: grid %v, err %v", tt.name, g, err)
		}
	}
}
