package batch

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// storedZipOf is zipOf with every entry stored uncompressed.
func storedZipOf(t testing.TB, es ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestNestedArchivesHold: a stored nested archive is walked in place and
// costs nothing; so is a compressed one whose entries, by name, lie front
// to back (streamed). Others are weighed by their declared sizes (a chain:
// the outer nested archive and the one inside it are held at once) before
// they are inflated into memory. The scan asks for exactly what the run then
// holds, and both walks see the same files. (An archive stored inside a
// compressed one is read in place from the inflated copy: no extra bytes.)
func TestNestedArchivesHold(t *testing.T) {
	a := book(t, false, "甲单位", false, templates.Options{})
	b := book(t, false, "乙单位", false, templates.Options{})
	c := book(t, true, "", false, templates.Options{})
	deep := zipOf(t, entry{"c.xlsx", c})
	mid := zipOf(t, entry{"b.xlsx", b}, entry{"deep.zip", deep})
	unordered := zipOf(t, entry{"b.xlsx", b}, entry{"a.xlsx", a})
	deep2 := zipOf(t, entry{"z.xlsx", c}, entry{"c.xlsx", c})
	mid2 := zipOf(t, entry{"deep.zip", deep2}, entry{"b.xlsx", b})
	cases := []struct {
		name string
		in   []byte
		peak int64 // what Hold must be asked for
		read int
	}{
		{"stored nested", storedZipOf(t, entry{"s/in.zip", storedZipOf(t, entry{"a.xlsx", a}, entry{"b.xlsx", b})}), 0, 2},
		{"compressed, in order: streamed", zipOf(t, entry{"n.zip", zipOf(t, entry{"a.xlsx", a}, entry{"b.xlsx", b})}), 0, 2},
		{"compressed, out of order: held", zipOf(t, entry{"n.zip", unordered}), int64(len(unordered)), 2},
		{"compressed chain", zipOf(t, entry{"a.xlsx", a}, entry{"mid.zip", mid}), int64(len(mid)), 3},
		{"compressed chain, both held", zipOf(t, entry{"mid.zip", mid2}), int64(len(mid2) + len(deep2)), 3},
		{"stored in compressed", zipOf(t, entry{"mid.zip", storedZipOf(t, entry{"deep.zip", deep}, entry{"b.xlsx", b})}),
			int64(len(storedZipOf(t, entry{"deep.zip", deep}, entry{"b.xlsx", b}))), 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var asked []int64
			lim := ZipLimits()
			lim.Hold = func(peak int64) error { asked = append(asked, peak); return nil }
			if err := CheckZip(context.Background(), bytes.NewReader(tc.in), int64(len(tc.in)), lim); err != nil {
				t.Fatal(err)
			}
			var got int64
			for _, p := range asked {
				got = max(got, p)
			}
			if got != tc.peak {
				t.Errorf("scan asked Hold for %d (%v), want %d", got, asked, tc.peak)
			}
			scanAsked := len(asked)
			var out bytes.Buffer
			st, err := ServeZip(context.Background(), bytes.NewReader(tc.in), int64(len(tc.in)), &out, Options{Jobs: 1, ReportOnly: true, Limits: lim})
			if err != nil {
				t.Fatal(err)
			}
			if st.Read != tc.read {
				t.Errorf("read %d workbooks, want %d", st.Read, tc.read)
			}
			for _, p := range asked[scanAsked:] {
				if p > tc.peak {
					t.Errorf("run asked Hold for %d beyond the scan's %d", p, tc.peak)
				}
			}
		})
	}
}

