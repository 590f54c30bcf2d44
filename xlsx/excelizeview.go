package xlsx

// The package as excelize is given it for editing. excelize (v2.11) takes
// two things for granted that other programs do not:
//
//   - a sheet's notes live in xl/commentsN.xml with the N of the sheet's
//     xl/drawings/vmlDrawingN.vml, and a sheet without notes gets the
//     number "count of comments parts + 1" (vml.go addVMLObject).
//     LibreOffice numbers comments by sheet (comments2.xml for the second
//     sheet) and drawings in sequence (vmlDrawing1.vml), so excelize wrote
//     juesuan's notes for one sheet into another sheet's comments part, or
//     into a part no sheet refers to, or refused with "comment already
//     exist";
//   - relationship targets are relative ("../comments1.xml"). With an
//     absolute target ("/xl/comments1.xml", as some writers emit) it took
//     the drawing number as 0 and wrote the notes into an orphan
//     xl/comments0.xml, after deleting the user's note it replaced.
//
//   - Strict OOXML (Excel's "Strict Open XML 电子表格": namespaces under
//     http://purl.oclc.org/ooxml/) is converted on reading only the parts
//     excelize parses; the parts it copies, and the sheets juesuan patches
//     in place, would keep the Strict namespaces in a package excelize
//     declares transitional.
//
// excelizeView renames the comments and VML parts, rewrites absolute
// targets as relative ones and Strict namespaces as transitional ones, in a copy of the upload that only excelize
// sees; the reader works on the upload as it is. Workbooks that need
// neither (everything juesuan and Excel write) are handed over unchanged.

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const (
	relComments   = "/comments"
	relVMLDrawing = "/vmlDrawing"
)

type viewRel struct {
	XMLName    xml.Name `xml:"Relationship"`
	ID         string   `xml:"Id,attr"`
	Type       string   `xml:"Type,attr"`
	Target     string   `xml:"Target,attr"`
	TargetMode string   `xml:"TargetMode,attr,omitempty"`
}

type viewRels struct {
	XMLName xml.Name  `xml:"http://schemas.openxmlformats.org/package/2006/relationships Relationships"`
	Rels    []viewRel `xml:"Relationship"`
}

var (
	commentsName = regexp.MustCompile(`^xl/comments([0-9]+)\.xml$`)
	vmlName      = regexp.MustCompile(`^xl/drawings/vmlDrawing([0-9]+)\.vml$`)
	legacyRID    = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?legacyDrawing\s[^>]*?\bid="([^"]*)"`)
	partNameAttr = regexp.MustCompile(`PartName="([^"]*)"`)
)

// relsOwner is the directory the targets of a relationships part are
// relative to: xl/worksheets for xl/worksheets/_rels/sheet1.xml.rels.
func relsOwner(rels string) string {
	return path.Dir(path.Dir(rels))
}

// resolveTarget is the part a target names, seen from directory dir.
func resolveTarget(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(dir, target)), "/")
}

// relativeTarget is target written relative to directory dir.
func relativeTarget(dir, part string) string {
	from := strings.Split(dir, "/")
	to := strings.Split(part, "/")
	if dir == "" || dir == "." {
		return part
	}
	i := 0
	for i < len(from) && i < len(to)-1 && from[i] == to[i] {
		i++
	}
	return strings.Repeat("../", len(from)-i) + strings.Join(to[i:], "/")
}

