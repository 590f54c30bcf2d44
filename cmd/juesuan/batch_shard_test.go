package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestBatchShardAndMerge(t *testing.T) {
	in, dir := t.TempDir(), t.TempDir()
	for i := range 7 {
		writeUnitCase(t, filepath.Join(in, fmt.Sprintf("单位%d.xlsx", i)), fmt.Sprintf("单位%d", i), i == 2)
	}
	run1 := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(args, &out, &errb)
		return code, out.String() + errb.String()
	}
	code, all := run1("batch", "--report-only", "-o", filepath.Join(dir, "全部"), in)
	if code != exitFindings {
		t.Fatalf("unsharded: exit %d\n%s", code, all)
	}
	var shards []string
	for i := range 3 {
		out := filepath.Join(dir, fmt.Sprint("分片", i))
		if code, s := run1("batch", "--report-only", "--shard", fmt.Sprintf("%d/3", i), "-o", out, in); code == exitInput {
			t.Fatalf("shard %d: exit %d\n%s", i, code, s)
		} else if !strings.Contains(s, fmt.Sprintf("分片 %d/3", i)) {
			t.Errorf("shard %d output: %s", i, s)
		}
		shards = append(shards, out)
	}
	args := append([]string{"batch", "merge", "-o", filepath.Join(dir, "合并")}, shards...)
	code, merged := run1(args...)
	if code != exitFindings {
		t.Fatalf("merge: exit %d\n%s", code, merged)
	}
	// The same counts as the unsharded run.
	counts := func(s string) string {
		i := strings.Index(s, "共 ")
		j := strings.Index(s, "。")
		if i < 0 || j < i {
			return s
		}
		return s[i:j]
	}
	if !strings.Contains(merged, "已合并 3 个分片") || counts(merged) != counts(all[strings.LastIndex(all, "\n共 ")+1:]) {
		t.Errorf("merged %q vs unsharded %q", counts(merged), counts(all[strings.LastIndex(all, "\n共 ")+1:]))
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad shard", []string{"batch", "--shard", "3/3", in}, "分片"},
		{"shard missing", []string{"batch", "merge", "-o", filepath.Join(dir, "m2"), shards[0], shards[1]}, "分片数为 3"},
		{"nothing to merge", []string{"batch", "merge"}, "用法: juesuan batch merge"},
	} {
		if code, s := run1(tc.args...); code != exitInput || !strings.Contains(s, tc.want) {
			t.Errorf("%s: exit %d, output %s", tc.name, code, s)
		}
	}
}
