// Package draft writes the figure-bearing sentences of a 部门决算公开说明
// from a filled, checked workbook: the narrative counterpart of fill. The
// sentences are data (sentences.txt, embedded); this package computes the
// figures they print (amounts in 万元 with two decimals, shares, changes
// against a prior-year workbook, 预决算差异率 of the 三公 budget) and writes
// the result as .docx (writer.go) or plain text. What the tables do not
// carry is left as the marked placeholder 【请填写】, which the narrative
// check reports (N08) until it is filled in.
package draft

import (
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/catalog"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

//go:embed sentences.txt
var sentencesTxt string

// Placeholder marks what the tables cannot say.
const Placeholder = "【请填写】"

// Options configure one draft.
type Options struct {
	// Prior is the prior year's filled workbook: with it the draft states
	// each change (增加/减少 and 增长/下降 %); without it the change is a
	// placeholder.
	Prior *model.Workbook
	// Year is the 决算年度 printed; 0 takes the workbook's.
	Year int
}

// Document is a drafted narrative: a title and blocks in reading order.
type Document struct {
	Title  string
	Blocks []Block
}

// Block is one paragraph; Level 1–3 marks a heading (第X部分, 一、, （一）).
type Block struct {
	Level int
	Text  string
}

var (
	tmplOnce sync.Once
	tmpl     *template.Template
	tmplErr  error
)

// parseSentences parses the embedded sentences once; comment lines (#)
// are dropped first so they never reach the output.
func parseSentences() (*template.Template, error) {
	tmplOnce.Do(func() { tmpl, tmplErr = ParseSentences(sentencesTxt) })
	return tmpl, tmplErr
}

// ParseSentences parses a sentences file (the embedded one, or a test's).
func ParseSentences(src string) (*template.Template, error) {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return template.New("说明").Delims("{", "}").Option("missingkey=error").Parse(b.String())
}

// Draft writes the narrative of wb (filled and checked, as audit.Check
// returns it).
func Draft(wb *model.Workbook, opt Options) (*Document, error) {
	if wb == nil {
		return nil, model.Errorf(model.EInvalid, nil, msgNoWorkbook)
	}
	t, err := parseSentences()
	if err != nil {
		return nil, model.Errorf(model.EInternal, err, msgTemplate)
	}
	var out strings.Builder
	if err := t.Execute(&out, values(wb, opt)); err != nil {
		return nil, model.Errorf(model.EInternal, err, msgTemplate)
	}
	return Parse(out.String()), nil
}

var (
	level1 = regexp.MustCompile(`^第[一二三四五六七八九十]+部分`)
	level2 = regexp.MustCompile(`^[一二三四五六七八九十]+、`)
	level3 = regexp.MustCompile(`^[（(][一二三四五六七八九十]+[）)]`)
)

// Parse reads a narrative in the plain-text form WriteText writes (the
// first line the title, one paragraph a line) back into blocks, headings
// told by their numbering.
func Parse(text string) *Document {
	d := &Document{}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if d.Title == "" && len(d.Blocks) == 0 {
			d.Title = line
			continue
		}
		lv := 0
		switch {
		case level1.MatchString(line):
			lv = 1
		case level2.MatchString(line):
			lv = 2
		case level3.MatchString(line):
			lv = 3
		}
		d.Blocks = append(d.Blocks, Block{Level: lv, Text: line})
	}
	return d
}

