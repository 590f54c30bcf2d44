package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
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
	if code, s := run1(append([]string{"batch", "merge", "--exit-zero", "-o", filepath.Join(dir, "合并0")}, shards...)...); code != exitOK {
		t.Errorf("merge --exit-zero: exit %d\n%s", code, s)
	}
	if code, s := run1("batch", "--report-only", "--exit-zero", "--shard", "0/1", "-o", filepath.Join(dir, "z"), in); code != exitOK {
		t.Errorf("batch --exit-zero: exit %d\n%s", code, s)
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

// TestBatchJobManifest runs deploy/batch-job.yaml's own arguments (the
// volume replaced by a temporary folder): every index of the Indexed Job,
// then the merge, which must list every shard.
func TestBatchJobManifest(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "batch-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type container struct {
		Name string   `yaml:"name"`
		Args []string `yaml:"args"`
	}
	type job struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
		Spec struct {
			CompletionMode       string `yaml:"completionMode"`
			Completions          int    `yaml:"completions"`
			Parallelism          int    `yaml:"parallelism"`
			BackoffLimitPerIndex *int   `yaml:"backoffLimitPerIndex"`
			Template             struct {
				Spec struct {
					RestartPolicy string      `yaml:"restartPolicy"`
					Containers    []container `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	var shards, merge *job
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var j job
		if err := dec.Decode(&j); err != nil {
			break
		}
		if j.Kind != "Job" {
			continue
		}
		if j.Spec.CompletionMode == "Indexed" {
			shards = &j
		} else {
			merge = &j
		}
	}
	if shards == nil || merge == nil {
		t.Fatal("batch-job.yaml needs an Indexed Job and a merge Job")
	}
	n := shards.Spec.Completions
	if n < 2 || shards.Spec.Parallelism != n || shards.Spec.BackoffLimitPerIndex == nil ||
		shards.Spec.Template.Spec.RestartPolicy != "Never" {
		t.Errorf("indexed job spec: %+v", shards.Spec)
	}
	data := t.TempDir()
	for i := range 9 {
		writeUnitCase(t, filepath.Join(data, "in", fmt.Sprintf("区%d", i%3), fmt.Sprintf("单位%d.xlsx", i)), fmt.Sprintf("单位%d", i), i == 4)
	}
	subst := func(args []string, idx int) []string {
		out := make([]string, len(args))
		for k, a := range args {
			a = strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", fmt.Sprint(idx))
			if strings.HasPrefix(a, "/data/") {
				a = filepath.Join(data, strings.TrimPrefix(a, "/data/"))
			}
			out[k] = a
		}
		return out
	}
	args := shards.Spec.Template.Spec.Containers[0].Args
	if !strings.Contains(strings.Join(args, " "), fmt.Sprintf("--shard $(JOB_COMPLETION_INDEX)/%d", n)) {
		t.Errorf("shard args %v do not match completions %d", args, n)
	}
	for i := range n {
		var out, errb bytes.Buffer
		if code := run(subst(args, i), &out, &errb); code != exitOK {
			t.Fatalf("index %d: exit %d\n%s%s", i, code, out.String(), errb.String())
		}
	}
	margs := subst(merge.Spec.Template.Spec.Containers[0].Args, 0)
	var out, errb bytes.Buffer
	if code := run(margs, &out, &errb); code != exitOK {
		t.Fatalf("merge: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), fmt.Sprintf("已合并 %d 个分片，共 9 个文件", n)) {
		t.Errorf("merge output: %s", out.String())
	}
}
