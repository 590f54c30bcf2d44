package batch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
)

// inbox builds the folder of a finance bureau's inbox: good, bad and odd
// files, a duplicate unit and a zip in a zip.
func inbox(t *testing.T) (dir string, want []string) {
	dir = filepath.Join(t.TempDir(), "收件箱")
	a := book(t, false, "", false, templates.Options{})
	writeFile(t, filepath.Join(dir, "a.xlsx"), a)
	writeFile(t, filepath.Join(dir, "b.xlsx"), book(t, false, "乙单位", true, templates.Options{Style: model.StyleShanghai}))
	writeFile(t, filepath.Join(dir, "broken.xlsx"), a[:len(a)/2])
	writeFile(t, filepath.Join(dir, "说明.csv"), []byte("这不是工作簿"))
	writeFile(t, filepath.Join(dir, "sub", "dup.xlsx"), a)
	writeFile(t, filepath.Join(dir, "~$a.xlsx"), []byte("lock"))
	writeFile(t, filepath.Join(dir, ".DS_Store"), []byte("junk"))
	inner := zipOf(t, entry{"c.xlsx", book(t, true, "", false, templates.Options{})})
	writeFile(t, filepath.Join(dir, "nested.zip"), zipOf(t,
		entry{"inner.zip", inner},
		entry{"d/e.xlsx", book(t, false, "丙单位", false, templates.Options{Unit: model.Yuan})},
		entry{"__MACOSX/d/._e.xlsx", []byte("fork")},
	))
	// Walk order: folder entries by name, archive entries by name.
	want = []string{"a.xlsx", "b.xlsx", "broken.xlsx", "nested.zip/d/e.xlsx", "nested.zip/inner.zip/c.xlsx", "sub/dup.xlsx", "说明.csv"}
	for i, w := range want {
		want[i] = filepath.Join(dir, w)
	}
	return dir, want
}