// TestNestedArchiveRefusedBeforeInflating: a Hold that refuses stops the
// walk with its error; a nested archive whose directory lies about its size
// is corrupt; a deflated nested archive beyond MaxNested is refused from
// its directory entry.
func TestNestedArchiveRefusedBeforeInflating(t *testing.T) {
	a := book(t, false, "", false, templates.Options{})
	nested := zipOf(t, entry{"b.xlsx", a}, entry{"a.xlsx", a}) // out of order: held
	in := zipOf(t, entry{"n.zip", nested})
	lim := ZipLimits()
	refuse := io.ErrShortBuffer
	lim.Hold = func(int64) error { return refuse }
	if err := CheckZip(context.Background(), bytes.NewReader(in), int64(len(in)), lim); err != refuse {
		t.Errorf("refusing Hold: %v", err)
	}
	lim = ZipLimits()
	lim.MaxNested = int64(len(nested)) - 1
	if err := CheckZip(context.Background(), bytes.NewReader(in), int64(len(in)), lim); model.ErrorCode(err) != model.ETooLarge {
		t.Errorf("beyond MaxNested: %v", err)
	}
	// The directory declares the nested archive 100 bytes shorter.
	zr, _ := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	f := zr.File[0]
	raw, _ := f.OpenRaw()
	comp, _ := io.ReadAll(raw)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "n.zip", Method: zip.Deflate, CRC32: f.CRC32,
		CompressedSize64: uint64(len(comp)), UncompressedSize64: f.UncompressedSize64 - 100})
	w.Write(comp)
	zw.Close()
	lying := buf.Bytes()
	if err := CheckZip(context.Background(), bytes.NewReader(lying), int64(len(lying)), ZipLimits()); model.ErrorCode(err) != model.ECorrupt {
		t.Errorf("lying nested size: %v, want corrupt", err)
	}
}

// TestOutputNamesSafe: output names never start with @ or - (a formula in
// a spreadsheet, an option on a command line) and keep no bidi override
// or zero-width character from the unit's name or the file's.
func TestOutputNamesSafe(t *testing.T) {
	for _, tc := range []struct{ unit, base, want string }{
		{"@SUM(1)", "a.xlsx", "SUM(1)（a）.审核.xlsx"},
		{"-rf", "a.xlsx", "rf（a）.审核.xlsx"},
		{"=cmd", "a.xlsx", "cmd（a）.审核.xlsx"},
		{"", "--help.xlsx", "help.审核.xlsx"},
		{"单位\u202Exslx.exe", "a.xlsx", "单位xslx.exe（a）.审核.xlsx"},
		{"单\u200b位", "a.xlsm", "单位（a）.审核.xlsm"},
		{"@-", "@.xlsx", "决算表.审核.xlsx"},
		{"", "汇总.xlsx", "汇总.审核.xlsx"},
	} {
		c := &collector{names: model.NewNameSet(SummaryName, ResultsName)}
		if got := c.names.Name(tc.unit, tc.base, model.TagAudit); got != tc.want {
			t.Errorf("name(%q, %q) = %q, want %q", tc.unit, tc.base, got, tc.want)
		}
	}
}

// TestCheckDirectory: a nested archive inflating more than MaxRatio-fold is
// refused from the outer directory alone (before a work slot, before a
// byte is inflated); an honest nested archive passes and is left to the
// full scan.
func TestCheckDirectory(t *testing.T) {
	bomb := zipOf(t, entry{"n.zip", storedZipOf(t, entry{"a.xlsx", make([]byte, 8<<20)})})
	honest := zipOf(t, entry{"n.zip", zipOf(t, entry{"a.xlsx", book(t, false, "", false, templates.Options{})})})
	for _, tc := range []struct {
		name string
		in   []byte
		code string
	}{
		{"bomb", bomb, model.ETooLarge},
		{"honest", honest, ""},
		{"not a zip", []byte("PK\x03\x04 no"), model.ECorrupt},
	} {
		err := CheckDirectory(context.Background(), bytes.NewReader(tc.in), int64(len(tc.in)), ZipLimits())
		if model.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.code)
		}
		if tc.code == model.ETooLarge {
			if err := CheckZip(context.Background(), bytes.NewReader(tc.in), int64(len(tc.in)), ZipLimits()); model.ErrorCode(err) != tc.code {
				t.Errorf("%s: CheckZip %v", tc.name, err)
			}
		}
	}
}
