package narrative

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// plant returns a copy of doc with the figure at (para, offset) replaced:
// the old figure text is checked first, so a changed seed fails loudly.
func plant(t *testing.T, doc *Document, para, offset int, old, new string) *Document {
	t.Helper()
	cp := *doc
	cp.Paragraphs = append([]Paragraph(nil), doc.Paragraphs...)
	rs := []rune(cp.Paragraphs[para].Text)
	or := []rune(old)
	if offset+len(or) > len(rs) || string(rs[offset:offset+len(or)]) != old {
		t.Fatalf("paragraph %d offset %d: want %q, have %q", para, offset, old, string(rs[offset:min(len(rs), offset+len(or))]))
	}
	cp.Paragraphs[para].Text = string(rs[:offset]) + new + string(rs[offset+len(or):])
	return &cp
}

func TestPlantedFaults(t *testing.T) {
	doc := seedDoc(t)
	wb := caseA(t)
	cases := []struct {
		name        string
		para, off   int
		old, new    string
		rule        string
		cell        string // sheet!cell of the finding, "" for none
		wantWarning bool
	}{
		{"amount 本年收入", 32, 4, "4,113.55", "4,213.55", "N01", "公开01表", false},
		{"share 财政拨款收入占比", 32, 36, "98.91", "97.91", "N02", "", false},
		{"growth 行政单位离退休", 50, 67, "96.34", "86.34", "N03", "", false},
		{"三公 公务接待费", 72, 338, "0.24", "0.34", "N01", "公开09表", false},
		{"vehicles 执法执勤用车", 85, 102, "3辆", "4辆", "N05", "", false},
		{"项 安全监管", 60, 40, "244.89", "254.89", "N01", "公开05表", false},
		{"class share 卫生健康", 43, 20, "1.78", "1.88", "N02", "", false},
		{"三公 budget variance", 77, 50, "0.00%", "5.00%", "N04", "", false},
		{"contradiction 增加 with a minus", 50, 58, "3.16", "-3.16", "N06", "", false},
		{"机关运行经费 above 公用经费", 80, 45, "121.25", "131.25", "N10", "公开06表", false},
		{"政府采购 part 服务支出", 82, 67, "686.14", "696.14", "N05", "", false},
		{"share without its % sign", 32, 36, "98.91%", "98.91", "N13", "", true},
		{"car count without purchase fee", 75, 99, "0辆", "2辆", "N14", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := Check(plant(t, doc, c.para, c.off, c.old, c.new), wb)
			var hit *model.Finding
			for i, f := range fs {
				if f.Rule == c.rule && f.Narrative != nil && f.Narrative.Paragraph == c.para && (f.Severity == model.SevError || c.wantWarning) {
					hit = &fs[i]
					break
				}
			}
			if hit == nil {
				t.Fatalf("no %s finding in paragraph %d:\n%s", c.rule, c.para, findingGolden(fs))
			}
			if c.cell != "" && hit.Sheet != c.cell {
				t.Errorf("finding names sheet %q, want %q: %s", hit.Sheet, c.cell, hit.Message)
			}
			if !strings.Contains(hit.Message, fmt.Sprintf("第 %d 段", c.para+1)) {
				t.Errorf("message does not cite the paragraph: %s", hit.Message)
			}
			// The quote is the planted paragraph's own text, and the
			// planted figure is in the quote or the message.
			planted := plant(t, doc, c.para, c.off, c.old, c.new).Paragraphs[c.para].Text
			if q := hit.Narrative.Quote; q == "" || !strings.Contains(planted, q) {
				t.Errorf("quote %q is not from paragraph %d", q, c.para+1)
			}
			if !strings.Contains(hit.Narrative.Quote+hit.Message, c.new) {
				t.Errorf("neither quote %q nor message names the planted %s: %s", hit.Narrative.Quote, c.new, hit.Message)
			}
		})
	}
}

// TestPlaceholder: a placeholder left in a copy of the seed is reported
// at its paragraph and offset.
func TestPlaceholder(t *testing.T) {
	doc := seedDoc(t)
	fs := Check(plant(t, doc, 32, 4, "4,113.55", "【请填写】"), nil)
	for _, f := range fs {
		if f.Rule == "N08" && f.Narrative.Paragraph == 32 && f.Narrative.Offset == 4 && f.Narrative.Length == 5 {
			return
		}
	}
	t.Fatalf("placeholder not reported:\n%s", findingGolden(fs))
}

// TestSelfConsistencyOnly: without a workbook, the seed's own arithmetic
// holds (no error) and no table is consulted.
func TestSelfConsistencyOnly(t *testing.T) {
	fs := Check(seedDoc(t), nil)
	if n := count(fs, model.SevError); n != 0 {
		t.Fatalf("%d errors:\n%s", n, findingGolden(fs))
	}
	for _, f := range fs {
		if f.Rule == "N01" {
			t.Fatalf("table finding without a workbook: %s", f.Message)
		}
	}
}

