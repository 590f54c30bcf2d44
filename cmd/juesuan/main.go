// Command juesuan reads, fills, checks and annotates 部门决算公开 nine-table
// workbooks. Each subcommand lives in its own file and registers itself.
//
// Exit codes (public contract): 0 success / no error finding; 1 error
// findings present; 2 input cannot be read or bad usage.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitInput    = 2
)

// command is one subcommand. run gets the arguments after the subcommand
// name and returns the exit code.
type command struct {
	name    string
	summary string // one line, Chinese
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("duplicate command " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitInput
		}
		return exitOK
	}
	c := commands[args[0]]
	if c == nil {
		fmt.Fprintf(stderr, "juesuan: 未知命令 %q\n\n", args[0])
		usage(stderr)
		return exitInput
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "juesuan — 部门决算公开九张表审核助手")
	fmt.Fprintln(w, "\n用法: juesuan <命令> [选项] [文件]")
	fmt.Fprintln(w, "\n命令:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\n各命令的选项: juesuan <命令> -h")
}

// parseInterspersed lets options follow the paths (juesuan batch 收件箱 -o 结果),
// which the flag package alone does not.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseChinese(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseChinese is fs.Parse with the flag package's English errors said in
// Chinese ("flag provided but not defined: -foo" → 未知的选项 -foo), then
// the usage.
func parseChinese(fs *flag.FlagSet, args []string) error {
	// The flag package prints its English error and calls Usage itself;
	// both are silenced here so the usage follows the Chinese message once.
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	if err == nil {
		return nil
	}
	if !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(out, "juesuan %s: %s\n", fs.Name(), flagMessage(err))
	}
	if fs.Usage != nil {
		fs.Usage()
	} else {
		fs.PrintDefaults()
	}
	return err
}

// flagMessage translates the flag package's parse errors.
func flagMessage(err error) string {
	msg := err.Error()
	for _, p := range []struct{ en, zh string }{
		{"flag provided but not defined: ", "未知的选项 %s（用 -h 查看可用的选项）"},
		{"flag needs an argument: ", "选项 %s 需要一个值"},
		{"bad flag syntax: ", "选项写法有误：%s"},
	} {
		if rest, ok := strings.CutPrefix(msg, p.en); ok {
			return fmt.Sprintf(p.zh, rest)
		}
	}
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if val, flagPart, ok := strings.Cut(rest, " for flag "); ok {
			name, _, _ := strings.Cut(flagPart, ":")
			return fmt.Sprintf("选项 %s 的值 %s 无效", name, val)
		}
	}
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		return "开关选项的值无效：" + rest
	}
	return "选项有误：" + msg
}

// parseExit maps a flag parse error to an exit code: -h is not a failure.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitInput
}

// input is one workbook named on the command line.
type input struct {
	data  []byte
	label string // for messages: the path, 标准输入 or 内置示例
	base  string // file name without extension, for output names
	name  string // file name with its extension, for model.ResultName
	dir   string // directory of the file, for output names
}

// readInput reads path: "" is the embedded sample (Case A, written as a
// workbook so it travels the same read path as any upload; sample chooses
// its options, e.g. every derived cell blank for fill), "-" is standard
// input. Reads are bounded by the default upload limit.
func readInput(path string, sample templates.Options) (*input, error) {
	limit := xlsx.DefaultLimits().MaxBytes
	switch path {
	case "":
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, templates.CaseA(), sample); err != nil {
			return nil, model.Errorf(model.EInternal, err, "内部错误：内置示例无法生成。")
		}
		return &input{data: buf.Bytes(), label: "内置示例（案例 A）", base: "sample", name: "sample.xlsx"}, nil
	case "-":
		data, err := io.ReadAll(io.LimitReader(os.Stdin, limit+1))
		if err != nil {
			return nil, model.Errorf(model.EInvalid, err, "无法读取标准输入。")
		}
		return &input{data: data, label: "标准输入", base: "stdin", name: "stdin.xlsx"}, nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, model.Errorf(model.EInvalid, nil, "%s 是文件夹，不是工作簿文件；审核整个文件夹请用 juesuan batch %s。", path, path)
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, model.Errorf(model.ENotFound, err, "文件 %s 不存在，请检查路径和文件名。", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, model.Errorf(model.EInvalid, err, "没有权限读取文件 %s。", path)
	case err != nil:
		return nil, model.Errorf(model.ENotFound, err, "无法打开文件 %s。", path)
	}
	defer f.Close()
	// One byte over the limit lets the reader report too_large itself.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, model.Errorf(model.EInvalid, err, "无法读取文件 %s。", path)
	}
	name := filepath.Base(path)
	return &input{data: data, label: path, base: strings.TrimSuffix(name, filepath.Ext(name)), name: name, dir: filepath.Dir(path)}, nil
}

// writeFileAtomic writes through a temporary file in the target directory,
// so an interrupted run never leaves half a workbook under the final name.
// A symlink is written through to its target and an existing file keeps its
// permissions; anything that is not a regular file (a device, a directory)
// is refused rather than replaced.
func writeFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSymlink != 0 {
			real, err := filepath.EvalSymlinks(path)
			if err != nil {
				return fmt.Errorf("链接 %s 指向的位置不存在", path)
			}
			path = real
			fi, err = os.Stat(path)
			if err != nil {
				return err
			}
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s 不是普通文件，不能作为输出", path)
		}
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".juesuan-*"+filepath.Ext(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeMessage says why a file could not be written in the user's words
// (the operating system's errors are English: "open …: no such file or
// directory"); an error juesuan made itself is said as it is.
func writeMessage(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "所在文件夹不存在"
	case errors.Is(err, fs.ErrPermission):
		return "没有写入权限"
	case errors.Is(err, syscall.ENOSPC):
		return "磁盘空间不足"
	case errors.Is(err, syscall.EROFS):
		return "所在位置只读"
	case errors.Is(err, syscall.EISDIR):
		return "这是一个文件夹"
	case errors.As(err, &pe):
		return "写入失败（" + pe.Err.Error() + "）"
	}
	return err.Error()
}

// sameFile reports whether two paths name the same existing file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// joinLines is a small helper for multi-line usage texts.
func joinLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }
