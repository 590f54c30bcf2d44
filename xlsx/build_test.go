package xlsx

import (
	"bytes"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/xlsxtest"
)

func buildSample(t *testing.T) *bytes.Buffer {
	t.Helper()
	b := NewBuilder()
	defer b.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.AddSheet("公开01表"))
	must(b.SetString(1, 1, "收入支出决算总表", BuildTitle))
	must(b.Merge(1, 1, 1, 4))
	must(b.SetString(2, 1, "项目", BuildHeader))
	must(b.SetString(2, 2, "金额", BuildHeader))
	for i, v := range []string{"4126.63", "0.10", "1234567.89", "-3.5"} {
		must(b.SetString(3+i, 1, "行", BuildLabel))
		must(b.SetNumber(3+i, 2, decimal.RequireFromString(v), 2, BuildAmount))
	}
	must(b.SetString(3, 3, "4,126.63", BuildStyle{Border: true, Text: true}))
	must(b.SetInt(3, 4, 12, BuildCenter))
	must(b.SetColWidth(1, 1, 30))
	must(b.Freeze(3, 2))
	must(b.Print(BuildPrint{Landscape: true, A4: true, FitToWidth: true, TitleFirst: 1, TitleLast: 2}))
	must(b.AddSheet("Sheet 'two' x"))
	must(b.SetString(1, 1, "x", BuildPlain))
	must(b.Print(BuildPrint{TitleFirst: 1, TitleLast: 1}))
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestBuilderRoundTrip(t *testing.T) {
	in, err := xlsxtest.Inspect(buildSample(t))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	const s = "公开01表"
	if got := in.Sheets(); !slices.Equal(got, []string{s, "Sheet 'two' x"}) {
		t.Errorf("sheets = %q", got)
	}
	m, err := in.Merges(s)
	if err != nil || !slices.Contains(m, "A1:D1") {
		t.Errorf("merges = %v, %v; want A1:D1", m, err)
	}
	cells := []struct {
		a1, raw string
		number  bool
		fmt     int
	}{
		{"B3", "4126.63", true, 4},
		{"B4", "0.10", true, 4},
		{"B5", "1234567.89", true, 4},
		{"B6", "-3.50", true, 4},
		{"C3", "4,126.63", false, 49},
		{"D3", "12", true, 0},
	}
	for _, c := range cells {
		raw, err := in.Raw(s, c.a1)
		if err != nil || raw != c.raw {
			t.Errorf("%s raw = %q, %v; want %q", c.a1, raw, err, c.raw)
		}
		num, err := in.IsNumber(s, c.a1)
		if err != nil || num != c.number {
			t.Errorf("%s number = %v, %v; want %v", c.a1, num, err, c.number)
		}
		f, err := in.NumFmt(s, c.a1)
		if err != nil || f != c.fmt {
			t.Errorf("%s numfmt = %d, %v; want %d", c.a1, f, err, c.fmt)
		}
	}
	if ok, err := in.Bordered(s, "B3"); err != nil || !ok {
		t.Errorf("B3 bordered = %v, %v", ok, err)
	}
	if ok, err := in.Bordered(s, "A1"); err != nil || ok {
		t.Errorf("title bordered = %v, %v", ok, err)
	}
	if r, c, err := in.Frozen(s); err != nil || r != 3 || c != 2 {
		t.Errorf("frozen = %d,%d,%v; want 3,2", r, c, err)
	}
	if r, c, err := in.Frozen("Sheet 'two' x"); err != nil || r != 1 || c != 1 {
		t.Errorf("unfrozen sheet = %d,%d,%v; want 1,1", r, c, err)
	}
	if got := in.PrintTitles(s); got != "'公开01表'!$1:$2" {
		t.Errorf("print titles = %q", got)
	}
	if got := in.PrintTitles("Sheet 'two' x"); got != "'Sheet ''two'' x'!$1:$1" {
		t.Errorf("quoted print titles = %q", got)
	}
	if ok, err := in.Landscape(s); err != nil || !ok {
		t.Errorf("landscape A4 fit = %v, %v", ok, err)
	}
	if ok, err := in.Landscape("Sheet 'two' x"); err != nil || ok {
		t.Errorf("second sheet landscape = %v, %v; want false", ok, err)
	}
}

func TestBuilderErrors(t *testing.T) {
	b := NewBuilder()
	defer b.Close()
	if err := b.SetString(1, 1, "x", BuildPlain); err == nil {
		t.Error("write before AddSheet: want error")
	}
	if _, err := b.WriteTo(&bytes.Buffer{}); err == nil {
		t.Error("WriteTo without sheets: want error")
	}
	if err := b.AddSheet("a"); err != nil {
		t.Fatal(err)
	}
	if err := b.AddSheet("a"); err == nil {
		t.Error("duplicate sheet: want error")
	}
	if err := b.AddSheet("bad[name]"); err == nil {
		t.Error("invalid sheet name: want error")
	}
	if err := b.SetString(0, 1, "x", BuildPlain); err == nil {
		t.Error("row 0: want error")
	}
	if err := b.Use("nope"); err == nil {
		t.Error("Use of a missing sheet: want error")
	}
	if err := b.AddSheet("b"); err != nil || b.Sheet() != "b" {
		t.Fatalf("AddSheet b: %v, current %q", err, b.Sheet())
	}
	if err := b.Use("a"); err != nil || b.Sheet() != "a" {
		t.Errorf("Use(a): %v, current %q", err, b.Sheet())
	}
	if err := b.Merge(1, 1, 1, 1); err != nil {
		t.Errorf("1x1 merge: %v", err)
	}
}

// Styles are cached: many cells with a few looks create a few styles.
func TestBuilderStyleCache(t *testing.T) {
	b := NewBuilder()
	defer b.Close()
	if err := b.AddSheet("s"); err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 200; r++ {
		if err := b.SetNumber(r, 1, decimal.NewFromInt(int64(r)), 2, BuildAmount); err != nil {
			t.Fatal(err)
		}
		if err := b.SetString(r, 2, "x", BuildLabel); err != nil {
			t.Fatal(err)
		}
	}
	if len(b.styles) != 2 {
		t.Errorf("styles = %d, want 2", len(b.styles))
	}
}

func BenchmarkBuilder(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		bl := NewBuilder()
		for s := 0; s < 9; s++ {
			if err := bl.AddSheet(string(rune('A' + s))); err != nil {
				b.Fatal(err)
			}
			for r := 1; r <= 40; r++ {
				for c := 1; c <= 8; c++ {
					if err := bl.SetNumber(r, c, decimal.New(int64(r*c*101), -2), 2, BuildAmount); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		if _, err := bl.WriteTo(&bytes.Buffer{}); err != nil {
			b.Fatal(err)
		}
		bl.Close()
	}
}
