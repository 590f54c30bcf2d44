package batch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"0/4", Shard{0, 4}, true},
		{"3/4", Shard{3, 4}, true},
		{" 1 / 2 ", Shard{1, 2}, true},
		{"0/1", Shard{0, 1}, true},
		{"4/4", Shard{}, false},
		{"-1/4", Shard{}, false},
		{"1/0", Shard{}, false},
		{"1", Shard{}, false},
		{"a/b", Shard{}, false},
	}
	for _, tc := range tests {
		got, err := ParseShard(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && model.ErrorCode(err) != model.EInvalid {
			t.Errorf("ParseShard(%q): code %s", tc.in, model.ErrorCode(err))
		}
	}
}

// The hash is part of the contract between machines: pinned.
func TestShardHasStable(t *testing.T) {
	names := []string{"a.xlsx", "区县/甲单位.xlsx", "收件箱.zip/乙.xlsx", "x/y/z.xlsx", "b.xlsx", "c.xlsx"}
	want := []int{}
	for _, n := range names {
		for i := range 4 {
			if (Shard{i, 4}).Has(n) {
				want = append(want, i)
			}
		}
	}
	if len(want) != len(names) {
		t.Fatalf("every name in exactly one shard: %v", want)
	}
	pinned := []int{1, 0, 1, 3, 2, 3}
	if !reflect.DeepEqual(want, pinned) {
		t.Errorf("shards %v, pinned %v (changing the hash splits running jobs differently)", want, pinned)
	}
}