func TestRunDirInbox(t *testing.T) {
	in, want := inbox(t)
	out := filepath.Join(t.TempDir(), "out")
	var seen []Progress
	st, err := RunDir(context.Background(), []string{in}, out, Options{Jobs: 3, Progress: func(p Progress) { seen = append(seen, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 7 || st.Read != 5 || st.Unreadable != 2 || st.Failing < 1 {
		t.Fatalf("stats %+v", st)
	}
	if len(seen) != 7 || seen[6].Done != 7 {
		t.Errorf("progress %+v", seen)
	}
	// Counted before the first file: the total is fixed from the start
	// (no "3/5+" growing as the walk goes).
	for i, p := range seen {
		if p.Total != 7 || !p.TotalFinal || p.Done != i+1 {
			t.Errorf("progress %d: %d/%d final=%v, want %d/7 final", i, p.Done, p.Total, p.TotalFinal, i+1)
		}
	}
	f, err := os.Open(filepath.Join(out, ResultsName))
	if err != nil {
		t.Fatal(err)
	}
	recs := parseNDJSON(t, f)
	f.Close()
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	byFile := map[string]Record{}
	for i, r := range recs {
		if r.File != want[i] {
			t.Errorf("record %d is %s, want %s (input order)", i, r.File, want[i])
		}
		// 汇总.xlsx shows the path under the folder given, not the
		// machine's absolute path.
		if rel, _ := filepath.Rel(in, want[i]); r.Path != filepath.ToSlash(rel) {
			t.Errorf("record %d path %q, want %q", i, r.Path, filepath.ToSlash(rel))
		}
		byFile[filepath.Base(r.File)] = r
	}
	for _, name := range []string{"broken.xlsx", "说明.csv"} {
		r := byFile[name]
		if r.Error == nil || r.Report != nil || r.Error.Message == "" {
			t.Errorf("%s: %+v, want an error with a Chinese message", name, r)
			continue
		}
		if c := r.Error.Code; c != model.ECorrupt && c != model.ENotXLSX {
			t.Errorf("%s: code %s", name, c)
		}
	}
	a, dup := byFile["a.xlsx"], byFile["dup.xlsx"]
	if a.Unit != "昌吉回族自治州应急管理局" || a.Output != "昌吉回族自治州应急管理局（a）.审核.xlsx" {
		t.Errorf("a.xlsx: unit %q output %q", a.Unit, a.Output)
	}
	if dup.DuplicateOf != a.File || dup.Output != "昌吉回族自治州应急管理局（dup）.审核.xlsx" {
		t.Errorf("dup.xlsx: duplicate_of %q output %q", dup.DuplicateOf, dup.Output)
	}
	if b := byFile["b.xlsx"]; b.Report == nil || b.Report.Summary.Errors == 0 {
		t.Errorf("b.xlsx: injected error not found: %+v", b.Report)
	}
	for _, r := range recs {
		if r.Report == nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(out, r.Output)); err != nil {
			t.Errorf("%s: annotated copy: %v", r.File, err)
		}
	}
	sf, err := os.Open(filepath.Join(out, SummaryName))
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	checkSummary(t, recs, readSummary(t, sf), true)
	sum := readSummary(t, mustOpen(t, filepath.Join(out, SummaryName)))["汇总"].Rows
	if note := cell(sum, 6, 12); !strings.Contains(note, "重复") {
		t.Errorf("duplicate row note %q", note)
	}
	if got := cell(sum, 1, 8); got != "4126.63" {
		t.Errorf("收入总计 of a.xlsx = %q", got)
	}
	// 丙单位 is printed in 元: the summary shows 万元.
	if got := cell(sum, 4, 8); got != "4126.63" {
		t.Errorf("收入总计 of 丙单位 (元) = %q, want 4126.63 万元", got)
	}
}

func mustOpen(t *testing.T, p string) *os.File {
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// checkSummary proves the summary's counts are the per-file reports'.
func checkSummary(t *testing.T, recs []Record, sheets map[string]xlsxtest.SheetRows, links bool) {
	t.Helper()
	rows := sheets["汇总"].Rows
	if len(rows) != len(recs)+2 {
		t.Fatalf("汇总 has %d rows, want header + %d + total", len(rows), len(recs))
	}
	var errs, warns, infos, filled int
	for i, r := range recs {
		row := rows[i+1]
		if got := cell(rows, i+1, 2); got != r.shown() {
			t.Errorf("汇总 row %d file %q, want %q", i+1, got, r.shown())
		}
		if r.Error != nil {
			if cell(rows, i+1, 3) != "无法读取" || !strings.Contains(cell(rows, i+1, 12), r.Error.Message) {
				t.Errorf("汇总 row %d: %v, want 无法读取 and %q", i+1, row, r.Error.Message)
			}
			continue
		}
		if r.Report == nil && r.Narrative != nil { // a narrative no workbook was paired with
			if cell(rows, i+1, 3) != msgOnlyNarrative {
				t.Errorf("汇总 row %d: %v, want %s", i+1, row, msgOnlyNarrative)
			}
			continue
		}
		s := r.Report.Summary
		for j, want := range []int{s.Errors, s.Warnings, s.Infos, s.Filled} {
			if got := cell(rows, i+1, 4+j); got != strconv.Itoa(want) {
				t.Errorf("汇总 row %d column %d = %q, report says %d", i+1, 5+j, got, want)
			}
		}
		if got, want := cell(rows, i+1, 3), statusText(string(r.Report.Status)); got != want {
			t.Errorf("汇总 row %d status %q, want %q", i+1, got, want)
		}
		if got := cell(rows, i+1, 1); got != r.Unit {
			t.Errorf("汇总 row %d unit %q, want %q", i+1, got, r.Unit)
		}
		errs, warns, infos, filled = errs+s.Errors, warns+s.Warnings, infos+s.Infos, filled+s.Filled
	}
	last := len(rows) - 1
	for j, want := range []int{errs, warns, infos, filled} {
		if got := cell(rows, last, 4+j); got != strconv.Itoa(want) {
			t.Errorf("汇总 total column %d = %q, want %d", 5+j, got, want)
		}
	}

	// 规则矩阵: every unit's count per rule is its report's.
	m := sheets["规则矩阵"].Rows
	col := map[string]int{}
	for j, id := range m[0][2:] {
		col[id] = j + 2
	}
	mr := 2
	for _, r := range recs {
		if r.Report == nil {
			continue
		}
		want := map[string]int{}
		for _, f := range r.Report.Findings {
			if f.Severity != model.SevInfo {
				want[f.Rule]++
			}
		}
		if cell(m, mr, 1) != r.shown() {
			t.Fatalf("规则矩阵 row %d is %q, want %q", mr, cell(m, mr, 1), r.shown())
		}
		for id, n := range want {
			if got := cell(m, mr, col[id]); got != strconv.Itoa(n) {
				t.Errorf("规则矩阵 %s × %s = %q, want %d", r.File, id, got, n)
			}
		}
		for id, c := range col {
			if want[id] == 0 && cell(m, mr, c) != "" {
				t.Errorf("规则矩阵 %s × %s = %q, want empty", r.File, id, cell(m, mr, c))
			}
		}
		mr++
	}

	// 错误明细: one row per error finding, linked to the annotated copy.
	d := sheets["错误明细"]
	if len(d.Rows)-1 != errs {
		t.Errorf("错误明细 has %d rows, reports have %d errors", len(d.Rows)-1, errs)
	}
	byFile := map[string]Record{}
	for _, r := range recs {
		byFile[r.shown()] = r
	}
	for i := 1; i < len(d.Rows); i++ {
		r := byFile[cell(d.Rows, i, 1)]
		if r.Report == nil {
			t.Fatalf("错误明细 row %d names %q", i, cell(d.Rows, i, 1))
		}
		ref := cell(d.Rows, i, 3)
		found := false
		for _, f := range r.Report.Findings {
			if f.Severity == model.SevError && f.Rule == cell(d.Rows, i, 2) && f.Sheet+"!"+f.Cell == ref {
				found = true
			}
			if f.Severity == model.SevError && f.Rule == cell(d.Rows, i, 2) && f.Narrative != nil && f.Cell == "" &&
				ref == fmt.Sprintf(msgNarrPlace, f.Narrative.Paragraph+1) {
				found = true
			}
		}
		if !found {
			t.Errorf("错误明细 row %d (%s %s) is no error of %s", i, cell(d.Rows, i, 2), ref, r.File)
		}
		a1 := fmt.Sprintf("D%d", i+1)
		fo := d.Formulas[a1]
		if links && strings.HasPrefix(ref, "说明第") {
			if fo != "" {
				t.Errorf("错误明细 %s: a narrative paragraph links to %q", a1, fo)
			}
		} else if links {
			sheet, c, _ := strings.Cut(ref, "!")
			want := fmt.Sprintf(`HYPERLINK("%s#%s!%s"`, r.Output, xlsx.QuoteSheet(sheet), c)
			if !strings.HasPrefix(fo, want) {
				t.Errorf("错误明细 %s formula %q, want prefix %q", a1, fo, want)
			}
		} else if fo != "" {
			t.Errorf("错误明细 %s: link %q without an annotated copy", a1, fo)
		}
	}
}

func TestRunDirReportOnly(t *testing.T) {
	in, want := inbox(t)
	out := filepath.Join(t.TempDir(), "out")
	st, err := RunDir(context.Background(), []string{in}, out, Options{Jobs: 2, ReportOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != len(want) {
		t.Fatalf("stats %+v", st)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 2 {
		t.Errorf("report-only wrote %d files, want 汇总.xlsx and results.ndjson", len(ents))
	}
	recs := parseNDJSON(t, mustOpen(t, filepath.Join(out, ResultsName)))
	for _, r := range recs {
		if r.Output != "" {
			t.Errorf("%s: output %q in report-only", r.File, r.Output)
		}
	}
	checkSummary(t, recs, readSummary(t, mustOpen(t, filepath.Join(out, SummaryName))), false)
}

func TestRunDirOutputInsideInput(t *testing.T) {
	in := t.TempDir()
	writeFile(t, filepath.Join(in, "a.xlsx"), book(t, false, "", false, templates.Options{}))
	out := filepath.Join(in, "结果")
	for run := 0; run < 2; run++ { // a second run must not audit the first run's outputs
		st, err := RunDir(context.Background(), []string{in}, out, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Files != 1 {
			t.Fatalf("run %d: %d files, want 1", run, st.Files)
		}
	}
}

func TestRunDirPrior(t *testing.T) {
	in, prior := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(in, "2024年甲局决算.xlsx"), book(t, false, "甲局", false, templates.Options{}))
	writeFile(t, filepath.Join(in, "乙局.xlsx"), book(t, false, "乙局", false, templates.Options{}))
	writeFile(t, filepath.Join(in, "丙局.xlsx"), book(t, false, "丙局", false, templates.Options{}))
	writeFile(t, filepath.Join(prior, "2023年甲局决算.xlsx"), book(t, false, "甲局", false, templates.Options{}))
	writeFile(t, filepath.Join(prior, "x.xlsx"), book(t, false, "乙局", false, templates.Options{}))
	out := t.TempDir()
	if _, err := RunDir(context.Background(), []string{in}, out, Options{PriorDir: prior, ReportOnly: true}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range parseNDJSON(t, mustOpen(t, filepath.Join(out, ResultsName))) {
		got[r.Unit] = filepath.Base(r.Prior)
	}
	want := map[string]string{"甲局": "2023年甲局决算.xlsx", "乙局": "x.xlsx", "丙局": "."}
	for u, w := range want {
		if got[u] != w {
			t.Errorf("%s: prior %q, want %q", u, got[u], w)
		}
	}
}

func TestRunDirNothing(t *testing.T) {
	_, err := RunDir(context.Background(), nil, t.TempDir(), Options{})
	if model.ErrorCode(err) != model.EInvalid {
		t.Errorf("no paths: %v", err)
	}
	st, err := RunDir(context.Background(), []string{filepath.Join(t.TempDir(), "missing")}, t.TempDir(), Options{})
	if err != nil || st.Read != 0 || st.Unreadable != 1 {
		t.Errorf("missing path: %+v %v", st, err)
	}
}

func TestCleanName(t *testing.T) {
	gbk := string([]byte{0xb2, 0xe2, 0xca, 0xd4}) // 测试 in GBK
	for _, tc := range []struct{ in, want string }{
		{"../../evil.xlsx", "evil.xlsx"},
		{"/etc/passwd", "etc/passwd"},
		{`C:\Users\a\b.xlsx`, "Users/a/b.xlsx"},
		{"a/./b/../c.xlsx", "a/c.xlsx"},
		{gbk + ".xlsx", "测试.xlsx"},
		{"x\x00y.xlsx", "xy.xlsx"},
		{"../", ""},
	} {
		got, ok := CleanName(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("CleanName(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestRunDirCancelled(t *testing.T) {
	in := t.TempDir()
	a := book(t, false, "", false, templates.Options{})
	for i := 0; i < 12; i++ {
		writeFile(t, filepath.Join(in, fmt.Sprintf("%02d.xlsx", i)), a)
	}
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := RunDir(ctx, []string{in}, out, Options{Jobs: 1, ReportOnly: true, Progress: func(p Progress) {
		if p.Done == 2 {
			cancel()
		}
	}})
	if model.ErrorCode(err) != model.ETimeout || st == nil {
		t.Fatalf("cancelled run: %+v, %v", st, err)
	}
	if st.Files < 2 || st.Files >= 12 {
		t.Errorf("%d files committed, want the ones before the cancel", st.Files)
	}
	recs := parseNDJSON(t, mustOpen(t, filepath.Join(out, ResultsName)))
	if len(recs) != st.Files {
		t.Errorf("%d records for %d files", len(recs), st.Files)
	}
	checkSummary(t, recs, readSummary(t, mustOpen(t, filepath.Join(out, SummaryName))), false)
}

// shown is the 文件 column of 汇总.xlsx for r.
func (r Record) shown() string {
	if r.Path != "" {
		return r.Path
	}
	return r.File
}

// TestProgressTotalCounted: the total the progress reports is counted
// before the first file and is the run's own number of files — of this
// shard only in a sharded run, without the output folder, litter skipped.
func TestProgressTotalCounted(t *testing.T) {
	in, _ := inbox(t)
	// More files than the pool's window (4×jobs+4): without the count the
	// walk is still running when the first file is committed.
	many := t.TempDir()
	a := book(t, false, "", false, templates.Options{})
	for i := range 30 {
		writeFile(t, filepath.Join(many, fmt.Sprintf("%02d.xlsx", i)), a)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		out   string
		opt   Options
	}{
		{"more files than the window", []string{many}, t.TempDir(), Options{}},
		{"shard 0/2", []string{in}, t.TempDir(), Options{Shard: Shard{0, 2}}},
		{"shard 1/2", []string{in}, t.TempDir(), Options{Shard: Shard{1, 2}}},
		{"output inside the input", []string{in}, filepath.Join(in, "审核结果"), Options{}},
		{"a file and a folder", []string{filepath.Join(in, "a.xlsx"), filepath.Join(in, "sub")}, t.TempDir(), Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen []Progress
			tc.opt.Jobs, tc.opt.ReportOnly = 1, true
			tc.opt.Progress = func(p Progress) { seen = append(seen, p) }
			st, err := RunDir(context.Background(), tc.paths, tc.out, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != st.Files {
				t.Fatalf("%d progress calls, %d files", len(seen), st.Files)
			}
			for i, p := range seen {
				if p.Total != st.Files || !p.TotalFinal {
					t.Errorf("progress %d: total %d final=%v, want %d from the start", i, p.Total, p.TotalFinal, st.Files)
				}
			}
		})
	}
}

// TestSummaryUnitEveryStyle: 单位名称 in 汇总.xlsx and results.ndjson is read
// in every style, a Shanghai workbook's included, and the copy is named
// 单位名（文件名）.审核.xlsx.
func TestSummaryUnitEveryStyle(t *testing.T) {
	in := t.TempDir()
	writeFile(t, filepath.Join(in, "mof.xlsx"), book(t, false, "", false, templates.Options{}))
	writeFile(t, filepath.Join(in, "shanghai.xlsx"), book(t, true, "", false, templates.Options{Style: model.StyleShanghai}))
	out := t.TempDir()
	if _, err := RunDir(context.Background(), []string{in}, out, Options{Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, filepath.Join(out, ResultsName))
	recs := parseNDJSON(t, f)
	f.Close()
	want := map[string][2]string{
		"mof.xlsx":      {"昌吉回族自治州应急管理局", "昌吉回族自治州应急管理局（mof）.审核.xlsx"},
		"shanghai.xlsx": {"中共上海市普陀区委社会工作部", "中共上海市普陀区委社会工作部（shanghai）.审核.xlsx"},
	}
	for _, r := range recs {
		w := want[r.Path]
		if r.Unit != w[0] || r.Output != w[1] {
			t.Errorf("%s: unit %q output %q, want %q %q", r.Path, r.Unit, r.Output, w[0], w[1])
		}
	}
	rows := readSummary(t, mustOpen(t, filepath.Join(out, SummaryName)))["汇总"].Rows
	if got := cell(rows, 2, 1); got != "中共上海市普陀区委社会工作部" {
		t.Errorf("汇总 单位名称 of the Shanghai workbook = %q", got)
	}
}
