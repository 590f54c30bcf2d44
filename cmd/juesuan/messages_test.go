package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// TestMessagesGolden: what a user reads in a terminal, in Chinese, pinned
// in testdata/messages.golden (regenerate with -update and review): flag
// errors said once with the usage, a missing file, a folder, a file that is
// not a workbook, a port in use; check's report (errors first, the R05.3
// hint without an equation, 尾差 folded per table); inspect naming tables
// by their printed titles (no T01, no groups-3); fill's replaced amounts
// as #,##0.00; batch's lines with the fixed total and relative paths.
func TestMessagesGolden(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	if code := run([]string{"sample", "-o", "示例.xlsx"}, &out, &errb); code != exitOK {
		t.Fatal(errb.String())
	}
	broken := templates.CaseA()
	broken.Values[model.T01]["本年收入合计"] = map[string]string{"决算数": "5000.00"}
	fillTestFile(t, dir, "有错误.xlsx", broken, false)
	os.WriteFile("不是工作簿.xlsx", []byte("这是一段文字"), 0o644)
	os.Mkdir("文件夹", 0o755)
	os.MkdirAll("收件箱/二月", 0o755)
	fillTestFile(t, dir, "收件箱/甲.xlsx", templates.CaseA(), false)
	fillTestFile(t, dir, "收件箱/二月/乙.xlsx", broken, false)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	type step struct {
		args  []string
		lines int // keep the first n lines of the output (0: all)
	}
	steps := []step{
		// The usage that follows is each command's own (pinned below: once).
		{[]string{"check", "--foo"}, 1},
		{[]string{"fill", "-o"}, 1},
		{[]string{"check", "--parts", "x"}, 1},
		{[]string{"check", "没有这个文件.xlsx"}, 0},
		{[]string{"check", "文件夹"}, 0},
		{[]string{"check", "不是工作簿.xlsx"}, 0},
		{[]string{"serve", "--addr", ln.Addr().String()}, 0},
		{[]string{"check", "示例.xlsx"}, 0},
		{[]string{"check", "有错误.xlsx"}, 8},
		{[]string{"inspect", "示例.xlsx"}, 13},
		{[]string{"rules"}, 12}, // the formula lines (rule language, T01[…]) only with --formula or --file
		{[]string{"fill", "--overwrite", "有错误.xlsx", "-o", "已修正.xlsx"}, 0},
		{[]string{"batch", "-j", "1", "-o", "结果", "收件箱"}, 0},
	}
	var got strings.Builder
	timing := regexp.MustCompile(`用时 [^，]+，[0-9.]+ 个/秒`)
	for _, s := range steps {
		out.Reset()
		errb.Reset()
		code := run(s.args, &out, &errb)
		text := out.String() + errb.String()
		text = strings.ReplaceAll(text, dir+string(filepath.Separator), "")
		text = strings.ReplaceAll(text, ln.Addr().String(), "<地址>")
		text = timing.ReplaceAllString(text, "用时 <时间>")
		if s.lines > 0 {
			ls := strings.SplitAfter(text, "\n")
			text = strings.Join(ls[:min(s.lines, len(ls))], "")
		}
		args := strings.ReplaceAll(strings.Join(s.args, " "), ln.Addr().String(), "<地址>")
		fmt.Fprintf(&got, "$ juesuan %s   # 退出码 %d\n%s\n", args, code, strings.TrimRight(text, "\n"))
	}
	golden := filepath.Join(testdataDir(t), "messages.golden")
	if *updateGoldens {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got.String() != string(want) {
		t.Errorf("messages differ from %s (rerun with -update and review the diff):\n%s", golden, got.String())
	}
	// A flag error: the Chinese message first, then the usage, once.
	for _, args := range [][]string{{"check", "--foo"}, {"fill", "-o"}, {"batch", "--nope"}, {"consolidate", "-x"}} {
		errb.Reset()
		run(args, &out, &errb)
		if n := strings.Count(errb.String(), "用法:"); n != 1 || !strings.HasPrefix(errb.String(), "juesuan "+args[0]+": ") {
			t.Errorf("%v: usage printed %d times, or not after the message:\n%s", args, n, errb.String())
		}
	}
	// What must never show, whatever the golden says.
	for _, bad := range []string{"flag provided", "bind:", "T01", "T05", "groups-", "CERTAIN", "USUAL", "not_xlsx", "容差 0.005", "5000.00", "/1+]"} {
		if strings.Contains(got.String(), bad) {
			t.Errorf("a user reads %q", bad)
		}
	}
}

// testdataDir is this package's testdata, found from the test's start
// directory (tests may chdir).
func testdataDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(startDir, "testdata")
}

var startDir, _ = os.Getwd()

// TestReadmeSelfContained: the README stands on its own for a user's clone
// (no ../shared paths, which only this project's machines have), says how to
// install the binary the command table assumes, and how skipped tests are
// seen; .ci/run makes a missing tool a failure there.
func TestReadmeSelfContained(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(startDir, "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(filepath.Join(startDir, "..", "..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	if strings.Contains(text, "../shared") || strings.Contains(text, "shared/spec") || strings.Contains(text, "seeds/") {
		t.Error("README points users at ../shared, which their clone does not have")
	}
	for _, want := range []string{
		"go install github.com/juesuan/juesuan/cmd/juesuan@latest",
		"go build -o juesuan ./cmd/juesuan",
		"go test -v ./... 2>&1 | grep -- '--- SKIP'",
		"单位名（文件名）.审核.xlsx",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("README lacks %q", want)
		}
	}
	if !strings.Contains(string(ci), `export CI="${CI:-1}"`) {
		t.Error(".ci/run does not set CI: a missing chromium or soffice would skip there")
	}
}