// Text is the plain-text form: the title, then one block a line.
func (d *Document) Text() string {
	var b strings.Builder
	b.WriteString(d.Title)
	b.WriteByte('\n')
	for _, bl := range d.Blocks {
		b.WriteString(bl.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// WriteText writes the plain-text form in UTF-8.
func (d *Document) WriteText(w io.Writer) error {
	_, err := io.WriteString(w, d.Text())
	return err
}

// Placeholders counts the 【请填写】 marks left.
func (d *Document) Placeholders() int { return strings.Count(d.Text(), Placeholder) }

// ---- figures ----

var (
	hundred = decimal.NewFromInt(100)
	wan     = decimal.NewFromInt(10000)
)

// figures reads amounts off one workbook in 万元.
type figures struct{ wb *model.Workbook }

func (f figures) v(id model.TableID, row, col string) decimal.Decimal {
	v := f.wb.Value(model.Key{Table: id, Row: row, Col: col})
	if f.wb.Unit == model.Yuan {
		v = v.Div(wan)
	}
	return v
}

// money prints an amount in 万元 with two decimals and thousands separators.
func money(v decimal.Decimal) string {
	s := v.Round(2).StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// share is part ÷ total in % with two decimals ("" for a zero total).
func share(part, total decimal.Decimal) string {
	if total.IsZero() {
		return ""
	}
	return part.Round(2).Mul(hundred).Div(total.Round(2)).Round(2).StringFixed(2)
}

// change describes now against prior: nil without a prior year (the
// sentence then says 【请填写】); 持平 when equal; a rate only from a
// nonzero base (a rate from zero means nothing).
func change(now, prior decimal.Decimal, has bool) map[string]any {
	if !has {
		return nil
	}
	now, prior = now.Round(2), prior.Round(2)
	d := now.Sub(prior)
	if d.IsZero() {
		return map[string]any{"持平": true}
	}
	m := map[string]any{"持平": false, "词": "增加", "率词": "增长", "额": money(d.Abs()), "有率": false, "率": ""}
	if d.IsNegative() {
		m["词"], m["率词"] = "减少", "下降"
	}
	if !prior.IsZero() && prior.IsPositive() {
		m["有率"] = true
		m["率"] = d.Abs().Mul(hundred).Div(prior).Round(2).StringFixed(2)
	}
	return m
}

// rateVs is (决算 − 预算) ÷ 预算 in % ("" for a zero budget).
func rateVs(final, budget decimal.Decimal) string {
	final, budget = final.Round(2), budget.Round(2)
	if budget.IsZero() {
		return ""
	}
	return final.Sub(budget).Mul(hundred).Div(budget).Round(2).StringFixed(2)
}

func allZero(t *model.Table) bool {
	for _, c := range t.Cells() {
		if !c.Value.IsZero() {
			return false
		}
	}
	return true
}

// values is the template's data: every figure the sentences print.
func values(wb *model.Workbook, opt Options) map[string]any {
	cur := figures{wb}
	var pri figures
	hasPrior := func(id model.TableID) bool { return opt.Prior != nil && opt.Prior.Table(id) != nil }
	if opt.Prior != nil {
		pri = figures{opt.Prior}
	}
	chg := func(id model.TableID, row, col string) map[string]any {
		if !hasPrior(id) {
			return nil
		}
		return change(cur.v(id, row, col), pri.v(id, row, col), true)
	}
	year := opt.Year
	if year == 0 {
		year = wb.Year
	}
	if year == 0 {
		year = wb.YearPrinted
	}
	m := map[string]any{}
	m["单位"] = wb.UnitName
	if strings.TrimSpace(wb.UnitName) == "" {
		m["单位"] = "【请填写单位名称】"
	}
	m["年度"] = Placeholder
	if year != 0 {
		m["年度"] = fmt.Sprint(year)
	}

	// T01
	for _, k := range []string{"收入总计", "本年收入合计", "使用非财政拨款结余", "年初结转和结余", "支出总计", "本年支出合计", "结余分配", "年末结转和结余"} {
		m[k] = money(cur.v(model.T01, k, "决算数"))
	}
	m["总体变化"] = chg(model.T01, "收入总计", "决算数")

	// T02, T03: the nonzero sources and uses, each with its share.
	list := func(id model.TableID, total decimal.Decimal, parts []string) ([]map[string]any, bool) {
		var out []map[string]any
		omitted := false
		for _, p := range parts {
			v := cur.v(id, "合计", p)
			if v.Round(2).IsZero() {
				omitted = true
				continue
			}
			out = append(out, map[string]any{"名称": p, "金额": money(v), "占比": share(v, total)})
		}
		return out, omitted
	}
	income := cur.v(model.T01, "本年收入合计", "决算数")
	m["收入来源"], m["收入无其他"] = list(model.T02, income, []string{"财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"})
	spend := cur.v(model.T01, "本年支出合计", "决算数")
	m["支出构成"], m["支出无其他"] = list(model.T03, spend, []string{"基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"})
	if income.IsZero() {
		m["收入来源"], m["收入无其他"] = []map[string]any(nil), true
	}
	if spend.IsZero() {
		m["支出构成"], m["支出无其他"] = []map[string]any(nil), true
	}

	// T04
	m["财政拨款收入总计"] = money(cur.v(model.T04, "收入总计", "决算数"))
	m["年初财政拨款结转和结余"] = money(cur.v(model.T04, "年初财政拨款结转和结余", "决算数"))
	m["本年财政拨款收入"] = money(cur.v(model.T04, "本年收入合计", "决算数"))
	m["财政拨款支出总计"] = money(cur.v(model.T04, "支出总计", "合计"))
	m["年末财政拨款结转和结余"] = money(cur.v(model.T04, "年末财政拨款结转和结余", "合计"))
	m["本年财政拨款支出"] = money(cur.v(model.T04, "本年支出合计", "合计"))
	m["财政拨款变化"] = chg(model.T04, "收入总计", "决算数")

	// T05
	general := cur.v(model.T05, "合计", "合计")
	m["一般支出"] = money(general)
	m["一般支出占比"] = share(general, spend)
	m["一般变化"] = chg(model.T05, "合计", "合计")
	m["类"], m["项"] = classes(wb, opt.Prior, general)

	// T06
	basic := cur.v(model.T05, "合计", "基本支出")
	staff := cur.v(model.T06, "人员经费合计", "决算数")
	office := cur.v(model.T06, "公用经费合计", "决算数")
	m["基本支出"] = money(basic)
	m["人员经费"] = money(staff)
	m["公用经费"] = money(office)
	m["人员经费占比"] = share(staff, basic)
	m["公用经费占比"] = share(office, basic)
	m["人员经费科目"], m["公用经费科目"] = econNames(wb)

	// T07, T08: empty, or their figures; nil when the table is missing.
	fund := func(id model.TableID) (bool, map[string]any) {
		t := wb.Table(id)
		if t == nil {
			return false, nil
		}
		if allZero(t) {
			return true, nil
		}
		return false, map[string]any{
			"年初": money(cur.v(id, "合计", "年初结转和结余")),
			"收入": money(cur.v(id, "合计", "本年收入")),
			"支出": money(cur.v(id, "合计", "本年支出小计")),
			"年末": money(cur.v(id, "合计", "年末结转和结余")),
		}
	}
	m["基金为空"], m["基金"] = fund(model.T07)
	m["国资为空"], m["国资"] = fund(model.T08)

	m["三公为空"], m["三公"] = sangong(wb, opt.Prior)
	return m
}

// classes lists the 类 of T05 with their shares and the 项 with their
// 决算数 and change; a 项 the prior year had and this year has not is
// cited at 0.00 with its change (spec §2: it may appear).
func classes(wb, prior *model.Workbook, general decimal.Decimal) ([]map[string]any, []map[string]any) {
	t := wb.Table(model.T05)
	if t == nil {
		return nil, nil
	}
	cur := figures{wb}
	var cls []map[string]any
	for _, r := range t.Rows {
		if r.Level != 1 {
			continue
		}
		v := cur.v(model.T05, r.Key, "合计")
		if v.Round(2).IsZero() {
			continue
		}
		cls = append(cls, map[string]any{"序号": len(cls) + 1, "名称": strings.TrimSpace(r.Label), "金额": money(v), "占比": share(v, general)})
	}
	type item struct {
		code, class, kuan, name string
		now, before             decimal.Decimal
	}
	items := map[string]*item{}
	// The 类 and 款 as the workbook prints them, else as the catalog of
	// the year names them (a table may print 项 rows only).
	cat, _ := catalog.ForYear(wb.Year)
	label := func(tb *model.Table, code string) string {
		if r := tb.Row(code); r != nil && strings.TrimSpace(r.Label) != "" {
			return strings.TrimSpace(r.Label)
		}
		if es := cat.Lookup(code); len(es) > 0 {
			return es[0].Name
		}
		return Placeholder
	}
	names := func(tb *model.Table, r *model.Row) (string, string) {
		return label(tb, r.Code[:3]), label(tb, r.Code[:5])
	}
	for _, r := range t.Rows {
		if r.Level != 3 || len(r.Code) != 7 {
			continue
		}
		v := cur.v(model.T05, r.Key, "合计")
		if v.Round(2).IsZero() {
			continue
		}
		c, k := names(t, r)
		items[r.Code] = &item{code: r.Code, class: c, kuan: k, name: strings.TrimSpace(r.Label), now: v}
	}
	var pt *model.Table
	if prior != nil {
		pt = prior.Table(model.T05)
	}
	if pt != nil {
		pf := figures{prior}
		for _, r := range pt.Rows {
			if r.Level != 3 || len(r.Code) != 7 {
				continue
			}
			v := pf.v(model.T05, r.Key, "合计")
			if it := items[r.Code]; it != nil {
				it.before = v
				continue
			}
			if v.Round(2).IsZero() {
				continue
			}
			c, k := names(pt, r)
			items[r.Code] = &item{code: r.Code, class: c, kuan: k, name: strings.TrimSpace(r.Label), before: v}
		}
	}
	codes := make([]string, 0, len(items))
	for c := range items {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var out []map[string]any
	for _, c := range codes {
		it := items[c]
		out = append(out, map[string]any{"序号": len(out) + 1, "类": it.class, "款": it.kuan, "项": it.name,
			"金额": money(it.now), "变化": change(it.now, it.before, pt != nil)})
	}
	return cls, out
}

// econNames lists the 款 of T06 spent on, split into 人员经费 (classes 301
// and 303, tables.yaml) and 公用经费.
func econNames(wb *model.Workbook) (string, string) {
	t := wb.Table(model.T06)
	if t == nil {
		return "", ""
	}
	spec := templates.MustLoad().Table(model.T06)
	staffClass := map[string]bool{}
	for _, g := range spec.Groups {
		if g.Key == "人员经费" {
			for _, c := range g.Classes {
				staffClass[c] = true
			}
		}
	}
	var staff, office []string
	seen := map[string]bool{}
	for _, r := range t.Rows {
		if len(r.Code) != 5 || seen[r.Code] || t.Value(r.Key, "决算数").IsZero() {
			continue
		}
		seen[r.Code] = true
		name := strings.TrimSpace(r.Label)
		if staffClass[r.Code[:3]] {
			staff = append(staff, name)
		} else {
			office = append(office, name)
		}
	}
	return strings.Join(staff, "、"), strings.Join(office, "、")
}

// sangong is T09: true when the table is all zero; nil when missing.
func sangong(wb, prior *model.Workbook) (bool, map[string]any) {
	t := wb.Table(model.T09)
	if t == nil {
		return false, nil
	}
	if allZero(t) {
		return true, nil
	}
	cur := figures{wb}
	hasPrior := prior != nil && prior.Table(model.T09) != nil
	var pf figures
	if hasPrior {
		pf = figures{prior}
	}
	cols := map[string]string{"合计": "合计", "出国": "因公出国（境）费", "公务用车": "公务用车购置及运行费", "购置": "公务用车购置费", "运行": "公务用车运行费", "接待": "公务接待费"}
	m := map[string]any{}
	val := map[string]decimal.Decimal{}
	for k, col := range cols {
		v := cur.v(model.T09, "三公经费", "决算数/"+col)
		b := cur.v(model.T09, "三公经费", "预算数/"+col)
		val[k] = v
		m[k] = money(v)
		m["预算"+k] = money(b)
		m["差异率"+k] = rateVs(v, b)
		var p decimal.Decimal
		if hasPrior {
			p = pf.v(model.T09, "三公经费", "决算数/"+col)
		}
		m[k+"变化"] = change(v, p, hasPrior)
	}
	for _, k := range []string{"出国", "公务用车", "接待"} {
		m[k+"占比"] = share(val[k], val["合计"])
	}
	// A count the tables do not carry, except that no money means none
	// (spec §2: a count and its amount are both zero or both nonzero).
	count := func(amount string) string {
		if val[amount].Round(2).IsZero() {
			return "0"
		}
		return Placeholder
	}
	m["出国团组"], m["出国人次"] = count("出国"), count("出国")
	m["购置车辆"] = count("购置")
	m["接待批次"], m["接待人次"] = count("接待"), count("接待")
	return false, m
}

// Sample is the embedded Case A narrative (templates.CaseANarrative): the
// draft of the Case A workbook with its placeholders filled in.
func Sample() *Document { return Parse(templates.CaseANarrative()) }
