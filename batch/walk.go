package batch

// walk.go enumerates the workbooks of the inputs: files, folders (walked
// recursively) and .zip archives (nested archives included). The walker is
// the only reader of input files; it hands each workbook's bytes to the
// pool as it goes, so at most the pool's window of files is in memory.

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
)

// Limits bound what the inputs may cost. Zero fields take the default.
type Limits struct {
	// MaxFiles is the number of files (workbooks and other entries) the
	// inputs may hold; 0 = unlimited.
	MaxFiles int
	// MaxTotal bounds the bytes read from archives (uncompressed); 0 =
	// unlimited.
	MaxTotal int64
	// MaxFile bounds one file or archive entry; 0 = 20 MiB (the upload
	// limit of one workbook).
	MaxFile int64
	// MaxDepth bounds nested archives (a zip in a zip is depth 2); 0 = 4.
	MaxDepth int
	// MaxNested bounds one nested archive held in memory; 0 = 256 MiB.
	MaxNested int64
	// MaxRatio bounds how much a compressed nested archive may inflate
	// (declared size over compressed size, beyond its first MiB); 0 = 100.
	// An archive of workbooks barely compresses (an .xlsx is a zip
	// already); a ratio of hundreds is a zip bomb, refused from its
	// directory entry before a byte is inflated.
	MaxRatio int64
	// Hold, when set, is asked before a compressed nested archive is
	// inflated into memory, with the bytes of nested archives the walk
	// will then hold at once (each archive's size from its directory
	// entry, checked before anything is inflated); it is called only
	// when that peak grows, and an error stops the walk. Archives stored
	// uncompressed are read in place from the outer one and cost nothing.
	Hold func(peak int64) error
}

func (l Limits) withDefaults() Limits {
	if l.MaxFile <= 0 {
		l.MaxFile = 20 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 4
	}
	if l.MaxNested <= 0 {
		l.MaxNested = 256 << 20
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = 100
	}
	return l
}

// job is one file for the pool: its bytes, or why they could not be read.
type job struct {
	idx   int
	name  string // display name: path, or archive path + "/" + entry
	base  string // file name without folders
	data  []byte
	err   error
	prior string // path of the matched prior-year workbook
	// other: the file belongs to another shard; it was counted in the
	// walk (the merge orders by walk position) but never opened or read.
	other bool
}

// readHook, when set (tests), is told the display name of every file or
// archive entry whose bytes the walker reads.
var readHook func(name string)

// walker enumerates inputs. emit is called in input order.
type walker struct {
	ctx  context.Context
	lim  Limits
	skip map[string]bool // absolute paths never read (the output folder)
	emit func(*job) error
	// keep, when set, decides from a file's display name alone whether
	// this run reads it (batch --shard): another shard's file is emitted
	// as other, unopened.
	keep func(name string) bool
	scan bool // count only: no data read except nested archives
	dir  bool // with scan: the outer directory only, no nested archive opened
	// count, with scan: count the files as the run emits them (Count): an
	// entry the run could not read is one more file, not a stop.
	count bool
	files int
	total int64
	held  int64 // bytes of inflated nested archives in memory now
	peak  int64 // the most held so far
	// want, when set, takes a file (not an archive) by its name; others
	// are passed over unread and uncounted: the narrative walk takes
	// narratives only, the workbook walk everything else.
	want func(name string) bool
	// raw reads archive entries as they are, without the workbook probe
	// of readEntry (a narrative may be text or a PDF).
	raw bool
}

func (w *walker) add(j *job) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	w.files++
	if w.lim.MaxFiles > 0 && w.files > w.lim.MaxFiles {
		return model.Errorf(model.ETooMany, nil, "文件过多：超过上限 %d 个。", w.lim.MaxFiles)
	}
	return w.emit(j)
}

// paths walks command-line inputs in the order given; folders in name order.
func (w *walker) paths(paths []string) error {
	for _, p := range paths {
		if err := w.path(p); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) path(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return w.add(&job{name: p, base: filepath.Base(p), err: model.Errorf(model.ENotFound, err, "找不到文件或文件夹：%s", p)})
	}
	if !st.IsDir() {
		return w.file(p, p)
	}
	return filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
		if err != nil {
			return w.add(&job{name: fp, base: filepath.Base(fp), err: model.Errorf(model.ECorrupt, err, "无法读取：%s", fp)})
		}
		if fp != p && skipName(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if abs, err := filepath.Abs(fp); err == nil && w.skip[abs] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		return w.file(fp, fp)
	})
}

