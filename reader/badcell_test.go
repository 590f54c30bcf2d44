package reader

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// caseAWithCell writes Case A and replaces the XML of one cell of the
// 公开01表 sheet by `<c r="addr" attrs>inner</c>`.
func caseAWithCell(t *testing.T, addr, attrs, inner string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{Style: model.StyleMOF}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	m := regexp.MustCompile(`<sheet [^>]*name="公开01表"[^>]*r:id="([^"]+)"`).FindSubmatch(parts["xl/workbook.xml"])
	if m == nil {
		t.Fatal("no 公开01表 in workbook.xml")
	}
	rel := regexp.MustCompile(`Id="` + string(m[1]) + `"[^>]*Target="([^"]+)"`).FindSubmatch(parts["xl/_rels/workbook.xml.rels"])
	if rel == nil {
		t.Fatal("no relationship for 公开01表")
	}
	part := "xl/" + strings.TrimPrefix(strings.TrimPrefix(string(rel[1]), "/"), "xl/")
	cellRe := regexp.MustCompile(`<c r="` + addr + `"[^>]*?(/>|>.*?</c>)`)
	if !cellRe.Match(parts[part]) {
		t.Fatalf("no cell %s in %s", addr, part)
	}
	parts[part] = cellRe.ReplaceAll(parts[part], []byte(`<c r="`+addr+`" `+attrs+`>`+inner+`</c>`))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(parts[f.Name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Each unreadable amount gets one S05 with the message that says why, and
// the cell is marked Invalid (unknown, not 0); a dash is a typed 0.
func TestUnreadableAmountMessages(t *testing.T) {
	tests := []struct {
		name, attrs, inner string
		msg                string // S05 message part; "" = no S05
		invalid, blank     bool
		raw                string
	}{
		{"error value", `t="e"`, `<v>#DIV/0!</v>`, "公式错误值", true, false, "#DIV/0!"},
		{"error value with formula", `t="e"`, `<f>1/0</f><v>#DIV/0!</v>`, "公式错误值", true, false, "#DIV/0!"},
		{"1E+400 as text", `t="inlineStr"`, `<is><t>1E+400</t></is>`, "超出合理范围", true, false, "1E+400"},
		{"1E+400 as number", ``, `<v>1E+400</v>`, "超出合理范围", true, false, "1E+400"},
		{"word", `t="inlineStr"`, `<is><t>四千</t></is>`, "不是数字", true, false, "四千"},
		{"dash", `t="inlineStr"`, `<is><t>-</t></is>`, "", false, false, "-"},
		{"em dash", `t="inlineStr"`, `<is><t>—</t></is>`, "", false, false, "—"},
		{"empty", ``, ``, "", false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := caseAWithCell(t, "C7", tt.attrs, tt.inner)
			wb, book, err := Read(bytes.NewReader(data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			book.Close()
			var s05 []model.Finding
			for _, f := range wb.Findings {
				if f.Rule == RuleNonNumeric {
					s05 = append(s05, f)
				}
			}
			switch {
			case tt.msg == "" && len(s05) != 0:
				t.Errorf("unexpected S05 %+v", s05)
			case tt.msg != "" && (len(s05) != 1 || s05[0].Cell != "C7" || s05[0].Severity != model.SevError || !strings.Contains(s05[0].Message, tt.msg)):
				t.Errorf("S05 %+v, want one error at C7 saying %q", s05, tt.msg)
			case tt.msg != "公式错误值" && len(s05) == 1 && strings.Contains(s05[0].Message, "公式错误值"),
				tt.msg == "公式错误值" && len(s05) == 1 && strings.Contains(s05[0].Message, "不是数字"):
				t.Errorf("S05 message %q", s05[0].Message)
			}
			var c *model.Cell
			for _, x := range wb.Table(model.T01).Cells() {
				if x.Addr == "C7" {
					c = x
				}
			}
			if c == nil || c.Invalid != tt.invalid || c.Blank != tt.blank || !c.Value.IsZero() || c.Raw != tt.raw {
				t.Errorf("C7 = %+v, want invalid=%v blank=%v raw %q", c, tt.invalid, tt.blank, tt.raw)
			}
		})
	}
}

// The title pre-filter comes from the spec's title patterns: a title the
// spec adds is found even when it shares no word with today's titles.
func TestTitleFilterFromSpec(t *testing.T) {
	doc, err := os.ReadFile("../templates/tables.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const old = `titles: ["收入决算表"]`
	if !bytes.Contains(doc, []byte(old)) {
		t.Fatalf("tables.yaml has no %s", old)
	}
	custom, err := templates.Parse(bytes.Replace(doc, []byte(old), []byte(`titles: ["收入决算表", "收入情况表", "部门收入明细"]`), 1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec  *templates.Spec
		title string
		want  model.TableID // "" = not a title
	}{
		{custom, "2024年度收入情况表", model.T02},
		{custom, "2024年度部门收入明细", model.T02},
		{custom, "收入决算表", model.T02},
		{custom, "单位：万元", ""},
		{templates.MustLoad(), "2024年度收入情况表", ""},
		{templates.MustLoad(), "某某局2024年度收入支出决算总表", model.T01},
		{templates.MustLoad(), "财政拨款“三公”经费支出决算表", model.T09},
		{templates.MustLoad(), "一般公共预算财政拨款基本支出决算明细表", model.T06},
		{templates.MustLoad(), "注：本表反映部门本年度的总收支情况。", ""},
	}
	for _, tt := range tests {
		rd := &reader{spec: tt.spec}
		h, ok := rd.matchTitle(tt.title)
		got := model.TableID("")
		if ok {
			got = h.spec.ID
		}
		if got != tt.want {
			t.Errorf("matchTitle(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
	// Every title pattern's own literal text passes the filter.
	for _, s := range []*templates.Spec{custom, templates.MustLoad()} {
		f := titleFilterOf(s)
		for i := range s.Tables {
			for _, p := range s.Tables[i].Titles {
				lit := strings.Join(requiredLiterals(p), "")
				if !f.mayContain(lit) || !f.admits(lit) {
					t.Errorf("%s title %q filtered out", s.Tables[i].ID, p)
				}
			}
		}
	}
}
