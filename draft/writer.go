package draft

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/juesuan/juesuan/model"
)

// The docx is written by hand, the smallest package Word, WPS and
// LibreOffice open: content types, package and document relationships,
// styles (宋体/黑体 for the East Asian script, so CJK renders wherever
// those or their substitutes exist) and the document body. Placeholders
// are highlighted so they are easy to find and fill.

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`

const packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`

// Body 14 pt (四号) 宋体 with a two-character first-line indent and 1.5
// line spacing; headings 黑体 / bold 宋体; the title centred 18 pt. Hanging
// punctuation is off (w:overflowPunct 0) so no mark is pushed into the
// margin, where PDF exports lose it.
const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman" w:hint="eastAsia"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:overflowPunct w:val="0"/><w:spacing w:line="360" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="560"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="240" w:after="240"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="宋体"/><w:b/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>` +
	`</w:styles>`

// A4 with the margins of the official document standard (GB/T 9704).
const sectPr = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`

var styleOf = [...]string{"", "Heading1", "Heading2", "Heading3"}

// fixedTime keeps the zip byte-identical from run to run.
var fixedTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteDOCX writes the document as a .docx.
func (d *Document) WriteDOCX(w io.Writer) error {
	var body bytes.Buffer
	body.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	body.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	paragraph(&body, "Title", d.Title, titleSize(d.Title))
	for _, b := range d.Blocks {
		paragraph(&body, styleOf[min(max(b.Level, 0), 3)], b.Text, 0)
	}
	body.WriteString(sectPr)
	body.WriteString(`</w:body></w:document>`)

	var core bytes.Buffer
	core.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	core.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>`)
	escape(&core, d.Title)
	core.WriteString(`</dc:title><dc:creator>juesuan</dc:creator></cp:coreProperties>`)

	zw := zip.NewWriter(w)
	for _, p := range []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(contentTypes)},
		{"_rels/.rels", []byte(packageRels)},
		{"docProps/core.xml", core.Bytes()},
		{"word/_rels/document.xml.rels", []byte(documentRels)},
		{"word/styles.xml", []byte(styles)},
		{"word/document.xml", body.Bytes()},
	} {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: fixedTime})
		if err != nil {
			return model.Errorf(model.EInternal, err, msgWrite)
		}
		if _, err := f.Write(p.data); err != nil {
			return model.Errorf(model.EInternal, err, msgWrite)
		}
	}
	if err := zw.Close(); err != nil {
		return model.Errorf(model.EInternal, err, msgWrite)
	}
	return nil
}

// DOCX returns the .docx bytes.
func (d *Document) DOCX() ([]byte, error) {
	var b bytes.Buffer
	if err := d.WriteDOCX(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// textWidth is the A4 line between the margins in points (8844 twips).
const textWidth = 442

// titleSize is the title's size in half-points: 18 pt, smaller for a long
// unit name so the title stays on one line (a wrapped title reads back
// from a PDF as two paragraphs), never below 12 pt.
func titleSize(title string) int {
	w := 0.0
	for _, r := range title {
		if r < 0x2e80 {
			w += 0.5 // Latin digits and letters take half an em
		} else {
			w++
		}
	}
	pt := 18
	for pt > 12 && float64(pt)*w > textWidth*0.9 { // a tenth spare: fonts differ
		pt--
	}
	return pt * 2
}

// paragraph writes one w:p; each placeholder is a highlighted run of its
// own. size (half-points) overrides the style's when nonzero.
func paragraph(b *bytes.Buffer, style, text string, size int) {
	b.WriteString(`<w:p>`)
	if style != "" {
		b.WriteString(`<w:pPr><w:pStyle w:val="` + style + `"/>`)
		if size > 0 {
			fmt.Fprintf(b, `<w:rPr><w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr>`, size, size)
		}
		b.WriteString(`</w:pPr>`)
	}
	rpr := ""
	if size > 0 {
		rpr = fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, size, size)
	}
	for text != "" {
		i := strings.Index(text, "【")
		j := -1
		if i >= 0 {
			j = strings.Index(text[i:], "】")
		}
		if i < 0 || j < 0 {
			run(b, text, false, rpr)
			break
		}
		end := i + j + len("】")
		if i > 0 {
			run(b, text[:i], false, rpr)
		}
		run(b, text[i:end], true, rpr)
		text = text[end:]
	}
	b.WriteString(`</w:p>`)
}

func run(b *bytes.Buffer, text string, mark bool, rpr string) {
	b.WriteString(`<w:r>`)
	if mark {
		rpr += `<w:highlight w:val="yellow"/>`
	}
	if rpr != "" {
		b.WriteString(`<w:rPr>` + rpr + `</w:rPr>`)
	}
	b.WriteString(`<w:t xml:space="preserve">`)
	escape(b, text)
	b.WriteString(`</w:t></w:r>`)
}

func escape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }
