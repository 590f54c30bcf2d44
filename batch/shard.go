package batch

// shard.go spreads one batch over many machines: `--shard i/N` keeps the
// inputs whose path relative to its command-line root hashes to i (FNV-1a
// 64 mod N, so every machine agrees whatever the mount point), and Merge
// builds one 汇总.xlsx and results.ndjson from the shards' results.ndjson,
// in the order one unsharded run would have committed them (each record
// carries its position in the full walk, seq).

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/model"
)

// Shard is the i-th (0-based, as Kubernetes' JOB_COMPLETION_INDEX) of
// Count shards; the zero value is the whole input.
type Shard struct {
	Index, Count int
}

// ParseShard reads "i/N" with 0 ≤ i < N.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, model.Errorf(model.EInvalid, nil, msgBadShard, s)
	}
	return Shard{Index: i, Count: n}, nil
}

func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Has reports whether the input with relative path rel is in the shard.
func (s Shard) Has(rel string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	io.WriteString(h, rel)
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// rooter maps a walked input's display name to its path relative to the
// command-line root it was found under, in slash form: a folder's files
// relative to the folder, a file (or a zip and its entries) from its base
// name on.
type rooter struct {
	roots []rootPath
}

type rootPath struct {
	clean string // slash form, cleaned
	dir   bool
}

func newRooter(paths []string) *rooter {
	r := &rooter{}
	for _, p := range paths {
		st, err := os.Stat(p)
		r.roots = append(r.roots, rootPath{clean: filepath.ToSlash(filepath.Clean(p)), dir: err == nil && st.IsDir()})
	}
	return r
}

func (r *rooter) rel(name string) string {
	name = filepath.ToSlash(name)
	best, rel := -1, name
	for _, root := range r.roots {
		c := root.clean
		if name != c && !strings.HasPrefix(name, strings.TrimSuffix(c, "/")+"/") {
			continue
		}
		if len(c) <= best {
			continue
		}
		best = len(c)
		switch {
		case root.dir && name == c:
			rel = path.Base(c)
		case root.dir:
			rel = strings.TrimPrefix(name[len(strings.TrimSuffix(c, "/")):], "/")
		default:
			rel = path.Base(c) + name[len(c):]
		}
	}
	return rel
}

// seqs remembers each kept job's position in the full walk until commit.
type seqs struct {
	mu sync.Mutex
	m  map[int]int
}

func (s *seqs) put(idx, seq int) {
	s.mu.Lock()
	if s.m == nil {
		s.m = map[int]int{}
	}
	s.m[idx] = seq
	s.mu.Unlock()
}

func (s *seqs) take(idx int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	seq, ok := s.m[idx]
	if !ok {
		return idx
	}
	delete(s.m, idx)
	return seq
}

// shardSource is one shard's results.ndjson during a merge.
type shardSource struct {
	path string
	link string // from the merge folder to the shard's folder, slash form
	f    *os.File
	sc   *bufio.Scanner
	line int
	cur  *Record
}

func (s *shardSource) next() error {
	s.cur = nil
	for s.sc.Scan() {
		s.line++
		b := s.sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(b, &rec); err != nil {
			return model.Errorf(model.EInvalid, err, msgBadRecord, s.path, s.line)
		}
		s.cur = &rec
		return nil
	}
	if err := s.sc.Err(); err != nil {
		return model.Errorf(model.EInvalid, err, msgBadRecord, s.path, s.line+1)
	}
	return nil
}

// Merge reads the shards' results.ndjson files and writes outDir's
// 汇总.xlsx and results.ndjson as one unsharded run over the same inputs
// would: records in walk order (a k-way merge on seq: each shard's file is
// already in that order, so memory stays one record per shard), duplicate
// units found across shards, annotated copies linked in the shards'
// folders. A file listed twice, records of different shard counts, or
// fewer results files than shards, is an error; Stats.Files counts the merged records.
func Merge(ctx context.Context, results []string, outDir string, opt Options) (*Stats, error) {
	if len(results) == 0 {
		return nil, model.Errorf(model.EInvalid, nil, msgNoShards)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, model.Errorf(model.EInvalid, err, "无法创建输出文件夹 %s。", outDir)
	}
	absOut, err := filepath.Abs(outDir)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, err, "输出文件夹无效：%s", outDir)
	}
	var srcs []*shardSource
	defer func() {
		for _, s := range srcs {
			s.f.Close()
		}
	}()
	seen := map[string]string{}
	for _, p := range results {
		abs, err := filepath.Abs(p)
		if err == nil {
			if st, e := os.Stat(abs); e == nil && st.IsDir() {
				abs, p = filepath.Join(abs, ResultsName), filepath.Join(p, ResultsName)
			}
		}
		if prev, dup := seen[abs]; dup {
			return nil, model.Errorf(model.EInvalid, nil, msgShardTwice, p, prev)
		}
		seen[abs] = p
		f, err := os.Open(p)
		if err != nil {
			return nil, model.Errorf(model.ENotFound, err, "无法打开 %s。", p)
		}
		link, err := filepath.Rel(absOut, filepath.Dir(abs))
		if err != nil {
			link = filepath.Dir(abs)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 256<<20)
		s := &shardSource{path: p, link: filepath.ToSlash(link), f: f, sc: sc}
		srcs = append(srcs, s)
		if err := s.next(); err != nil {
			return nil, err
		}
	}
	nd, err := os.Create(filepath.Join(outDir, ResultsName))
	if err != nil {
		return nil, model.Errorf(model.EInvalid, err, "无法写入输出文件夹 %s。", outDir)
	}
	defer nd.Close()
	col, err := newCollector(opt, nil, nd, nil)
	if err != nil {
		return nil, err
	}
	defer col.Close()
	files := map[string]string{} // file -> shard results it came from
	count := 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, model.Errorf(model.ETimeout, err, "合并已取消。")
		}
		var pick *shardSource
		for _, s := range srcs {
			if s.cur != nil && (pick == nil || s.cur.Seq < pick.cur.Seq) {
				pick = s
			}
		}
		if pick == nil {
			break
		}
		rec := pick.cur
		if prev, dup := files[rec.File]; dup {
			return nil, model.Errorf(model.EInvalid, nil, msgFileTwice, rec.File, prev, pick.path)
		}
		files[rec.File] = pick.path
		if rec.Shard != "" {
			n := rec.Shard[strings.IndexByte(rec.Shard, '/')+1:]
			if count == 0 {
				count, _ = strconv.Atoi(n)
			} else if c, _ := strconv.Atoi(n); c != count {
				return nil, model.Errorf(model.EInvalid, nil, msgShardCounts, pick.path, rec.Shard, count)
			}
		}
		if rec.Output != "" && pick.link != "." {
			rec.Output = pick.link + "/" + rec.Output
		}
		if err := col.record(rec); err != nil {
			return nil, err
		}
		if err := pick.next(); err != nil {
			return nil, err
		}
	}
	if count > len(srcs) {
		return nil, model.Errorf(model.EInvalid, nil, msgShardMissing, len(srcs), count)
	}
	return finishDir(col, outDir, nd)
}

// User-facing text of sharding and merging.
const (
	msgBadShard     = "分片 %q 无效：应写成 i/N（0 ≤ i < N），例如 0/4。"
	msgBadRecord    = "%s 第 %d 行不是有效的结果记录。"
	msgNoShards     = "没有指定要合并的 results.ndjson。"
	msgShardTwice   = "%s 与 %s 是同一个结果文件。"
	msgFileTwice    = "文件 %s 的结果同时出现在 %s 和 %s 中：同一分片重复提交，或两次运行的分片数不同。"
	msgShardCounts  = "%s 中的记录属于分片 %s，与其他结果文件的分片数 %d 不一致。"
	msgShardMissing = "只给出了 %d 个结果文件，而分片数为 %d：请列出每个分片的 results.ndjson（没有文件的分片也有一个空的 results.ndjson）。"
)
