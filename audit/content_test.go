package audit

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// rewriteZipPart returns data with one part edited.
func rewriteZipPart(t testing.TB, data []byte, name string, edit func(string) string) []byte {
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
			s := edit(string(b))
			if s == string(b) {
				t.Fatalf("%s: the edit changed nothing", name)
			}
			b, found = []byte(s), true
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
		t.Fatalf("no part %s", name)
	}
	return out.Bytes()
}

// withCell replaces the <c> element at addr of the first sheet (公开01表 in
// the samples) by cell.
func withCell(t testing.TB, data []byte, addr, cell string) []byte {
	t.Helper()
	re := regexp.MustCompile(`<c r="` + addr + `"[^>]*?(/>|>.*?</c>)`)
	return rewriteZipPart(t, data, "xl/worksheets/sheet1.xml", func(s string) string {
		return re.ReplaceAllLiteralString(s, cell)
	})
}

// A user's formula is never replaced by a constant: a formula without a
// cached value is filled, and with --overwrite a formula whose cached value
// is wrong is replaced; either way the formula stays and the computed
// number is its cached value.
func TestFillKeepsFormulas(t *testing.T) {
	in, full := workbook(t, samples[0], false)
	c := full.Cell(model.Key{Table: model.T01, Row: "本年收入合计", Col: "决算数"})
	if c.Sheet != "公开01表" {
		t.Fatalf("本年收入合计 is on %s, the test edits the first sheet", c.Sheet)
	}
	const formula = "SUM(C7:C14)"
	tests := []struct {
		name, cell string
		opt        Options
		old        string // the replaced value; "" for a fill
	}{
		{"no cached value", `<c r="` + c.Addr + `" s="7"><f>` + formula + `</f></c>`, Options{}, ""},
		{"no cached value, overwrite", `<c r="` + c.Addr + `" s="7"><f>` + formula + `</f></c>`, Options{Overwrite: true}, ""},
		{"wrong cached value, overwrite", `<c r="` + c.Addr + `" s="7"><f>` + formula + `</f><v>1</v></c>`, Options{Overwrite: true}, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := withCell(t, in, c.Addr, tt.cell)
			out, res := fillBytes(t, data, tt.opt)
			var fill *model.Fill
			for i, f := range res.Report.Fills {
				if f.Sheet == c.Sheet && f.Cell == c.Addr {
					fill = &res.Report.Fills[i]
				}
			}
			if fill == nil {
				t.Fatalf("%s!%s not listed in fills %+v", c.Sheet, c.Addr, res.Report.Fills)
			}
			if tt.old != "" && (fill.Old == "" || decimal.RequireFromString(fill.Old).Cmp(decimal.RequireFromString(tt.old)) != 0) {
				t.Errorf("fill old = %q, want %s", fill.Old, tt.old)
			}
			got := snapshot(t, out).Cells[c.Sheet+"!"+c.Addr]
			if got.Formula != formula {
				t.Errorf("formula = %q, want %q (the user's formula was dropped)", got.Formula, formula)
			}
			// The computed value (with --overwrite it may differ from the
			// sample's printed one by a rounding residue).
			want := decimal.RequireFromString(fill.Value)
			if want.Sub(c.Value).Abs().GreaterThan(decimal.New(1, -2)) {
				t.Errorf("filled %s, the sample has %s", want, c.Value)
			}
			if !sameNumber(got.Value, fill.Value) {
				t.Errorf("cached value = %q, want %s", got.Value, fill.Value)
			}
			// Other readers (and juesuan itself) see the value.
			again, err := Check(context.Background(), bytes.NewReader(out), Options{})
			if err != nil {
				t.Fatal(err)
			}
			rc := again.Workbook.Cell(model.Key{Table: model.T01, Row: "本年收入合计", Col: "决算数"})
			if rc == nil || rc.Blank || !rc.Value.Equal(want) || rc.Formula == "" {
				t.Errorf("read back %+v, want %s with its formula", rc, want)
			}
		})
	}
}

// Malformed addresses pass neither check nor fill: both answer corrupt
// with a message naming the sheet and the address.
func TestBadReferencesAreCorrupt(t *testing.T) {
	in, full := workbook(t, samples[0], false)
	c := full.Cell(model.Key{Table: model.T01, Row: "本年收入合计", Col: "决算数"})
	row := strings.TrimLeft(c.Addr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	tests := []struct {
		name, want string
		data       []byte
	}{
		{"cell far out", "ZZZZ99999999", withCell(t, in, c.Addr, `<c r="ZZZZ99999999" s="7"><v>1</v></c>`)},
		{"column beyond XFD", "XFE" + row, withCell(t, in, c.Addr, `<c r="XFE`+row+`" s="7"><v>1</v></c>`)},
		{"row beyond 1048576", "99999999", rewriteZipPart(t, in, "xl/worksheets/sheet1.xml", func(s string) string {
			return strings.Replace(s, `<row r="`+row+`"`, `<row r="99999999"`, 1)
		})},
		{"merge beyond XFD", "C3:XFE4", rewriteZipPart(t, in, "xl/worksheets/sheet1.xml", func(s string) string {
			return strings.Replace(s, `<mergeCell ref="`, `<mergeCell ref="C3:XFE4"/><mergeCell ref="`, 1)
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cerr := Check(context.Background(), bytes.NewReader(tt.data), Options{})
			_, ferr := Fill(context.Background(), bytes.NewReader(tt.data), &bytes.Buffer{}, Options{})
			for _, err := range []error{cerr, ferr} {
				if model.ErrorCode(err) != model.ECorrupt || !strings.Contains(model.ErrorMessage(err), "公开01表") || !strings.Contains(model.ErrorMessage(err), tt.want) {
					t.Errorf("err = %v, want corrupt naming 公开01表 and %s", err, tt.want)
				}
			}
		})
	}
}

// What excelize refuses while annotating is the upload's content: a style
// index beyond the style table on a cell to fill is corrupt, not internal.
func TestAnnotateContentErrorIsCorrupt(t *testing.T) {
	in, full := workbook(t, samples[0], false)
	c := full.Cell(model.Key{Table: model.T01, Row: "本年收入合计", Col: "决算数"})
	data := withCell(t, in, c.Addr, `<c r="`+c.Addr+`" s="9999"><f>SUM(C7:C14)</f></c>`)
	if _, err := Check(context.Background(), bytes.NewReader(data), Options{}); err != nil {
		t.Fatalf("check: %v (the case must reach annotation)", err)
	}
	_, err := Fill(context.Background(), bytes.NewReader(data), &bytes.Buffer{}, Options{})
	if model.ErrorCode(err) != model.ECorrupt || model.ErrorMessage(err) == "" {
		t.Errorf("err = %v, want %s", err, model.ECorrupt)
	}
}
