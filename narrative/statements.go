package narrative

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// placeholders left from a template: 【请填写】, XX, ××, X.XX, "202 年".
var placeholderRe = regexp.MustCompile(`【[^】]{0,20}】|[XＸxｘ×]{2,}|[XＸ]\.[XＸ]{1,2}|20[0-9]\s+年|20[XＸ×]{2}年|（\s*）万元|\(\s*\)万元`)

// a share written without its % sign: "占98.91，" (the unit is missing).
var shareNoPctRe = regexp.MustCompile(`占[^，。；,;%％\d]{0,20}?([0-9０-９]+[.．][0-9０-９]{1,2})(?:[，。；,;）)]|$)`)

func (a *Analysis) checkPlaceholders() {
	mark := func(rule, msg string, p Paragraph, from, to int) {
		text := p.Text[from:to]
		start := runeCount(p.Text[:from])
		end := start + runeCount(text)
		fd := a.add(rule, model.SevWarning, nil, fmt.Sprintf(msg, p.Index+1, text), "", text, "", "")
		fd.Narrative = &model.NarrativeRef{Paragraph: p.Index, Offset: start, Length: end - start, Quote: quote(p.Text, start, end)}
	}
	for _, p := range a.doc.Paragraphs {
		// cheap tests first: most paragraphs have neither
		if strings.Contains(p.Text, "占") {
			for _, m := range shareNoPctRe.FindAllStringSubmatchIndex(p.Text, 20) {
				mark("N13", msgNoPercent, p, m[2], m[3])
			}
		}
		if strings.ContainsAny(p.Text, "【XＸxｘ×") || strings.Contains(p.Text, "）万元") || strings.Contains(p.Text, ")万元") || strings.Contains(p.Text, " 年") || strings.Contains(p.Text, "\t年") {
			for _, m := range placeholderRe.FindAllStringIndex(p.Text, 5) {
				mark("N08", msgPlaceholder, p, m[0], m[1])
			}
		}
	}
}

// the statement that T07/T08 is empty ("本单位本年度无…为空表").
var emptySaidRe = map[model.TableID]*regexp.Regexp{
	model.T07: regexp.MustCompile(`(无|没有)[^。]{0,30}政府性基金预算[^。]{0,60}(为空表|无数据|空表)`),
	model.T08: regexp.MustCompile(`(无|没有)[^。]{0,30}国有资本经营预算[^。]{0,60}(为空表|无数据|空表)`),
}

// "本单位无“三公”经费支出": nothing to discuss item by item.
var sangongNoneRe = regexp.MustCompile(`(无|没有|未发生)[^。]{0,20}"三公"经费`)

// a count written as a placeholder where its number goes ("团组【请填写】个",
// as a draft leaves it): the statement is there, waiting for its number,
// which N08 reports; it is not a missing statement (N09).
var pendingCountRe = map[string]*regexp.Regexp{
	"出国团组":    regexp.MustCompile(`因公出国\(境\)团组【[^】]{0,20}】个`),
	"出国人次":    regexp.MustCompile(`因公出国\(境\)[^。]{0,12}【[^】]{0,20}】人次`),
	"购置车辆":    regexp.MustCompile(`公务用车购置数?【[^】]{0,20}】辆`),
	"公务用车保有量": regexp.MustCompile(`公务用车保有量【[^】]{0,20}】辆`),
	"国内接待批次":  regexp.MustCompile(`国内公务接待【[^】]{0,20}】批次`),
	"国内接待人次":  regexp.MustCompile(`国内公务接待[^。]{0,12}【[^】]{0,20}】人次`),
}

func pendingCount(text, name string) bool {
	re := pendingCountRe[name]
	return re != nil && strings.Contains(text, "【") && re.MatchString(text)
}

// tableEmpty reports whether a located table has no nonzero amount.
func tableEmpty(t *model.Table) bool {
	for _, c := range t.Cells() {
		if !c.Value.IsZero() {
			return false
		}
	}
	return true
}

