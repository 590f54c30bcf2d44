package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func writeUnitCase(t *testing.T, path, unit string, broken bool) {
	t.Helper()
	d := templates.CaseA()
	if unit != "" {
		d.UnitName = unit
	}
	if broken {
		row := d.Values[model.T09]["三公经费"]
		row["决算数/公务接待费"] = decimal.RequireFromString(row["决算数/公务接待费"]).Add(decimal.NewFromInt(1)).StringFixed(2)
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, templates.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBatchExitCodes(t *testing.T) {
	clean, bad, junk, mixed := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	writeUnitCase(t, filepath.Join(clean, "a.xlsx"), "", false)
	writeUnitCase(t, filepath.Join(bad, "b.xlsx"), "乙", true)
	os.WriteFile(filepath.Join(junk, "x.csv"), []byte("no"), 0o644)
	writeUnitCase(t, filepath.Join(mixed, "a.xlsx"), "", false)
	os.WriteFile(filepath.Join(mixed, "x.csv"), []byte("no"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"clean", []string{clean}, exitOK},
		{"errors", []string{bad}, exitFindings},
		{"unreadable only", []string{junk}, exitInput},
		{"one unreadable", []string{mixed}, exitFindings},
		{"options after paths", []string{"--report-only", clean, "-j", "1"}, exitOK},
		{"no paths", nil, exitInput},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"batch", "-o", filepath.Join(t.TempDir(), "out")}, tc.args...)
		if got := run(args, &out, &errb); got != tc.want {
			t.Errorf("%s: exit %d, want %d\n%s%s", tc.name, got, tc.want, out.String(), errb.String())
		}
		// stdout is a buffer, not a terminal: plain lines, no carriage returns.
		if strings.Contains(out.String(), "\r") {
			t.Errorf("%s: progress bar drawn on a non-terminal", tc.name)
		}
	}
}

