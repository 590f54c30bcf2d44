package audit

import (
	"bytes"
	"context"
	"errors"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
	"github.com/shopspring/decimal"
)

type sample struct {
	name  string
	data  func() *templates.Data
	style model.Style
}

var samples = []sample{
	{"CaseA/mof", templates.CaseA, model.StyleMOF},
	{"CaseA/shanghai", templates.CaseA, model.StyleShanghai},
	{"CaseC/mof", templates.CaseC, model.StyleMOF},
	{"CaseC/shanghai", templates.CaseC, model.StyleShanghai},
}

// workbook writes a sample as xlsx bytes and returns the writer's model.
func workbook(t testing.TB, s sample, omit bool) ([]byte, *model.Workbook) {
	t.Helper()
	var buf bytes.Buffer
	wb, err := templates.Write(&buf, s.data(), templates.Options{Style: s.style, OmitDerived: omit})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), wb
}

func fillBytes(t testing.TB, in []byte, opt Options) ([]byte, *Result) {
	t.Helper()
	var out bytes.Buffer
	res, err := Fill(context.Background(), bytes.NewReader(in), &out, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), res
}

func snapshot(t testing.TB, data []byte) *xlsxtest.Snapshot {
	t.Helper()
	s, err := xlsxtest.TakeSnapshot(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Blank every derived cell: fill reproduces them, the result passes check,
// and the output differs from the input only by the listed fills and the
// marks (styles, notes) of the listed cells, plus the 审核结果 sheet.
func TestFillLosesNothing(t *testing.T) {
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			in, _ := workbook(t, sm, true)
			_, full := workbook(t, sm, false)
			out, res := fillBytes(t, in, Options{})
			rep := res.Report
			if rep.Summary.Errors != 0 || rep.Status == "fail" {
				t.Errorf("status %s, %d errors: %+v", rep.Status, rep.Summary.Errors, rep.Findings[0])
			}
			if len(rep.Fills) == 0 || rep.Summary.Filled != len(rep.Fills) {
				t.Fatalf("fills = %d (summary %d)", len(rep.Fills), rep.Summary.Filled)
			}
			filled := map[string]model.Fill{}
			for _, f := range rep.Fills {
				filled[f.Sheet+"!"+f.Cell] = f
				want := full.Cell(model.Key{Table: f.Table, Row: f.Row, Col: f.Col})
				if want == nil {
					t.Errorf("fill of a cell the sample does not have: %+v", f)
					continue
				}
				if d := decimal.RequireFromString(f.Value).Sub(want.Value).Abs(); d.GreaterThan(decimal.New(5, -2)) {
					t.Errorf("%s!%s filled %s, sample %s", f.Sheet, f.Cell, f.Value, want.Value)
				}
			}
			marked := map[string]bool{}
			for k := range filled {
				marked[k] = true
			}
			for _, f := range rep.Findings {
				marked[f.Sheet+"!"+f.Cell] = true
			}
			before, after := snapshot(t, in), snapshot(t, out)
			if got, want := strings.Join(after.Sheets, ","), strings.Join(before.Sheets, ",")+","+annotate.ResultsSheet; got != want {
				t.Errorf("sheets %q, want %q", got, want)
			}
			seenValue := map[string]bool{}
			for _, d := range before.Diff(after) {
				switch {
				case d.Where == "workbook" && d.What == "sheets":
				case strings.HasPrefix(d.Where, annotate.ResultsSheet):
				case d.What == "value":
					f, ok := filled[d.Where]
					if !ok || d.Old != "" || !sameNumber(d.New, f.Value) {
						t.Errorf("value changed at %s: %q -> %q (fill %+v)", d.Where, d.Old, d.New, f)
					}
					seenValue[d.Where] = true
				case (d.What == "style" || d.What == "fill" || d.What == "comment") && marked[d.Where]:
				default:
					t.Errorf("unexpected difference %s %s: %q -> %q", d.Where, d.What, d.Old, d.New)
				}
			}
			for k, f := range filled {
				if !seenValue[k] {
					t.Errorf("fill %s=%s not written", k, f.Value)
				}
				if c := after.Cells[k]; !strings.Contains(c.Fill, xlsx.MarkColor(xlsx.MarkFilled)) && !strings.Contains(c.Fill, xlsx.MarkColor(xlsx.MarkError)) && !strings.Contains(c.Fill, xlsx.MarkColor(xlsx.MarkWarning)) {
					t.Errorf("filled cell %s not marked: %s", k, c.Fill)
				}
			}
			// The annotated workbook read again: nothing left to fill, no errors.
			res2, err := Check(context.Background(), bytes.NewReader(out), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res2.Report.Summary.Errors != 0 || len(res2.Report.Fills) != 0 {
				t.Errorf("re-check: %d errors, %d fills", res2.Report.Summary.Errors, len(res2.Report.Fills))
			}
		})
	}
}

