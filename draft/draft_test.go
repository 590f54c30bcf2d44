package draft

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/templates"
)

var update = flag.Bool("update", false, "rewrite the goldens under testdata")

// checked writes d in style st (derived cells blank when omit, so the fill
// computes them) and runs it through audit.Check, as the CLI does.
func checked(t testing.TB, d *templates.Data, st model.Style, omit bool) *audit.Result {
	t.Helper()
	return checkedAs(t, d, templates.Options{Style: st, OmitDerived: omit})
}

func checkedAs(t testing.TB, d *templates.Data, opt templates.Options) *audit.Result {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, opt); err != nil {
		t.Fatal(err)
	}
	res, err := audit.Check(context.Background(), bytes.NewReader(buf.Bytes()), audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// priorOfCaseA is a prior year made for the tests from Case A: every amount
// 80 % of this year's, the 500.00 资源勘探
// 项 absent (a zero base) and a 宗教事务 项 of 1.23 that this year lacks.
func priorOfCaseA() *templates.Data {
	d := templates.CaseA()
	p := *d
	p.Values = map[model.TableID]map[string]map[string]string{}
	for id, rows := range d.Values {
		p.Values[id] = map[string]map[string]string{}
		for r, cols := range rows {
			p.Values[id][r] = map[string]string{}
			for c, v := range cols {
				x, err := decimal.NewFromString(v)
				if err != nil {
					p.Values[id][r][c] = v
					continue
				}
				p.Values[id][r][c] = x.Mul(decimal.RequireFromString("0.8")).Round(2).StringFixed(2)
			}
		}
	}
	for _, code := range []string{"2150199", "21501", "215"} {
		delete(p.Values[model.T05], code)
	}
	for _, code := range []string{"201", "20134", "2013404"} {
		p.Values[model.T05][code] = map[string]string{"合计": "1.23", "基本支出": "1.23", "项目支出": "0.00"}
	}
	p.Names = map[string]string{}
	for k, v := range d.Names {
		p.Names[k] = v
	}
	p.Names["201"], p.Names["20134"], p.Names["2013404"] = "一般公共服务支出", "统战事务", "宗教事务"
	return &p
}

// withFunds is Case A with a 政府性基金 and a 国有资本经营 grant: T07 and
// T08 not empty, so their sections state figures instead of the 空表 line.
func withFunds() *templates.Data {
	d := templates.CaseA()
	p := *d
	p.Values = map[model.TableID]map[string]map[string]string{}
	for id, rows := range d.Values {
		p.Values[id] = rows
	}
	row := func(v string) map[string]string {
		return map[string]string{"年初结转和结余": "0.00", "本年收入": v, "本年支出小计": v, "基本支出": "0.00", "项目支出": v, "年末结转和结余": "0.00"}
	}
	p.Values[model.T07] = map[string]map[string]string{"合计": row("20.00"), "229": row("20.00"), "22960": row("20.00"), "2296002": row("20.00")}
	p.Values[model.T08] = map[string]map[string]string{"合计": row("5.00"), "223": row("5.00"), "22301": row("5.00"), "2230199": row("5.00")}
	p.Names = map[string]string{}
	for k, v := range d.Names {
		p.Names[k] = v
	}
	p.Names["22960"], p.Names["2296002"] = "彩票公益金安排的支出", "用于社会福利的彩票公益金支出"
	p.Names["223"], p.Names["22301"], p.Names["2230199"] = "国有资本经营预算支出", "解决历史遗留问题及改革成本支出", "其他解决历史遗留问题及改革成本支出"
	return &p
}

// budgetOnly is Case C with a 三公 budget and no 三公 spending: the items
// are stated at 0.00 without shares (of a zero total) and with their
// 预决算差异率 of -100.00%.
func budgetOnly() *templates.Data {
	d := templates.CaseC()
	p := *d
	p.Values = map[model.TableID]map[string]map[string]string{}
	for id, rows := range d.Values {
		p.Values[id] = rows
	}
	p.Values[model.T09] = map[string]map[string]string{"三公经费": {
		"预算数/合计": "3.00", "预算数/因公出国（境）费": "0.00", "预算数/公务用车购置及运行费": "2.00", "预算数/公务用车购置费": "0.00",
		"预算数/公务用车运行费": "2.00", "预算数/公务接待费": "1.00", "决算数/合计": "0.00", "决算数/因公出国（境）费": "0.00",
		"决算数/公务用车购置及运行费": "0.00", "决算数/公务用车购置费": "0.00", "决算数/公务用车运行费": "0.00", "决算数/公务接待费": "0.00"}}
	return &p
}

func readBack(t testing.TB, data []byte, name string) *narrative.Document {
	t.Helper()
	nd, err := narrative.ReadBytes(data, name, narrative.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return nd
}

// findingLines are the findings other than N08, one line each.
func findingLines(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Rule == "N08" {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %s", f.Rule, f.Severity, f.Message))
	}
	return out
}

type draftCase struct {
	name  string
	data  *templates.Data
	style model.Style
	prior *templates.Data
	// residues are the 尾差 the tables themselves carry (the narrative
	// restates them; spec §4): info findings, nothing else is allowed.
	residues int
	unit     model.Unit // the workbook's unit ("" = 万元)
}

var draftCases = []draftCase{
	{"A-mof", templates.CaseA(), model.StyleMOF, nil, 5, ""},
	{"A-shanghai", templates.CaseA(), model.StyleShanghai, nil, 5, ""},
	{"C-mof", templates.CaseC(), model.StyleMOF, nil, 1, ""},
	{"C-shanghai", templates.CaseC(), model.StyleShanghai, nil, 1, ""},
	{"A-mof-prior", templates.CaseA(), model.StyleMOF, priorOfCaseA(), 5, ""},
	{"A-shanghai-prior", templates.CaseA(), model.StyleShanghai, priorOfCaseA(), 5, ""},
	{"A-funds", withFunds(), model.StyleMOF, nil, 5, ""},
	{"C-sangong-budget-only", budgetOnly(), model.StyleShanghai, nil, 1, ""},
	// a workbook in 元: the draft states 万元 (Case A's amounts are whole cents of 万元)
	{"A-yuan", templates.CaseA(), model.StyleMOF, nil, 5, model.Yuan},
}

func (c draftCase) draft(t testing.TB) (*Document, *model.Workbook) {
	t.Helper()
	res := checkedAs(t, c.data, templates.Options{Style: c.style, Unit: c.unit})
	opt := Options{Year: c.data.Year}
	if c.prior != nil {
		opt.Prior = checked(t, c.prior, c.style, false).Workbook
	}
	doc, err := Draft(res.Workbook, opt)
	if err != nil {
		t.Fatal(err)
	}
	return doc, res.Workbook
}

// TestRecheck closes the loop: the draft, read back through the docx
// reader and checked against its own workbook, has every figure bound and
// no finding besides its placeholders (N08) and the tables' own 尾差.
func TestRecheck(t *testing.T) {
	for _, c := range draftCases {
		t.Run(c.name, func(t *testing.T) {
			doc, wb := c.draft(t)
			data, err := doc.DOCX()
			if err != nil {
				t.Fatal(err)
			}
			nd := readBack(t, data, "说明草稿.docx")
			an := narrative.Analyze(nd, wb)
			if u := an.Unbound(); len(u) > 0 {
				for _, f := range u {
					t.Errorf("unbound: paragraph %d %q label %q", f.Para+1, f.Raw, f.Label)
				}
			}
			residues := 0
			for _, f := range an.Findings {
				switch {
				case f.Rule == "N08":
				case f.Severity == model.SevInfo && (f.Rule == "N05" || f.Rule == "N01") && strings.Contains(f.Message, "尾差"):
					residues++
				default:
					t.Errorf("finding: %s %s %s", f.Rule, f.Severity, f.Message)
				}
			}
			if residues != c.residues {
				t.Errorf("%d 尾差 findings, want %d:\n%s", residues, c.residues, strings.Join(findingLines(an.Findings), "\n"))
			}
			// every placeholder is reported: each paragraph holding one has an N08
			marked := map[int]bool{}
			for _, f := range an.Findings {
				if f.Rule == "N08" && f.Narrative != nil {
					marked[f.Narrative.Paragraph] = true
				}
			}
			holding := 0
			for _, p := range nd.Paragraphs {
				if strings.Contains(p.Text, Placeholder) {
					holding++
					if !marked[p.Index] {
						t.Errorf("paragraph %d has a placeholder no N08 reports: %s", p.Index+1, p.Text)
					}
				}
			}
			if holding == 0 {
				t.Error("no placeholder at all: reasons and 机关运行经费 cannot come from the tables")
			}
			// the same text as .txt gives the same findings
			var txt bytes.Buffer
			if err := doc.WriteText(&txt); err != nil {
				t.Fatal(err)
			}
			td := readBack(t, txt.Bytes(), "说明草稿.txt")
			if got, want := keys(narrative.Check(td, wb)), keys(an.Findings); got != want {
				t.Errorf("txt findings differ from docx:\n txt %s\ndocx %s", got, want)
			}
			golden(t, "draft-"+c.name+".txt", doc.Text())
		})
	}
}

// TestPriorChanges: with a prior year, each change and rate is stated and
// recomputes (N03 in TestRecheck finds nothing); a zero base gets no rate;
// a 项 only the prior year had is cited at 0.00.
func TestPriorChanges(t *testing.T) {
	c := draftCases[4]
	doc, _ := c.draft(t)
	text := doc.Text()
	for _, want := range []string{
		"资源勘探工业信息等支出（类）资源勘探开发（款）其他资源勘探业支出（项）：决算数为500.00万元，比上年增加500.00万元，主要原因是",
		"一般公共服务支出（类）统战事务（款）宗教事务（项）：决算数为0.00万元，比上年减少1.23万元，下降100.00%",
		"收入支出总计比上年增加",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
	// only 机关运行经费, which no table carries, keeps its change to fill
	if n := strings.Count(text, "与上年相比【请填写】"); n != 1 {
		t.Errorf("with a prior year %d changes are left to fill, want 1 (机关运行经费)", n)
	}
	// without a prior year, none is stated
	d0, _ := draftCases[0].draft(t)
	if strings.Contains(d0.Text(), "比上年增加") || strings.Contains(d0.Text(), "比上年减少") {
		t.Error("a change stated without a prior year")
	}
}

// TestDOCXPackage: the parts a word processor needs, each well-formed XML,
// placeholders highlighted, the East Asian fonts named, and the same bytes
// on every run.
func TestDOCXPackage(t *testing.T) {
	doc, _ := draftCases[0].draft(t)
	data, err := doc.DOCX()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := doc.DOCX()
	if !bytes.Equal(data, again) {
		t.Error("two writes of one draft differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		parts[f.Name] = string(b)
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
		}
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "docProps/core.xml"} {
		if _, ok := parts[name]; !ok {
			t.Errorf("missing part %s", name)
		}
	}
	body := parts["word/document.xml"]
	if n, want := strings.Count(body, `<w:highlight w:val="yellow"/>`), doc.Placeholders(); n != want {
		t.Errorf("%d highlighted runs, %d placeholders", n, want)
	}
	for _, s := range []string{`w:eastAsia="宋体"`, `w:eastAsia="黑体"`} {
		if !strings.Contains(parts["word/styles.xml"], s) {
			t.Errorf("styles lack %s", s)
		}
	}
	for _, s := range []string{`<w:pStyle w:val="Title"/>`, `<w:pStyle w:val="Heading1"/>`, `<w:pStyle w:val="Heading2"/>`, `<w:pStyle w:val="Heading3"/>`} {
		if !strings.Contains(body, s) {
			t.Errorf("document lacks %s", s)
		}
	}
	// the reader sees the blocks as written, headings included
	nd := readBack(t, data, "d.docx")
	if got, want := nd.Text(), doc.Text(); got != want {
		t.Errorf("read back:\n%s\nwritten:\n%s", got, want)
	}
}

// TestParseRoundTrip: Parse(Text) gives the blocks back, levels included.
func TestParseRoundTrip(t *testing.T) {
	doc, _ := draftCases[0].draft(t)
	back := Parse(doc.Text())
	if back.Title != doc.Title || len(back.Blocks) != len(doc.Blocks) {
		t.Fatalf("title %q/%q, %d/%d blocks", back.Title, doc.Title, len(back.Blocks), len(doc.Blocks))
	}
	levels := map[int]int{}
	for i := range doc.Blocks {
		if back.Blocks[i] != doc.Blocks[i] {
			t.Errorf("block %d: %+v vs %+v", i, back.Blocks[i], doc.Blocks[i])
		}
		levels[doc.Blocks[i].Level]++
	}
	if levels[1] != 2 || levels[2] < 11 || levels[3] < 7 {
		t.Errorf("heading levels %v", levels)
	}
}

func TestDraftErrors(t *testing.T) {
	if _, err := Draft(nil, Options{}); model.ErrorCode(err) != model.EInvalid {
		t.Errorf("nil workbook: %v", err)
	}
	if _, err := ParseSentences("{if .x}"); err == nil {
		t.Error("a broken template parses")
	}
	// a workbook without tables still drafts: every figure 0.00, no panic
	doc, err := Draft(&model.Workbook{Tables: map[model.TableID]*model.Table{}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.Title, "【请填写单位名称】") {
		t.Errorf("title %q", doc.Title)
	}
}

// keys sums findings up as rule/severity/figure, sorted.
func keys(fs []model.Finding) string {
	var out []string
	for _, f := range fs {
		k := f.Rule + "/" + string(f.Severity) + "/" + f.Actual
		if f.Narrative != nil {
			k += fmt.Sprintf("@%d", f.Narrative.Paragraph)
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./draft -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden (go test ./draft -run %s -update, then review the diff)\ngot:\n%s", name, t.Name(), got)
	}
}

// BenchmarkDraftCaseA: drafting Case A (figures, template, docx), the
// workbook already checked.
func BenchmarkDraftCaseA(b *testing.B) {
	res := checked(b, templates.CaseA(), model.StyleMOF, false)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := Draft(res.Workbook, Options{Year: 2024})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := doc.DOCX(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRecheckCatchesEdits: the re-check is not vacuous — the same draft
// with one figure changed has an error citing that paragraph.
func TestRecheckCatchesEdits(t *testing.T) {
	doc, wb := draftCases[0].draft(t)
	text := doc.Text()
	for _, c := range []struct{ from, to, rule string }{
		{"基本支出1,755.39万元", "基本支出1,755.93万元", "N01"},
		{"财政拨款收入4,068.52万元，占98.91%", "财政拨款收入4,068.52万元，占98.19%", "N02"},
		{"决算数为116.21万元", "决算数为116.12万元", "N01"},
		{"公务接待费0.24万元，占1.30%", "公务接待费0.42万元，占1.30%", "N01"},
		{"公务用车运行维护费全年预算数10.90万元，决算数10.90万元，预决算差异率0.00%", "公务用车运行维护费全年预算数10.90万元，决算数10.90万元，预决算差异率1.00%", "N04"},
		{"5.灾害防治及应急管理支出（类）3,226.21万元", "5.灾害防治及应急管理支出（类）3,262.21万元", "N01"},
	} {
		t.Run(c.rule+" "+c.to, func(t *testing.T) {
			if !strings.Contains(text, c.from) {
				t.Fatalf("draft lacks %q", c.from)
			}
			edited := strings.Replace(text, c.from, c.to, 1)
			nd := readBack(t, []byte(edited), "edited.txt")
			want := -1
			for _, p := range nd.Paragraphs {
				if strings.Contains(p.Text, c.to) {
					want = p.Index
				}
			}
			found := false
			for _, f := range narrative.Check(nd, wb) {
				if f.Rule == c.rule && f.Severity == model.SevError && f.Narrative != nil && f.Narrative.Paragraph == want {
					found = true
				}
			}
			if !found {
				t.Errorf("no %s error in paragraph %d", c.rule, want+1)
			}
		})
	}
}