// writeHalf writes Case A's 60 % part (first) or the rest, so the two
// add back to Case A exactly.
func writeHalf(t *testing.T, path, unit string, first bool) {
	t.Helper()
	d := templates.CaseA()
	d.UnitName = unit
	six := decimal.RequireFromString("0.6")
	for _, rows := range d.Values {
		for _, cols := range rows {
			for k, s := range cols {
				v := decimal.RequireFromString(s)
				p := v.Mul(six).Round(2)
				if !first {
					p = v.Sub(p)
				}
				cols[k] = p.StringFixed(2)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, templates.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestConsolidateCommand(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.xlsx"), filepath.Join(dir, "b.xlsx")
	writeHalf(t, a, "某局机关", true)
	writeHalf(t, b, "某局中心", false)
	dept := filepath.Join(dir, "dept.xlsx")
	var out, errb bytes.Buffer
	if code := run([]string{"consolidate", "-o", dept, a, b}, &out, &errb); code != exitOK {
		t.Fatalf("consolidate: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "已汇总 2 个单位") {
		t.Errorf("output %q", out.String())
	}
	out.Reset()
	if code := run([]string{"consolidate", "--against", dept, a, b}, &out, &errb); code != exitOK {
		t.Errorf("against its own sum: exit %d\n%s", code, out.String())
	}
	out.Reset()
	// Two whole copies of Case A: their 0.01 尾差 add up, so
	// the department passes only with the tolerance scaled by --parts.
	full1, full2 := filepath.Join(dir, "full1.xlsx"), filepath.Join(dir, "full2.xlsx")
	for _, a := range [][]string{{"sample", "-o", full1}, {"sample", "-o", full2}} {
		if code := run(a, &out, &errb); code != exitOK {
			t.Fatalf("%v: exit %d %s", a, code, errb.String())
		}
	}
	dept2 := filepath.Join(dir, "dept2.xlsx")
	// The same file twice is refused; two files of one unit are summed with a note.
	errb.Reset()
	if code := run([]string{"consolidate", "-o", dept2, full1, full1}, &out, &errb); code != exitInput || !strings.Contains(errb.String(), "同一个文件") {
		t.Errorf("same file twice: exit %d %q", code, errb.String())
	}
	errb.Reset()
	out.Reset()
	if code := run([]string{"consolidate", "-o", dept2, full1, full2}, &out, &errb); code != exitOK {
		t.Fatalf("consolidate two Case A: exit %d\n%s", code, out.String())
	}
	if !strings.Contains(errb.String(), "单位名称相同") {
		t.Errorf("two files of one unit: no note in %q", errb.String())
	}
	if !strings.Contains(out.String(), "--parts 2") {
		t.Errorf("consolidate does not tell how to re-check: %q", out.String())
	}
	if code := run([]string{"check", "--parts", "2", dept2}, &out, &errb); code != exitOK {
		t.Errorf("check --parts 2 of the department: exit %d", code)
	}
	if code := run([]string{"check", dept2}, &out, &errb); code != exitFindings {
		t.Errorf("check of the department without --parts: exit %d, want the accumulated 尾差 reported", code)
	}
	out.Reset()
	// Against one unit alone: every amount is 60 % of the sum.
	if code := run([]string{"consolidate", "--against", a, a, b}, &out, &errb); code != exitFindings {
		t.Errorf("against a half: exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "处不一致") {
		t.Errorf("output %q", out.String())
	}
}

// TestBatchProgress: batch counts the files before it starts, so every
// progress line has the final total (no "53/55+" growing with the walk)
// and the terminal bar shows the count, a rate and the time left.
func TestBatchProgress(t *testing.T) {
	in := t.TempDir()
	for i := range 14 {
		writeUnitCase(t, filepath.Join(in, fmt.Sprintf("子目录/%02d.xlsx", i)), "", false)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"batch", "-j", "1", "--report-only", "-o", filepath.Join(t.TempDir(), "out"), in}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	var lines []string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "[") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 14 {
		t.Fatalf("%d progress lines, want 14:\n%s", len(lines), out.String())
	}
	for i, l := range lines {
		// Paths relative to the folder given, as 汇总.xlsx shows them.
		want := fmt.Sprintf("[%d/14] 子目录/%02d.xlsx：", i+1, i)
		if !strings.HasPrefix(l, want) {
			t.Errorf("line %d = %q, want it to start with %q", i, l, want)
		}
	}

	// The bar as a terminal shows it, fed by a real run.
	var term bytes.Buffer
	p := &progress{w: &term, tty: true}
	if _, err := batch.RunDir(context.Background(), []string{in}, filepath.Join(t.TempDir(), "out"),
		batch.Options{Jobs: 1, ReportOnly: true, Progress: p.update}); err != nil {
		t.Fatal(err)
	}
	p.done()
	screen := term.String()
	for _, want := range []string{"(14/14,", "个/s", "有错误 0 无法读取 0", "100%"} {
		if !strings.Contains(screen, want) {
			t.Errorf("bar lacks %q:\n%q", want, screen)
		}
	}
	if strings.Contains(screen, "/14+") || strings.Contains(screen, "+)") {
		t.Errorf("bar shows a growing total: %q", screen)
	}
	// [elapsed:left], the time left from the first redraw on.
	if !regexp.MustCompile(`\[\d+s:\d+s\]`).MatchString(screen) {
		t.Errorf("bar has no time left: %q", screen)
	}
}

// TestConsolidateNaming: the result is named after the department (the
// units' common name, or --name), never after the first unit, and a single
// unit is not told to re-check with --parts 1.
func TestConsolidateNaming(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	a, b := filepath.Join(dir, "a.xlsx"), filepath.Join(dir, "b.xlsx")
	writeHalf(t, a, "某局机关", true)
	writeHalf(t, b, "某局应急救援中心", false)
	for _, tc := range []struct {
		name   string
		args   []string
		file   string
		stdout []string
		not    []string
	}{
		{"common name", []string{a, b}, "某局.汇总.xlsx", []string{"已汇总 2 个单位 → 某局.汇总.xlsx（某局）", "--parts 2"}, []string{"某局机关（汇总）"}},
		{"--name", []string{"--name", "某某市某局", a, b}, "某某市某局.汇总.xlsx", []string{"（某某市某局）"}, nil},
		{"one unit", []string{a}, "某局机关.汇总.xlsx", []string{"已汇总 1 个单位"}, []string{"--parts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(append([]string{"consolidate"}, tc.args...), &out, &errb); code != exitOK {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
			}
			if _, err := os.Stat(filepath.Join(dir, tc.file)); err != nil {
				t.Errorf("result not named %s: %v\n%s", tc.file, err, out.String())
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range tc.not {
				if strings.Contains(out.String(), s) {
					t.Errorf("stdout has %q:\n%s", s, out.String())
				}
			}
		})
	}
}
