package annotate_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
)

// ---- helpers ----

func sampleXLSX(t testing.TB, style model.Style) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{Style: style, OmitDerived: true}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fixture(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checked runs the check pipeline on in (the report to annotate with).
func checked(t testing.TB, in []byte) *audit.Result {
	t.Helper()
	res, err := audit.Check(context.Background(), bytes.NewReader(in), audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// userFinding is an error on sheet!cell (where a user's comment is).
func userFinding(sheet, cell string) model.Finding {
	f := model.Finding{Rule: "X99", Severity: model.SevError, Sheet: sheet, Cell: cell, Message: "测试发现",
		Expected: "1.00", Actual: "2.00", Difference: "1.00", Tolerance: "0.01"}
	f.SetFingerprint()
	return f
}

// direct annotates in on the direct path (or, with clean, makes the clean
// copy) and returns the output and the report used.
func direct(t testing.TB, in []byte, clean bool, extra ...model.Finding) ([]byte, model.Report) {
	t.Helper()
	res := checked(t, in)
	rep := res.Report
	rep.Findings = append(rep.Findings, extra...)
	return directRep(t, in, res.Workbook, rep, clean), rep
}

// directRep annotates in with a given report.
func directRep(t testing.TB, in []byte, wb *model.Workbook, rep model.Report, clean bool) []byte {
	t.Helper()
	b, err := xlsx.OpenBytes(in, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if clean {
		err = annotate.CleanCopy(b, wb, rep)
	} else {
		err = annotate.AnnotateDirect(b, wb, rep)
	}
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := b.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func zipParts(t testing.TB, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
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
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// tool returns the path of a program the foreign-writer tests need; they
// are skipped without it, except in CI, where it must be installed.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI: %v", name, err)
	}
	t.Skipf("%s not installed: %v", name, err)
	return ""
}

func python(t *testing.T) string {
	t.Helper()
	p := "/usr/bin/python3"
	if _, err := os.Stat(p); err != nil {
		p = tool(t, "python3")
	}
	if err := exec.Command(p, "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("openpyxl is required in CI: %v", err)
		}
		t.Skipf("openpyxl not installed: %v", err)
	}
	return p
}

// pyComment is a comment as openpyxl reads it.
type pyComment struct{ Author, Text string }

const pyReadComments = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "comments": {}}
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.comment is not None:
                out["comments"][ws.title + "!" + c.coordinate] = {"Author": c.comment.author, "Text": c.comment.text}
print(json.dumps(out, ensure_ascii=False))
`

func openpyxlComments(t *testing.T, data []byte) (sheets []string, comments map[string]pyComment) {
	t.Helper()
	py := python(t)
	f := filepath.Join(t.TempDir(), "in.xlsx")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", pyReadComments, f).Output()
	if err != nil {
		t.Fatalf("openpyxl cannot read the output: %v", err)
	}
	var r struct {
		Sheets   []string
		Comments map[string]pyComment
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	return r.Sheets, r.Comments
}

// libreOfficeOpens converts data with LibreOffice headless.
func libreOfficeOpens(t *testing.T, data []byte) {
	t.Helper()
	so := tool(t, "soffice")
	dir := t.TempDir()
	f := filepath.Join(dir, "book.xlsx")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(so, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "ods", "--outdir", filepath.Join(dir, "out"), f)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	if st, err := os.Stat(filepath.Join(dir, "out", "book.ods")); err != nil || st.Size() == 0 {
		t.Fatalf("LibreOffice did not convert the output: %v", err)
	}
}

// ---- XML trees for part diffs ----

// xel is an element in canonical form: name, sorted attributes, children.
type xel struct {
	name  string
	attrs map[string]string
	kids  []*xel
	text  string
}

func (e *xel) String() string {
	var b strings.Builder
	b.WriteString("<" + e.name)
	keys := make([]string, 0, len(e.attrs))
	for k := range e.attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, e.attrs[k])
	}
	b.WriteString(">" + e.text)
	for _, k := range e.kids {
		b.WriteString(k.String())
	}
	b.WriteString("</" + e.name + ">")
	return b.String()
}

func (e *xel) attr(k string) string { return e.attrs[k] }

func parseXML(t testing.TB, data []byte) *xel {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xel
	var root *xel
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			e := &xel{name: tk.Name.Space + " " + tk.Name.Local, attrs: map[string]string{}}
			for _, a := range tk.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				e.attrs[a.Name.Space+" "+a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && strings.TrimSpace(string(tk)) != "" {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	return root
}

func local(e *xel) string { return e.name[strings.LastIndex(e.name, " ")+1:] }

// partDiff checks that out differs from in only where annotating is
// meant to change it: target cells (value and style), the sheet's
// legacyDrawing, records appended to the style tables, a sheet and
// defined names added to the workbook, relationships and content types
// added, comments and VML parts; every other part byte-identical.
func partDiff(t *testing.T, in, out []byte, targets map[string]bool) (changed []string) {
	t.Helper()
	ip, op := zipParts(t, in), zipParts(t, out)
	sheetOf := sheetParts(t, ip)
	for name, a := range ip {
		b, ok := op[name]
		if !ok {
			t.Errorf("part %s dropped", name)
			continue
		}
		if bytes.Equal(a, b) {
			continue
		}
		changed = append(changed, name)
		switch {
		case sheetOf[name] != "":
			sheetDiff(t, sheetOf[name], parseXML(t, a), parseXML(t, b), targets)
		case name == "xl/styles.xml":
			appendedOnly(t, name, parseXML(t, a), parseXML(t, b), map[string]bool{"numFmts": true, "fonts": true, "fills": true, "borders": true, "cellXfs": true})
		case name == "xl/workbook.xml":
			appendedOnly(t, name, parseXML(t, a), parseXML(t, b), map[string]bool{"sheets": true, "definedNames": true})
		case name == "[Content_Types].xml" || strings.HasSuffix(name, ".rels"):
			supersetOf(t, name, parseXML(t, a), parseXML(t, b))
		case strings.HasPrefix(name, "xl/comments") || strings.HasSuffix(name, ".vml"):
			// checked through openpyxl: every user comment kept
		default:
			t.Errorf("part %s changed", name)
		}
	}
	sort.Strings(changed)
	return changed
}

// sheetParts maps sheet parts to sheet names.
func sheetParts(t testing.TB, parts map[string][]byte) map[string]string {
	wb := parseXML(t, parts["xl/workbook.xml"])
	rels := parseXML(t, parts["xl/_rels/workbook.xml.rels"])
	target := map[string]string{}
	for _, r := range rels.kids {
		tg := r.attr(" Target")
		if !strings.HasPrefix(tg, "/") {
			tg = "xl/" + tg
		}
		target[r.attr(" Id")] = strings.TrimPrefix(tg, "/")
	}
	out := map[string]string{}
	for _, s := range wb.kids {
		if local(s) != "sheets" {
			continue
		}
		for _, sh := range s.kids {
			for k, v := range sh.attrs {
				if strings.HasSuffix(k, " id") && k != " id" {
					out[target[v]] = sh.attr(" name")
				}
			}
		}
	}
	return out
}

func sheetDiff(t *testing.T, sheet string, a, b *xel, targets map[string]bool) {
	t.Helper()
	// Every element outside sheetData is unchanged, a legacyDrawing
	// (added, or pointing at a new drawing) aside.
	top := func(e *xel) (list []string, sd *xel) {
		for _, k := range e.kids {
			switch local(k) {
			case "sheetData":
				sd = k
			case "legacyDrawing":
			default:
				list = append(list, k.String())
			}
		}
		return list, sd
	}
	ta, sa := top(a)
	tb, sb := top(b)
	if strings.Join(ta, "\n") != strings.Join(tb, "\n") {
		t.Errorf("%s: elements outside sheetData changed", sheet)
	}
	cells := func(sd *xel) (map[string]string, map[string]string) {
		cs, rows := map[string]string{}, map[string]string{}
		for _, r := range sd.kids {
			rr := *r
			rr.kids = nil
			rows[r.attr(" r")] = rr.String()
			for _, c := range r.kids {
				cs[c.attr(" r")] = c.String()
			}
		}
		return cs, rows
	}
	ca, ra := cells(sa)
	cb, rb := cells(sb)
	for r, v := range ra {
		if rb[r] != v {
			t.Errorf("%s: row %s changed: %s -> %s", sheet, r, v, rb[r])
		}
	}
	for ref, v := range ca {
		if cb[ref] != v && !targets[sheet+"!"+ref] {
			t.Errorf("%s!%s changed but is no target: %s -> %s", sheet, ref, v, cb[ref])
		}
	}
	for ref := range cb {
		if _, ok := ca[ref]; !ok && !targets[sheet+"!"+ref] {
			t.Errorf("%s!%s added but is no target", sheet, ref)
		}
	}
}

// appendedOnly: children of the root are unchanged, except that the
// listed ones may have children appended (and a count updated).
func appendedOnly(t *testing.T, part string, a, b *xel, grow map[string]bool) {
	t.Helper()
	bi := map[string]*xel{}
	for _, k := range b.kids {
		bi[local(k)] = k
	}
	for _, k := range a.kids {
		nk := bi[local(k)]
		if nk == nil {
			t.Errorf("%s: %s dropped", part, local(k))
			continue
		}
		if !grow[local(k)] {
			if k.String() != nk.String() {
				t.Errorf("%s: %s changed", part, local(k))
			}
			continue
		}
		if len(nk.kids) < len(k.kids) {
			t.Errorf("%s: %s lost records", part, local(k))
			continue
		}
		for i := range k.kids {
			if k.kids[i].String() != nk.kids[i].String() {
				t.Errorf("%s: %s record %d changed:\n%s\n%s", part, local(k), i, k.kids[i], nk.kids[i])
				break
			}
		}
	}
}

func supersetOf(t *testing.T, part string, a, b *xel) {
	t.Helper()
	have := map[string]bool{}
	for _, k := range b.kids {
		have[k.String()] = true
	}
	for _, k := range a.kids {
		if !have[k.String()] {
			t.Errorf("%s: entry dropped: %s", part, k)
		}
	}
}

// targetsOf are the cells a report may change.
func targetsOf(rep model.Report) map[string]bool {
	m := map[string]bool{}
	for _, f := range rep.Fills {
		m[f.Sheet+"!"+f.Cell] = true
	}
	for _, f := range rep.Findings {
		m[f.Sheet+"!"+f.Cell] = true
		for _, s := range f.Suspects {
			m[s.Sheet+"!"+s.Cell] = true
		}
		for _, c := range f.Cells {
			m[c.Sheet+"!"+c.Cell] = true
		}
	}
	return m
}

// ---- tests ----

func TestDirectPartDiff(t *testing.T) {
	cases := []struct {
		name string
		in   func(t *testing.T) []byte
		// a finding is put on this cell of the second sheet
		cell string
	}{
		{"sample/mof", func(t *testing.T) []byte { return sampleXLSX(t, model.StyleMOF) }, "C6"},
		{"sample/shanghai", func(t *testing.T) []byte { return sampleXLSX(t, model.StyleShanghai) }, "C6"},
		{"openpyxl_user_comment", func(t *testing.T) []byte { return fixture(t, "testdata/annotate/openpyxl_user_comment.xlsx") }, "C6"},
		{"lo_user_comment", func(t *testing.T) []byte { return fixture(t, "testdata/annotate/lo_user_comment.xlsx") }, "C6"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in(t)
			b, err := xlsx.OpenBytes(in, xlsx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			sheet := b.Sheets()[1]
			b.Close()
			out, rep := direct(t, in, false, userFinding(sheet, c.cell))
			changed := partDiff(t, in, out, targetsOf(rep))
			for _, p := range changed {
				if strings.HasPrefix(p, "docProps/") || strings.Contains(p, "sharedStrings") || strings.Contains(p, "theme") {
					t.Errorf("%s changed", p)
				}
			}
			if len(changed) == 0 {
				t.Error("nothing changed")
			}
		})
	}
}

func TestDirectKeepsUserComments(t *testing.T) {
	for _, fx := range []string{"testdata/annotate/openpyxl_user_comment.xlsx", "testdata/annotate/lo_user_comment.xlsx"} {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			in := fixture(t, fx)
			sheets, before := openpyxlComments(t, in)
			if len(before) < 2 {
				t.Fatalf("fixture has %d comments", len(before))
			}
			out, _ := direct(t, in, false, userFinding(sheets[1], "C6"))
			_, after := openpyxlComments(t, out)
			for k, c := range before {
				got, ok := after[k]
				switch {
				case !ok:
					t.Errorf("%s: user comment lost", k)
				case got.Author != c.Author:
					t.Errorf("%s: author %q, want %q", k, got.Author, c.Author)
				case !strings.HasPrefix(got.Text, c.Text):
					t.Errorf("%s: text %q does not start with the user's %q", k, got.Text, c.Text)
				}
			}
			c6 := after[sheets[1]+"!C6"]
			if !strings.Contains(c6.Text, annotate.NoteMarker+"\n") || !strings.Contains(c6.Text, "测试发现") {
				t.Errorf("C6 lacks juesuan's note: %q", c6.Text)
			}
			if n := len(after) - len(before); n <= 0 {
				t.Errorf("no notes added (%d comments)", len(after))
			}
			libreOfficeOpens(t, out)
		})
	}
}

// An annotated workbook saved again by openpyxl (with an explanation
// typed into the results sheet) and annotated again: every comment kept
// with its author and the user's text once, juesuan's part once, one
// results sheet, the explanation read back.
func TestDirectReannotateAfterOpenpyxl(t *testing.T) {
	py := python(t)
	in := fixture(t, "testdata/annotate/openpyxl_user_comment.xlsx")
	sheets, before := openpyxlComments(t, in)
	extra := userFinding(sheets[1], "C6")
	first, _ := direct(t, in, false, extra)
	dir := t.TempDir()
	f := filepath.Join(dir, "a.xlsx")
	if err := os.WriteFile(f, first, 0o644); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["` + annotate.ResultsSheet + `"]
hdr = [c.value for c in ws[5]]
fp, ex = hdr.index("指纹") + 1, hdr.index("审核说明") + 1
ws.cell(row=6, column=ex).value = "已与财务核对"
print(ws.cell(row=6, column=fp).value)
wb.save(sys.argv[1])
`
	fpOut, err := exec.Command(py, "-c", script, f).Output()
	if err != nil {
		t.Fatalf("openpyxl re-save: %v", err)
	}
	fp := strings.TrimSpace(string(fpOut))
	resaved, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := xlsx.OpenBytes(resaved, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	expl, err := b.ReadExplanations(annotate.Layout)
	b.Close()
	if err != nil || expl[fp] != "已与财务核对" {
		t.Fatalf("explanation of %s not read back from the re-saved sheet: %v %v", fp, expl, err)
	}
	for round := 0; round < 2; round++ {
		second, _ := direct(t, resaved, false, extra)
		names, after := openpyxlComments(t, second)
		for k, c := range before {
			got := after[k]
			if got.Author != c.Author || !strings.HasPrefix(got.Text, c.Text) || strings.Count(got.Text, c.Text) != 1 {
				t.Errorf("round %d: %s: %+v, want the user's %+v once", round, k, got, c)
			}
		}
		for k, c := range after {
			if n := strings.Count(c.Text, annotate.NoteMarker); n > 1 || n == 0 && before[k].Text == "" {
				t.Errorf("round %d: %s has juesuan's marker %d times", round, k, n)
			}
		}
		if c6 := after[sheets[1]+"!C6"]; strings.Count(c6.Text, annotate.NoteMarker) != 1 {
			t.Errorf("round %d: C6 note %q", round, c6.Text)
		}
		n := 0
		for _, s := range names {
			if strings.HasPrefix(s, annotate.ResultsSheet) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("round %d: %d results sheets: %v", round, n, names)
		}
		libreOfficeOpens(t, second)
		resaved = second
	}
}

var (
	reCell    = regexp.MustCompile(`<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)`)
	reAutoFil = regexp.MustCompile(`<autoFilter ref="([^"]+)"/>`)
)

func TestDirectResultsSheet(t *testing.T) {
	in := sampleXLSX(t, model.StyleMOF)
	out, rep := direct(t, in, false)
	parts := zipParts(t, out)
	var sheet []byte
	for p, name := range sheetParts(t, parts) {
		if name == annotate.ResultsSheet {
			sheet = parts[p]
		}
	}
	if sheet == nil {
		t.Fatal("no results sheet")
	}
	s := string(sheet)
	n := len(rep.Findings) + len(rep.Fills)
	if m := reAutoFil.FindStringSubmatch(s); m == nil || m[1] != fmt.Sprintf("A5:L%d", 5+n) {
		t.Errorf("autoFilter %v, want A5:L%d", m, 5+n)
	}
	for _, want := range []string{`orientation="landscape"`, `fitToWidth="1"`, `fitToHeight="0"`, `<pageSetUpPr fitToPage="1"/>`, `state="frozen"`, `ySplit="5"`, `<hyperlink ref="E6" location="'`} {
		if !strings.Contains(s, want) {
			t.Errorf("results sheet lacks %s", want)
		}
	}
	wb := string(parts["xl/workbook.xml"])
	if !regexp.MustCompile(`<definedName name="_xlnm.Print_Titles" localSheetId="9">'审核结果'!\$5:\$5</definedName>`).MatchString(wb) {
		t.Error("no Print_Titles for the header row")
	}
	cells := map[string]string{}
	for _, m := range reCell.FindAllStringSubmatch(s, -1) {
		cells[m[1]+m[2]] = m[3]
	}
	text := func(a string) string {
		v := cells[a]
		v = strings.TrimPrefix(v, `<is><t xml:space="preserve">`)
		return strings.TrimSuffix(v, `</t></is>`)
	}
	var hdr []string
	for _, c := range "ABCDEFGHIJKL" {
		hdr = append(hdr, text(string(c)+"5"))
	}
	if got := strings.Join(hdr, ","); got != "序号,级别,规则,表,单元格,说明,审核说明,应为,实为,差额,容差,指纹" {
		t.Errorf("columns %s", got)
	}
	// Row 6 is the first finding: its amounts are numbers.
	f := rep.Findings[0]
	for col, v := range map[string]string{"H": f.Expected, "I": f.Actual, "J": f.Difference, "K": f.Tolerance} {
		if v == "" {
			continue
		}
		if cells[col+"6"] != "<v>"+v+"</v>" {
			t.Errorf("%s6 = %q, want the number %s", col, cells[col+"6"], v)
		}
	}
	if text("L6") != f.Fingerprint {
		t.Errorf("fingerprint %q, want %q", text("L6"), f.Fingerprint)
	}
	// An explanation typed into the direct output is read back.
	lc := annotate.Layout.Columns
	typed, ok, err := xlsxtest.SetInRow(out, annotate.ResultsSheet, lc.Fingerprint, f.Fingerprint, lc.Explanation, "说明")
	if err != nil || !ok {
		t.Fatalf("typing the explanation: %v %v", ok, err)
	}
	b, err := xlsx.OpenBytes(typed, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if ex, err := annotate.ReadExplanations(b); err != nil || ex[f.Fingerprint] != "说明" {
		t.Errorf("explanations read back: %v %v", ex, err)
	}
}

func TestCleanCopy(t *testing.T) {
	for _, style := range []model.Style{model.StyleMOF, model.StyleShanghai} {
		t.Run(string(style), func(t *testing.T) {
			in := sampleXLSX(t, style)
			out, rep := direct(t, in, true)
			fills := map[string]bool{}
			for _, f := range rep.Fills {
				fills[f.Sheet+"!"+f.Cell] = true
			}
			changed := partDiff(t, in, out, fills)
			ip, op := zipParts(t, in), zipParts(t, out)
			if len(ip) != len(op) {
				t.Errorf("clean copy has %d parts, input %d", len(op), len(ip))
			}
			sheetOf := sheetParts(t, ip)
			for _, p := range changed {
				if sheetOf[p] == "" && p != "xl/styles.xml" {
					t.Errorf("%s changed in the clean copy", p)
				}
			}
			// A clean copy of an annotated workbook drops every annotation.
			annotated, _ := direct(t, in, false)
			again, _ := direct(t, annotated, true)
			ap := zipParts(t, again)
			for p := range ap {
				if strings.Contains(p, "comments") || strings.HasSuffix(p, ".vml") {
					t.Errorf("clean copy of an annotated workbook keeps %s", p)
				}
			}
			if len(sheetParts(t, ap)) != len(sheetOf) {
				t.Errorf("clean copy of an annotated workbook has %d sheets", len(sheetParts(t, ap)))
			}
			s1, err := xlsxtest.TakeSnapshot(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			s2, err := xlsxtest.TakeSnapshot(bytes.NewReader(again))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range s1.Diff(s2) {
				if d.What != "style" { // the same style may have another index
					t.Errorf("clean copies differ: %+v", d)
				}
			}
		})
	}
}

// Re-annotating juesuan's own output with the same report adds no styles
// and gives the same cells, notes and results.
func TestDirectReannotateStable(t *testing.T) {
	in := sampleXLSX(t, model.StyleMOF)
	res := checked(t, in)
	first := directRep(t, in, res.Workbook, res.Report, false)
	if again := directRep(t, in, res.Workbook, res.Report, false); !bytes.Equal(first, again) {
		t.Error("two runs on the same input give different files")
	}
	second := directRep(t, first, res.Workbook, res.Report, false)
	p1, p2 := zipParts(t, first), zipParts(t, second)
	x1, x2 := parseXML(t, p1["xl/styles.xml"]), parseXML(t, p2["xl/styles.xml"])
	for i := range x1.kids {
		if len(x1.kids[i].kids) != len(x2.kids[i].kids) {
			t.Errorf("styles %s grew from %d to %d", local(x1.kids[i]), len(x1.kids[i].kids), len(x2.kids[i].kids))
		}
	}
	for name, a := range p1 {
		if !bytes.Equal(a, p2[name]) && !strings.HasPrefix(name, "xl/worksheets/sheet") {
			t.Errorf("%s differs between the first and second run", name)
		}
	}
	s1, _ := xlsxtest.TakeSnapshot(bytes.NewReader(first))
	s2, _ := xlsxtest.TakeSnapshot(bytes.NewReader(second))
	if d := s1.Diff(s2); len(d) > 0 {
		t.Errorf("second run differs: %v", d[:min(len(d), 5)])
	}
}

func BenchmarkAnnotate(b *testing.B) {
	in := sampleXLSX(b, model.StyleMOF)
	res := checked(b, in)
	for _, c := range []struct {
		name string
		fn   func(*xlsx.Book, *model.Workbook, model.Report) error
	}{{"direct", annotate.AnnotateDirect}, {"excelize", annotate.Annotate}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				book, err := xlsx.OpenBytes(in, xlsx.Limits{})
				if err != nil {
					b.Fatal(err)
				}
				if err := c.fn(book, res.Workbook, res.Report); err != nil {
					b.Fatal(err)
				}
				if _, err := book.WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
				book.Close()
			}
		})
	}
}

// Workbooks written by other programs (testdata/foreign): the direct path
// annotates them (or hands them to the excelize path before changing
// anything), every user comment is kept with its author and text, the
// threaded comments and persons parts are byte-identical, and the output
// opens in LibreOffice.
func TestDirectForeignWorkbooks(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "foreign", "*.xlsx"))
	if len(files) == 0 {
		t.Fatal("no testdata/foreign fixtures (they are committed)")
	}
	py := ""
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := audit.Check(context.Background(), bytes.NewReader(in), audit.Options{})
			if err != nil {
				t.Fatalf("not readable: %v", err)
			}
			b, err := xlsx.OpenBytes(in, xlsx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			rep := res.Report
			sheets := b.Sheets()
			rep.Findings = append(rep.Findings, userFinding(sheets[min(1, len(sheets)-1)], "C6"))
			if err := annotate.AnnotateDirect(b, res.Workbook, rep); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			_, isDirect, err := b.WriteDirect(&out)
			if err != nil {
				t.Fatal(err)
			}
			if !isDirect {
				t.Logf("%s: excelize path (direct path unsupported)", name)
				return
			}
			ip, op := zipParts(t, in), zipParts(t, out.Bytes())
			for p, data := range ip {
				if strings.Contains(strings.ToLower(p), "threadedcomment") || strings.Contains(strings.ToLower(p), "person") {
					if !bytes.Equal(data, op[p]) {
						t.Errorf("%s changed", p)
					}
				}
			}
			if py == "" {
				py = python(t)
			}
			_, before := openpyxlComments(t, in)
			_, after := openpyxlComments(t, out.Bytes())
			for k, c := range before {
				got, ok := after[k]
				// juesuan's own earlier part is replaced; the user's stays.
				user, _, ours := strings.Cut(c.Text, annotate.NoteMarker)
				user = strings.TrimRight(user, "\n")
				switch {
				case !ok && ours && user == "":
				case !ok:
					t.Errorf("%s: comment %+v lost", k, c)
				case got.Author != c.Author && !ours:
					t.Errorf("%s: author %q, want %q", k, got.Author, c.Author)
				case !strings.HasPrefix(got.Text, user):
					t.Errorf("%s: text %q does not keep the user's %q", k, got.Text, user)
				}
			}
			for k, c := range after {
				if strings.HasPrefix(c.Text, annotate.NoteMarker) && c.Author != annotate.NoteAuthor {
					t.Errorf("%s: juesuan's note under author %q", k, c.Author)
				}
			}
			// LibreOffice for the workbooks with comments (it is slow).
			if len(before) > 0 || strings.Contains(name, "wps") {
				libreOfficeOpens(t, out.Bytes())
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite testdata/annotate/*.golden")

// The parts the direct path changes, adds and removes, per input, as a
// readable golden (go test ./annotate -run DirectPartsGolden -update).
func TestDirectPartsGolden(t *testing.T) {
	var w strings.Builder
	for _, c := range []struct {
		name string
		in   func() []byte
	}{
		{"sample/mof", func() []byte { return sampleXLSX(t, model.StyleMOF) }},
		{"sample/shanghai", func() []byte { return sampleXLSX(t, model.StyleShanghai) }},
		{"openpyxl_user_comment", func() []byte { return fixture(t, "testdata/annotate/openpyxl_user_comment.xlsx") }},
		{"lo_user_comment", func() []byte { return fixture(t, "testdata/annotate/lo_user_comment.xlsx") }},
	} {
		in := c.in()
		annotated, _ := direct(t, in, false)
		again, _ := direct(t, annotated, false)
		clean, _ := direct(t, in, true)
		cleanAgain, _ := direct(t, annotated, true)
		for _, run := range []struct {
			what     string
			from, to []byte
		}{{"annotate", in, annotated}, {"re-annotate", annotated, again}, {"clean copy", in, clean}, {"clean copy of the annotated", annotated, cleanAgain}} {
			fmt.Fprintf(&w, "%s, %s:\n", c.name, run.what)
			a, b := zipParts(t, run.from), zipParts(t, run.to)
			var lines []string
			for p, data := range a {
				switch nd, ok := b[p]; {
				case !ok:
					lines = append(lines, "  - "+p)
				case !bytes.Equal(data, nd):
					lines = append(lines, "  ~ "+p)
				}
			}
			for p := range b {
				if _, ok := a[p]; !ok {
					lines = append(lines, "  + "+p)
				}
			}
			sort.Strings(lines)
			if len(lines) == 0 {
				lines = []string{"  (identical)"}
			}
			w.WriteString(strings.Join(lines, "\n") + "\n")
		}
	}
	golden := filepath.Join("..", "testdata", "annotate", "direct_parts.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(w.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != w.String() {
		t.Errorf("changed parts differ from %s (run with -update and read the diff):\n%s", golden, w.String())
	}
}

// A workbook annotated by the excelize path (Annotate), then by the
// direct path: the earlier notes and results sheet are juesuan's and are
// replaced; the users' comments stay.
func TestDirectAfterExcelizePath(t *testing.T) {
	in := fixture(t, "testdata/annotate/openpyxl_user_comment.xlsx")
	sheets, before := openpyxlComments(t, in)
	res := checked(t, in)
	rep := res.Report
	rep.Findings = append(rep.Findings, userFinding(sheets[1], "C6"))
	b, err := xlsx.OpenBytes(in, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := annotate.Annotate(b, res.Workbook, rep); err != nil {
		t.Fatal(err)
	}
	var old bytes.Buffer
	if _, err := b.WriteTo(&old); err != nil {
		t.Fatal(err)
	}
	b.Close()
	out := directRep(t, old.Bytes(), res.Workbook, rep, false)
	names, after := openpyxlComments(t, out)
	for k, c := range before {
		if got := after[k]; got.Author != c.Author || !strings.HasPrefix(got.Text, c.Text) || strings.Count(got.Text, annotate.NoteMarker) > 1 {
			t.Errorf("%s: %+v, want the user's %+v and one note", k, got, c)
		}
	}
	for k, c := range after {
		if strings.Count(c.Text, annotate.NoteMarker) > 1 {
			t.Errorf("%s: %d notes", k, strings.Count(c.Text, annotate.NoteMarker))
		}
	}
	n := 0
	for _, s := range names {
		if strings.HasPrefix(s, annotate.ResultsSheet) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d results sheets: %v", n, names)
	}
	libreOfficeOpens(t, out)
}

// Workbooks annotated at the same time share nothing mutable (run with
// -race): the outputs are identical.
func TestDirectConcurrent(t *testing.T) {
	in := sampleXLSX(t, model.StyleMOF)
	res := checked(t, in)
	want := directRep(t, in, res.Workbook, res.Report, false)
	outs := make([][]byte, 4)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = directRep(t, in, res.Workbook, res.Report, false)
		}()
	}
	wg.Wait()
	for i, o := range outs {
		if !bytes.Equal(o, want) {
			t.Errorf("run %d differs", i)
		}
	}
}
