package batch

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/templates"
)

// seedPath is the Case A narrative (read from ../shared beside the clone,
// never copied into the repository).
const seedPath = "../../shared/seeds/000_a0b1eb271cefa8f5.txt"

// docxOf writes text as a minimal Word document, one paragraph per line.
func docxOf(t *testing.T, text string) []byte {
	t.Helper()
	var body strings.Builder
	for _, l := range strings.Split(text, "\n") {
		body.WriteString("<w:p><w:r><w:t xml:space=\"preserve\">")
		xml.EscapeText(&body, []byte(strings.TrimRight(l, "\r")))
		body.WriteString("</w:t></w:r></w:p>")
	}
	return zipOf(t,
		entry{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)},
		entry{"_rels/.rels", []byte(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`)},
		entry{"word/document.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`)},
	)
}

// narrInbox is a folder of workbooks and narratives: Case A with the seed
// (another folder and file name: paired by the unit its title names), 甲单位
// with a copy of the seed as .docx carrying a planted fault (paired by file
// stem), Case C alone, and a stray narrative of a unit not in the batch.
func narrInbox(t *testing.T) (dir string, files map[string][]byte) {
	t.Helper()
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatalf("the seed narrative: %v", err)
	}
	const unitA = "昌吉回族自治州应急管理局"
	fault := bytes.Replace(seed, []byte("本年收入4,113.55"), []byte("本年收入4,213.55"), 1)
	if bytes.Equal(fault, seed) {
		t.Fatal("the planted fault's text is not in the seed")
	}
	files = map[string][]byte{
		"a.xlsx": book(t, false, "", false, templates.Options{}),
		"说明材料/昌吉州应急局-说明.txt": seed,
		"甲单位.xlsx": book(t, false, "甲单位", false, templates.Options{}),
		"甲单位2024年度决算公开说明.docx": docxOf(t, strings.ReplaceAll(string(fault), unitA, "甲单位")),
		"c.xlsx":        book(t, true, "", false, templates.Options{}),
		"杂项/乙局决算说明.txt": []byte("乙局2024年度部门决算公开说明\n一、收入支出决算总体情况\n2024年度收入总计100.00万元，支出总计100.00万元。\n"),
	}
	dir = filepath.Join(t.TempDir(), "收件箱")
	for name, data := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	return dir, files
}

