package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/hostile"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// fillTestFile writes a sample (derived cells blank when omit) to dir/name.
func fillTestFile(t *testing.T, dir, name string, d *templates.Data, omit bool) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, templates.Options{OmitDerived: omit}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFillCommand(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	typed := fillTestFile(t, dir, "录入.xlsx", templates.CaseA(), true)
	broken := templates.CaseA()
	broken.Values[model.T01]["本年收入合计"] = map[string]string{"决算数": "5000.00"}
	brokenPath := fillTestFile(t, dir, "broken.xlsx", broken, false)
	junk := filepath.Join(dir, "junk.xlsx")
	if err := os.WriteFile(junk, []byte("not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  []string // substrings
		outFile string   // must exist afterwards
	}{
		{"sample", []string{"fill"}, exitOK, []string{"已输出：昌吉回族自治州应急管理局（sample）.审核.xlsx", "错误 0 条", "补填 "}, "昌吉回族自治州应急管理局（sample）.审核.xlsx"},
		{"file default out", []string{"fill", typed}, exitOK, []string{"昌吉回族自治州应急管理局（录入）.审核.xlsx", "补填 "}, filepath.Join(dir, "昌吉回族自治州应急管理局（录入）.审核.xlsx")},
		// --exact turns Case A's published 尾差 into errors.
		{"flags after file", []string{"fill", typed, "-o", "x.xlsx", "--exact"}, exitFindings, []string{"已输出：x.xlsx", "尾差 0 条"}, "x.xlsx"},
		{"errors", []string{"fill", brokenPath}, exitFindings, []string{"错误 "}, filepath.Join(dir, "昌吉回族自治州应急管理局（broken）.审核.xlsx")},
		{"overwrite", []string{"fill", "--overwrite", brokenPath, "-o", "fixed.xlsx"}, exitOK, []string{"已替换", "5,000.00 →"}, "fixed.xlsx"},
		{"junk", []string{"fill", junk}, exitInput, nil, ""},
		{"missing", []string{"fill", filepath.Join(dir, "nope.xlsx")}, exitInput, nil, ""},
		{"two files", []string{"fill", typed, typed}, exitInput, nil, ""},
		{"bad flag", []string{"fill", "--nope"}, exitInput, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			if tc.code == exitInput && errb.Len() == 0 {
				t.Error("no message on stderr")
			}
			if tc.outFile != "" {
				if st, err := os.Stat(tc.outFile); err != nil || st.Size() == 0 {
					t.Errorf("output %s: %v", tc.outFile, err)
				}
			}
		})
	}
}

func TestFillCommandJSON(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	if code := run([]string{"fill", "--json"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep model.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, out.String())
	}
	if rep.Status == "fail" || len(rep.Fills) == 0 || rep.Summary.Filled != len(rep.Fills) {
		t.Errorf("report status %s, %d fills", rep.Status, len(rep.Fills))
	}
	for _, f := range rep.Fills {
		if f.Sheet == "" || f.Cell == "" || f.Value == "" || f.Rule == "" {
			t.Errorf("incomplete fill %+v", f)
		}
	}
	if !strings.Contains(errb.String(), "昌吉回族自治州应急管理局（sample）.审核.xlsx") {
		t.Errorf("output location not reported on stderr: %s", errb.String())
	}
	// -o - writes the workbook to stdout.
	out.Reset()
	errb.Reset()
	if code := run([]string{"fill", "-o", "-"}, &out, &errb); code != exitOK || !bytes.HasPrefix(out.Bytes(), []byte("PK")) {
		t.Errorf("-o -: exit %d, %d bytes, stderr %s", code, out.Len(), errb.String())
	}
}

// TestFillOutputSafety: the output never replaces the input, a device or a
// symlink itself; a symlink is written through to its target.
func TestFillOutputSafety(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "单位.xlsx")
	var out, errb bytes.Buffer
	if code := run([]string{"sample", "-o", in}, &out, &errb); code != exitOK {
		t.Fatalf("sample: %d %s", code, errb.String())
	}
	orig, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}

	// -o naming the input (also through another spelling of the path).
	for _, o := range []string{in, filepath.Join(dir, ".", "单位.xlsx")} {
		errb.Reset()
		if code := run([]string{"fill", "--overwrite", "-o", o, in}, &out, &errb); code != exitInput {
			t.Errorf("-o %s: exit %d, want %d", o, code, exitInput)
		}
		if !strings.Contains(errb.String(), "不能与输入文件相同") {
			t.Errorf("-o %s: message %q", o, errb.String())
		}
	}
	if now, _ := os.ReadFile(in); !bytes.Equal(now, orig) {
		t.Fatal("the input file was changed")
	}

	// A directory (stands for any non-regular file, e.g. /dev/null) is refused.
	sub := filepath.Join(dir, "目录.xlsx")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run([]string{"fill", "-o", sub, in}, &out, &errb); code != exitInput || !strings.Contains(errb.String(), "不是普通文件") {
		t.Errorf("directory target: exit %d, %q", code, errb.String())
	}

	// A symlink is written through: the link stays a link, its target gets the workbook.
	target := filepath.Join(dir, "真实.xlsx")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "链接.xlsx")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"fill", "-o", link, in}, &out, &errb); code != exitOK {
		t.Fatalf("symlink target: exit %d %s", code, errb.String())
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
	fi, err := os.Stat(target)
	if err != nil || fi.Size() < 1000 || fi.Mode().Perm() != 0o600 {
		t.Errorf("target after write: %v %v (want the workbook, mode 0600 kept)", fi, err)
	}
}

// TestFillOutputName: fill names its result 单位名（文件名）.审核.xlsx, the
// scheme batch and the API share (model.ResultName), beside the input.
func TestFillOutputName(t *testing.T) {
	dir := t.TempDir()
	noUnit := templates.CaseA()
	noUnit.UnitName = ""
	macro := filepath.Join(dir, "宏.xlsm")
	for _, c := range hostile.Corpus() {
		if c.Name == "xlsm" {
			if err := os.WriteFile(macro, c.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unit and file", []string{"fill", fillTestFile(t, dir, "决算2024.xlsx", templates.CaseA(), true)}, "昌吉回族自治州应急管理局（决算2024）.审核.xlsx"},
		{"file named after the unit", []string{"fill", fillTestFile(t, dir, "昌吉回族自治州应急管理局.xlsx", templates.CaseA(), true)}, "昌吉回族自治州应急管理局.审核.xlsx"},
		{"no unit printed", []string{"fill", fillTestFile(t, dir, "无单位.xlsx", noUnit, true)}, "无单位.审核.xlsx"},
		{"clean copy", []string{"fill", "--clean", fillTestFile(t, dir, "报送用.xlsx", templates.CaseA(), true)}, "昌吉回族自治州应急管理局（报送用）.报送.xlsx"},
		{"xlsm stays xlsm", []string{"fill", macro}, "昌吉回族自治州应急管理局（宏）.审核.xlsm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != exitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			want := filepath.Join(dir, tc.want)
			if !strings.Contains(out.String(), "已输出："+want+"\n") {
				t.Errorf("stdout does not name %s:\n%s", want, out.String())
			}
			if _, err := os.Stat(want); err != nil {
				t.Error(err)
			}
		})
	}
}