// excelizeView returns the upload with the changes described above, or
// the upload itself when none is needed.
func (b *Book) excelizeView() ([]byte, error) {
	// The package's and the workbook's relationships are left alone:
	// excelize reads absolute targets there (it writes one itself, for
	// the shared strings).
	wbRels := path.Dir(b.wbPath) + "/_rels/" + path.Base(b.wbPath) + ".rels"
	rels := map[string]*viewRels{}
	for name := range b.zfiles {
		if !strings.HasSuffix(name, ".rels") || name == "_rels/.rels" || name == wbRels {
			continue
		}
		raw, _, err := b.part(name)
		if err != nil {
			return nil, err
		}
		var r viewRels
		if xml.Unmarshal(raw, &r) != nil {
			continue // excelize makes of it what it can, as before
		}
		rels[name] = &r
	}
	absolute := false
	for _, r := range rels {
		for _, x := range r.Rels {
			if strings.HasPrefix(x.Target, "/") && !strings.EqualFold(x.TargetMode, "External") {
				absolute = true
			}
		}
	}

	// Each sheet's notes part and VML drawing (the one <legacyDrawing>
	// names), in workbook order.
	type sheetNotes struct{ comments, vml string }
	var withNotes, vmlOnly []sheetNotes
	owned := map[string]bool{}
	for _, s := range b.sheets {
		p := b.paths[s.Name]
		if p == "" {
			continue
		}
		rn := path.Dir(p) + "/_rels/" + path.Base(p) + ".rels"
		r := rels[rn]
		if r == nil {
			continue
		}
		var sn sheetNotes
		legacy := ""
		if raw, ok, err := b.part(p); err != nil {
			return nil, err
		} else if ok {
			if m := legacyRID.FindSubmatch(raw); m != nil {
				legacy = string(m[1])
			}
		}
		for _, x := range r.Rels {
			t := resolveTarget(relsOwner(rn), x.Target)
			switch {
			case strings.HasSuffix(x.Type, relComments) && sn.comments == "":
				sn.comments = t
			case strings.HasSuffix(x.Type, relVMLDrawing) && x.ID == legacy:
				sn.vml = t
			}
		}
		if owned[sn.comments] || owned[sn.vml] {
			continue // two sheets sharing a part: leave it to excelize
		}
		switch {
		case sn.comments != "":
			withNotes = append(withNotes, sn)
		case sn.vml != "":
			vmlOnly = append(vmlOnly, sn)
		default:
			continue
		}
		owned[sn.comments], owned[sn.vml] = sn.comments != "", sn.vml != ""
		delete(owned, "")
	}

	// What excelize will do, and whether it works out.
	count := 0 // excelize's countComments
	for name := range b.zfiles {
		if strings.Contains(name, "xl/comments") {
			count++
		}
	}
	number := func(re *regexp.Regexp, name string) int {
		if m := re.FindStringSubmatch(name); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
		return -1
	}
	consistent := true
	for _, sn := range withNotes {
		if n := number(commentsName, sn.comments); n < 1 || sn.vml != "" && number(vmlName, sn.vml) != n {
			consistent = false
		}
	}
	for _, sn := range vmlOnly {
		n := number(vmlName, sn.vml)
		if n < 1 || b.zfiles[fmt.Sprintf("xl/comments%d.xml", n)] != nil {
			consistent = false
		}
	}
	for m := count + 1; m <= count+len(b.sheets); m++ {
		if b.zfiles[fmt.Sprintf("xl/comments%d.xml", m)] != nil || b.zfiles[fmt.Sprintf("xl/drawings/vmlDrawing%d.vml", m)] != nil {
			consistent = false
		}
	}
	strict := false
	for _, name := range []string{b.wbPath, "[Content_Types].xml", "_rels/.rels"} {
		if raw, ok, err := b.part(name); err != nil {
			return nil, err
		} else if ok && bytes.Contains(raw, []byte(strictPrefix)) {
			strict = true
		}
	}
	if consistent && !absolute && !strict {
		return b.data, nil
	}

	rename := map[string]string{}
	if !consistent {
		// Sheets with notes take 1..k, other comments parts k+1..count (so
		// excelize's next number, count+1, is free), sheets with a drawing
		// but no notes and any other drawing numbers past every number
		// excelize can reach by adding notes to each sheet.
		n := 0
		for _, sn := range withNotes {
			n++
			rename[sn.comments] = fmt.Sprintf("xl/comments%d.xml", n)
			if sn.vml != "" {
				rename[sn.vml] = fmt.Sprintf("xl/drawings/vmlDrawing%d.vml", n)
			}
		}
		var others, drawings []string
		for name := range b.zfiles {
			if _, done := rename[name]; done {
				continue
			}
			switch {
			case commentsName.MatchString(name):
				others = append(others, name)
			case vmlName.MatchString(name) && !owned[name]:
				drawings = append(drawings, name)
			}
		}
		sort.Slice(others, func(i, j int) bool { return number(commentsName, others[i]) < number(commentsName, others[j]) })
		sort.Slice(drawings, func(i, j int) bool { return number(vmlName, drawings[i]) < number(vmlName, drawings[j]) })
		for _, name := range others {
			n++
			rename[name] = fmt.Sprintf("xl/comments%d.xml", n)
		}
		next := count + len(b.sheets)
		for _, sn := range vmlOnly {
			next++
			rename[sn.vml] = fmt.Sprintf("xl/drawings/vmlDrawing%d.vml", next)
		}
		for _, name := range drawings {
			next++
			rename[name] = fmt.Sprintf("xl/drawings/vmlDrawing%d.vml", next)
		}
		for from, to := range rename {
			if from == to {
				delete(rename, from)
			}
		}
		// A renamed drawing's own relationships move with it.
		for from, to := range rename {
			rf := path.Dir(from) + "/_rels/" + path.Base(from) + ".rels"
			if b.zfiles[rf] != nil {
				rename[rf] = path.Dir(to) + "/_rels/" + path.Base(to) + ".rels"
			}
		}
	}
	moved := func(name string) string {
		if to, ok := rename[name]; ok {
			return to
		}
		return name
	}

	changed := map[string][]byte{}
	for rn, r := range rels {
		owner := moved(relsOwner(rn) + "/" + strings.TrimSuffix(path.Base(rn), ".rels"))
		dir := path.Dir(owner)
		edit := false
		for i, x := range r.Rels {
			if strings.EqualFold(x.TargetMode, "External") {
				continue
			}
			t := resolveTarget(relsOwner(rn), x.Target)
			nt := moved(t)
			if strings.HasPrefix(x.Target, "/") || nt != t || dir != relsOwner(rn) {
				r.Rels[i].Target = relativeTarget(dir, nt)
				edit = edit || r.Rels[i].Target != x.Target
			}
		}
		if edit {
			out, err := xml.Marshal(r)
			if err != nil {
				return nil, err
			}
			changed[rn] = append([]byte(xml.Header), out...)
		}
	}
	if len(rename) > 0 {
		if raw, ok, err := b.part("[Content_Types].xml"); err != nil {
			return nil, err
		} else if ok {
			changed["[Content_Types].xml"] = partNameAttr.ReplaceAllFunc(raw, func(m []byte) []byte {
				name := strings.TrimPrefix(string(partNameAttr.FindSubmatch(m)[1]), "/")
				if to, ok := rename[name]; ok {
					return []byte(`PartName="/` + to + `"`)
				}
				return m
			})
		}
	}
	if strict {
		for name := range b.zfiles {
			if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") && !strings.HasSuffix(name, ".vml") {
				continue
			}
			raw, ok := changed[name]
			if !ok {
				var err error
				if raw, _, err = b.part(name); err != nil {
					return nil, err
				}
			}
			if bytes.Contains(raw, []byte(strictPrefix)) {
				changed[name] = transitional(raw)
			}
		}
	}
	if len(changed) == 0 && len(rename) == 0 {
		return b.data, nil
	}
	return b.rewriteZip(rename, changed)
}