// A warning explained in the 审核说明 column stays explained on re-upload,
// and the report counts it; an earlier run's marks are replaced, not piled up.
func TestExplanationsSurviveRoundTrip(t *testing.T) {
	in, _ := workbook(t, samples[0], false)
	out, res := fillBytes(t, in, Options{})
	var warn *model.Finding
	for i, f := range res.Report.Findings {
		if f.Severity == model.SevWarning {
			warn = &res.Report.Findings[i]
			break
		}
	}
	if warn == nil {
		t.Fatal("Case A has no warning to explain")
	}
	if res.Report.Status != "warn" || res.Report.Summary.Explained != 0 {
		t.Fatalf("before: status %s, explained %d", res.Report.Status, res.Report.Summary.Explained)
	}
	const text = "安全监管项目含基本支出，已在说明中解释"
	lc := annotate.Layout.Columns
	typed, ok, err := xlsxtest.SetInRow(out, annotate.ResultsSheet, lc.Fingerprint, warn.Fingerprint, lc.Explanation, text)
	if err != nil || !ok {
		t.Fatalf("typing the explanation: %v %v", ok, err)
	}

	out2, res2 := fillBytes(t, typed, Options{})
	var got *model.Finding
	for i, f := range res2.Report.Findings {
		if f.Fingerprint == warn.Fingerprint {
			got = &res2.Report.Findings[i]
		}
	}
	if got == nil || !got.Explained || got.Explanation != text {
		t.Fatalf("finding after re-upload: %+v", got)
	}
	if s := res2.Report.Summary; s.Explained != s.Warnings || res2.Report.Status != "pass" {
		t.Errorf("summary %+v status %s, want all warnings explained and pass", s, res2.Report.Status)
	}
	// Third upload: the explanation is still there (it was written back).
	res3, err := Check(context.Background(), bytes.NewReader(out2), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res3.Report.Summary.Explained != res2.Report.Summary.Explained {
		t.Errorf("explained after second round trip = %d", res3.Report.Summary.Explained)
	}
	// Marks and notes were replaced, not stacked: same cells, one note each.
	s1, s2 := snapshot(t, out), snapshot(t, out2)
	for k, c := range s1.Comments {
		if s2.Comments[k] != c && !strings.Contains(s2.Comments[k], text) {
			t.Errorf("note %s changed on re-upload:\n%q\n%q", k, c, s2.Comments[k])
		}
		if strings.Count(s2.Comments[k], annotate.NoteMarker) != 1 {
			t.Errorf("note %s has %d juesuan parts", k, strings.Count(s2.Comments[k], annotate.NoteMarker))
		}
	}
	for k, c := range s1.Cells {
		if strings.HasPrefix(k, annotate.ResultsSheet) {
			continue
		}
		if s2.Cells[k].Fill != c.Fill || s2.Cells[k].XfNoFill != c.XfNoFill {
			t.Errorf("style of %s changed on re-upload", k)
		}
	}
}

func TestOverwriteListsReplacedValues(t *testing.T) {
	in, full := workbook(t, samples[0], false)
	// Break one derived total in the file: T01 本年收入合计 + 100.
	c := full.Cell(model.Key{Table: model.T01, Row: "本年收入合计", Col: "决算数"})
	b, err := xlsx.OpenBytes(in, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	wrong := c.Value.Add(decimal.NewFromInt(100))
	if err := b.SetNumber(c.Sheet, c.Addr, wrong, ""); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	b.Close()

	_, res := fillBytes(t, buf.Bytes(), Options{})
	if res.Report.Summary.Errors == 0 || len(res.Report.Fills) != 0 {
		t.Fatalf("without --overwrite: %d errors, fills %+v", res.Report.Summary.Errors, res.Report.Fills)
	}
	out, res := fillBytes(t, buf.Bytes(), Options{Overwrite: true})
	if len(res.Report.Fills) != 1 {
		t.Fatalf("overwrite fills = %+v", res.Report.Fills)
	}
	f := res.Report.Fills[0]
	if f.Sheet != c.Sheet || f.Cell != c.Addr || decimal.RequireFromString(f.Old).Cmp(wrong) != 0 {
		t.Errorf("fill %+v, want %s!%s old %s", f, c.Sheet, c.Addr, wrong)
	}
	if res.Report.Summary.Errors != 0 {
		t.Errorf("after overwrite: %d errors", res.Report.Summary.Errors)
	}
	after := snapshot(t, out)
	if v := after.Cells[c.Sheet+"!"+c.Addr].Value; !sameNumber(v, f.Value) {
		t.Errorf("cell holds %q, want %q", v, f.Value)
	}
	found := false
	for k, sc := range after.Cells {
		if strings.HasPrefix(k, annotate.ResultsSheet+"!") && strings.Contains(sc.Value, "原值 "+model.FormatAmountText(f.Old)) {
			found = true
		}
	}
	if !found {
		t.Errorf("审核结果 does not list the replaced value %s", f.Old)
	}
}

func TestErrorsAreCoded(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		code string
	}{
		{"empty", nil, model.ENotXLSX},
		{"text", []byte("hello, not a workbook"), model.ENotXLSX},
		{"xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), model.EXLS},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Fill(context.Background(), bytes.NewReader(c.in), &bytes.Buffer{}, Options{})
			var me *model.Error
			if !errors.As(err, &me) || me.Code != c.code || me.Message == "" {
				t.Errorf("err = %v, want code %s", err, c.code)
			}
		})
	}
	in, _ := workbook(t, samples[0], true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Check(ctx, bytes.NewReader(in), Options{}); model.ErrorCode(err) != model.ETimeout {
		t.Errorf("cancelled ctx: %v", err)
	}
	_, err := Check(context.Background(), bytes.NewReader(in), Options{Prior: bytes.NewReader([]byte("junk"))})
	if model.ErrorCode(err) != model.ENotXLSX || !strings.Contains(model.ErrorMessage(err), "上年") {
		t.Errorf("bad prior: %v", err)
	}
}

func TestPriorYear(t *testing.T) {
	in, _ := workbook(t, samples[0], true)
	prior, _ := workbook(t, samples[0], true)
	res, err := Check(context.Background(), bytes.NewReader(in), Options{Prior: bytes.NewReader(prior)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Fills) == 0 {
		t.Error("no fills with a prior year")
	}
}

// An independent reader (LibreOffice) opens the annotated sample: it finds
// the 审核结果 sheet's text and the table values, typed and filled.
func TestLibreOfficeReadsAnnotatedSample(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: soffice (libreoffice-calc-nogui) is required for this test")
		}
		t.Skip("soffice not installed (set CI=1 to make this a failure)")
	}
	in, wb := workbook(t, samples[0], true)
	out, res := fillBytes(t, in, Options{})
	dir := t.TempDir()
	src := filepath.Join(dir, "sample.审核.xlsx")
	if err := os.WriteFile(src, out, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A private profile: parallel runs do not share (or lock) one.
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "html", "--outdir", dir, src)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "sample.审核.html"))
	if err != nil {
		t.Fatal(err)
	}
	text := html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(raw), " "))
	text = regexp.MustCompile(`\s+`).ReplaceAllString(text, " ")
	want := []string{"决算公开表审核结果", "序号 级别 规则 表 单元格 说明 审核说明 应为 实为 差额 容差 指纹", "补填 " + itoa(len(res.Report.Fills)) + " 个单元格"}
	for _, f := range res.Report.Findings {
		want = append(want, f.Fingerprint)
	}
	// Typed values of the tables, as printed with the table's format.
	typed := 0
	for _, tb := range wb.Located() {
		for _, c := range tb.Cells() {
			if !c.Blank && typed < 40 {
				want = append(want, money(c.Value))
				typed++
			}
		}
	}
	for _, f := range res.Report.Fills {
		want = append(want, money(decimal.RequireFromString(f.Value)))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("LibreOffice output lacks %q", w)
		}
	}
}

func sameNumber(a, b string) bool {
	x, err1 := decimal.NewFromString(a)
	y, err2 := decimal.NewFromString(b)
	return err1 == nil && err2 == nil && x.Equal(y)
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }

// money formats like #,##0.00.
func money(d decimal.Decimal) string { return model.Thousands(d.StringFixed(2)) }

func BenchmarkFillAnnotate(b *testing.B) {
	in, _ := workbook(b, samples[0], true)
	b.ReportAllocs()
	for b.Loop() {
		var out bytes.Buffer
		if _, err := Fill(context.Background(), bytes.NewReader(in), &out, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	in, _ := workbook(b, samples[0], true)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(context.Background(), bytes.NewReader(in), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