// skipName tells files nobody submitted: hidden files, Office lock files,
// desktop litter and macOS resource forks.
func skipName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, ".") || strings.HasPrefix(n, "~$") || n == "__macosx" ||
		n == "thumbs.db" || n == "desktop.ini"
}

func isZip(name string) bool { return strings.EqualFold(path.Ext(name), ".zip") }

func (w *walker) file(fp, display string) error {
	if isZip(fp) {
		f, err := os.Open(fp)
		if err != nil {
			return w.add(&job{name: display, base: filepath.Base(fp), err: model.Errorf(model.ECorrupt, err, "无法打开压缩包。")})
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return w.add(&job{name: display, base: filepath.Base(fp), err: model.Errorf(model.ECorrupt, err, "无法打开压缩包。")})
		}
		return w.archive(f, st.Size(), display, 1)
	}
	if w.want != nil && !w.want(fp) {
		return nil
	}
	j := &job{name: display, base: filepath.Base(fp)}
	switch {
	case w.keep != nil && !w.keep(display):
		j.other = true
	case !w.scan:
		if readHook != nil {
			readHook(display)
		}
		j.data, j.err = readLimited(func() (io.ReadCloser, error) { return os.Open(fp) }, w.lim.MaxFile)
	}
	return w.add(j)
}

// readLimited reads at most max bytes; more is ETooLarge.
func readLimited(open func() (io.ReadCloser, error), max int64) ([]byte, error) {
	return readSized(open, max, -1)
}

// readSized is readLimited with the size a directory declares (-1: not
// known): the buffer is allocated once instead of grown by doubling.
func readSized(open func() (io.ReadCloser, error), max, declared int64) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, model.Errorf(model.ECorrupt, err, "无法读取文件。")
	}
	defer rc.Close()
	var buf bytes.Buffer
	if declared >= 0 {
		buf.Grow(int(min(declared, max)) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(io.LimitReader(rc, max+1))
	data := buf.Bytes()
	if err != nil {
		return nil, model.Errorf(model.ECorrupt, err, "读取文件失败（文件或压缩包已损坏）。")
	}
	if int64(len(data)) > max {
		return nil, model.Errorf(model.ETooLarge, nil, "文件超过大小上限（%s）。", human(max))
	}
	return data, nil
}

// readEntry reads an archive entry, opened once (a nested archive may be
// read as a stream, front to back). An entry that cannot be a workbook
// (neither a zip nor an OLE2 file, by its first bytes) gets the reader's
// own error at once, without its bytes waiting in the pool's window (a
// bomb of zero-filled "workbooks" would otherwise hold window × MaxFile
// of zeros).
func readEntry(f *zip.File, max, declared int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, model.Errorf(model.ECorrupt, err, "无法读取文件。")
	}
	defer rc.Close()
	head := make([]byte, 8)
	n, err := io.ReadFull(rc, head)
	head = head[:n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, model.Errorf(model.ECorrupt, err, "读取文件失败（文件或压缩包已损坏）。")
	}
	if n > 0 && !bytes.HasPrefix(head, []byte("PK")) && !bytes.HasPrefix([]byte{0xD0, 0xCF, 0x11, 0xE0}, head[:min(n, 4)]) {
		_, err := xlsx.OpenBytes(head, xlsx.Limits{})
		return nil, err
	}
	return readSized(func() (io.ReadCloser, error) {
		return io.NopCloser(io.MultiReader(bytes.NewReader(head), rc)), nil
	}, max, declared)
}

// walkEntry is an archive entry the walk takes, with its cleaned name.
type walkEntry struct {
	f    *zip.File
	name string
	idx  int // position in the directory
}

// walkOrder is the entries the walk takes, in the order it takes them:
// files only, litter skipped, by name.
func walkOrder(zr *zip.Reader) []walkEntry {
	var es []walkEntry
	for i, f := range zr.File {
		name, ok := CleanName(f.Name)
		if !ok || strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() {
			continue
		}
		skipped := false
		for _, part := range strings.Split(name, "/") {
			if skipName(part) {
				skipped = true
			}
		}
		if !skipped {
			es = append(es, walkEntry{f, name, i})
		}
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].name < es[j].name })
	return es
}

