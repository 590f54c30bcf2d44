package narrative

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// The 绩效自评表 inside the narrative (narrative.md §3): the 单位整体支出
// 绩效自评表 and one 项目支出绩效自评表 per project. A table split by a page
// break comes as several document tables: a fragment without a title row
// continues the table before it.

type perfCell struct {
	table, row, col int // 0-based position in the document
	text            string
	norm            string // templates.NormalizeText(text), computed once
}

type perfTable struct {
	kind  string // 整体 | 项目
	name  string // 项目名称
	rows  [][]perfCell
	first perfCell // the title cell
}

// cellUnits are the units a number in a 绩效自评表 cell may carry.
var cellUnits = []string{"万元/个", "万元", "元", "%", "％", "分", "人次", "批次", "次", "家", "个", "人", "辆", "台(套)", "台（套）", "平方米", "项", "天", "篇", "期", "场", "份"}

// cellNumber reads an amount, share or count printed in a table cell
// ("4,126.63", "99.04%", "=15次", ">=12次", "90.00分"): comparison signs,
// a number (thousands separators, full-width digits), an optional unit,
// nothing else.
func cellNumber(s string) (decimal.Decimal, int, string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "=＝<>≥≤")
	s = strings.TrimSpace(s)
	var num []byte
	i := 0
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		num = append(num, '-')
		_, n := utf8.DecodeRuneInString(s)
		i = n
	}
	digits, dot, d := 0, false, 0
scan:
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isDigit(r):
			num = append(num, digitVal(r))
			digits++
			if dot {
				d++
			}
		case r == ',' && !dot && digits > 0:
		case (r == '.' || r == '．') && !dot && digits > 0:
			num = append(num, '.')
			dot = true
		default:
			break scan
		}
		i += n
	}
	if digits == 0 || (dot && d == 0) {
		return decimal.Zero, 0, "", false
	}
	rest := strings.TrimSpace(s[i:])
	u := ""
	if rest != "" {
		for _, c := range cellUnits {
			if rest == c {
				u = c
				break
			}
		}
		if u == "" {
			return decimal.Zero, 0, "", false
		}
	}
	if u == "％" {
		u = "%"
	}
	v, err := decimal.NewFromString(string(num))
	if err != nil {
		return decimal.Zero, 0, "", false
	}
	return v, d, u, true
}

func perfKind(title string) string {
	switch {
	case strings.Contains(title, "整体支出绩效自评表"):
		return "整体"
	case strings.Contains(title, "项目支出绩效自评表"):
		return "项目"
	}
	return ""
}

func (a *Analysis) perfTables() []*perfTable {
	var out []*perfTable
	var cur *perfTable
	lastAfter := -2
	for ti, t := range a.doc.Tables {
		if a.stop.Now() {
			return nil
		}
		title := ""
		if len(t.Rows) > 0 {
			for _, c := range t.Rows[0] {
				if c != "" {
					title = templates.NormalizeText(c)
					break
				}
			}
		}
		// The title is the table's first row (as saved to text) or the
		// paragraph just before it (as Word lays it out, when short);
		// failing both, a 项目名称 / 单位名称 row near the top says what the
		// table is.
		kind := perfKind(title)
		if kind == "" && t.After >= 0 && t.After < len(a.doc.Paragraphs) && (ti == 0 || a.doc.Tables[ti-1].After != t.After) {
			if p := a.doc.Paragraphs[t.After].Text; runeCount(p) <= 40 {
				kind = perfKind(templates.NormalizeText(p))
			}
		}
		if kind == "" {
			for _, r := range t.Rows[:min(len(t.Rows), 4)] {
				if len(r) > 0 {
					switch templates.NormalizeText(r[0]) {
					case "项目名称":
						kind = "项目"
					case "单位名称":
						kind = "整体"
					}
				}
			}
		}
		if kind != "" {
			cur = &perfTable{kind: kind, first: perfCell{table: ti, text: t.Rows[0][0]}}
			out = append(out, cur)
		} else if cur == nil || t.After != lastAfter {
			cur = nil
			lastAfter = t.After
			continue
		}
		lastAfter = t.After
		for ri, r := range t.Rows {
			if a.stop.Tick() {
				return nil
			}
			row := make([]perfCell, len(r))
			for ci, c := range r {
				row[ci] = perfCell{table: ti, row: ri, col: ci, text: c, norm: templates.NormalizeText(c)}
			}
			cur.rows = append(cur.rows, row)
			if len(r) >= 2 && templates.NormalizeText(r[0]) == "项目名称" && cur.name == "" {
				cur.name = r[1]
			}
		}
	}
	return out
}

