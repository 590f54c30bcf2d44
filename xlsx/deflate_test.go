package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// deflateCorpus is every part of the committed foreign workbooks (files
// juesuan did not write) plus texts shaped like the parts juesuan writes
// (a results sheet, VML note shapes) and inputs at the encoder's edges.
func deflateCorpus(t testing.TB) (names []string, data [][]byte) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "foreign", "*.xlsx"))
	if len(files) == 0 {
		t.Fatal("no testdata/foreign fixtures (they are committed)")
	}
	for _, f := range files {
		zr, err := zip.OpenReader(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, filepath.Base(f)+"/"+zf.Name)
			data = append(data, b)
		}
		zr.Close()
	}
	var rs, vml bytes.Buffer
	rs.WriteString(xmlDecl + `<worksheet xmlns="` + nsMain + `"><sheetData>`)
	for r := 1; r <= 3000; r++ {
		fmt.Fprintf(&rs, `<row r="%d"><c r="A%d" s="14"><v>%d</v></c><c r="B%d" s="15" t="inlineStr"><is><t xml:space="preserve">补填 R02.%d：由 公开02表 %d 财政拨款收入 %d.%02d 计算得</t></is></c></row>`,
			r, r, r, r, r%40, 2150100+r, r*37, r%100)
	}
	rs.WriteString(`</sheetData></worksheet>`)
	vml.WriteString(`<xml xmlns:v="` + nsVML + `" xmlns:o="` + nsOffice + `" xmlns:x="` + nsExcelVML + `">`)
	for i := range 800 {
		vml.Write(appendVMLNoteShape(nil, 1025+i, i/12+3, i%12+2, "v", "o", "x"))
	}
	vml.WriteString(`</xml>`)
	rnd := rand.New(rand.NewSource(1))
	noise := make([]byte, 200_000)
	rnd.Read(noise)
	abc := make([]byte, 150_000)
	for i := range abc {
		abc[i] = byte('a' + rnd.Intn(3))
	}
	skew := make([]byte, 0, 100_000) // Fibonacci-like frequencies: codes over 15 bits before limiting
	a, b := 1, 1
	for s := 0; len(skew) < cap(skew) && s < 26; s++ {
		skew = append(skew, bytes.Repeat([]byte{byte('A' + s)}, min(a, cap(skew)-len(skew)))...)
		a, b = b, a+b
	}
	rnd.Shuffle(len(skew), func(i, j int) { skew[i], skew[j] = skew[j], skew[i] })
	edges := map[string][]byte{
		"empty": nil, "one": {7}, "short": []byte("abc"), "run": bytes.Repeat([]byte("a"), 100_000),
		"zeros-70k": make([]byte, 70_000), "noise": noise, "noise-65535": noise[:65535], "noise-65536": noise[:65536],
		"abc": abc, "skew": skew, "results": rs.Bytes(), "vml": vml.Bytes(),
		"long-distance": append(append(append([]byte{}, noise[:40_000]...), noise[:32_768]...), noise[:1000]...),
	}
	for _, k := range []string{"empty", "one", "short", "run", "zeros-70k", "noise", "noise-65535", "noise-65536", "abc", "skew", "results", "vml", "long-distance"} {
		names = append(names, k)
		data = append(data, edges[k])
	}
	return names, data
}