// archive walks a zip's entries in name order (archives list entries in
// whatever order they were added; sorting makes runs repeatable).
func (w *walker) archive(ra io.ReaderAt, size int64, display string, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return w.add(&job{name: display, base: path.Base(display), err: model.Errorf(model.ECorrupt, err, "压缩包已损坏或不是 zip 格式。")})
	}
	for _, e := range walkOrder(zr) {
		disp := e.name
		if display != "" {
			disp = display + "/" + e.name
		}
		size := int64(e.f.UncompressedSize64)
		if isZip(e.name) {
			if err := w.nested(ra, e.f, disp, depth); err != nil {
				return err
			}
			continue
		}
		if w.want != nil && !w.want(e.name) {
			continue
		}
		j := &job{name: disp, base: path.Base(e.name)}
		switch {
		case w.keep != nil && !w.keep(disp):
			j.other = true // another shard's entry: not inflated
			w.total += size
		case size > w.lim.MaxFile || e.f.UncompressedSize64 > 1<<62:
			j.err = model.Errorf(model.ETooLarge, nil, "文件解压后超过大小上限（%s）。", human(w.lim.MaxFile))
			if w.scan && !w.count {
				return model.Errorf(model.ETooLarge, nil, "压缩包中的“%s”解压后超过单个文件上限（%s）。", e.name, human(w.lim.MaxFile))
			}
		case w.lim.MaxTotal > 0 && w.total+size > w.lim.MaxTotal:
			return model.Errorf(model.ETooLarge, nil, "压缩包解压后总大小超过上限（%s）。", human(w.lim.MaxTotal))
		default:
			w.total += size
			if !w.scan {
				if readHook != nil {
					readHook(disp)
				}
				if w.raw {
					j.data, j.err = readSized(e.f.Open, w.lim.MaxFile, size)
				} else {
					j.data, j.err = readEntry(e.f, w.lim.MaxFile, size)
				}
			}
		}
		if err := w.add(j); err != nil {
			return err
		}
	}
	return nil
}

// nested walks an archive inside an archive: in place when it is stored
// uncompressed in ra, else inflated into memory once its declared size has
// passed the limits (and the Hold budget).
func (w *walker) nested(ra io.ReaderAt, f *zip.File, disp string, depth int) error {
	fail := func(err error) error {
		if w.scan && !w.count {
			return err
		}
		return w.add(&job{name: disp, base: path.Base(disp), err: err})
	}
	size := int64(f.UncompressedSize64)
	if depth >= w.lim.MaxDepth {
		return fail(model.Errorf(model.EUnsupported, nil, "压缩包嵌套超过 %d 层，未处理。", w.lim.MaxDepth))
	}
	if size > w.lim.MaxNested || f.UncompressedSize64 > 1<<62 {
		return fail(model.Errorf(model.ETooLarge, nil, "内层压缩包“%s”解压后超过上限（%s）。", path.Base(disp), human(w.lim.MaxNested)))
	}
	if w.lim.MaxTotal > 0 && w.total+size > w.lim.MaxTotal {
		return model.Errorf(model.ETooLarge, nil, "压缩包解压后总大小超过上限（%s）。", human(w.lim.MaxTotal))
	}
	ratio := w.lim.MaxRatio
	if ratio <= 0 {
		ratio = 100
	}
	if f.Method != zip.Store && size > 1<<20 &&
		(size-(1<<20))/ratio > int64(min(f.CompressedSize64, 1<<62)) {
		return fail(model.Errorf(model.ETooLarge, nil, "内层压缩包“%s”解压后（%s）是压缩后（%s）的 %d 倍以上，疑似压缩炸弹，未处理。",
			path.Base(disp), human(size), human(int64(f.CompressedSize64)), ratio))
	}
	w.total += size
	if w.dir {
		return nil
	}
	if f.Method == zip.Store && f.CompressedSize64 == f.UncompressedSize64 {
		if off, err := f.DataOffset(); err == nil {
			return w.archive(io.NewSectionReader(ra, off, size), size, disp, depth+1)
		}
	}
	// A compressed nested archive is first inflated as a stream (nothing
	// kept but its last bytes, where the directory is), which checks its
	// size and checksum. The scan walks it so. The run does too when the
	// archive can be read front to back (its entries, taken by name, lie
	// in increasing offsets, and none is an archive); else it inflates it
	// into memory once, after Hold has granted the declared size.
	sa := newStreamAt(f.Open, size)
	sa.ctx = w.ctx
	defer sa.close()
	if err := sa.prime(); err != nil {
		if cerr := w.ctx.Err(); cerr != nil {
			return cerr // cancelled, not damaged
		}
		return fail(model.Errorf(model.ECorrupt, err, "内层压缩包“%s”已损坏或大小与目录记载不符。", path.Base(disp)))
	}
	if sa.streamable() {
		return w.archive(sa, size, disp, depth+1)
	}
	if need := w.held + size; need > w.peak {
		if w.lim.Hold != nil {
			if err := w.lim.Hold(need); err != nil {
				return err
			}
		}
		w.peak = need
	}
	// held counts what the run holds; the scan keeps the same count so
	// that it asks Hold for what the run will need.
	w.held += size
	defer func() { w.held -= size }()
	if w.scan {
		return w.archive(sa, size, disp, depth+1)
	}
	sa.close()
	data, err := readSized(f.Open, w.lim.MaxNested, size)
	if err != nil {
		return fail(err)
	}
	if int64(len(data)) != size {
		return fail(model.Errorf(model.ECorrupt, nil, "内层压缩包“%s”的实际大小与目录记载不符（压缩包已损坏）。", path.Base(disp)))
	}
	return w.archive(bytes.NewReader(data), size, disp, depth+1)
}