// docxFrom writes a minimal .docx (content types, rels, document.xml) with
// the document's paragraphs and tables in order.
func docxFrom(t testing.TB, doc *Document, extra func(body *strings.Builder)) []byte {
	t.Helper()
	var body strings.Builder
	ti := 0
	emitTables := func(after int) {
		for ti < len(doc.Tables) && doc.Tables[ti].After == after {
			body.WriteString("<w:tbl>")
			for _, row := range doc.Tables[ti].Rows {
				body.WriteString("<w:tr>")
				for _, c := range row {
					body.WriteString("<w:tc><w:p><w:r><w:t xml:space=\"preserve\">" + html.EscapeString(c) + "</w:t></w:r></w:p></w:tc>")
				}
				body.WriteString("</w:tr>")
			}
			body.WriteString("</w:tbl>")
			ti++
		}
	}
	emitTables(-1)
	for _, p := range doc.Paragraphs {
		// split each paragraph into two runs to check that runs are joined
		rs := []rune(p.Text)
		h := len(rs) / 2
		fmt.Fprintf(&body, "<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>", html.EscapeString(string(rs[:h])), html.EscapeString(string(rs[h:])))
		emitTables(p.Index)
	}
	if extra != nil {
		extra(&body)
	}
	return zipDocx(t, body.String(), "")
}