// TestBatchPairsNarratives: each workbook is checked with its narrative,
// the unit row carries the narrative columns and the rule matrix the N
// rules, a stray narrative gets a row of its own; the zip endpoint pairs
// the same way.
func TestBatchPairsNarratives(t *testing.T) {
	dir, files := narrInbox(t)
	out := filepath.Join(t.TempDir(), "out")
	st, err := RunDir(context.Background(), []string{dir}, out, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 4 || st.Read != 3 || st.Unreadable != 0 || st.Paired != 2 || st.Unpaired != 1 {
		t.Fatalf("stats %+v", st)
	}
	recs := parseNDJSON(t, mustOpen(t, filepath.Join(out, ResultsName)))
	checkPairing(t, recs, func(s string) string { return filepath.Join(dir, filepath.FromSlash(s)) })
	sheets := readSummary(t, mustOpen(t, filepath.Join(out, SummaryName)))
	checkSummary(t, recs, sheets, true)

	sum := sheets["汇总"].Rows
	col := map[string]int{}
	for i, h := range sum[0] {
		col[h] = i
	}
	for _, h := range narrHeads {
		if _, ok := col[h]; !ok {
			t.Fatalf("汇总 lacks column %s: %v", h, sum[0])
		}
	}
	rowOf := map[string][]string{}
	for _, r := range sum[1:] {
		if len(r) > col["文件"] {
			rowOf[filepath.Base(r[col["文件"]])] = r
		}
	}
	at := func(file, head string) string {
		r := rowOf[file]
		if i := col[head]; i < len(r) {
			return r[i]
		}
		return ""
	}
	for _, c := range []struct{ file, head, want string }{
		{"a.xlsx", "状态", "有提示"},
		{"a.xlsx", "决算说明文件", "说明材料/昌吉州应急局-说明.txt"}, // relative to the input folder, as 文件
		{"a.xlsx", "决算说明状态", "有提示"},
		{"a.xlsx", "决算说明错误", "0"},
		{"甲单位.xlsx", "状态", "有错误"},
		{"甲单位.xlsx", "决算说明状态", "有错误"},
		{"c.xlsx", "决算说明文件", ""},
		{"乙局决算说明.txt", "状态", "仅有说明"},
		{"乙局决算说明.txt", "决算说明状态", "未配对"},
	} {
		if got := at(c.file, c.head); got != c.want {
			t.Errorf("汇总 %s %s = %q, want %q", c.file, c.head, got, c.want)
		}
	}
	if note := at("乙局决算说明.txt", "说明"); !strings.Contains(note, "未找到与之对应的工作簿") {
		t.Errorf("stray narrative's note %q", note)
	}
	if n := at("a.xlsx", "决算说明提示"); n == "" || n == "0" {
		t.Errorf("a.xlsx: 决算说明提示 %q, want the seed's warnings", n)
	}

	matrix := sheets["规则矩阵"].Rows
	hasN := false
	for i, id := range matrix[0] {
		if strings.HasPrefix(id, "N") {
			hasN = true
			if i >= len(matrix[1]) || matrix[1][i] == "" {
				t.Errorf("规则矩阵: %s has no description", id)
			}
		}
	}
	if !hasN {
		t.Errorf("规则矩阵 has no narrative rule: %v", matrix[0])
	}
	cited := false
	for _, r := range sheets["错误明细"].Rows[1:] {
		if len(r) > 4 && r[2] == "N01" && strings.Contains(r[4], "说明第 ") && strings.Contains(r[4], "4,213.55") {
			cited = true
		}
	}
	if !cited {
		t.Errorf("错误明细 does not cite the planted fault's paragraph: %v", sheets["错误明细"].Rows)
	}

	// The same inputs as an uploaded zip.
	var es []entry
	for name, data := range files {
		es = append(es, entry{name, data})
	}
	var zout bytes.Buffer
	zst, err := ServeZip(context.Background(), bytes.NewReader(zipOf(t, es...)), int64(len(zipOf(t, es...))), &zout, Options{Jobs: 2, ReportOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if zst.Paired != 2 || zst.Unpaired != 1 {
		t.Fatalf("zip stats %+v", zst)
	}
	zf := openZip(t, zout.Bytes())
	checkPairing(t, parseNDJSON(t, bytes.NewReader(zf[ResultsName])), func(s string) string { return s })
}

// checkPairing checks results.ndjson of narrInbox; path maps an inbox name
// to the name the run reports.
func checkPairing(t *testing.T, recs []Record, path func(string) string) {
	t.Helper()
	by := map[string]Record{}
	for _, r := range recs {
		by[r.File] = r
	}
	if len(recs) != 4 {
		t.Fatalf("%d records, want 3 workbooks and the stray narrative", len(recs))
	}
	if last := recs[3]; last.File != path("杂项/乙局决算说明.txt") || last.Report != nil || last.Error != nil ||
		last.Narrative == nil || last.Narrative.Status != NarrUnpaired {
		t.Errorf("last record %+v, want the stray narrative, unpaired", last)
	}
	a := by[path("a.xlsx")]
	if n := a.Narrative; n == nil || n.File != path("说明材料/昌吉州应急局-说明.txt") || n.PairedBy != "unit" || n.Status != NarrWarn || n.Errors != 0 {
		t.Errorf("a.xlsx narrative %+v", a.Narrative)
	}
	if a.Report == nil || a.Report.Summary.Errors != 0 {
		t.Fatalf("a.xlsx report %+v", a.Report)
	}
	narr := 0
	for _, f := range a.Report.Findings {
		if f.Narrative != nil && strings.HasPrefix(f.Rule, "N") {
			narr++
		}
	}
	if narr == 0 || a.Narrative.Warnings+a.Narrative.Infos != narr {
		t.Errorf("a.xlsx: %d narrative findings in the report, record counts %+v", narr, a.Narrative)
	}
	j := by[path("甲单位.xlsx")]
	if n := j.Narrative; n == nil || n.File != path("甲单位2024年度决算公开说明.docx") || n.PairedBy != "stem" || n.Status != NarrFail || n.Errors == 0 {
		t.Errorf("甲单位.xlsx narrative %+v", j.Narrative)
	}
	if j.Report == nil || j.Report.Status != "fail" {
		t.Errorf("甲单位.xlsx: the narrative's error does not fail the unit")
	}
	if c := by[path("c.xlsx")]; c.Narrative != nil || c.Report == nil {
		t.Errorf("c.xlsx: %+v", c)
	}
}

// TestBatchNarrativeSharedByTwo: two workbooks of one unit (a resubmission)
// both choose the one narrative naming their unit; each is checked against
// it, concurrently (run under -race), and the narrative is not unpaired.
func TestBatchNarrativeSharedByTwo(t *testing.T) {
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatalf("the seed narrative: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "收件箱")
	a := book(t, false, "", false, templates.Options{})
	writeFile(t, filepath.Join(dir, "第一次.xlsx"), a)
	writeFile(t, filepath.Join(dir, "第二次.xlsx"), a)
	writeFile(t, filepath.Join(dir, "公开说明.txt"), seed)
	out := filepath.Join(t.TempDir(), "out")
	st, err := RunDir(context.Background(), []string{dir}, out, Options{Jobs: 2, ReportOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Paired != 2 || st.Unpaired != 0 {
		t.Fatalf("stats %+v", st)
	}
	recs := parseNDJSON(t, mustOpen(t, filepath.Join(out, ResultsName)))
	var counts []NarrativeRecord
	for _, r := range recs {
		if r.Narrative == nil || r.Narrative.PairedBy != "unit" {
			t.Fatalf("%s: narrative %+v", r.File, r.Narrative)
		}
		counts = append(counts, *r.Narrative)
	}
	if len(counts) != 2 || counts[0].Warnings != counts[1].Warnings || counts[0].Infos != counts[1].Infos || counts[0].Warnings == 0 {
		t.Errorf("the two checks of one narrative differ: %+v", counts)
	}
}