func (a *Analysis) cellRef(c perfCell) *model.NarrativeRef {
	return &model.NarrativeRef{Paragraph: -1, Table: c.table + 1, Row: c.row + 1, Col: c.col + 1, Length: runeCount(c.text), Quote: quote(c.text, 0, runeCount(c.text)), Section: "绩效"}
}

func (a *Analysis) addCell(rule string, sev model.Severity, c perfCell, msg, expected, actual, diff, tol string) {
	fd := a.add(rule, sev, nil, msg, expected, actual, diff, tol)
	fd.Narrative = a.cellRef(c)
}

// where names a table cell for messages.
func (a *Analysis) cellWhere(c perfCell) string {
	return fmt.Sprintf("第 %d 个表格第 %d 行第 %d 列“%s”", c.table+1, c.row+1, c.col+1, c.text)
}

// fundColumns finds the header row of the 资金 block: 年初预算数, 全年预算数,
// 全年执行数, 分值(权重), 执行率, 得分.
func fundColumns(rows [][]perfCell) (int, map[string]int) {
	for ri, r := range rows {
		cols := map[string]int{}
		for ci, c := range r {
			switch t := c.norm; {
			case t == "年初预算数":
				cols["年初"] = ci
			case t == "全年预算数":
				cols["全年"] = ci
			case t == "全年执行数":
				cols["执行"] = ci
			case strings.HasPrefix(t, "分值"):
				cols["分值"] = ci
			case t == "执行率":
				cols["执行率"] = ci
			case t == "得分":
				cols["得分"] = ci
			}
		}
		if _, ok := cols["全年"]; ok {
			if _, ok := cols["执行"]; ok {
				return ri, cols
			}
		}
	}
	return -1, nil
}

func rowLabel(r []perfCell) (string, int) {
	for ci, c := range r {
		if t := strings.TrimPrefix(c.norm, "其中:"); t != "" {
			return t, ci
		}
	}
	return "", -1
}

