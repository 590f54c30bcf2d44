package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/templates"
)

const seedNarrative = "../../../shared/seeds/000_a0b1eb271cefa8f5.txt"

// TestCheckNarrative: check --narrative merges the narrative's findings
// into the workbook's report; status and exit code cover both.
func TestCheckNarrative(t *testing.T) {
	seed, err := os.ReadFile(seedNarrative)
	if err != nil {
		t.Skipf("seed not available: %v", err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "说明.txt")
	os.WriteFile(good, seed, 0o644)
	// A planted fault: 本年收入 4,113.55 → 4,213.55 where it is restated.
	bad := filepath.Join(dir, "错.txt")
	os.WriteFile(bad, bytes.Replace(seed, []byte("本年收入4,113.55"), []byte("本年收入4,213.55"), 1), 0o644)
	junk := filepath.Join(dir, "junk.docx")
	os.WriteFile(junk, []byte("PK\x03\x04junk"), 0o644)

	var out, errb bytes.Buffer
	if code := runCheck([]string{"--json", "--narrative", good}, &out, &errb); code != exitOK {
		t.Fatalf("good narrative: exit %d: %s", code, errb.String())
	}
	var rep model.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Narrative != nil {
			n++
		}
	}
	if n == 0 || rep.Summary.Errors != 0 {
		t.Fatalf("narrative findings %d, errors %d", n, rep.Summary.Errors)
	}

	out.Reset()
	if code := runCheck([]string{"--narrative", bad}, &out, &errb); code != exitFindings {
		t.Fatalf("planted fault: exit %d, want %d\n%s", code, exitFindings, out.String())
	}
	if !strings.Contains(out.String(), "说明第 33 段") {
		t.Errorf("the fault's paragraph is not cited:\n%s", out.String())
	}

	errb.Reset()
	if code := runCheck([]string{"--narrative", junk}, &out, &errb); code != exitInput || !strings.Contains(errb.String(), "说明文件") {
		t.Fatalf("unreadable narrative: exit %d, stderr %q", code, errb.String())
	}
}

// narrativeDocx writes the seed's paragraphs and tables as a minimal .docx
// (one run per paragraph or cell).
func narrativeDocx(t *testing.T, text []byte) []byte {
	t.Helper()
	doc, err := narrative.ReadBytes(text, "说明.txt", narrative.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	run := func(s string) string {
		return `<w:p><w:r><w:t xml:space="preserve">` + html.EscapeString(s) + `</w:t></w:r></w:p>`
	}
	ti := 0
	tables := func(after int) {
		for ; ti < len(doc.Tables) && doc.Tables[ti].After == after; ti++ {
			body.WriteString("<w:tbl>")
			for _, row := range doc.Tables[ti].Rows {
				body.WriteString("<w:tr>")
				for _, c := range row {
					body.WriteString("<w:tc>" + run(c) + "</w:tc>")
				}
				body.WriteString("</w:tr>")
			}
			body.WriteString("</w:tbl>")
		}
	}
	tables(-1)
	for _, p := range doc.Paragraphs {
		body.WriteString(run(p.Text))
		tables(p.Index)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`},
	} {
		w, _ := zw.Create(f[0])
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFillNarrative: fill --narrative writes the annotated docx beside the
// annotated workbook, named as the workbook is; exit code and JSON report
// cover both documents; a text narrative is checked and said not to be
// annotated; an unreadable one stops fill before anything is written.
func TestFillNarrative(t *testing.T) {
	seed, err := os.ReadFile(seedNarrative)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skipf("seed not available: %v", err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	// the published workbook (its totals as printed: filling them from the
	// parts would move 项目支出 by 0.02 away from the narrative's figure)
	book := fillTestFile(t, dir, "九张表.xlsx", templates.CaseA(), false)
	bad := bytes.Replace(seed, []byte("本年收入4,113.55"), []byte("本年收入4,213.55"), 1)
	os.WriteFile(filepath.Join(dir, "说明.docx"), narrativeDocx(t, bad), 0o644)
	os.WriteFile(filepath.Join(dir, "好.docx"), narrativeDocx(t, seed), 0o644)
	os.WriteFile(filepath.Join(dir, "说明.txt"), bad, 0o644)
	os.WriteFile(filepath.Join(dir, "坏.docx"), []byte("PK\x03\x04junk"), 0o644)
	const unit = "昌吉回族自治州应急管理局"

	var out, errb bytes.Buffer
	if code := runFill([]string{"--narrative", "说明.docx", book}, &out, &errb); code != exitFindings {
		t.Fatalf("planted fault: exit %d\n%s%s", code, out.String(), errb.String())
	}
	docx := filepath.Join(dir, unit+"（说明）.审核.docx")
	data, err := os.ReadFile(docx)
	if err != nil {
		t.Fatalf("no annotated docx: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "已输出说明标注版："+docx) || !strings.Contains(string(unzipPart(t, data, "word/comments.xml")), "决算审核助手") {
		t.Errorf("output:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, unit+"（九张表）.审核.xlsx")); err != nil {
		t.Errorf("no annotated workbook: %v", err)
	}

	out.Reset()
	if code := runFill([]string{"--json", "--narrative", "好.docx", book, "-o", "sub.xlsx"}, &out, &errb); code != exitOK {
		t.Fatalf("good narrative: exit %d\n%s\n%.3000s", code, errb.String(), errorsOf(out.Bytes()))
	}
	var rep model.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Narrative != nil {
			n++
		}
	}
	if n == 0 || rep.Summary.Errors != 0 {
		t.Errorf("JSON report: %d narrative findings, %d errors", n, rep.Summary.Errors)
	}

	out.Reset()
	if code := runFill([]string{"--narrative", "说明.txt", book, "-o", "t.xlsx"}, &out, &errb); code != exitFindings {
		t.Fatalf("txt narrative: exit %d", code)
	}
	if !strings.Contains(out.String(), "无法加批注标注") || !strings.Contains(out.String(), "4,213.55") {
		t.Errorf("txt narrative output:\n%s", out.String())
	}

	errb.Reset()
	if code := runFill([]string{"--narrative", "坏.docx", book, "-o", "never.xlsx"}, &out, &errb); code != exitInput || !strings.Contains(errb.String(), "说明文件") {
		t.Fatalf("unreadable narrative: exit %d %s", code, errb.String())
	}
	if _, err := os.Stat("never.xlsx"); err == nil {
		t.Errorf("a workbook was written although the narrative could not be read")
	}
}

func unzipPart(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return b
		}
	}
	return nil
}

func errorsOf(js []byte) string {
	var rep model.Report
	json.Unmarshal(js, &rep)
	var b strings.Builder
	for _, f := range rep.Findings {
		if f.Severity == model.SevError {
			b.WriteString(f.Rule + " " + f.Message + "\n")
		}
	}
	return b.String()
}
