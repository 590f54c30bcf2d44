package xlsxtest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Snapshot is a read-only picture of a workbook for tests and diagnostics:
// every cell's raw value, formula and style (with the style's description
// apart from its fill), merges, column widths, comments, defined names and
// sheet order. Compare two with Diff.
type Snapshot struct {
	Sheets       []string
	DefinedNames []string
	Cells        map[string]SnapCell  // "sheet!A1"
	Merges       map[string][]string  // sheet -> ranges
	Widths       map[string][]float64 // sheet -> widths of columns A..last
	Comments     map[string]string    // "sheet!A1" -> text
	Hidden       map[string]bool      // sheet -> hidden
}

// SnapCell is one cell of a Snapshot.
type SnapCell struct {
	Value    string
	Formula  string
	Style    int
	XfNoFill string // the style's xf record without its fill (font, border, number format, ...)
	Fill     string // the fill's pattern and colours
}

var cellRefRe = regexp.MustCompile(`<c r="([A-Z]{1,3})([0-9]{1,7})"`)

// TakeSnapshot reads a workbook (xlsx bytes) into a Snapshot, with
// excelize as a reader independent of package xlsx.
func TakeSnapshot(r io.Reader) (*Snapshot, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Extents from the raw sheet XML, so cells that carry only a style
	// (which GetRows and a stale <dimension> miss) are compared too.
	parts, err := sheetParts(data)
	if err != nil {
		return nil, err
	}
	extent := map[string][2]int{}
	for name, raw := range parts {
		var mr, mc int
		for _, m := range cellRefRe.FindAllSubmatch(raw, -1) {
			c, err := excelize.ColumnNameToNumber(string(m[1]))
			if err != nil {
				continue
			}
			rr, _ := strconv.Atoi(string(m[2]))
			mr, mc = max(mr, rr), max(mc, c)
		}
		extent[name] = [2]int{mr, mc}
	}
	s := &Snapshot{
		Cells: map[string]SnapCell{}, Merges: map[string][]string{}, Widths: map[string][]float64{},
		Comments: map[string]string{}, Hidden: map[string]bool{},
	}
	s.Sheets = f.GetSheetList()
	for _, d := range f.GetDefinedName() {
		s.DefinedNames = append(s.DefinedNames, d.Name+"|"+d.Scope+"|"+d.RefersTo)
	}
	for _, sh := range s.Sheets {
		vis, _ := f.GetSheetVisible(sh)
		s.Hidden[sh] = !vis
		rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		maxR, maxC := max(len(rows), extent[sh][0]), extent[sh][1]
		for _, r := range rows {
			maxC = max(maxC, len(r))
		}
		if dim, err := f.GetSheetDimension(sh); err == nil && dim != "" {
			parts := strings.Split(dim, ":")
			if c, r, err := excelize.CellNameToCoordinates(parts[len(parts)-1]); err == nil {
				maxR, maxC = max(maxR, r), max(maxC, c)
			}
		}
		ms, err := f.GetMergeCells(sh)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			s.Merges[sh] = append(s.Merges[sh], m.GetStartAxis()+":"+m.GetEndAxis())
		}
		for c := 1; c <= maxC; c++ {
			col, _ := excelize.ColumnNumberToName(c)
			w, err := f.GetColWidth(sh, col)
			if err != nil {
				return nil, err
			}
			s.Widths[sh] = append(s.Widths[sh], w)
		}
		for r := 1; r <= maxR; r++ {
			for c := 1; c <= maxC; c++ {
				a, _ := excelize.CoordinatesToCellName(c, r)
				v, err := f.GetCellValue(sh, a, excelize.Options{RawCellValue: true})
				if err != nil {
					return nil, err
				}
				fo, err := f.GetCellFormula(sh, a)
				if err != nil {
					return nil, err
				}
				st, err := f.GetCellStyle(sh, a)
				if err != nil {
					return nil, err
				}
				sc := SnapCell{Value: v, Formula: fo, Style: st}
				if st >= 0 && st < len(f.Styles.CellXfs.Xf) {
					x := f.Styles.CellXfs.Xf[st]
					if x.FillID != nil && f.Styles.Fills != nil && *x.FillID < len(f.Styles.Fills.Fill) {
						sc.Fill = describe(f.Styles.Fills.Fill[*x.FillID])
					}
					x.FillID, x.ApplyFill = nil, nil
					sc.XfNoFill = describe(x)
				}
				if v != "" || fo != "" || st != 0 {
					s.Cells[sh+"!"+a] = sc
				}
			}
		}
		cs, err := f.GetComments(sh)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			s.Comments[sh+"!"+c.Cell] = c.Text + runsText(c.Paragraph)
		}
	}
	return s, nil
}