// CleanName makes an archive entry name safe to show and to derive output
// names from: legacy GBK names (Chinese Windows zips) decoded, backslashes
// turned into slashes, no drive letter, no absolute path, no "..". It
// reports false for names that are empty after cleaning.
//
// Only names that are not valid UTF-8 are decoded: valid UTF-8 without the
// zip UTF-8 flag is common and GBK text is rarely valid UTF-8.
func CleanName(name string) (string, bool) {
	if !utf8.ValidString(name) {
		if s, err := simplifiedchinese.GB18030.NewDecoder().String(name); err == nil && utf8.ValidString(s) {
			name = s
		}
	}
	name = strings.ToValidUTF8(name, "?")
	name = strings.ReplaceAll(name, `\`, "/")
	if len(name) >= 2 && name[1] == ':' {
		name = name[2:]
	}
	// Cleaning under a virtual root resolves every ".." without ever
	// climbing above it.
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	var parts []string
	for _, p := range strings.Split(name, "/") {
		p = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, p)
		if p != "" && p != "." && p != ".." {
			parts = append(parts, p)
		}
	}
	out := strings.Join(parts, "/")
	return out, out != ""
}

func human(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// CheckDirectory is the part of the limit scan that reads nothing but the
// archive's own directory: entry count and sizes, and each nested
// archive's declared size, depth and inflation ratio; no nested archive is
// opened. It is cheap enough to run before a request takes a work slot,
// so a zip bomb is refused without one. Errors are those of CheckZip.
func CheckDirectory(ctx context.Context, in io.ReaderAt, size int64, lim Limits) error {
	lim = lim.withZipDefaults()
	if _, err := zip.NewReader(in, size); err != nil {
		return model.Errorf(model.ECorrupt, err, "上传的不是 zip 压缩包，或压缩包已损坏。")
	}
	w := &walker{ctx: ctx, lim: lim, scan: true, dir: true, emit: func(*job) error { return nil }}
	return scanErr(ctx, w.archive(in, size, "", 1))
}

// scanErr codes the error of a limit scan that its context ended.
func scanErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return model.Errorf(model.ETimeout, err, "批量审核已取消或超时。")
	}
	return err
}

// streamAt is an io.ReaderAt over a compressed nested archive that is never
// held in memory: the limit scan needs only its directory (at the end) and,
// for archives nested deeper, the entries it walks. prime inflates the
// stream once, checking its size and checksum, and keeps the last tailMax
// bytes, where the directory is; other reads inflate forward from the
// start (again when an earlier offset is asked for).
type streamAt struct {
	ctx     context.Context // nil: not cancellable; else prime looks at it every MiB
	open    func() (io.ReadCloser, error)
	size    int64
	tail    []byte
	tailOff int64
	rc      io.ReadCloser
	pos     int64
}

const tailMax = 4 << 20

func newStreamAt(open func() (io.ReadCloser, error), size int64) *streamAt {
	return &streamAt{open: open, size: size}
}

// prime reads the whole stream once: an error means the entry is damaged
// or not the size its directory entry declares.
func (s *streamAt) prime() error {
	rc, err := s.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	t := min(s.size, tailMax)
	ring := make([]byte, t)
	var n int64
	buf := make([]byte, 32<<10)
	for reads := 0; ; reads++ {
		// A nested archive may be hundreds of MiB: the walk's context is
		// looked at every 32 reads (1 MiB).
		if s.ctx != nil && reads%32 == 31 {
			if err := s.ctx.Err(); err != nil {
				return err
			}
		}
		k, err := rc.Read(buf)
		for p := buf[:k]; len(p) > 0 && t > 0; {
			i := n % t
			c := copy(ring[i:], p)
			p = p[c:]
			n += int64(c)
		}
		if t == 0 {
			n += int64(k)
		}
		if n > s.size {
			return fmt.Errorf("entry larger than declared")
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if n != s.size {
		return fmt.Errorf("entry is %d bytes, declared %d", n, s.size)
	}
	i := n % max(t, 1)
	s.tail = append(ring[i:], ring[:i]...)
	s.tailOff = s.size - t
	return nil
}

func (s *streamAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("negative offset")
	}
	if off >= s.size {
		return 0, io.EOF
	}
	if off >= s.tailOff && s.tail != nil {
		n := copy(p, s.tail[off-s.tailOff:])
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	if s.rc == nil || off < s.pos {
		s.close()
		rc, err := s.open()
		if err != nil {
			return 0, err
		}
		s.rc, s.pos = rc, 0
	}
	if _, err := io.CopyN(io.Discard, s.rc, off-s.pos); err != nil {
		s.close()
		return 0, err
	}
	s.pos = off
	n, err := io.ReadFull(s.rc, p)
	s.pos += int64(n)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	if err != nil {
		s.close()
	}
	return n, err
}

func (s *streamAt) close() {
	if s.rc != nil {
		s.rc.Close()
		s.rc = nil
	}
}

// streamable reports whether the walk can read the primed archive front
// to back: no entry it takes is an archive, and their local headers, in
// the walk's order, lie at increasing offsets. The offsets come from the
// central directory in the tail; anything unusual (zip64, a directory not
// in the tail) answers false.
func (s *streamAt) streamable() bool {
	zr, err := zip.NewReader(s, s.size)
	if err != nil {
		return false
	}
	offs, ok := s.headerOffsets(len(zr.File))
	if !ok {
		return false
	}
	last := int64(-1)
	for _, e := range walkOrder(zr) {
		if isZip(e.name) || offs[e.idx] <= last {
			return false
		}
		last = offs[e.idx]
	}
	return true
}

// headerOffsets reads the local header offsets of the n central directory
// records, in directory order, from the tail.
func (s *streamAt) headerOffsets(n int) ([]int64, bool) {
	t := s.tail
	i := bytes.LastIndex(t, []byte("PK\x05\x06"))
	if i < 0 || len(t)-i < 22 {
		return nil, false
	}
	le32 := func(b []byte) int64 { return int64(b[0]) | int64(b[1])<<8 | int64(b[2])<<16 | int64(b[3])<<24 }
	le16 := func(b []byte) int { return int(b[0]) | int(b[1])<<8 }
	cdSize, cdOff := le32(t[i+12:]), le32(t[i+16:])
	if cdOff == 0xFFFFFFFF || cdSize == 0xFFFFFFFF || cdOff < s.tailOff || cdOff+cdSize > s.size {
		return nil, false
	}
	cd := t[cdOff-s.tailOff : cdOff-s.tailOff+cdSize]
	offs := make([]int64, 0, n)
	for len(cd) >= 46 && len(offs) < n {
		if !bytes.HasPrefix(cd, []byte("PK\x01\x02")) {
			return nil, false
		}
		off := le32(cd[42:])
		if off == 0xFFFFFFFF {
			return nil, false
		}
		offs = append(offs, off)
		l := 46 + le16(cd[28:]) + le16(cd[30:]) + le16(cd[32:])
		if l > len(cd) {
			return nil, false
		}
		cd = cd[l:]
	}
	return offs, len(offs) == n
}
