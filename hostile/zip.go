package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
)

// part is one zip entry of a package.
type part struct {
	name string
	data []byte
}

// pkg is an unzipped workbook, entries in their original order, so a case
// can rewrite parts and zip it again.
type pkg struct{ parts []part }

func unzip(data []byte) (*pkg, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	p := &pkg{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("unzip %s: %w", f.Name, err)
		}
		p.parts = append(p.parts, part{f.Name, b})
	}
	return p, nil
}

func (p *pkg) clone() *pkg {
	return &pkg{parts: append([]part(nil), p.parts...)}
}

func (p *pkg) get(name string) []byte {
	for _, pt := range p.parts {
		if pt.name == name {
			return pt.data
		}
	}
	panic("hostile: no part " + name)
}

func (p *pkg) set(name string, data []byte) {
	for i := range p.parts {
		if p.parts[i].name == name {
			p.parts[i].data = data
			return
		}
	}
	p.parts = append(p.parts, part{name, data})
}

// edit rewrites one part with f.
func (p *pkg) edit(name string, f func(string) string) *pkg {
	p.set(name, []byte(f(string(p.get(name)))))
	return p
}

// bytes zips the package (deflate, as Excel does).
func (p *pkg) bytes() []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, pt := range p.parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: pt.name, Method: zip.Deflate})
		must(err)
		_, err = w.Write(pt.data)
		must(err)
	}
	must(zw.Close())
	return buf.Bytes()
}

// zipWith zips the package with one part's content streamed by gen: the
// content is never held in memory, so a case can carry a part of hundreds
// of MiB that compresses to a few hundred KiB.
func (p *pkg) zipWith(name string, gen func(w io.Writer) error) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	done := false
	for _, pt := range p.parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: pt.name, Method: zip.Deflate})
		must(err)
		if pt.name == name {
			must(gen(w))
			done = true
			continue
		}
		_, err = w.Write(pt.data)
		must(err)
	}
	if !done {
		panic("hostile: no part " + name)
	}
	must(zw.Close())
	return buf.Bytes()
}

// zipLying zips the package with one part's real content streamed by gen
// but its header (local and central) declaring declared bytes: a zip bomb
// that lies about its size, or a tiny entry claiming gigabytes.
func (p *pkg) zipLying(name string, declared uint64, gen func(w io.Writer) error) []byte {
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	must(err)
	crc := crc32.NewIEEE()
	must(gen(io.MultiWriter(fw, crc)))
	must(fw.Close())

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	done := false
	for _, pt := range p.parts {
		if pt.name == name {
			w, err := zw.CreateRaw(&zip.FileHeader{
				Name:               pt.name,
				Method:             zip.Deflate,
				CRC32:              crc.Sum32(),
				CompressedSize64:   uint64(comp.Len()),
				UncompressedSize64: declared,
			})
			must(err)
			_, err = w.Write(comp.Bytes())
			must(err)
			done = true
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: pt.name, Method: zip.Deflate})
		must(err)
		_, err = w.Write(pt.data)
		must(err)
	}
	if !done {
		panic("hostile: no part " + name)
	}
	must(zw.Close())
	return buf.Bytes()
}

func must(err error) {
	if err != nil {
		panic("hostile: " + err.Error())
	}
}

// cellRe matches one cell element by its address: <c r="C7" ...>...</c>
// or <c r="C7" .../>.
func cellRe(addr string) *regexp.Regexp {
	return regexp.MustCompile(`<c r="` + regexp.QuoteMeta(addr) + `"([^>]*?)(?:/>|>(.*?)</c>)`)
}

var styleAttr = regexp.MustCompile(`\ss="(\d+)"`)

// setCell replaces the cell at addr of a sheet part, keeping its style, with
// typ ("" for a number, "s", "inlineStr", "str", ...) and inner XML.
func setCell(sheet, addr, typ, inner string) string {
	re := cellRe(addr)
	m := re.FindStringSubmatchIndex(sheet)
	if m == nil {
		panic("hostile: no cell " + addr)
	}
	attrs := sheet[m[2]:m[3]]
	var b strings.Builder
	b.WriteString(`<c r="` + addr + `"`)
	if s := styleAttr.FindStringSubmatch(attrs); s != nil {
		b.WriteString(` s="` + s[1] + `"`)
	}
	if typ != "" {
		b.WriteString(` t="` + typ + `"`)
	}
	b.WriteString(">" + inner + "</c>")
	return sheet[:m[0]] + b.String() + sheet[m[1]:]
}

