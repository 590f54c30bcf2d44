package reader

// Fuzz targets of issue 7 for the reader: the amount parser, the code and
// label matchers, and the workbook reader seeded with the hostile corpus.
// CI runs each for a short fixed time (.ci/run); a crash the fuzzer finds
// is saved under testdata/fuzz/<Target>/ and replays as a regression test
// on every `go test`.

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/hostile"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"", "-", "--", "—", "——", "/", "0", "0.00", "-0", "-0.00", "4068.52", "4,068.52", "1,234,567.89",
		"(1.23)", "（1.23）", "−1.23", "４０６８．５２", " 12.5 ", "\u3000", "1E+100000", "1e15", "999999999999999.99",
		"12345678901234567890", "NaN", "Inf", "+Inf", "-Inf", "0x10", "1_000", "1,23", ".5", "5.", "1.2.3",
		"0." + strings.Repeat("0", 30) + "1", "4126.6300000000001", "1E-7", "  -  ", "+-1", "--1", "((1))",
	} {
		f.Add(s, false, -1)
		f.Add(s, true, 2)
	}
	limit := decimal.New(1, 15)
	f.Fuzz(func(t *testing.T, text string, typed bool, fmtDecimals int) {
		fmtDecimals = fmtDecimals%12 - 1 // -1 (General) .. 10
		a, ok := ParseAmount(text, typed, fmtDecimals)
		a2, ok2 := ParseAmount(text, typed, fmtDecimals)
		if ok != ok2 || !a.Value.Equal(a2.Value) || a.Blank != a2.Blank || a.Decimals != a2.Decimals {
			t.Fatalf("not deterministic: %q", text)
		}
		if !ok {
			return
		}
		if a.Blank && !a.Value.IsZero() {
			t.Fatalf("%q: blank with value %s", text, a.Value)
		}
		if a.Value.Abs().Cmp(limit) >= 0 {
			t.Fatalf("%q: accepted %s beyond 10^15", text, a.Value)
		}
		if a.Decimals < 0 {
			t.Fatalf("%q: negative decimals %d", text, a.Decimals)
		}
		if a.Blank {
			return
		}
		// The value, written back as plain text, parses to itself: what
		// the reader accepts it can also print and read again.
		back := a.Value.String()
		b, ok := ParseAmount(back, false, -1)
		if !ok || !b.Value.Equal(a.Value) {
			t.Fatalf("%q -> %s does not parse back (ok=%v, got %s)", text, back, ok, b.Value)
		}
	})
}

func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"201", "20106", "2010601", "201 06 01", "201|06|01", "2010601.0", "２０１",
		"30101", "3010", "", "abc", "201.5", "0000000", "201\u3000", "-201", "20106.0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		code, ok := ParseCode(text)
		if !ok {
			if code != "" {
				t.Fatalf("%q: not ok but code %q", text, code)
			}
			return
		}
		switch len(code) {
		case 3, 5, 7:
		default:
			t.Fatalf("%q: code %q of length %d", text, code, len(code))
		}
		for i := 0; i < len(code); i++ {
			if code[i] < '0' || code[i] > '9' {
				t.Fatalf("%q: code %q has a non-digit", text, code)
			}
		}
		if again, ok := ParseCode(code); !ok || again != code {
			t.Fatalf("%q: ParseCode not idempotent: %q -> %q, %v", text, code, again, ok)
		}
		if model.CodeLevel(code) < 1 || model.CodeLevel(code) > 3 {
			t.Fatalf("%q: level %d", text, model.CodeLevel(code))
		}
		if p := codeParent(code); p != "" && !strings.HasPrefix(code, p) {
			t.Fatalf("%q: parent %q is not a prefix", text, p)
		}
	})
}

// disguise writes a label the way other files do: a space or an ideographic
// space between characters and full-width ASCII. Matching must not see it.
func disguise(s string) string {
	var b strings.Builder
	i := 0
	for _, r := range s {
		if i > 0 {
			if i%2 == 0 {
				b.WriteRune('\u3000')
			} else {
				b.WriteByte(' ')
			}
		}
		if r >= 0x21 && r <= 0x7E {
			r += 0xFEE0
		}
		b.WriteRune(r)
		i++
	}
	return b.String()
}