func (a *Analysis) checkPerformance() {
	tables := a.perfTables()
	if len(tables) == 0 {
		return
	}
	projects := 0
	sumBudget, sumExec := decimal.Zero, decimal.Zero
	var budgetHalf, execHalf decimal.Decimal
	for _, pt := range tables {
		if a.stop.Now() {
			return
		}
		hr, cols := fundColumns(pt.rows)
		if hr < 0 {
			continue
		}
		// the fund rows follow the header until a row without numbers
		rows := map[string][]perfCell{}
		for ri := hr + 1; ri < len(pt.rows) && ri <= hr+6; ri++ {
			label, _ := rowLabel(pt.rows[ri])
			if label == "" {
				continue
			}
			if _, _, _, ok := cellNumber(at(pt.rows[ri], cols["全年"]).text); !ok {
				break
			}
			rows[label] = pt.rows[ri]
		}
		totalKey, parts := "合计", []string{"上级资金", "本级资金", "其他资金"}
		if pt.kind == "项目" {
			totalKey, parts = "年度资金总额", []string{"当年财政拨款", "其他资金"}
		}
		total, ok := rows[totalKey]
		if !ok {
			continue
		}
		// N20 合计 = Σ sources per column
		for _, col := range []string{"年初", "全年", "执行"} {
			ci, ok := cols[col]
			if !ok {
				continue
			}
			tc := at(total, ci)
			tv, td, _, ok := cellNumber(tc.text)
			if !ok {
				continue
			}
			sum, tol := decimal.Zero, model.HalfUnit(td)
			var items []string
			complete := true
			for _, p := range parts {
				r, ok := rows[p]
				if !ok {
					complete = false
					break
				}
				v, d, _, ok := cellNumber(at(r, ci).text)
				if !ok {
					complete = false
					break
				}
				sum, tol = sum.Add(v), tol.Add(model.HalfUnit(d))
				items = append(items, at(r, ci).text)
			}
			if !complete {
				continue
			}
			diff := tv.Sub(sum)
			switch {
			case diff.IsZero():
			case diff.Abs().LessThanOrEqual(tol):
				a.addCell("N20", model.SevInfo, tc, fmt.Sprintf(msgPerfSumResidue, a.cellWhere(tc), totalKey, strings.Join(items, " + "), num(sum, td)), num(sum, td), tc.text, num(diff, td), num(tol, 3))
			default:
				a.addCell("N20", model.SevError, tc, fmt.Sprintf(msgPerfSum, a.cellWhere(tc), totalKey, strings.Join(items, " + "), num(sum, td)), num(sum, td), tc.text, num(diff, td), num(tol, 3))
			}
		}
		// N21 执行率 = 执行 / 全年预算; 得分 = 分值 × 执行率 (at most 分值)
		bv, bd, _, bok := cellNumber(at(total, cols["全年"]).text)
		ev, ed, _, eok := cellNumber(at(total, cols["执行"]).text)
		if ci, ok := cols["执行率"]; ok && bok && eok {
			rc := at(total, ci)
			if rv, rd, ru, ok := cellNumber(rc.text); ok && ru == "%" && !bv.IsZero() {
				r, v := ratioVerdict(rv, rd, ev, model.HalfUnit(ed), bv, model.HalfUnit(bd))
				if v == "wrong" {
					a.addCell("N21", model.SevError, rc, fmt.Sprintf(msgPerfRate, a.cellWhere(rc), at(total, cols["执行"]).text, at(total, cols["全年"]).text, pct(r, rd)), pct(r, rd), rc.text, "", "")
				}
				if si, ok := cols["得分"]; ok {
					sc := at(total, si)
					wv, _, _, wok := cellNumber(at(total, cols["分值"]).text)
					sv, sd, _, sok := cellNumber(sc.text)
					if wok && sok {
						want := wv.Mul(rv).Div(hundred)
						if want.GreaterThan(wv) {
							want = wv
						}
						if want.Sub(sv).Abs().GreaterThan(model.HalfUnit(sd).Mul(decimal.NewFromInt(2)).Add(wv.Mul(decimal.New(5, int32(-rd-3))))) && want.Round(int32(sd)).Sub(sv).Abs().GreaterThan(decimal.New(1, int32(-sd))) {
							a.addCell("N21", model.SevInfo, sc, fmt.Sprintf(msgPerfScore, a.cellWhere(sc), at(total, cols["分值"]).text, rc.text, num(want, max(sd, 2))), num(want, sd), sc.text, "", "")
						}
					}
				}
			}
		}
		switch pt.kind {
		case "整体":
			// N22 合计 equals the narrative's 全年预算总额 / 实际执行总额
			for _, c := range []struct{ name, col string }{{"整体全年预算", "全年"}, {"整体全年执行", "执行"}} {
				i, ok := a.first[c.name]
				if !ok {
					continue
				}
				f := &a.Figures[i]
				tc := at(total, cols[c.col])
				tv, td, _, ok := cellNumber(tc.text)
				if !ok {
					continue
				}
				tol := model.HalfUnit(td).Add(model.HalfUnit(f.Decimals))
				if d := f.Value.Sub(tv); d.Abs().GreaterThan(tol) {
					a.add("N22", model.SevError, f, fmt.Sprintf(msgPerfWhole, a.where(f), tc.text), tc.text, f.Raw, num(d, 2), num(tol, 3))
				}
			}
		case "项目":
			projects++
			if bok {
				sumBudget, budgetHalf = sumBudget.Add(bv), budgetHalf.Add(model.HalfUnit(bd))
			}
			if eok {
				sumExec, execHalf = sumExec.Add(ev), execHalf.Add(model.HalfUnit(ed))
			}
		}
		a.checkIndicators(pt)
	}
	// N23 the §4 sentence against the project tables attached
	if i, ok := a.first["评价项目数"]; ok && projects > 0 {
		f := &a.Figures[i]
		n := decimal.NewFromInt(int64(projects))
		if !f.Value.Equal(n) {
			a.add("N23", model.SevWarning, f, fmt.Sprintf(msgPerfCount, a.where(f), projects), n.String()+"个", f.Raw, "", "")
		} else {
			for _, c := range []struct {
				name string
				sum  decimal.Decimal
				half decimal.Decimal
			}{{"项目全年预算", sumBudget, budgetHalf}, {"项目全年执行", sumExec, execHalf}} {
				j, ok := a.first[c.name]
				if !ok {
					continue
				}
				g := &a.Figures[j]
				tol := c.half.Add(model.HalfUnit(g.Decimals))
				d := g.Value.Sub(c.sum)
				switch {
				case d.IsZero():
				case d.Abs().LessThanOrEqual(tol):
					a.add("N23", model.SevInfo, g, fmt.Sprintf(msgPerfTotalResidue, a.where(g), projects, num(c.sum, 2)), num(c.sum, 2), g.Raw, num(d, 2), num(tol, 3))
				default:
					a.add("N23", model.SevError, g, fmt.Sprintf(msgPerfTotal, a.where(g), projects, num(c.sum, 2)), num(c.sum, 2), g.Raw, num(d, 2), num(tol, 3))
				}
			}
		}
	}
}