// numberCell is the inner XML of a typed numeric cell.
func numberCell(v string) (string, string) { return "", "<v>" + v + "</v>" }

// textCell is the inner XML of an inline string cell.
func textCell(s string) (string, string) {
	return "inlineStr", "<is><t>" + xmlEscape(s) + "</t></is>"
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xmlEscapeTo(&b, s)
	return b.String()
}

func xmlEscapeTo(w io.Writer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	_, err := io.WriteString(w, r.Replace(s))
	return err
}

// repeat writes s n times to w in large chunks.
func repeat(w io.Writer, s string, n int) error {
	const chunk = 1 << 16
	per := max(1, chunk/len(s))
	block := strings.Repeat(s, per)
	for n > 0 {
		k := min(n, per)
		if _, err := io.WriteString(w, block[:k*len(s)]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// Compound File Binary (OLE2) container, the format of .xls and of
// encrypted OOXML workbooks. Built to the spec ([MS-CFB]) with one FAT
// sector and one directory sector: enough for magic-byte and stream-name
// detection, and well-formed for a real CFB parser.
const (
	cfbEndOfChain = 0xFFFFFFFE
	cfbFATSect    = 0xFFFFFFFD
	cfbFree       = 0xFFFFFFFF
	cfbNoStream   = 0xFFFFFFFF
)

// cfb builds a version-3 compound file whose root storage holds empty
// streams with the given names.
func cfb(streams ...string) []byte {
	const sector = 512
	out := make([]byte, sector*3) // header, FAT (sector 0), directory (sector 1)
	h := out[:sector]
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(h[0x18:], 0x003E) // minor version
	le.PutUint16(h[0x1A:], 0x0003) // major version 3: 512-byte sectors
	le.PutUint16(h[0x1C:], 0xFFFE) // byte order
	le.PutUint16(h[0x1E:], 9)      // sector shift
	le.PutUint16(h[0x20:], 6)      // mini sector shift
	le.PutUint32(h[0x2C:], 1)      // FAT sectors
	le.PutUint32(h[0x30:], 1)      // first directory sector
	le.PutUint32(h[0x38:], 4096)   // mini stream cutoff
	le.PutUint32(h[0x3C:], cfbEndOfChain)
	le.PutUint32(h[0x44:], cfbEndOfChain)
	le.PutUint32(h[0x4C:], 0) // DIFAT[0]: the FAT is sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(h[0x4C+4*i:], cfbFree)
	}
	fat := out[sector : 2*sector]
	for i := 0; i < sector/4; i++ {
		le.PutUint32(fat[4*i:], cfbFree)
	}
	le.PutUint32(fat[0:], cfbFATSect)
	le.PutUint32(fat[4:], cfbEndOfChain)

	dir := out[2*sector:]
	entry := func(i int, name string, typ byte, left, right, child uint32) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for k, c := range u {
			le.PutUint16(e[2*k:], c)
		}
		le.PutUint16(e[0x40:], uint16(2*(len(u)+1)))
		e[0x42] = typ
		e[0x43] = 1 // black
		le.PutUint32(e[0x44:], left)
		le.PutUint32(e[0x48:], right)
		le.PutUint32(e[0x4C:], child)
		le.PutUint32(e[0x74:], cfbEndOfChain) // start sector: empty
	}
	child := uint32(cfbNoStream)
	if len(streams) > 0 {
		child = 1
	}
	entry(0, "Root Entry", 5, cfbNoStream, cfbNoStream, child)
	for i, s := range streams {
		right := uint32(cfbNoStream)
		if i+1 < len(streams) {
			right = uint32(i + 2)
		}
		entry(i+1, s, 2, cfbNoStream, right, cfbNoStream)
	}
	return out
}