// describe renders a style record (with pointers followed) as text.
func describe(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// SnapDiff is one difference between two snapshots.
type SnapDiff struct {
	Where string // "sheet!A1", "sheet" or "workbook"
	What  string // value, formula, style, xf, merge, width, sheets, names, comment, hidden
	Old   string
	New   string
}

// Diff lists what changed from s to o (cells, merges, widths, sheets,
// defined names, comments).
func (s *Snapshot) Diff(o *Snapshot) []SnapDiff {
	var out []SnapDiff
	add := func(where, what, a, b string) {
		if a != b {
			out = append(out, SnapDiff{where, what, a, b})
		}
	}
	add("workbook", "sheets", strings.Join(s.Sheets, ","), strings.Join(o.Sheets, ","))
	// A name local to a sheet is that sheet's (Where is the sheet, as for
	// its cells: the AutoFilter and print titles of an added results
	// sheet are skipped with its cells); the others are the workbook's.
	scoped := func(names []string) map[string]string {
		m := map[string][]string{}
		for _, n := range names {
			where := "workbook"
			if p := strings.Split(n, "|"); len(p) == 3 && p[1] != "" && p[1] != "Workbook" {
				where = p[1]
			}
			m[where] = append(m[where], n)
		}
		out := map[string]string{}
		for k, v := range m {
			out[k] = strings.Join(v, ";")
		}
		return out
	}
	sn, on := scoped(s.DefinedNames), scoped(o.DefinedNames)
	add("workbook", "names", sn["workbook"], on["workbook"])
	var scopes []string
	for k := range sn {
		scopes = append(scopes, k)
	}
	for k := range on {
		if _, ok := sn[k]; !ok {
			scopes = append(scopes, k)
		}
	}
	sort.Strings(scopes)
	for _, k := range scopes {
		if k != "workbook" {
			add(k, "names", sn[k], on[k])
		}
	}
	keys := map[string]bool{}
	for k := range s.Cells {
		keys[k] = true
	}
	for k := range o.Cells {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		a, b := s.Cells[k], o.Cells[k]
		add(k, "value", a.Value, b.Value)
		add(k, "formula", a.Formula, b.Formula)
		add(k, "style", strconv.Itoa(a.Style), strconv.Itoa(b.Style))
		add(k, "xf", a.XfNoFill, b.XfNoFill)
		add(k, "fill", a.Fill, b.Fill)
	}
	for _, sh := range s.Sheets {
		add(sh, "merge", strings.Join(s.Merges[sh], ","), strings.Join(o.Merges[sh], ","))
		add(sh, "width", fmt.Sprint(s.Widths[sh]), fmt.Sprint(o.Widths[sh]))
		add(sh, "hidden", strconv.FormatBool(s.Hidden[sh]), strconv.FormatBool(o.Hidden[sh]))
	}
	ck := map[string]bool{}
	for k := range s.Comments {
		ck[k] = true
	}
	for k := range o.Comments {
		ck[k] = true
	}
	for k := range ck {
		add(k, "comment", s.Comments[k], o.Comments[k])
	}
	return out
}

func runsText(rs []excelize.RichTextRun) string {
	var s strings.Builder
	for _, r := range rs {
		s.WriteString(r.Text)
	}
	return s.String()
}

// sheetParts maps each sheet's name to its part's bytes, following the
// workbook's relationships (absolute or relative targets).
func sheetParts(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	read := func(name string) ([]byte, error) {
		f, ok := files[name]
		if !ok {
			return nil, nil
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	type rel struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
		Type   string `xml:"Type,attr"`
	}
	var rels struct {
		Rels []rel `xml:"Relationship"`
	}
	raw, err := read("_rels/.rels")
	if err != nil {
		return nil, err
	}
	if err := xml.Unmarshal(raw, &rels); err != nil {
		return nil, fmt.Errorf("package relationships: %w", err)
	}
	resolve := func(dir, target string) string {
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(path.Clean(target), "/")
		}
		return strings.TrimPrefix(path.Clean(path.Join(dir, target)), "/")
	}
	wbPath := ""
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wbPath = resolve("", r.Target)
		}
	}
	if wbPath == "" {
		return nil, fmt.Errorf("no workbook part")
	}
	raw, err = read(wbPath)
	if err != nil {
		return nil, err
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			// Strict OOXML names the relationship's namespace differently.
			StrictRID string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(raw, &wb); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	rels.Rels = nil
	raw, err = read(path.Dir(wbPath) + "/_rels/" + path.Base(wbPath) + ".rels")
	if err != nil {
		return nil, err
	}
	if err := xml.Unmarshal(raw, &rels); err != nil {
		return nil, fmt.Errorf("workbook relationships: %w", err)
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		target[r.ID] = resolve(path.Dir(wbPath), r.Target)
	}
	out := map[string][]byte{}
	for _, s := range wb.Sheets {
		id := s.RID
		if id == "" {
			id = s.StrictRID
		}
		p, ok := target[id]
		if !ok {
			continue
		}
		raw, err := read(p)
		if err != nil {
			return nil, err
		}
		if raw != nil {
			out[s.Name] = raw
		}
	}
	return out, nil
}