func at(r []perfCell, i int) perfCell {
	if i >= 0 && i < len(r) {
		return r[i]
	}
	return perfCell{}
}

// checkIndicators: 完成率 = 业绩值 / 目标值 (information), 总分 = Σ 指标得分 +
// 预算执行得分, and counts cited in the 实际完成情况 prose against the
// indicator of the same name.
func (a *Analysis) checkIndicators(pt *perfTable) {
	hr := -1
	cols := map[string]int{}
	for ri, r := range pt.rows {
		if a.stop.Tick() {
			return
		}
		for ci, c := range r {
			switch c.norm {
			case "三级指标":
				cols["名称"] = ci
				hr = ri
			case "目标值", "预期指标值":
				cols["目标"] = ci
			case "业绩值", "实际完成指标值", "实际完成值":
				cols["业绩"] = ci
			case "完成率":
				cols["完成率"] = ci
			case "指标得分", "得分":
				if hr == ri {
					cols["得分"] = ci
				}
			}
		}
		if hr >= 0 {
			break
		}
	}
	if hr < 0 {
		return
	}
	type indicator struct {
		name  string
		value decimal.Decimal
		unit  string
		cell  perfCell
		ok    bool
	}
	var inds []indicator
	scoreSum := decimal.Zero
	scoreHalf := decimal.Zero
	var totalCell perfCell
	totalFound := false
	for ri := hr + 1; ri < len(pt.rows); ri++ {
		r := pt.rows[ri]
		label, _ := rowLabel(r)
		if label == "总分" {
			// the last number of the row is the total score
			for ci := len(r) - 1; ci >= 0; ci-- {
				if _, _, _, ok := cellNumber(r[ci].text); ok && ci > 1 {
					totalCell, totalFound = r[ci], true
					break
				}
			}
			break
		}
		nameC := at(r, cols["名称"])
		name := nameC.norm
		if name == "" || name == "三级指标" {
			continue
		}
		tv, _, tu, tok := cellNumber(at(r, cols["目标"]).text)
		av, _, au, aok := cellNumber(at(r, cols["业绩"]).text)
		inds = append(inds, indicator{name: name, value: av, unit: au, cell: at(r, cols["业绩"]), ok: aok})
		if si, ok := cols["得分"]; ok {
			if sv, sd, _, ok := cellNumber(at(r, si).text); ok {
				scoreSum, scoreHalf = scoreSum.Add(sv), scoreHalf.Add(model.HalfUnit(sd))
			}
		}
		upper := strings.ContainsAny(at(r, cols["目标"]).text, "<≤＜")
		if ci, ok := cols["完成率"]; ok && tok && aok && tu == au && !tv.IsZero() && !upper {
			rc := at(r, ci)
			if rv, rd, ru, ok := cellNumber(rc.text); ok && ru == "%" {
				exact := av.Div(tv).Mul(hundred)
				if r, v := ratioVerdict(rv, rd, av, decimal.Zero, tv, decimal.Zero); v == "wrong" && !exact.Truncate(int32(rd)).Equal(rv) {
					a.addCell("N24", model.SevInfo, rc, fmt.Sprintf(msgPerfDone, a.cellWhere(rc), at(pt.rows[ri], cols["业绩"]).text, at(pt.rows[ri], cols["目标"]).text, pct(r, rd)), pct(r, rd), rc.text, "", "")
				}
			}
		}
	}
	// 总分 = Σ 指标得分 + 预算执行得分
	if totalFound && cols["得分"] > 0 {
		hr2, fcols := fundColumns(pt.rows)
		exec := decimal.Zero
		if hr2 >= 0 {
			for ri := hr2 + 1; ri < len(pt.rows) && ri <= hr2+6; ri++ {
				if l, _ := rowLabel(pt.rows[ri]); l == "年度资金总额" || l == "合计" {
					if v, d, _, ok := cellNumber(at(pt.rows[ri], fcols["得分"]).text); ok {
						exec, scoreHalf = v, scoreHalf.Add(model.HalfUnit(d))
					}
				}
			}
		}
		tv, td, _, _ := cellNumber(totalCell.text)
		want := scoreSum.Add(exec)
		if d := tv.Sub(want); d.Abs().GreaterThan(scoreHalf.Add(model.HalfUnit(td))) {
			a.addCell("N25", model.SevWarning, totalCell, fmt.Sprintf(msgPerfTotalScore, a.cellWhere(totalCell), num(scoreSum, 2), num(exec, 2), num(want, 2)), num(want, 2), totalCell.text, num(d, 2), "")
		}
	}
	// prose counts of the 实际完成情况 (the cell under that header) vs indicators
	actual := -1
	for ri, row := range pt.rows {
		if a.stop.Tick() {
			return
		}
		for ci, c := range row {
			if c.norm == "实际完成情况" {
				actual = ci
				continue
			}
			if actual < 0 || ci != actual || ri == 0 || runeCount(c.text) < 10 {
				continue
			}
			sentence := 0
			for _, f := range scanFigures(c.text, -1, &sentence, "绩效") {
				if f.Unit == "万元" || f.Unit == "%" || f.Unit == "元" {
					continue
				}
				for _, in := range inds {
					if !in.ok || in.unit != f.Unit || runeCount(in.name) < 2 || !strings.HasSuffix(f.Label, in.name) {
						continue
					}
					if !in.value.Equal(f.Value) {
						fd := a.add("N26", model.SevWarning, nil, fmt.Sprintf(msgPerfProse, pt.name, f.Raw, in.name, in.cell.text), in.cell.text, f.Raw, "", "")
						ref := a.cellRef(c)
						ref.Offset, ref.Length, ref.Quote = f.Start, f.End-f.Start, quote(c.text, f.Start, f.End)
						fd.Narrative = ref
					}
					break
				}
			}
			actual = -1
		}
	}
}