// FuzzMatchLabel fuzzes the title matcher and the row label matchers of
// every table with one label; a label disguised with spaces and full-width
// characters matches exactly what the plain label matches.
func FuzzMatchLabel(f *testing.F) {
	spec := templates.MustLoad()
	for _, s := range []string{"收入支出决算总表", "2024年度某某局收入支出决算总表", "公开01表 收入支出决算表",
		"一般公共预算财政拨款收入", "一、一般公共预算财政拨款收入", "（二）政府性基金预算财政拨款收入", "本年收入合计",
		"收入总计", "合计", "人员经费合计", "三公经费", "表一：收入决算表", "年初结转和结余", "3.其他收入", "",
		"财政拨款收入支出决算总表", "一般公共预算财政拨款“三公”经费支出决算表"} {
		f.Add(s)
	}
	rd := &reader{spec: spec}
	f.Fuzz(func(t *testing.T, label string) {
		if !utf8.ValidString(label) {
			return
		}
		d := disguise(label)
		h, ok := rd.matchTitle(label)
		if ok && h.spec == nil {
			t.Fatalf("%q: title matched without a table", label)
		}
		// The title matcher refuses texts over 240 bytes, so the disguise
		// is compared only when it stays under that.
		if len(d) <= 240 {
			hd, okd := rd.matchTitle(d)
			if ok != okd || (ok && hd.spec.ID != h.spec.ID) {
				t.Fatalf("title %q matched %v, disguised %q matched %v", label, ok, d, okd)
			}
		}
		for ti := range spec.Tables {
			ts := &spec.Tables[ti]
			for si := range ts.Sides {
				for ri := range ts.Sides[si].Rows {
					rs := &ts.Sides[si].Rows[ri]
					if a, b := rs.Matches(label), rs.Matches(d); a != b {
						t.Fatalf("%s row %s: %q matched %v, disguised %q matched %v", ts.ID, rs.Key, label, a, d, b)
					}
				}
			}
		}
		for ci := range spec.Classes {
			c := &spec.Classes[ci]
			if a, b := c.Matches(label), c.Matches(d); a != b {
				t.Fatalf("class %s: %q matched %v, disguised %q matched %v", c.Code, label, a, d, b)
			}
		}
		if n := templates.NormalizeLabel(label); templates.NormalizeText(n) != n {
			t.Fatalf("%q: NormalizeLabel result %q is not normalised text", label, n)
		}
	})
}

// fuzzLimits keep one fuzz input cheap: the fuzzer should explore the
// parsers, not the limits already covered by the hostile corpus.
var fuzzLimits = xlsx.Limits{MaxBytes: 1 << 20, UnzipSize: 4 << 20, UnzipXMLSize: 2 << 20, MaxSheets: 16,
	MaxRows: 500, MaxCols: 64, MaxCells: 20000}

// checkRead asserts what Read promises for any input: no panic (the fuzzer
// reports one), a coded error with a Chinese message and never EInternal,
// or a workbook whose findings are well formed.
func checkRead(t *testing.T, data []byte) {
	var wb *model.Workbook
	var book *xlsx.Book
	var err error
	hostile.Bounded("Read", 20*time.Second, 512<<20, func() {
		wb, book, err = Read(bytes.NewReader(data), Options{Limits: fuzzLimits})
	})
	if book != nil {
		defer book.Close()
	}
	if err != nil {
		var me *model.Error
		if !errors.As(err, &me) {
			t.Fatalf("uncoded error: %v", err)
		}
		if me.Code == model.EInternal || me.Message == "" {
			t.Fatalf("error %s with message %q: %v", me.Code, me.Message, err)
		}
		return
	}
	if wb == nil || wb.Findings == nil || len(wb.Tables) == 0 {
		t.Fatalf("read without error but workbook %v", wb)
	}
	for _, fd := range wb.Findings {
		switch fd.Severity {
		case model.SevError, model.SevWarning, model.SevInfo:
		default:
			t.Fatalf("finding with severity %q: %+v", fd.Severity, fd)
		}
		if fd.Rule == "" || fd.Message == "" {
			t.Fatalf("malformed finding %+v", fd)
		}
	}
}

// corpusSeeds returns the hostile corpus files that are quick to build and
// small enough to mutate usefully; the bombs are rejected from their
// headers and would add nothing.
func corpusSeeds() [][]byte {
	var out [][]byte
	for _, c := range hostile.Corpus() {
		if c.Big {
			continue
		}
		if b := c.Bytes(); len(b) <= 64<<10 {
			out = append(out, b)
		}
	}
	return append(out, hostile.Good())
}

func FuzzRead(f *testing.F) {
	for _, b := range corpusSeeds() {
		f.Add(b)
	}
	f.Fuzz(checkRead)
}

// FuzzReadSheetXML replaces the first sheet of Case A with the input, so
// mutations reach the sheet XML parser instead of failing zip checksums.
func FuzzReadSheetXML(f *testing.F) {
	part := hostile.SheetPart(0)
	f.Add(hostile.Part(part))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>收入支出决算总表</t></is></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row><c r="XFD1048576"><v>1</v></c></row></sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row><c t="s"><v>4294967296</v></c><c r="$A$1"><f>SUM(A2:A3)</f></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, sheet []byte) {
		checkRead(t, hostile.WithPart(part, sheet))
	})
}

func FuzzReadSharedStrings(f *testing.F) {
	f.Add(hostile.Part("xl/sharedStrings.xml"))
	f.Add([]byte(`<sst><si><t>a</t><rPh><t>b</t></rPh></si><si><r><t>收入</t></r><r><t>支出</t></r></si></sst>`))
	f.Fuzz(func(t *testing.T, sst []byte) {
		checkRead(t, hostile.WithPart("xl/sharedStrings.xml", sst))
	})
}