func zipDocx(t testing.TB, body, numbering string, parts ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`},
	}
	if numbering != "" {
		files = append(files, struct{ name, data string }{"word/numbering.xml", `<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` + numbering + `</w:numbering>`})
	}
	for i := 0; i+1 < len(parts); i += 2 {
		files = append(files, struct{ name, data string }{parts[i], parts[i+1]})
	}
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sameFindings(t *testing.T, what string, got, want []model.Finding) {
	t.Helper()
	g, w := findingGolden(got), findingGolden(want)
	if g != w {
		t.Fatalf("%s findings differ from the txt:\n%s", what, diffLines(w, g))
	}
}

func TestDOCXSameAsText(t *testing.T) {
	doc := seedDoc(t)
	wb := caseA(t)
	data := docxFrom(t, doc, nil)
	dd, err := ReadBytes(data, "说明.docx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if dd.Format != FormatDOCX || len(dd.Paragraphs) != len(doc.Paragraphs) || len(dd.Tables) != len(doc.Tables) {
		t.Fatalf("docx: %s, %d paragraphs, %d tables; txt: %d, %d", dd.Format, len(dd.Paragraphs), len(dd.Tables), len(doc.Paragraphs), len(doc.Tables))
	}
	sameFindings(t, "docx", Check(dd, wb), Check(doc, wb))
}

func TestGB18030SameAsText(t *testing.T) {
	raw := seedBytes(t)
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	dg, err := ReadBytes(gb, "说明.txt", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if dg.Encoding != "gb18030" {
		t.Fatalf("encoding %q", dg.Encoding)
	}
	wb := caseA(t)
	sameFindings(t, "gb18030", Check(dg, wb), Check(seedDoc(t), wb))
}

// TestDOCXFeatures: tracked deletions, field instructions and footnote
// references are left out; list numbers come back from numbering.xml.
func TestDOCXFeatures(t *testing.T) {
	body := `<w:p><w:r><w:t>收入总计</w:t></w:r><w:del w:id="1"><w:r><w:delText>9,999.99</w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>4,126.63</w:t></w:r></w:ins><w:r><w:t>万元</w:t></w:r><w:r><w:footnoteReference w:id="3"/></w:r></w:p>` +
		`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE 12 万元 </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>页</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>收入支出决算总体情况说明</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>机关运行经费</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>政府采购情况</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>国有资产占用情况</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>收入决算情况说明</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="6"/></w:numPr></w:pPr><w:r><w:t>甲项</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:pStyle w:val="H2"/></w:pPr><w:r><w:t>支出决算情况说明</w:t></w:r></w:p>` +
		`<w:sdt><w:sdtContent><w:p><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:proofErr w:type="spellStart"/><w:hyperlink r:id="x"><w:r><w:t>本年支出</w:t></w:r></w:hyperlink><w:smartTag><w:r><w:t>4,087.10</w:t></w:r></w:smartTag><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:t>万</w:t></w:r><w:r><w:t>元</w:t></w:r><w:bookmarkEnd w:id="0"/><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>REF x</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>。</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:sdtContent></w:sdt>` +
		`<mc:AlternateContent><mc:Choice Requires="wps"><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Choice><mc:Fallback><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent>` +
		`<w:p><w:pPr><w:pStyle w:val="H2"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>不编号</w:t></w:r></w:p>`
	numbering := `<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>` +
		`<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>` +
		`<w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>`
	styles := `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="H2"><w:basedOn w:val="H1"/></w:style></w:styles>`
	doc, err := ReadBytes(zipDocx(t, body, numbering, "word/styles.xml", styles), "x.docx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"收入总计4,126.63万元", "页", "一、收入支出决算总体情况说明", "（一）机关运行经费", "（二）政府采购情况", "（三）国有资产占用情况", "二、收入决算情况说明", "甲.甲项", "三、支出决算情况说明", "本年支出4,087.10万元。", "文本框", "不编号"}
	var got []string
	for _, p := range doc.Paragraphs {
		got = append(got, p.Text)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("paragraphs\n got %q\nwant %q", got, want)
	}
}

func TestChineseNumber(t *testing.T) {
	for v, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 23: "二十三", 105: "一百零五", 110: "一百一十"} {
		if got := chineseNumber(v); got != want {
			t.Errorf("%d: %q, want %q", v, got, want)
		}
	}
}

func codeOf(err error) string {
	var me *model.Error
	if errors.As(err, &me) {
		return me.Code
	}
	return "not a model.Error"
}

// TestRequiredStatements: removing the 空表 statement of T07, or the 三公
// counts, from a copy of the seed is reported.
func TestRequiredStatements(t *testing.T) {
	doc := seedDoc(t)
	drop := func(pred func(string) bool) *Document {
		cp := *doc
		cp.Paragraphs = nil
		for _, p := range doc.Paragraphs {
			if !pred(p.Text) {
				p.Index = len(cp.Paragraphs)
				cp.Paragraphs = append(cp.Paragraphs, p)
			}
		}
		return &cp
	}
	cases := []struct {
		name string
		doc  *Document
		want string
	}{
		{"T07 statement", drop(func(s string) bool { return strings.Contains(s, "政府性基金") && strings.Contains(s, "空表") }), "政府性基金预算财政拨款收入支出决算表为空表"},
		{"三公 counts", drop(func(s string) bool { return strings.Contains(s, "团组") }), "团组数和人次"},
		{"政府采购", drop(func(s string) bool { return strings.Contains(s, "政府采购") }), "政府采购"},
		{"项 not explained", drop(func(s string) bool { return strings.Contains(s, "(项):") && strings.Contains(s, "安全监管(项)") }), "2240106"},
	}
	for _, c := range cases {
		fs := Check(c.doc, caseA(t))
		ok := false
		for _, f := range fs {
			if f.Rule == "N09" && f.Severity == model.SevWarning && strings.Contains(f.Message, c.want) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s: no N09 warning naming %q:\n%s", c.name, c.want, findingGolden(fs))
		}
	}
}

// TestNarrativeInYuan: a narrative that states amounts in 元 binds and
// agrees the same way (one paragraph rewritten in 元).
func TestNarrativeInYuan(t *testing.T) {
	doc := seedDoc(t)
	d := plant(t, doc, 32, 4, "4,113.55万元", "41,135,500.00元")
	fs := Check(d, caseA(t))
	for _, f := range fs {
		if f.Severity == model.SevError {
			t.Fatalf("error: %s", f.Message)
		}
	}
	an := Analyze(d, caseA(t))
	for _, f := range an.Figures {
		if f.Para == 32 && f.Start == 4 && (f.Cell == nil || f.Verdict != "一致") {
			t.Fatalf("元 figure: cell %v verdict %s", f.Cell, f.Verdict)
		}
	}
	// and a wrong one is caught
	d = plant(t, doc, 32, 4, "4,113.55万元", "41,235,500.00元")
	found := false
	for _, f := range Check(d, caseA(t)) {
		found = found || f.Rule == "N01" && f.Severity == model.SevError && f.Narrative.Paragraph == 32
	}
	if !found {
		t.Fatal("a wrong amount in 元 is not caught")
	}
}

// TestOtherUnit: a narrative checked against another unit's workbook is
// told so.
func TestOtherUnit(t *testing.T) {
	wb := *caseA(t)
	if wb.UnitName == "" {
		t.Fatal("the sample prints no unit name")
	}
	wb.UnitName = "某某县财政局"
	found := false
	for _, f := range Check(seedDoc(t), &wb) {
		found = found || f.Rule == "N15"
	}
	if !found {
		t.Fatal("no N15")
	}
	for _, f := range Check(seedDoc(t), caseA(t)) {
		if f.Rule == "N15" {
			t.Fatalf("N15 on its own unit: %s", f.Message)
		}
	}
}
