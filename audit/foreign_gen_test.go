package audit

// Generator of the hand-written xml_* fixtures of testdata/foreign: the
// embedded Case A sample (MOF style, derived cells blank, as `juesuan fill`
// starts from) with one part patched the way Excel, WPS and other writers
// do. `go test ./audit -run TestForeign -update` rewrites them (and the
// expected files); a plain run reads the committed files.

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// pkg is a workbook's zip parts in their original order.
type pkg struct {
	names []string
	parts map[string][]byte
}

func readPkg(t testing.TB, data []byte) *pkg {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	p := &pkg{parts: map[string][]byte{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		p.names = append(p.names, f.Name)
		p.parts[f.Name] = b.Bytes()
	}
	return p
}

func (p *pkg) get(name string) string { return string(p.parts[name]) }

func (p *pkg) set(name, data string) {
	if _, ok := p.parts[name]; !ok {
		p.names = append(p.names, name)
	}
	p.parts[name] = []byte(data)
}

func (p *pkg) remove(name string) {
	delete(p.parts, name)
	for i, n := range p.names {
		if n == name {
			p.names = append(p.names[:i], p.names[i+1:]...)
			return
		}
	}
}

// bytes writes the package deterministically (fixed times, original order).
func (p *pkg) bytes(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range p.names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.parts[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sheetPart(n int) string { return fmt.Sprintf("xl/worksheets/sheet%d.xml", n) }

// mustReplace replaces old by new in s once and fails when old is absent.
func mustReplace(t testing.TB, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("generator: %q not found", old)
	}
	return strings.Replace(s, old, new, 1)
}

var cellRe = regexp.MustCompile(`<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)`)

// setCell replaces the cell at addr (which the writer always prints, as a
// styled blank at least) with attrs and inner XML; "s" keeps its style.
func setCell(t testing.TB, sheet, addr string, typ, inner string) string {
	t.Helper()
	found := false
	out := cellRe.ReplaceAllStringFunc(sheet, func(m string) string {
		sm := cellRe.FindStringSubmatch(m)
		if sm[1]+sm[2] != addr {
			return m
		}
		found = true
		attrs := regexp.MustCompile(` t="[^"]*"`).ReplaceAllString(sm[3], "")
		if typ != "" {
			attrs += ` t="` + typ + `"`
		}
		return `<c r="` + addr + `"` + attrs + `>` + inner + `</c>`
	})
	if !found {
		t.Fatalf("generator: no cell %s", addr)
	}
	return out
}

// cellValues maps the addresses of a sheet's numeric cells to their <v>.
func cellValues(sheet string) map[string]string {
	out := map[string]string{}
	for _, m := range cellRe.FindAllStringSubmatch(sheet, -1) {
		if strings.Contains(m[3], `t="`) {
			continue
		}
		if v := regexp.MustCompile(`<v>([^<]*)</v>`).FindStringSubmatch(m[4]); v != nil {
			out[m[1]+m[2]] = v[1]
		}
	}
	return out
}

var siRe = regexp.MustCompile(`<si>(.*?)</si>`)
var tRe = regexp.MustCompile(`<t[^>]*>([^<]*)</t>`)

// sst returns the shared strings (XML-escaped as stored).
func (p *pkg) sst() []string {
	var out []string
	for _, m := range siRe.FindAllStringSubmatch(p.get("xl/sharedStrings.xml"), -1) {
		var s strings.Builder
		for _, t := range tRe.FindAllStringSubmatch(m[1], -1) {
			s.WriteString(t[1])
		}
		out = append(out, s.String())
	}
	return out
}

func unescape(s string) string {
	var v struct {
		S string `xml:",chardata"`
	}
	if err := xml.Unmarshal([]byte("<a>"+s+"</a>"), &v); err != nil {
		return s
	}
	return v.S
}

func escape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// noisy renders v the way Excel stores a computed binary double: 17
// significant digits, ulps binary steps off (what a sum of decimals in
// binary gives), e.g. 72.61 one step up -> 72.610000000000014.
func noisy(v string, ulps int) string {
	f, _ := strconv.ParseFloat(v, 64)
	for ; ulps > 0; ulps-- {
		f = math.Nextafter(f, math.Inf(1))
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

func basePkgs(t testing.TB) (blank, full *pkg) {
	t.Helper()
	var b1, b2 bytes.Buffer
	if _, err := templates.Write(&b1, templates.CaseA(), templates.Options{Style: model.StyleMOF, OmitDerived: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := templates.Write(&b2, templates.CaseA(), templates.Options{Style: model.StyleMOF}); err != nil {
		t.Fatal(err)
	}
	return readPkg(t, b1.Bytes()), readPkg(t, b2.Bytes())
}

// xmlVariants are the hand-written fixtures: name -> patch of the blank
// Case A sample (full is the sample with every derived cell printed).
var xmlVariants = []struct {
	name, what string
	patch      func(t testing.TB, p, full *pkg)
}{
	{"xml_shared_formulas", "共享公式（Excel）：公开02表本年收入合计列 C8:C33 为一个共享公式，C8–C9 无缓存值，其余缓存值带二进制尾数（Excel 写 17 位有效数字）；合计行 D7:I7 为另一个共享公式", genSharedFormulas},
	{"xml_inline_strings", "全部文本为 t=\"inlineStr\" 内联字符串，无 sharedStrings 部件", genInlineStrings},
	{"xml_rich_text", "共享字符串均为富文本（<si><r>…</r><r>…</r></si>），带 rPh 注音与 phoneticPr", genRichText},
	{"xml_str_formulas", "t=\"str\" 公式字符串：各表编制单位行和表号为公式；公开09表 B8 为 TEXT() 公式返回的文本数字", genStrFormulas},
	{"xml_no_cell_refs", "<c> 与 <row> 均无 r 属性（空位以 <c/> 占位），无 <dimension>", genNoRefs},
	{"xml_no_dimension", "无 <dimension> 元素", genNoDimension},
	{"xml_absolute_targets", "workbook.xml.rels、_rels/.rels 与工作表关系中的目标为绝对路径 /xl/...；公开02表带用户批注", genAbsoluteTargets},
	{"xml_date1904", "workbookPr date1904=\"1\"（1904 日期系统），公开01表 E2 为日期单元格", genDate1904},
	{"xml_dxfs", "styles.xml 含 dxfs，公开02表有引用 dxfId 的条件格式", genDxfs},
	{"xml_excel365_comments", "Excel 365 批注：legacy comments + vmlDrawing + threadedComments + persons，公开02表 B10、D9 各一条用户批注（D9 上另有审核提示）", genExcel365Comments},
	{"xml_wps", "WPS 特有内容：工作表根元素额外命名空间与 mc:Ignorable、<row spans x14ac:dyDescent>、<extLst>、cellimages.xml 部件、docProps/custom.xml（KSOProductBuildVer）", genWPS},
	{"xml_quote_prefix", "以文本存储的数字：公开03表 D8:H33 的金额为共享字符串，样式带 quotePrefix=\"1\"（前导撇号）", genQuotePrefix},
	{"xml_bom_crlf", "每个 XML 部件以 UTF-8 BOM 开头、CRLF 换行，工作表缩进排版（如 .NET System.Xml 写出）", genBomCRLF},
	{"xml_sparse_cells", "只写有值的单元格（无样式空白格，空行省略，如 SheetJS 等写出）：补填须插入新的 <c> 和 <row>", genSparse},
	{"xml_strict", "Strict OOXML（Excel“Strict Open XML 电子表格”）：purl.oclc.org 命名空间与关系类型，workbook conformance=\"strict\"", genStrict},
	{"xml_excel_extras", "Excel 工作簿常见附件：首位“目录”表（内部超链接）、隐藏的“辅助”表、公开01表工作表保护与图片（drawing + media）、公开02表数据验证与 ignoredErrors、打印区域（definedName，localSheetId 随目录表后移）", genExcelExtras},
	{"xml_sheet_names", "工作表名含空格、括号、&、撇号与尖括号（公开01表 (收支总表)、收入&支出'02、Sheet<3>），打印标题的定义名称随之引用", genSheetNames},
	{"xml_prefixed", "带前缀的元素名（<x:worksheet xmlns:x=…>，如 .NET Open XML SDK 写出）：公开05表", genPrefixed},
}

func genSharedFormulas(t testing.TB, p, full *pkg) {
	s := p.get(sheetPart(2))
	vals := cellValues(full.get(sheetPart(2)))
	for r := 8; r <= 33; r++ {
		a := "C" + strconv.Itoa(r)
		f := `<f t="shared" si="0"/>`
		if r == 8 {
			f = `<f t="shared" ref="C8:C33" si="0">SUM(D8:I8)</f>`
		}
		v := ""
		if r > 9 {
			v = "<v>" + noisy(vals[a], 1) + "</v>"
		}
		s = setCell(t, s, a, "", f+v)
	}
	for i, col := range []string{"D", "E", "F", "G", "H", "I"} {
		a := col + "7"
		f := `<f t="shared" si="1"/>`
		if i == 0 {
			f = `<f t="shared" ref="D7:I7" si="1">D8+D13+D19+D22+D25+D31</f>`
		}
		s = setCell(t, s, a, "", f+"<v>"+noisy(vals[a], 0)+"</v>")
	}
	p.set(sheetPart(2), s)
}

func genInlineStrings(t testing.TB, p, _ *pkg) {
	sst := p.sst()
	re := regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"([^>]*?) t="s"><v>([0-9]+)</v></c>`)
	for n := 1; n <= 9; n++ {
		s := re.ReplaceAllStringFunc(p.get(sheetPart(n)), func(m string) string {
			sm := re.FindStringSubmatch(m)
			i, _ := strconv.Atoi(sm[3])
			return `<c r="` + sm[1] + `"` + sm[2] + ` t="inlineStr"><is><t xml:space="preserve">` + sst[i] + `</t></is></c>`
		})
		p.set(sheetPart(n), s)
	}
	p.remove("xl/sharedStrings.xml")
	rels := regexp.MustCompile(`<Relationship Id="[^"]*" Target="[^"]*sharedStrings.xml" Type="[^"]*"></Relationship>`)
	p.set("xl/_rels/workbook.xml.rels", rels.ReplaceAllString(p.get("xl/_rels/workbook.xml.rels"), ""))
	ct := regexp.MustCompile(`<Override PartName="/xl/sharedStrings.xml" ContentType="[^"]*"></Override>`)
	p.set("[Content_Types].xml", ct.ReplaceAllString(p.get("[Content_Types].xml"), ""))
}

func genRichText(t testing.TB, p, _ *pkg) {
	var b strings.Builder
	sst := p.sst()
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	fmt.Fprintf(&b, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, s := range sst {
		r := []rune(unescape(s))
		if len(r) < 2 {
			b.WriteString(`<si><t>` + s + `</t><phoneticPr fontId="1" type="noConversion"/></si>`)
			continue
		}
		h := len(r) / 2
		b.WriteString(`<si><r><rPr><b/><sz val="11"/><color theme="1"/><rFont val="宋体"/><family val="3"/><charset val="134"/><scheme val="minor"/></rPr><t>`)
		b.WriteString(escape(string(r[:h])))
		b.WriteString(`</t></r><r><rPr><sz val="11"/><color rgb="FFFF0000"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr><t xml:space="preserve">`)
		b.WriteString(escape(string(r[h:])))
		b.WriteString(`</t></r><rPh sb="0" eb="1"><t>ヨミ</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>`)
	}
	b.WriteString(`</sst>`)
	p.set("xl/sharedStrings.xml", b.String())
}

func genStrFormulas(t testing.TB, p, _ *pkg) {
	sst := p.sst()
	idx := func(s string) string {
		for i, x := range sst {
			if x == s {
				return strconv.Itoa(i)
			}
		}
		t.Fatalf("generator: no shared string %q", s)
		return ""
	}
	unit := "部门：昌吉回族自治州应急管理局"
	_ = idx(unit)
	re := regexp.MustCompile(`<c r="(A3)"([^>]*?) t="s"><v>` + idx(unit) + `</v></c>`)
	for n := 1; n <= 9; n++ {
		s := p.get(sheetPart(n))
		s = re.ReplaceAllString(s, `<c r="$1"$2 t="str"><f>"部门："&amp;"昌吉回族自治州应急管理局"</f><v>`+unit+`</v></c>`)
		num := fmt.Sprintf("公开%02d表", n)
		re2 := regexp.MustCompile(`<c r="([A-Z]+2)"([^>]*?) t="s"><v>` + idx(num) + `</v></c>`)
		if !re2.MatchString(s) {
			t.Fatalf("generator: no table number in sheet %d", n)
		}
		s = re2.ReplaceAllString(s, `<c r="$1"$2 t="str"><f>"公开"&amp;TEXT(`+strconv.Itoa(n)+`,"00")&amp;"表"</f><v>`+num+`</v></c>`)
		if n == 9 {
			s = setCell(t, s, "B8", "str", `<f>TEXT(7.26,"0.00")</f><v>7.26</v>`)
		}
		p.set(sheetPart(n), s)
	}
}

func genNoRefs(t testing.TB, p, _ *pkg) {
	rowRe := regexp.MustCompile(`<row r="([0-9]+)"([^>]*)>(.*?)</row>`)
	for n := 1; n <= 9; n++ {
		s := p.get(sheetPart(n))
		s = regexp.MustCompile(`<dimension [^>]*></dimension>|<dimension [^>]*/>`).ReplaceAllString(s, "")
		want := 1
		s = rowRe.ReplaceAllStringFunc(s, func(m string) string {
			sm := rowRe.FindStringSubmatch(m)
			r, _ := strconv.Atoi(sm[1])
			var b strings.Builder
			// Rows are printed without gaps; any gap becomes empty rows.
			for ; want < r; want++ {
				b.WriteString(`<row></row>`)
			}
			want++
			b.WriteString(`<row` + sm[2] + `>`)
			col := 1
			for _, c := range cellRe.FindAllStringSubmatch(sm[3], -1) {
				cn := 0
				for _, ch := range c[1] {
					cn = cn*26 + int(ch-'A'+1)
				}
				for ; col < cn; col++ {
					b.WriteString(`<c/>`)
				}
				col++
				if c[4] == "" && !strings.HasSuffix(c[0], "</c>") {
					b.WriteString(`<c` + c[3] + `/>`)
				} else {
					b.WriteString(`<c` + c[3] + `>` + c[4] + `</c>`)
				}
			}
			b.WriteString(`</row>`)
			return b.String()
		})
		p.set(sheetPart(n), s)
	}
}

func genNoDimension(t testing.TB, p, _ *pkg) {
	for n := 1; n <= 9; n++ {
		s := p.get(sheetPart(n))
		s = regexp.MustCompile(`<dimension [^>]*></dimension>|<dimension [^>]*/>`).ReplaceAllString(s, "")
		p.set(sheetPart(n), s)
	}
}

func genAbsoluteTargets(t testing.TB, p, _ *pkg) {
	rels := p.get("xl/_rels/workbook.xml.rels")
	rels = regexp.MustCompile(`Target="(worksheets|theme|styles)`).ReplaceAllString(rels, `Target="/xl/$1`)
	p.set("xl/_rels/workbook.xml.rels", rels)
	root := p.get("_rels/.rels")
	root = regexp.MustCompile(`Target="(xl|docProps)/`).ReplaceAllString(root, `Target="/$1/`)
	p.set("_rels/.rels", root)
	addLegacyComments(t, p, 2, true, []userComment{{"B10", "张会计", "科目名称按 2024 年科目表。"}, {"D9", "张会计", "含职业年金。"}})
}

func genDate1904(t testing.TB, p, _ *pkg) {
	wb := p.get("xl/workbook.xml")
	wb = mustReplace(t, wb, `<workbookPr `, `<workbookPr date1904="1" `)
	p.set("xl/workbook.xml", wb)
	st := p.get("xl/styles.xml")
	// A date style: the next cellXfs entry with numFmtId 14.
	m := regexp.MustCompile(`<cellXfs count="([0-9]+)">`).FindStringSubmatch(st)
	n, _ := strconv.Atoi(m[1])
	st = mustReplace(t, st, m[0], fmt.Sprintf(`<cellXfs count="%d">`, n+1))
	st = mustReplace(t, st, `</cellXfs>`, `<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>`)
	p.set("xl/styles.xml", st)
	s := p.get(sheetPart(1))
	// 2025-01-15 in the 1904 system.
	s = mustReplace(t, s, `<row r="2">`, fmt.Sprintf(`<row r="2"><c r="E2" s="%d"><v>44210</v></c>`, n))
	p.set(sheetPart(1), s)
}

func genDxfs(t testing.TB, p, _ *pkg) {
	st := p.get("xl/styles.xml")
	st = regexp.MustCompile(`<dxfs count="0">\s*</dxfs>|<dxfs count="0"/>|<dxfs count="0"></dxfs>`).ReplaceAllString(st,
		`<dxfs count="2"><dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>`+
			`<dxf><font><b/><color rgb="FF006100"/></font><numFmt numFmtId="4" formatCode="#,##0.00"/><fill><patternFill><bgColor rgb="FFC6EFCE"/></patternFill></fill><border><left style="thin"/></border></dxf></dxfs>`)
	if !strings.Contains(st, `<dxfs count="2">`) {
		t.Fatal("generator: no empty dxfs in styles.xml")
	}
	p.set("xl/styles.xml", st)
	s := p.get(sheetPart(2))
	s = mustReplace(t, s, `</mergeCells>`, `</mergeCells><conditionalFormatting sqref="C8:I33"><cfRule type="cellIs" dxfId="0" priority="2" operator="lessThan"><formula>0</formula></cfRule><cfRule type="expression" dxfId="1" priority="1"><formula>AND($C8&lt;&gt;"",$C8=SUM($D8:$I8))</formula></cfRule></conditionalFormatting>`)
	p.set(sheetPart(2), s)
}

type userComment struct{ cell, author, text string }

// addLegacyComments gives sheet n comments as Excel writes them
// (comments part, VML drawing with _x0000_s shapes, legacyDrawing), with
// absolute targets when abs is set.
func addLegacyComments(t testing.TB, p *pkg, n int, abs bool, cs []userComment) {
	addComments(t, p, n, abs, cs, false)
}

func addComments(t testing.TB, p *pkg, n int, abs bool, cs []userComment, threaded bool) {
	authors := map[string]int{}
	var alist []string
	for _, c := range cs {
		a := c.author
		if threaded {
			a = "tc={" + guid(c.cell) + "}"
		}
		if _, ok := authors[a]; !ok {
			authors[a] = len(alist)
			alist = append(alist, a)
		}
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="xr" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"><authors>`)
	for _, a := range alist {
		b.WriteString(`<author>` + escape(a) + `</author>`)
	}
	b.WriteString(`</authors><commentList>`)
	for _, c := range cs {
		a := c.author
		if threaded {
			a = "tc={" + guid(c.cell) + "}"
			fmt.Fprintf(&b, `<comment ref="%s" authorId="%d" shapeId="0" xr:uid="{%s}"><text><t>[线程批注]

你的 Excel 版本可读取此线程批注; 但如果在更新版本的 Excel 中打开文件，则对批注所做的任何改动都将被删除。了解详细信息: https://go.microsoft.com/fwlink/?linkid=870924

注释:
    %s</t></text></comment>`, c.cell, authors[a], guid(c.cell), escape(c.text))
			continue
		}
		fmt.Fprintf(&b, `<comment ref="%s" authorId="%d" shapeId="0" xr:uid="{%s}"><text><r><rPr><b/><sz val="9"/><color indexed="81"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr><t>%s:</t></r><r><rPr><sz val="9"/><color indexed="81"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr><t xml:space="preserve">
%s</t></r></text></comment>`, c.cell, authors[a], guid(c.cell), escape(c.author), escape(c.text))
	}
	b.WriteString(`</commentList></comments>`)
	p.set("xl/comments1.xml", b.String())

	var v strings.Builder
	v.WriteString(`<xml xmlns:v="urn:schemas-microsoft-com:vml"
 xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel">
 <o:shapelayout v:ext="edit">
  <o:idmap v:ext="edit" data="1"/>
 </o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"
  path="m,l,21600r21600,l21600,xe">
  <v:stroke joinstyle="miter"/>
  <v:path gradientshapeok="t" o:connecttype="rect"/>
 </v:shapetype>`)
	for i, c := range cs {
		col, row := 0, 0
		for _, ch := range c.cell {
			if ch >= 'A' && ch <= 'Z' {
				col = col*26 + int(ch-'A'+1)
			} else {
				row = row*10 + int(ch-'0')
			}
		}
		fmt.Fprintf(&v, `<v:shape id="_x0000_s%d" type="#_x0000_t202" style='position:absolute;
  margin-left:100pt;margin-top:20pt;width:120pt;height:60pt;z-index:%d;
  visibility:hidden' fillcolor="infoBackground [80]" o:insetmode="auto">
  <v:fill color2="infoBackground [80]"/>
  <v:shadow color="none [81]" obscured="t"/>
  <v:path o:connecttype="none"/>
  <v:textbox style='mso-direction-alt:auto'>
   <div style='text-align:left'></div>
  </v:textbox>
  <x:ClientData ObjectType="Note">
   <x:MoveWithCells/>
   <x:SizeWithCells/>
   <x:Anchor>
    %d, 15, %d, 10, %d, 15, %d, 4</x:Anchor>
   <x:AutoFill>False</x:AutoFill>
   <x:Row>%d</x:Row>
   <x:Column>%d</x:Column>
  </x:ClientData>
 </v:shape>`, 1025+i, i+1, col, row-1, col+2, row+3, row-1, col-1)
	}
	v.WriteString("</xml>")
	p.set("xl/drawings/vmlDrawing1.vml", v.String())

	pre := "../"
	if abs {
		pre = "/xl/"
	}
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="` + pre + `drawings/vmlDrawing1.vml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="` + pre + `comments1.xml"/>`
	if threaded {
		rels += `<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" Target="` + pre + `threadedComments/threadedComment1.xml"/>`
	}
	rels += `</Relationships>`
	p.set(fmt.Sprintf("xl/worksheets/_rels/sheet%d.xml.rels", n), rels)
	s := p.get(sheetPart(n))
	s = mustReplace(t, s, `</worksheet>`, `<legacyDrawing r:id="rId1"/></worksheet>`)
	p.set(sheetPart(n), s)
	ct := p.get("[Content_Types].xml")
	ct = mustReplace(t, ct, `<Default Extension="xml"`, `<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Default Extension="xml"`)
	ct = mustReplace(t, ct, `</Types>`, `<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>`)
	p.set("[Content_Types].xml", ct)
	if !threaded {
		return
	}
	var th strings.Builder
	th.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	th.WriteString(`<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for _, c := range cs {
		fmt.Fprintf(&th, `<threadedComment ref="%s" dT="2025-03-01T08:30:00.00" personId="{6B1F0C4E-2C1A-4C55-9F0E-0D6D7E9A1B21}" id="{%s}"><text>%s</text></threadedComment>`, c.cell, guid(c.cell), escape(c.text))
	}
	th.WriteString(`</ThreadedComments>`)
	p.set("xl/threadedComments/threadedComment1.xml", th.String())
	p.set("xl/persons/person.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><person displayName="张会计" id="{6B1F0C4E-2C1A-4C55-9F0E-0D6D7E9A1B21}" userId="zhang@example.cn" providerId="None"/></personList>`)
	wr := p.get("xl/_rels/workbook.xml.rels")
	wr = mustReplace(t, wr, `</Relationships>`, `<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" Target="persons/person.xml"/></Relationships>`)
	p.set("xl/_rels/workbook.xml.rels", wr)
	ct = p.get("[Content_Types].xml")
	ct = mustReplace(t, ct, `</Types>`, `<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="application/vnd.ms-excel.threadedcomments+xml"/><Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/></Types>`)
	p.set("[Content_Types].xml", ct)
}

// guid is a fixed GUID per cell (generated files must not change).
func guid(cell string) string {
	var n uint64 = 1469598103934665603
	for _, ch := range cell {
		n = (n ^ uint64(ch)) * 1099511628211
	}
	return fmt.Sprintf("%08X-%04X-4%03X-8%03X-%012X", uint32(n>>32), uint16(n>>16), uint16(n)&0xfff, uint16(n>>4)&0xfff, n&0xffffffffffff)
}

func genExcel365Comments(t testing.TB, p, _ *pkg) {
	addComments(t, p, 2, false, []userComment{{"B10", "张会计", "科目名称按 2024 年科目表。"}, {"D9", "张会计", "含职业年金。"}}, true)
}

func genWPS(t testing.TB, p, _ *pkg) {
	for n := 1; n <= 9; n++ {
		s := p.get(sheetPart(n))
		s = regexp.MustCompile(`<worksheet [^>]*>`).ReplaceAllString(s,
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">`)
		s = regexp.MustCompile(`<row r="([0-9]+)"`).ReplaceAllString(s, `<row r="$1" spans="1:12" x14ac:dyDescent="0.25"`)
		s = mustReplace(t, s, `</worksheet>`, `<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="0" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/></ext></extLst></worksheet>`)
		p.set(sheetPart(n), s)
	}
	wb := p.get("xl/workbook.xml")
	wb = mustReplace(t, wb, `</workbook>`, `<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><x15:workbookPr chartTrackingRefBase="1"/></ext></extLst></workbook>`)
	p.set("xl/workbook.xml", wb)
	p.set("xl/cellimages.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<etc:cellImages xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData"/>`)
	wr := p.get("xl/_rels/workbook.xml.rels")
	wr = mustReplace(t, wr, `</Relationships>`, `<Relationship Id="rId90" Type="http://www.wps.cn/officeDocument/2020/cellImage" Target="cellimages.xml"/></Relationships>`)
	p.set("xl/_rels/workbook.xml.rels", wr)
	p.set("docProps/custom.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="ICV"><vt:lpwstr>0A1B2C3D4E5F60718293A4B5C6D7E8F9</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="KSOProductBuildVer"><vt:lpwstr>2052-12.1.0.16417</vt:lpwstr></property></Properties>`)
	root := p.get("_rels/.rels")
	root = mustReplace(t, root, `</Relationships>`, `<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>`)
	p.set("_rels/.rels", root)
	ct := p.get("[Content_Types].xml")
	ct = mustReplace(t, ct, `</Types>`, `<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/><Override PartName="/xl/cellimages.xml" ContentType="application/vnd.wps-officedocument.cellimage+xml"/></Types>`)
	p.set("[Content_Types].xml", ct)
}

func genQuotePrefix(t testing.TB, p, _ *pkg) {
	st := p.get("xl/styles.xml")
	m := regexp.MustCompile(`<cellXfs count="([0-9]+)">`).FindStringSubmatch(st)
	n, _ := strconv.Atoi(m[1])
	// The amount style of the sample is s="7": clone it with quotePrefix.
	xfs := regexp.MustCompile(`<xf [^>]*?(?:/>|>.*?</xf>)`).FindAllString(st[strings.Index(st, m[0]):], -1)
	if len(xfs) < 8 {
		t.Fatal("generator: fewer than 8 cellXfs")
	}
	q := strings.Replace(xfs[7], `<xf `, `<xf quotePrefix="1" `, 1)
	st = mustReplace(t, st, m[0], fmt.Sprintf(`<cellXfs count="%d">`, n+1))
	st = mustReplace(t, st, `</cellXfs>`, q+`</cellXfs>`)
	p.set("xl/styles.xml", st)
	sst := p.sst()
	s := p.get(sheetPart(3))
	vals := cellValues(s)
	var addrs []string
	for a := range vals {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		col, row := a[:1], a[1:]
		r, _ := strconv.Atoi(row)
		if col < "D" || col > "H" || r < 8 || r > 33 {
			continue
		}
		sst = append(sst, vals[a])
		s = cellRe.ReplaceAllStringFunc(s, func(c string) string {
			if !strings.HasPrefix(c, `<c r="`+a+`"`) {
				return c
			}
			return fmt.Sprintf(`<c r="%s" s="%d" t="s"><v>%d</v></c>`, a, n, len(sst)-1)
		})
	}
	p.set(sheetPart(3), s)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, x := range sst {
		b.WriteString(`<si><t>` + x + `</t></si>`)
	}
	b.WriteString(`</sst>`)
	p.set("xl/sharedStrings.xml", b.String())
}

func genPrefixed(t testing.TB, p, _ *pkg) {
	s := p.get(sheetPart(5))
	s = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([ >/])`).ReplaceAllStringFunc(s, func(m string) string {
		sm := regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([ >/])`).FindStringSubmatch(m)
		return "<" + sm[1] + "x:" + sm[2] + sm[3]
	})
	s = mustReplace(t, s, `<x:worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`, `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`)
	p.set(sheetPart(5), s)
}

func genBomCRLF(t testing.TB, p, _ *pkg) {
	indent := regexp.MustCompile(`(<row |</row>|<c |<c>|</sheetData>|<f>|<f |<v>|<is>|<mergeCell )`)
	for _, n := range p.names {
		if !strings.HasSuffix(n, ".xml") && !strings.HasSuffix(n, ".rels") {
			continue
		}
		s := strings.ReplaceAll(p.get(n), "\r\n", "\n")
		if strings.HasPrefix(n, "xl/worksheets/") {
			s = indent.ReplaceAllString(s, "\n  $1")
		}
		s = strings.Replace(s, "?>", "?>\n", 1)
		p.set(n, "\ufeff"+strings.ReplaceAll(s, "\n", "\r\n"))
	}
}

func genSparse(t testing.TB, p, _ *pkg) {
	empty := regexp.MustCompile(`<c r="[A-Z]+[0-9]+"[^>]*?(?:/>|></c>)`)
	emptyRow := regexp.MustCompile(`<row [^>]*>\s*</row>|<row [^>]*/>`)
	for n := 1; n <= 9; n++ {
		s := empty.ReplaceAllString(p.get(sheetPart(n)), "")
		p.set(sheetPart(n), emptyRow.ReplaceAllString(s, ""))
	}
}

func genStrict(t testing.TB, p, _ *pkg) {
	r := strings.NewReplacer(
		"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties", "http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
		"http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main",
		"http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships",
		"http://schemas.openxmlformats.org/drawingml/2006/main", "http://purl.oclc.org/ooxml/drawingml/main",
		"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties", "http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
		"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes", "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes",
	)
	for _, n := range p.names {
		if strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".rels") {
			p.set(n, r.Replace(p.get(n)))
		}
	}
	p.set("xl/workbook.xml", mustReplace(t, p.get("xl/workbook.xml"), "<workbook ", `<workbook conformance="strict" `))
}

const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"

func genExcelExtras(t testing.TB, p, _ *pkg) {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	inline := func(ref, text string) string {
		return `<c r="` + ref + `" t="inlineStr"><is><t>` + escape(text) + `</t></is></c>`
	}
	// 目录: one row per table, each a link to its sheet.
	var toc strings.Builder
	toc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	toc.WriteString(`<worksheet ` + ns + `><dimension ref="A1:A10"/><sheetData><row r="1">` + inline("A1", "目录") + `</row>`)
	var links strings.Builder
	for n := 1; n <= 9; n++ {
		ref := "A" + strconv.Itoa(n+1)
		name := fmt.Sprintf("公开%02d表", n)
		toc.WriteString(`<row r="` + strconv.Itoa(n+1) + `">` + inline(ref, name) + `</row>`)
		links.WriteString(`<hyperlink ref="` + ref + `" location="'` + name + `'!A1" display="` + name + `"/>`)
	}
	toc.WriteString(`</sheetData><hyperlinks>` + links.String() + `</hyperlinks><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	p.set("xl/worksheets/sheet10.xml", toc.String())
	p.set("xl/worksheets/sheet11.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet `+ns+`><sheetData><row r="1">`+inline("A1", "上年数")+`<c r="B1"><v>4021.37</v></c></row></sheetData></worksheet>`)
	wb := p.get("xl/workbook.xml")
	wb = regexp.MustCompile(`localSheetId="([0-9]+)"`).ReplaceAllStringFunc(wb, func(m string) string {
		n, _ := strconv.Atoi(regexp.MustCompile(`[0-9]+`).FindString(m))
		return fmt.Sprintf(`localSheetId="%d"`, n+1)
	})
	wb = mustReplace(t, wb, `<sheets>`, `<sheets><sheet name="目录" sheetId="10" r:id="rId50"></sheet>`)
	wb = mustReplace(t, wb, `</sheets>`, `<sheet name="辅助" sheetId="11" state="hidden" r:id="rId51"></sheet></sheets>`)
	wb = mustReplace(t, wb, `</definedNames>`, `<definedName name="_xlnm.Print_Area" localSheetId="1">&#39;公开01表&#39;!$A$1:$F$37</definedName></definedNames>`)
	p.set("xl/workbook.xml", wb)
	wr := p.get("xl/_rels/workbook.xml.rels")
	wr = mustReplace(t, wr, `</Relationships>`, `<Relationship Id="rId50" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet10.xml"/><Relationship Id="rId51" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet11.xml"/></Relationships>`)
	p.set("xl/_rels/workbook.xml.rels", wr)

	s1 := p.get(sheetPart(1))
	s1 = mustReplace(t, s1, `</sheetData>`, `</sheetData><sheetProtection algorithmName="SHA-512" hashValue="c2FtcGxlLWhhc2gtdmFsdWUtZm9yLXRlc3RzLW9ubHk=" saltValue="c2FsdHNhbHQ=" spinCount="100000" sheet="1" objects="1" scenarios="1" formatCells="0"/>`)
	s1 = mustReplace(t, s1, `</worksheet>`, `<drawing r:id="rId1"/></worksheet>`)
	p.set(sheetPart(1), s1)
	p.set("xl/worksheets/_rels/sheet1.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" Target="../drawings/drawing1.xml"/></Relationships>`)
	p.set("xl/drawings/drawing1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>0</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>7</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="单位公章"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`)
	p.set("xl/drawings/_rels/drawing1.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image1.png"/></Relationships>`)
	png, err := base64.StdEncoding.DecodeString(onePixelPNG)
	if err != nil {
		t.Fatal(err)
	}
	p.set("xl/media/image1.png", string(png))

	s2 := p.get(sheetPart(2))
	s2 = mustReplace(t, s2, `</mergeCells>`, `</mergeCells><dataValidations count="1"><dataValidation type="decimal" operator="greaterThanOrEqual" allowBlank="1" showErrorMessage="1" errorTitle="金额" error="金额不能为负数" sqref="D8:I33"><formula1>0</formula1></dataValidation></dataValidations>`)
	s2 = mustReplace(t, s2, `</worksheet>`, `<ignoredErrors><ignoredError sqref="A8:A33" numberStoredAsText="1"/></ignoredErrors></worksheet>`)
	p.set(sheetPart(2), s2)

	ct := p.get("[Content_Types].xml")
	ct = mustReplace(t, ct, `<Default Extension="xml"`, `<Default Extension="png" ContentType="image/png"/><Default Extension="xml"`)
	ct = mustReplace(t, ct, `</Types>`, `<Override PartName="/xl/worksheets/sheet10.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet11.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>`)
	p.set("[Content_Types].xml", ct)
}

func genSheetNames(t testing.TB, p, _ *pkg) {
	wb := p.get("xl/workbook.xml")
	for _, r := range [][2]string{{"公开01表", "公开01表 (收支总表)"}, {"公开02表", "收入&支出'02"}, {"公开03表", "Sheet<3>"}} {
		wb = mustReplace(t, wb, `<sheet name="`+r[0]+`"`, `<sheet name="`+escape(r[1])+`"`)
		quoted := "'" + strings.ReplaceAll(r[1], "'", "''") + "'"
		wb = mustReplace(t, wb, `&#39;`+r[0]+`&#39;!`, escape(quoted)+"!")
	}
	p.set("xl/workbook.xml", wb)
}

// writeXMLVariants regenerates the xml_* fixtures.
func writeXMLVariants(t *testing.T, dir string) {
	for _, v := range xmlVariants {
		blank, full := basePkgs(t)
		v.patch(t, blank, full)
		if err := os.WriteFile(filepath.Join(dir, v.name+".xlsx"), blank.bytes(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