func TestRooterRel(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "收件箱")
	writeFile(t, filepath.Join(in, "a.xlsx"), nil)
	one := filepath.Join(dir, "单个.xlsx")
	writeFile(t, one, nil)
	z := filepath.Join(dir, "包.zip")
	writeFile(t, z, nil)
	r := newRooter([]string{in + "/", one, z})
	tests := []struct{ name, want string }{
		{filepath.Join(in, "a.xlsx"), "a.xlsx"},
		{filepath.Join(in, "区", "b.xlsx"), "区/b.xlsx"},
		{filepath.Join(in, "c.zip") + "/d.xlsx", "c.zip/d.xlsx"},
		{one, "单个.xlsx"},
		{z + "/内/e.xlsx", "包.zip/内/e.xlsx"},
		{"其他/f.xlsx", "其他/f.xlsx"},
	}
	for _, tc := range tests {
		if got := r.rel(tc.name); got != tc.want {
			t.Errorf("rel(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	// The same inputs under another mount point shard the same.
	r2 := newRooter([]string{in})
	if a, b := r.rel(filepath.Join(in, "区", "b.xlsx")), r2.rel(filepath.Join(in, "区", "b.xlsx")); a != b {
		t.Errorf("%q vs %q", a, b)
	}
}

// shardInbox is a folder of units: clean, broken, a duplicate unit, an
// unreadable file, a zip with entries and a nested folder.
func shardInbox(t *testing.T, dir string) string {
	in := filepath.Join(dir, "收件箱")
	for i := range 14 {
		opt := templates.Options{}
		if i%3 == 1 {
			opt.Style = model.StyleShanghai
		}
		sub := ""
		if i%4 == 3 {
			sub = "二级单位"
		}
		writeFile(t, filepath.Join(in, sub, fmt.Sprintf("单位%02d.xlsx", i)), book(t, i%5 == 4, fmt.Sprintf("测试单位%02d", i), i%3 == 2 && i%5 != 4, opt))
	}
	writeFile(t, filepath.Join(in, "重复报送.xlsx"), book(t, false, "测试单位03", false, templates.Options{}))
	writeFile(t, filepath.Join(in, "坏文件.xlsx"), []byte("not a workbook"))
	writeFile(t, filepath.Join(in, "打包.zip"), zipOf(t,
		entry{"甲.xlsx", book(t, false, "压缩包单位甲", false, templates.Options{})},
		entry{"乙/丙.xlsx", book(t, true, "压缩包单位丙", false, templates.Options{})}))
	return in
}

// TestShardMerge: four shards merged equal one unsharded run — the same
// records in the same order, the same counts, the same 汇总 rows.
func TestShardMerge(t *testing.T) {
	dir := t.TempDir()
	in := shardInbox(t, dir)
	ctx := context.Background()
	all := filepath.Join(dir, "全部")
	want, err := RunDir(ctx, []string{in}, all, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	var results []string
	files := 0
	for i := range n {
		out := filepath.Join(dir, "分片", fmt.Sprint(i))
		st, err := RunDir(ctx, []string{in}, out, Options{Jobs: 2, Shard: Shard{i, n}})
		if err != nil {
			t.Fatal(err)
		}
		files += st.Files
		results = append(results, filepath.Join(out, ResultsName))
		if st.Files == want.Files {
			t.Errorf("shard %d has every file", i)
		}
	}
	if files != want.Files {
		t.Fatalf("shards hold %d files, unsharded %d", files, want.Files)
	}
	merged := filepath.Join(dir, "合并")
	got, err := Merge(ctx, results, merged, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want.Elapsed, got.Elapsed = 0, 0
	if *got != *want {
		t.Errorf("merged stats %+v, unsharded %+v", *got, *want)
	}
	open := func(p string) []Record {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return parseNDJSON(t, f)
	}
	wr, gr := open(filepath.Join(all, ResultsName)), open(filepath.Join(merged, ResultsName))
	if len(wr) != len(gr) {
		t.Fatalf("%d merged records, %d unsharded", len(gr), len(wr))
	}
	dups := 0
	for i := range wr {
		w, g := wr[i], gr[i]
		if g.Output != "" {
			if _, err := os.Stat(filepath.Join(merged, filepath.FromSlash(g.Output))); err != nil {
				t.Errorf("%s: merged link %s: %v", g.File, g.Output, err)
			}
		}
		if g.Shard == "" {
			t.Errorf("%s: no shard in the record", g.File)
		}
		if (w.Output == "") != (g.Output == "") {
			t.Errorf("%s: output %q vs %q", g.File, g.Output, w.Output)
		}
		w.Output, g.Output, g.Shard = "", "", ""
		if w.DuplicateOf != "" {
			dups++
		}
		if !reflect.DeepEqual(w, g) {
			t.Errorf("record %d differs:\nmerged    %+v\nunsharded %+v", i, g, w)
		}
	}
	if dups == 0 {
		t.Error("the duplicate unit was not found")
	}
	readS := func(p string) map[string][][]string {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		out := map[string][][]string{}
		for name, s := range readSummary(t, f) {
			out[name] = s.Rows
		}
		return out
	}
	ws, gs := readS(filepath.Join(all, SummaryName)), readS(filepath.Join(merged, SummaryName))
	const outCol = 11 // 审核后文件: the merged summary links into the shard folders
	for _, r := range append(ws["汇总"], gs["汇总"]...) {
		if len(r) > outCol {
			r[outCol] = ""
		}
	}
	for _, sheet := range []string{"汇总", "规则矩阵", "错误明细"} {
		if !reflect.DeepEqual(ws[sheet], gs[sheet]) {
			t.Errorf("%s differs:\nmerged    %v\nunsharded %v", sheet, gs[sheet], ws[sheet])
		}
	}
	if len(ws["错误明细"]) < 2 {
		t.Error("no error details to compare")
	}
}

func TestMergeRefuses(t *testing.T) {
	dir := t.TempDir()
	in := shardInbox(t, dir)
	ctx := context.Background()
	out := filepath.Join(dir, "s0")
	if _, err := RunDir(ctx, []string{in}, out, Options{Shard: Shard{0, 2}, ReportOnly: true}); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "s0-3")
	if _, err := RunDir(ctx, []string{in}, other, Options{Shard: Shard{0, 3}, ReportOnly: true}); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.ndjson")
	writeFile(t, bad, []byte("{not json\n"))
	tests := []struct {
		name  string
		files []string
	}{
		{"none", nil},
		{"same file twice", []string{filepath.Join(out, ResultsName), out}},
		{"shard counts differ", []string{filepath.Join(out, ResultsName), filepath.Join(other, ResultsName)}},
		{"not json", []string{bad}},
		{"a shard missing", []string{filepath.Join(out, ResultsName)}},
		{"missing", []string{filepath.Join(dir, "无.ndjson")}},
	}
	for _, tc := range tests {
		if _, err := Merge(ctx, tc.files, filepath.Join(dir, "合并"), Options{}); err == nil {
			t.Errorf("%s: merged", tc.name)
		}
	}
}

// TestShardReadsOnlyItsFiles: a shard decides from the path alone; it
// never reads another shard's workbook or archive entry, and across the
// shards every input is read exactly once.
func TestShardReadsOnlyItsFiles(t *testing.T) {
	dir := t.TempDir()
	in := shardInbox(t, dir)
	ctx := context.Background()
	var mu sync.Mutex
	var reads []string
	readHook = func(name string) {
		mu.Lock()
		reads = append(reads, name)
		mu.Unlock()
	}
	t.Cleanup(func() { readHook = nil })
	if _, err := RunDir(ctx, []string{in}, filepath.Join(dir, "全部"), Options{Jobs: 2, ReportOnly: true}); err != nil {
		t.Fatal(err)
	}
	all := append([]string(nil), reads...)
	sort.Strings(all)
	if len(all) < 17 {
		t.Fatalf("unsharded run read %d inputs: %v", len(all), all)
	}
	roots := newRooter([]string{in})
	const n = 4
	var union []string
	for i := range n {
		reads = nil
		sh := Shard{i, n}
		st, err := RunDir(ctx, []string{in}, filepath.Join(dir, "分片", fmt.Sprint(i)), Options{Jobs: 2, ReportOnly: true, Shard: sh})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reads {
			if !sh.Has(roots.rel(r)) {
				t.Errorf("shard %d read %s of another shard", i, r)
			}
		}
		if len(reads) != st.Files {
			t.Errorf("shard %d read %d inputs for %d files: %v", i, len(reads), st.Files, reads)
		}
		if len(reads) == len(all) {
			t.Errorf("shard %d read every input", i)
		}
		union = append(union, reads...)
	}
	sort.Strings(union)
	if !reflect.DeepEqual(union, all) {
		t.Errorf("shards read\n%v\nunsharded run read\n%v", union, all)
	}
}
