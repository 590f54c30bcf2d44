package xlsx

// zipcheck.go: package-level checks of an uploaded workbook's zip, run from
// OpenBytes right after the zip directory passed the size limits (issue
// 15): parts that two entries claim, and a [Content_Types].xml that does
// not decode. Both are corrupt input: excelize and Excel would each pick
// one entry or keep whatever part of the content types parsed, so the
// workbook written back would differ from the one checked.

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/juesuan/juesuan/model"
)

// partKey is how a zip entry name addresses a package part: backslashes
// are separators to excelize, a leading slash is the package root, and
// part names compare case-insensitively (OPC, ECMA-376 Part 2 §6.3.5).
func partKey(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// checkParts refuses duplicate part names and an undecodable
// [Content_Types].xml.
func checkParts(zr *zip.Reader, lim Limits) error {
	seen := make(map[string]string, len(zr.File))
	var types *zip.File
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") {
			continue // a folder entry names no part
		}
		k := partKey(zf.Name)
		if first, ok := seen[k]; ok {
			return model.Errorf(model.ECorrupt, nil, model.MsgDuplicatePart, first, zf.Name)
		}
		seen[k] = zf.Name
		if k == "[content_types].xml" {
			types = zf
		}
	}
	if types == nil {
		return nil // reported by the reader as a missing workbook part when it matters
	}
	rc, err := types.Open()
	if err != nil {
		return model.Errorf(model.ECorrupt, err, model.MsgContentTypesBroken)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, lim.UnzipXMLSize+1))
	if err != nil {
		return model.Errorf(model.ECorrupt, err, model.MsgContentTypesBroken)
	}
	if err := decodeStrict(data); err != nil {
		return model.Errorf(model.ECorrupt, err, model.MsgContentTypesNotXML)
	}
	return nil
}

// decodeStrict reads every token of an XML document: undefined entities,
// mismatched tags and truncation are errors. The fast scanner answers for
// the documents it reads (it accepts only what RawToken accepts, and the
// depth is counted the same way); encoding/xml reads the rest.
func decodeStrict(data []byte) error {
	if p := (&depthCount{}); scanXML(data, p) && p.depth == 0 {
		return nil
	}
	return decodeStrictXML(data)
}

// depthCount is decodeStrict's depth rule for the scanner: the scan stops
// (and encoding/xml gives the error) beyond 64 levels.
type depthCount struct{ depth int }

func (p *depthCount) startTag([]byte, []attr, int, int) error {
	if p.depth++; p.depth > 64 {
		return errPatch
	}
	return nil
}
func (p *depthCount) endTag([]byte, int, int) error { p.depth--; return nil }
func (p *depthCount) charData([]byte)               {}

// decodeStrictXML is decodeStrict with encoding/xml only.
func decodeStrictXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if depth != 0 {
				return errors.New("unclosed element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > 64 {
				return errors.New("nesting too deep")
			}
		case xml.EndElement:
			depth--
		}
	}
}

// MacroEnabled reports whether a workbook is macro-enabled (.xlsm): it
// carries a VBA project or declares the macro-enabled main part. Output
// named .xlsx would hide the macros from the user's Excel.
func MacroEnabled(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, zf := range zr.File {
		switch partKey(zf.Name) {
		case "xl/vbaproject.bin":
			return true
		case "[content_types].xml":
			if zf.UncompressedSize64 > 1<<20 {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
			rc.Close()
			if bytes.Contains(b, []byte("sheet.macroEnabled.main+xml")) {
				return true
			}
		}
	}
	return false
}

// MaxCellStyles is the number of cell formats (cellXfs records) beyond
// which a workbook cannot be annotated: excelize refuses to add a style
// past 65,430 and a fill adds one per marked original style, so this
// leaves room for the marks.
const MaxCellStyles = 64000

// CellStyles counts the cell formats of a workbook's styles part without
// opening the workbook; 0 when there is no styles part or it cannot be read
// (the pipeline reports that).
func CellStyles(data []byte) int {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0
	}
	lim := DefaultLimits()
	for _, zf := range zr.File {
		if partKey(zf.Name) != "xl/styles.xml" || zf.UncompressedSize64 > uint64(lim.UnzipXMLSize) {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return 0
		}
		defer rc.Close()
		d := xml.NewDecoder(io.LimitReader(rc, lim.UnzipXMLSize))
		depth, in, n := 0, 0, 0
		for {
			tok, err := d.RawToken()
			if err != nil {
				return n
			}
			switch t := tok.(type) {
			case xml.StartElement:
				depth++
				switch {
				case in == 0 && t.Name.Local == "cellXfs":
					in = depth
				case in > 0 && depth == in+1 && t.Name.Local == "xf":
					n++
				}
			case xml.EndElement:
				if depth == in {
					return n
				}
				depth--
			}
		}
	}
	return 0
}