// strictPrefix starts every Strict OOXML namespace.
const strictPrefix = "http://purl.oclc.org/ooxml/"

// strictNamespaces maps Strict OOXML namespaces (and, by prefix, the
// relationship types under them) to their transitional forms (ECMA-376
// Part 1 and ISO/IEC 29500-1 §A).
var strictNamespaces = strings.NewReplacer(
	` conformance="strict"`, "",
	"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
	"http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
	"http://purl.oclc.org/ooxml/spreadsheetml/main", "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
	"http://purl.oclc.org/ooxml/officeDocument/relationships", "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
	"http://purl.oclc.org/ooxml/drawingml/main", "http://schemas.openxmlformats.org/drawingml/2006/main",
	"http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing", "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
	"http://purl.oclc.org/ooxml/drawingml/chart", "http://schemas.openxmlformats.org/drawingml/2006/chart",
	"http://purl.oclc.org/ooxml/officeDocument/extendedProperties", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
	"http://purl.oclc.org/ooxml/officeDocument/customProperties", "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
	"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
	"http://purl.oclc.org/ooxml/officeDocument/math", "http://schemas.openxmlformats.org/officeDocument/2006/math",
	"http://purl.oclc.org/ooxml/officeDocument/sharedTypes", "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
)

// transitional rewrites a part's Strict namespaces.
func transitional(raw []byte) []byte {
	return []byte(strictNamespaces.Replace(string(raw)))
}

// rewriteZip copies the upload with parts renamed and replaced; the other
// parts are copied still compressed.
func (b *Book) rewriteZip(rename map[string]string, changed map[string][]byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b.data), int64(len(b.data)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(b.data) + 4096)
	zw := zip.NewWriter(&buf)
	keyOf := func(zf *zip.File) (name, key string) {
		name = strings.ReplaceAll(zf.Name, "\\", "/")
		switch strings.ToLower(name) {
		case "[content_types].xml":
			return name, "[Content_Types].xml"
		case "xl/sharedstrings.xml":
			return name, "xl/sharedStrings.xml"
		}
		return name, name
	}
	last := map[string]int{} // of duplicate entries, the one OpenBytes kept
	for i, zf := range zr.File {
		_, key := keyOf(zf)
		last[key] = i
	}
	for i, zf := range zr.File {
		name, key := keyOf(zf)
		if last[key] != i {
			continue
		}
		to, renamed := rename[key]
		if data, ok := changed[key]; ok {
			if !renamed {
				to = name
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: to, Method: zip.Deflate, Modified: zf.Modified})
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(data); err != nil {
				return nil, err
			}
			continue
		}
		if !renamed {
			if err := zw.Copy(zf); err != nil {
				return nil, err
			}
			continue
		}
		h := zf.FileHeader
		h.Name = to
		w, err := zw.CreateRaw(&h)
		if err != nil {
			return nil, err
		}
		rc, err := zf.OpenRaw()
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(w, rc); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
