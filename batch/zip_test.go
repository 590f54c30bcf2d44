package batch

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func upload(t *testing.T) []byte {
	a := book(t, false, "", false, templates.Options{})
	return zipOf(t,
		entry{"../../evil.xlsx", book(t, false, "甲单位", true, templates.Options{})},
		entry{"/abs/root.xlsx", book(t, false, "乙单位", false, templates.Options{Style: model.StyleShanghai})},
		entry{`C:\win\a.xlsx`, a},
		entry{"ok/../../../dup.xlsx", a},
		entry{"nested.zip", zipOf(t, entry{"../c.xlsx", book(t, true, "", false, templates.Options{})})},
		entry{"readme.md", []byte("hello")},
	)
}

// countingWriter records how many files had been committed when the
// first byte of an annotated copy reached the client.
type countingWriter struct {
	bytes.Buffer
	done       *atomic.Int64
	firstAfter int64
	wrote      bool
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.wrote, w.firstAfter = true, w.done.Load()
	}
	return w.Buffer.Write(p)
}

func (w *countingWriter) Flush() {}

func openZip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = b
	}
	return out
}

func TestServeZip(t *testing.T) {
	in := upload(t)
	var done atomic.Int64
	w := &countingWriter{done: &done}
	opt := Options{Jobs: 1, Progress: func(p Progress) { done.Store(int64(p.Done)) }}
	st, err := ServeZip(context.Background(), bytes.NewReader(in), int64(len(in)), w, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 6 || st.Read != 5 || st.Unreadable != 1 {
		t.Fatalf("stats %+v", st)
	}
	if w.firstAfter >= int64(st.Files) {
		t.Errorf("first bytes left after %d of %d files: not streamed", w.firstAfter, st.Files)
	}
	files := openZip(t, w.Bytes())
	for name := range files {
		if strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || strings.Contains(name, "/") {
			t.Errorf("unsafe output name %q", name)
		}
	}
	recs := parseNDJSON(t, bytes.NewReader(files[ResultsName]))
	if len(recs) != 6 {
		t.Fatalf("%d records", len(recs))
	}
	wantFiles := []string{"abs/root.xlsx", "evil.xlsx", "nested.zip/c.xlsx", "dup.xlsx", "readme.md", "win/a.xlsx"}
	got := map[string]bool{}
	for _, r := range recs {
		got[r.File] = true
		if strings.Contains(r.File, "..") || strings.HasPrefix(r.File, "/") {
			t.Errorf("unsafe file name in results: %q", r.File)
		}
		if r.Report != nil {
			if _, ok := files[r.Output]; !ok {
				t.Errorf("%s: annotated copy %q missing from the zip", r.File, r.Output)
			}
		}
	}
	for _, f := range wantFiles {
		if !got[f] {
			t.Errorf("no record for %s (have %v)", f, got)
		}
	}
	checkSummary(t, recs, readSummary(t, bytes.NewReader(files[SummaryName])), true)
}

func TestCheckZipLimits(t *testing.T) {
	in := upload(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		data []byte
		lim  Limits
		code string
	}{
		{"ok", in, Limits{}, ""},
		{"too many", in, Limits{MaxFiles: 5}, model.ETooMany},
		{"too large total", in, Limits{MaxTotal: 40 << 10}, model.ETooLarge},
		{"too large entry", in, Limits{MaxFile: 10 << 10}, model.ETooLarge},
		{"nested too deep", zipOf(t, entry{"a.zip", zipOf(t, entry{"b.zip", zipOf(t, entry{"c.xlsx", []byte("x")})})}), Limits{MaxDepth: 2}, model.EUnsupported},
		{"not a zip", []byte("hello"), Limits{}, model.ECorrupt},
		{"empty zip", zipOf(t), Limits{}, model.ENoTables},
	} {
		err := CheckZip(ctx, bytes.NewReader(tc.data), int64(len(tc.data)), tc.lim)
		if got := model.ErrorCode(err); got != tc.code {
			t.Errorf("%s: code %q (%v), want %q", tc.name, got, err, tc.code)
		}
		if err != nil && model.ErrorMessage(err) == "" {
			t.Errorf("%s: no message", tc.name)
		}
	}
	// ServeZip refuses before writing anything.
	var out bytes.Buffer
	_, err := ServeZip(ctx, bytes.NewReader(in), int64(len(in)), &out, Options{Limits: Limits{MaxFiles: 3}})
	if model.ErrorCode(err) != model.ETooMany || out.Len() != 0 {
		t.Errorf("ServeZip over limit: %v, %d bytes written", err, out.Len())
	}
}

// A zip bomb: a small archive declaring a huge entry is refused by the
// declared sizes, before anything is inflated.
func TestCheckZipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "big.xlsx", Method: zip.Deflate})
	zero := make([]byte, 1<<20)
	for i := 0; i < 64; i++ {
		w.Write(zero)
	}
	zw.Close()
	err := CheckZip(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), Limits{})
	if model.ErrorCode(err) != model.ETooLarge {
		t.Errorf("bomb: %v", err)
	}
}