// deflateWith compresses data with a pooled compressor (as the zip writer
// gets it), written in pieces of chunk bytes.
func deflateWith(t testing.TB, data []byte, chunk int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := bestSpeed(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for p := data; len(p) > 0; {
		k := min(chunk, len(p))
		if n, err := w.Write(p[:k]); err != nil || n != k {
			t.Fatalf("write: %d, %v", n, err)
		}
		p = p[k:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every input comes back from compress/flate's inflater byte for byte,
// whatever the write sizes, with the compressor reused across streams; the
// output is no larger than compress/flate's BestSpeed gives (2 % slack).
func TestDeflateRoundTrip(t *testing.T) {
	names, data := deflateCorpus(t)
	var ours, std int
	for i, in := range data {
		for _, chunk := range []int{1 << 30, 256 << 10, 65535, 4093, 1} {
			if chunk == 1 && len(in) > 300 {
				continue
			}
			z := deflateWith(t, in, chunk)
			got, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
			if err != nil || !bytes.Equal(got, in) {
				t.Fatalf("%s (writes of %d): inflated %d bytes of %d, %v", names[i], chunk, len(got), len(in), err)
			}
			if chunk == 256<<10 {
				ours += len(z)
				var b bytes.Buffer
				fw, _ := flate.NewWriter(&b, flate.BestSpeed)
				fw.Write(in)
				fw.Close()
				std += b.Len()
			}
		}
	}
	t.Logf("%d inputs: %d bytes deflated, compress/flate BestSpeed %d", len(data), ours, std)
	if ours > std+std/50 {
		t.Errorf("deflated to %d bytes, BestSpeed %d", ours, std)
	}
}

// zlib (Python's, the inflater of most other programs) reads the streams
// too: a second, independent check of the Huffman codes and block forms.
func TestDeflateZlib(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 not installed")
		}
		t.Skip("python3 not installed")
	}
	names, data := deflateCorpus(t)
	dir := t.TempDir()
	var list strings.Builder
	for i, in := range data {
		z := filepath.Join(dir, fmt.Sprintf("%d.z", i))
		raw := filepath.Join(dir, fmt.Sprintf("%d.raw", i))
		if err := os.WriteFile(z, deflateWith(t, in, 4093), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(raw, in, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&list, "%s\t%s\t%s\n", z, raw, names[i])
	}
	script := `
import sys, zlib
bad = 0
for line in sys.stdin.read().splitlines():
    z, raw, name = line.split("\t")
    try:
        ok = zlib.decompress(open(z, "rb").read(), -15) == open(raw, "rb").read()
    except zlib.error as e:
        ok = False
        print(name, e)
    if not ok:
        bad += 1
        print("differs:", name)
print("checked", bad)
sys.exit(1 if bad else 0)
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(list.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("zlib: %v\n%s", err, out)
	}
}

func FuzzDeflate(f *testing.F) {
	f.Add([]byte("<c r=\"A1\" s=\"3\"><v>1</v></c><c r=\"A2\" s=\"3\"><v>1</v></c>"), 7)
	f.Add(bytes.Repeat([]byte{0, 1, 2}, 30000), 65535)
	f.Fuzz(func(t *testing.T, in []byte, chunk int) {
		if chunk <= 0 {
			chunk = 1
		}
		z := deflateWith(t, in, chunk)
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("inflated %d bytes of %d, %v", len(got), len(in), err)
		}
	})
}

// BenchmarkDeflate compresses the corpus's XML parts with this encoder and
// with compress/flate at BestSpeed (a reused writer each).
func BenchmarkDeflate(b *testing.B) {
	names, data := deflateCorpus(b)
	var parts [][]byte
	size := 0
	for i, d := range data {
		if strings.HasSuffix(names[i], ".xml") || names[i] == "results" || names[i] == "vml" {
			parts = append(parts, d)
			size += len(d)
		}
	}
	run := func(b *testing.B, w io.WriteCloser, reset func(io.Writer)) {
		var buf bytes.Buffer
		b.SetBytes(int64(size))
		n := 0
		for b.Loop() {
			n = 0
			for _, p := range parts {
				buf.Reset()
				reset(&buf)
				w.Write(p)
				w.Close()
				n += buf.Len()
			}
		}
		b.ReportMetric(float64(n), "out-bytes")
	}
	b.Run("juesuan", func(b *testing.B) {
		d := newDeflater(io.Discard)
		run(b, d, d.Reset)
	})
	b.Run("flate-BestSpeed", func(b *testing.B) {
		fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
		run(b, fw, fw.Reset)
	})
}