// checkStatements: the statements a narrative must make.
func (a *Analysis) checkStatements() {
	text := templates.NormalizeText(a.doc.Text())
	sections := map[string]bool{}
	for _, p := range a.doc.Paragraphs {
		if isHeading(p.Text) || a.bs.plainHeading(p.Text) {
			if s := a.bs.sectionOf(p.Text); s != "" {
				sections[s] = true
			}
		}
	}
	spec := templates.MustLoad()
	// the narrative and the workbook are of one unit
	if a.wb != nil && a.wb.UnitName != "" {
		name := templates.NormalizeText(a.wb.UnitName)
		head := ""
		for _, p := range a.doc.Paragraphs[:min(len(a.doc.Paragraphs), 40)] {
			head += templates.NormalizeText(p.Text)
		}
		if name != "" && !strings.Contains(head, name) {
			a.add("N15", model.SevWarning, nil, fmt.Sprintf(msgOtherUnit, a.wb.UnitName), a.wb.UnitName, "", "", "")
		}
	}
	// 七、八: an empty T07/T08 must be said to be empty.
	for _, id := range []model.TableID{model.T07, model.T08} {
		ts := spec.Table(id)
		fund := "政府性基金预算财政拨款"
		if id == model.T08 {
			fund = "国有资本经营预算财政拨款"
		}
		said := false
		for _, p := range a.doc.Paragraphs {
			if strings.Contains(p.Text, fund[:len(fund)-len("预算财政拨款")]) && emptySaidRe[id].MatchString(templates.NormalizeText(p.Text)) {
				said = true
				break
			}
		}
		if a.wb != nil {
			if t := a.wb.Table(id); t != nil {
				empty := tableEmpty(t)
				if empty && !said {
					a.add("N09", model.SevWarning, nil, fmt.Sprintf(msgNoEmptyNote, ts.Name, fund, ts.Name), "", "", "", "").Table = id
				}
				if !empty && said {
					a.add("N09", model.SevWarning, nil, fmt.Sprintf(msgEmptyNotEmpty, ts.Name), "", "", "", "").Table = id
				}
			}
		}
	}
	// 三公: each item discussed and the physical counts present.
	none := false
	for _, p := range a.doc.Paragraphs {
		if strings.Contains(p.Text, "三公") && sangongNoneRe.MatchString(templates.NormalizeText(p.Text)) {
			none = true
			break
		}
	}
	if a.wb != nil {
		if t := a.wb.Table(model.T09); t != nil && tableEmpty(t) {
			none = true
		}
	}
	if sections["三公"] && !none {
		has := func(name string) bool { _, ok := a.first[name]; return ok }
		for _, it := range []struct{ name, what string }{{"出国", "因公出国（境）费"}, {"公务用车", "公务用车购置及运行维护费"}, {"接待", "公务接待费"}} {
			if !has(it.name) {
				a.add("N09", model.SevWarning, nil, fmt.Sprintf(msgMissingSangong, it.what), "", "", "", "")
			}
		}
		for _, c := range []struct {
			names []string
			what  string
		}{
			{[]string{"出国团组", "出国人次"}, "因公出国（境）团组数和人次"},
			{[]string{"购置车辆", "公务用车保有量"}, "公务用车购置数和保有量"},
			{[]string{"国内接待批次", "国内接待人次"}, "国内公务接待批次和人次"},
		} {
			missing := false
			for _, n := range c.names {
				if !has(n) && !pendingCount(text, n) {
					missing = true
				}
			}
			if missing {
				a.add("N09", model.SevWarning, nil, fmt.Sprintf(msgMissingCount, c.what), "", "", "", "")
			}
		}
	}
	// counts against their amounts: a car bought, a delegation sent, a
	// reception held costs something, and money spent on them buys one.
	for _, c := range []struct{ count, amount string }{{"购置车辆", "购置"}, {"出国团组", "出国"}, {"出国人次", "出国"}, {"国内接待批次", "接待"}} {
		i, ok1 := a.first[c.count]
		j, ok2 := a.first[c.amount]
		if !ok1 || !ok2 {
			continue
		}
		n, fee := &a.Figures[i], &a.Figures[j]
		if c.amount == "接待" {
			if _, foreign := a.first["外事接待批次"]; foreign {
				continue // 公务接待费 covers 外事接待 too
			}
		}
		if n.Value.IsZero() != fee.Value.IsZero() {
			a.add("N14", model.SevWarning, n, fmt.Sprintf(msgCarPurchase, a.where(n), display(c.amount), fee.Raw), "", n.Raw, "", "")
		}
	}
	// 十: 机关运行经费, 政府采购, 国有资产 sections present.
	if len(sections) > 3 {
		for _, s := range []struct{ name, what string }{{"机关运行", "机关运行经费"}, {"采购", "政府采购"}, {"资产", "国有资产占用"}} {
			if !sections[s.name] && !strings.Contains(text, s.what) {
				a.add("N09", model.SevWarning, nil, fmt.Sprintf(msgMissingSection, s.what), "", "", "", "")
			}
		}
	}
	// 五(三): each 项 of T05 with a nonzero 决算数 is explained.
	if a.wb != nil && sections["一般"] {
		if t := a.wb.Table(model.T05); t != nil {
			cited := map[string]bool{}
			for i := range a.Figures {
				if f := &a.Figures[i]; f.Cell != nil && f.Cell.Table == model.T05 {
					cited[f.Cell.Row] = true
				}
			}
			for _, r := range t.Rows {
				if r.Level != 3 || cited[r.Code] {
					continue
				}
				c := t.Cell(r.Key, "合计")
				if c == nil || c.Value.IsZero() {
					continue
				}
				fd := a.add("N09", model.SevWarning, nil, fmt.Sprintf(msgMissingItem, r.Code, r.Label, num(c.Value, 2)), "", "", "", "")
				fd.Table, fd.Sheet, fd.Cell = model.T05, c.Sheet, c.Addr
				fd.Cells = []model.CellRef{{Sheet: c.Sheet, Cell: c.Addr, Value: c.Raw, Table: model.T05, Row: r.Key, Col: "合计"}}
			}
		}
	}
}
