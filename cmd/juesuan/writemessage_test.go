package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A file that cannot be written is told in Chinese, never with the
// operating system's English ("open …: no such file or directory") nor the
// name of juesuan's temporary file.
func TestWriteMessage(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&os.PathError{Op: "open", Path: "/x/.juesuan-1.xlsx", Err: syscall.ENOENT}, "所在文件夹不存在"},
		{&os.PathError{Op: "open", Path: "/x", Err: syscall.EACCES}, "没有写入权限"},
		{fmt.Errorf("write: %w", syscall.ENOSPC), "磁盘空间不足"},
		{&os.PathError{Op: "open", Path: "/x", Err: syscall.EROFS}, "所在位置只读"},
		{errors.New("a.xlsx 不是普通文件，不能作为输出"), "a.xlsx 不是普通文件，不能作为输出"},
	} {
		if got := writeMessage(tc.err); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.err, got, tc.want)
		}
	}
	missing := filepath.Join(t.TempDir(), "没有这个文件夹")
	for _, args := range [][]string{
		{"draft", "-o", filepath.Join(missing, "说明.docx")},
		{"fill", "-o", filepath.Join(missing, "表.xlsx")},
		{"template", "-o", filepath.Join(missing, "空表.xlsx")},
	} {
		var out, errb bytes.Buffer
		code := run(args, &out, &errb)
		msg := errb.String()
		if code != exitInput || !strings.Contains(msg, "所在文件夹不存在") || strings.Contains(msg, "no such file") || strings.Contains(msg, ".juesuan-") {
			t.Errorf("%v: exit %d, %q", args, code, msg)
		}
	}
}
