package narrative

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// Analysis is the result of checking one narrative: its figures with their
// bindings and verdicts, and the findings.
type Analysis struct {
	Figures  []Figure
	Findings []model.Finding
	doc      *Document
	wb       *model.Workbook
	bs       *Bindings
	first    map[string]int // name → index of its first figure
	names    []string       // the names of first, sorted (for prefix sums)
	stop     *model.Stop    // AnalyzeContext's: the checks' loops end early, it fails
}

// Check checks a narrative against a workbook (nil: the narrative's own
// arithmetic only) and returns the findings.
func Check(doc *Document, wb *model.Workbook) []model.Finding {
	return Analyze(doc, wb).Findings
}

// Analyze reads the figures of doc, binds them and checks them.
func Analyze(doc *Document, wb *model.Workbook) *Analysis {
	a, _ := analyze(doc, wb, nil)
	return a
}

// AnalyzeContext is Analyze whose loops (paragraphs, figures, between the
// checks) end with the coded ETimeout error of the 审核说明 stage once
// ctx is done: no partial list of findings.
func AnalyzeContext(ctx context.Context, doc *Document, wb *model.Workbook) (*Analysis, error) {
	stop := model.NewStop(ctx, "审核说明")
	if stop.Now() {
		return nil, stop.Err()
	}
	return analyze(doc, wb, stop)
}

func analyze(doc *Document, wb *model.Workbook, stop *model.Stop) (*Analysis, error) {
	bs, err := LoadBindings()
	if err != nil {
		// The bindings are embedded and tested; a failure is a build defect.
		return &Analysis{Findings: []model.Finding{{Rule: "N00", Severity: model.SevError, Message: fmt.Sprintf(msgBindings, err)}}}, nil
	}
	a := &Analysis{doc: doc, wb: wb, bs: bs, first: map[string]int{}, stop: stop}
	a.Figures = extract(doc, bs, stop)
	if err := stop.Err(); err != nil {
		return nil, err
	}
	if len(a.Figures) > maxFigures {
		a.Figures = a.Figures[:maxFigures]
		a.add("N12", model.SevInfo, nil, fmt.Sprintf(msgTooManyFigures, maxFigures), "", "", "", "")
	}
	for i, f := range a.Figures {
		if f.Name != "" {
			if _, ok := a.first[f.Name]; !ok {
				a.first[f.Name] = i
			}
		}
	}
	for _, check := range []func(){a.checkCells, a.checkSame, a.checkShares, a.checkChanges, a.checkBudgets,
		a.checkSums, a.checkPlaceholders, a.checkStatements, a.checkUnbound, a.checkPerformance} {
		if stop.Now() {
			return nil, stop.Err()
		}
		check()
	}
	if err := stop.Err(); err != nil {
		return nil, err
	}
	a.stop = nil
	for i := range a.Findings {
		a.Findings[i].SetFingerprint()
	}
	sortFindings(a.Findings)
	return a, nil
}

func sortFindings(fs []model.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		pa, pb := narrPos(a), narrPos(b)
		if pa != pb {
			return pa < pb
		}
		return a.Rule < b.Rule
	})
}

func narrPos(f model.Finding) int {
	if f.Narrative == nil {
		return 1 << 30
	}
	n := f.Narrative
	if n.Table > 0 {
		return 1<<24 + n.Table<<12 + n.Row<<6 + n.Col
	}
	return n.Paragraph<<12 + n.Offset
}

// maxFigures bounds the work on one document: a real narrative states a
// few hundred figures.
const maxFigures = 10000

// ---- helpers ----

func (a *Analysis) ref(f *Figure) *model.NarrativeRef {
	p := a.doc.Paragraphs[f.Para]
	return &model.NarrativeRef{Paragraph: f.Para, Offset: f.Start, Length: f.End - f.Start, Quote: quote(p.Text, f.Start, f.End), Section: f.Section}
}

// quote returns at most 20 runes around [start, end).
func quote(text string, start, end int) string {
	from := max(0, start-(20-(end-start))/2)
	if end-start >= 20 {
		from = start
	}
	// walk the runes only as far as the quote (paragraphs may be long)
	var rs []rune
	i := 0
	for _, r := range text {
		if i >= from+20 {
			break
		}
		if i >= max(0, from-20) {
			rs = append(rs, r)
		}
		i++
	}
	base := max(0, from-20)
	lo, hi := from-base, min(len(rs), from-base+20)
	if hi-lo < 20 {
		lo = max(0, hi-20)
	}
	if lo > hi {
		return ""
	}
	return string(rs[lo:hi])
}

func (a *Analysis) add(rule string, sev model.Severity, f *Figure, msg string, expected, actual, diff, tol string) *model.Finding {
	fd := model.Finding{Rule: rule, Severity: sev, Message: msg, Expected: expected, Actual: actual, Difference: diff, Tolerance: tol, Cells: []model.CellRef{}}
	if f != nil {
		fd.Narrative = a.ref(f)
	}
	a.Findings = append(a.Findings, fd)
	return &a.Findings[len(a.Findings)-1]
}

func num(d decimal.Decimal, decimals int) string {
	if decimals < 0 {
		decimals = 2
	}
	return model.Thousands(d.StringFixed(int32(decimals)))
}

func pct(d decimal.Decimal, decimals int) string { return d.StringFixed(int32(decimals)) + "%" }

// where names the figure for messages: 第 N 段“…”.
func (a *Analysis) where(f *Figure) string {
	return fmt.Sprintf("第 %d 段“%s”", f.Para+1, f.Raw)
}

var hundred = decimal.NewFromInt(100)

// value of a name: its first figure in the narrative, else its table cell.
func (a *Analysis) valueOf(name string) (decimal.Decimal, int, bool) {
	if i, ok := a.first[name]; ok {
		f := &a.Figures[i]
		return f.Value, f.Decimals, true
	}
	if bd := a.bs.byName(name); bd != nil && bd.Cell != nil && a.wb != nil {
		if c, v, ok := a.cellValue(bd, nil); ok {
			return v, c.Decimals, true
		}
	}
	return decimal.Zero, 0, false
}

// ---- N01 figure vs table ----

// resolve returns the workbook key of a figure's binding.
func (a *Analysis) resolve(bd *Binding, groups map[string]string) (model.Key, bool) {
	cs := bd.Cell
	k := model.Key{Table: cs.Table, Row: cs.Row, Col: cs.Col}
	switch cs.Row {
	case "{类}":
		code := classCode(groups["类"])
		if code == "" {
			return k, false
		}
		k.Row = code
	case "{项}", "{款}":
		code := a.itemCode(groups)
		if code == "" {
			return k, false
		}
		k.Row = code
	}
	return k, true
}

func classCode(name string) string {
	spec := templates.MustLoad()
	for _, n := range []string{name, name + "支出"} {
		for i := range spec.Classes {
			if spec.Classes[i].Matches(n) {
				return spec.Classes[i].Code
			}
		}
	}
	return ""
}

// itemCode finds the 项 row of T05 named by 类/款/项 (the 类 by the class
// list, 款 and 项 by the names printed in the workbook).
func (a *Analysis) itemCode(groups map[string]string) string {
	t := a.wb.Table(model.T05)
	if t == nil {
		return ""
	}
	class := classCode(groups["类"])
	want := templates.NormalizeLabel(groups["项"])
	kuan := templates.NormalizeLabel(groups["款"])
	var cands []string
	for _, r := range t.Rows {
		if r.Level != 3 || (class != "" && !strings.HasPrefix(r.Code, class)) {
			continue
		}
		if l := templates.NormalizeLabel(r.Label); l == want || strings.TrimSuffix(l, "支出") == strings.TrimSuffix(want, "支出") {
			cands = append(cands, r.Code)
		}
	}
	if len(cands) > 1 {
		for _, c := range cands {
			if kr := t.Row(c[:5]); kr != nil && templates.NormalizeLabel(kr.Label) == kuan {
				return c
			}
		}
	}
	if len(cands) > 0 {
		return cands[0]
	}
	return ""
}

// cellValue returns the cell, its value in the figure's unit (万元), and
// whether it can be compared (table located; a code row not printed is 0).
func (a *Analysis) cellValue(bd *Binding, groups map[string]string) (*model.Cell, decimal.Decimal, bool) {
	k, ok := a.resolve(bd, groups)
	if !ok {
		return nil, decimal.Zero, false
	}
	t := a.wb.Table(k.Table)
	if t == nil {
		return nil, decimal.Zero, false
	}
	c := t.Cell(k.Row, k.Col)
	if c == nil || c.Invalid {
		return nil, decimal.Zero, false
	}
	v := c.Value
	if a.wb.Unit == model.Yuan {
		v = v.Div(decimal.NewFromInt(10000))
	}
	return c, v, true
}

func (a *Analysis) checkCells() {
	for i := range a.Figures {
		if a.stop.Tick() {
			return
		}
		f := &a.Figures[i]
		if f.Name == "" {
			continue
		}
		bd := f.Binding
		if bd == nil {
			bd = a.bs.byName(f.Name)
		}
		if bd == nil || bd.Cell == nil {
			f.Verdict = "无单元格"
			continue
		}
		if a.wb == nil {
			f.Verdict = "未核对"
			continue
		}
		k, ok := a.resolve(bd, f.Groups)
		if !ok {
			if bd.Cell.Row == "{项}" && f.Value.IsZero() {
				f.Verdict = "表中无此项（0.00）"
				continue
			}
			if bd.Cell.Row == "{项}" && a.wb.Table(model.T05) != nil {
				f.Verdict = "表中无此项"
				a.add("N01", model.SevError, f, fmt.Sprintf(msgNoItem, a.where(f), groups3(f.Groups)), "", f.Raw, "", "")
				continue
			}
			f.Verdict = "未核对"
			continue
		}
		f.Cell = &k
		t := a.wb.Table(k.Table)
		if t == nil {
			f.Verdict = "未核对（无此表）"
			continue
		}
		c := t.Cell(k.Row, k.Col)
		if c == nil && isCode(k.Row) {
			// A code row the table does not print counts as 0.
			c = &model.Cell{Key: k, Blank: true}
		}
		if c == nil || c.Invalid {
			f.Verdict = "未核对（单元格未找到）"
			continue
		}
		v := c.Value
		half := model.Tolerance(c)
		switch wan := decimal.NewFromInt(10000); {
		case a.wb.Unit == model.Yuan && f.Unit == "万元":
			v, half = v.Div(wan), half.Div(wan)
		case a.wb.Unit != model.Yuan && f.Unit == "元":
			v, half = v.Mul(wan), half.Mul(wan)
		}
		tol := model.HalfUnit(f.Decimals).Add(half)
		diff := f.Value.Sub(v)
		f.Against = num(v, max(c.Decimals, 2))
		cref := model.CellRef{Sheet: c.Sheet, Cell: c.Addr, Value: c.Raw, Table: k.Table, Row: k.Row, Col: k.Col, Label: cellLabel(t, k)}
		if cref.Value == "" {
			cref.Value = f.Against
		}
		var fd *model.Finding
		switch bd.Rel {
		case RelAtMost:
			if diff.GreaterThan(tol) {
				f.Verdict = "大于"
				fd = a.add("N10", model.SevError, f, fmt.Sprintf(msgAtMost, a.where(f), display(f.Name), cref.Label, f.Against), "≤ "+f.Against, num(f.Value, f.Decimals), num(diff, 2), num(tol, 3))
			} else if diff.Abs().LessThanOrEqual(tol) {
				f.Verdict = "一致"
			} else {
				f.Verdict = "小于（允许）"
			}
		default:
			switch {
			case diff.IsZero():
				f.Verdict = "一致"
			case diff.Abs().LessThanOrEqual(tol):
				f.Verdict = "尾差"
				fd = a.add("N01", model.SevInfo, f, fmt.Sprintf(msgCellResidue, a.where(f), cref.Label, f.Against), f.Against, num(f.Value, f.Decimals), num(diff, 2), num(tol, 3))
			default:
				f.Verdict = "不符"
				sev := model.SevError
				msg := msgCellMismatch
				if bd.Rel == RelUsually {
					sev, msg = model.SevWarning, msgCellUsually
				}
				fd = a.add("N01", sev, f, fmt.Sprintf(msg, a.where(f), cref.Label, f.Against, num(diff, 2)), f.Against, num(f.Value, f.Decimals), num(diff, 2), num(tol, 3))
			}
		}
		if fd != nil {
			fd.Table, fd.Sheet, fd.Cell = k.Table, c.Sheet, c.Addr
			fd.Cells = []model.CellRef{cref}
		}
	}
}

func groups3(g map[string]string) string {
	return g["类"] + "(类)" + g["款"] + "(款)" + g["项"] + "(项)"
}

func cellLabel(t *model.Table, k model.Key) string {
	name := t.Name
	if name == "" {
		name = string(t.ID)
	}
	row := k.Row
	if r := t.Row(k.Row); r != nil && r.Code != "" {
		row = r.Code + " " + r.Label
	}
	return fmt.Sprintf("%s %s行 %s", name, row, k.Col)
}

// ---- N11 one name, one value ----

func (a *Analysis) checkSame() {
	for i := range a.Figures {
		f := &a.Figures[i]
		if f.Name == "" {
			continue
		}
		j := a.first[f.Name]
		if j == i {
			continue
		}
		g := &a.Figures[j]
		if g.Unit != f.Unit {
			continue
		}
		diff := f.Value.Sub(g.Value)
		tol := model.HalfUnit(f.Decimals).Add(model.HalfUnit(g.Decimals))
		if f.Unit != "万元" && f.Unit != "元" && f.Unit != "%" {
			tol = decimal.Zero
		}
		if diff.Abs().GreaterThan(tol) {
			a.add("N11", model.SevError, f, fmt.Sprintf(msgSame, a.where(f), display(f.Name), g.Para+1, g.Raw), g.Raw, f.Raw, num(diff, 2), num(tol, 3))
		}
	}
}

// ---- ratio checks ----

// ratioVerdict compares a printed percentage p (decimals pd) with
// num/den×100 where num and den are printed with their decimals: exact
// when the computed ratio rounds to p, a residue when the intervals meet,
// wrong otherwise.
func ratioVerdict(p decimal.Decimal, pd int, n decimal.Decimal, nh decimal.Decimal, d decimal.Decimal, dh decimal.Decimal) (decimal.Decimal, string) {
	if d.IsZero() {
		return decimal.Zero, "zero"
	}
	r := n.Div(d).Mul(hundred)
	if r.Round(int32(pd)).Equal(p) {
		return r, "ok"
	}
	ph := decimal.New(5, int32(-pd-1))
	// Interval of n/d with n ∈ [n−nh, n+nh], d ∈ [d−dh, d+dh] (d > 0).
	da := d.Abs()
	if da.LessThanOrEqual(dh) {
		return r, "residue"
	}
	sign := decimal.NewFromInt(int64(d.Sign()))
	cands := []decimal.Decimal{}
	for _, nn := range []decimal.Decimal{n.Sub(nh), n.Add(nh)} {
		for _, dd := range []decimal.Decimal{da.Sub(dh), da.Add(dh)} {
			cands = append(cands, nn.Mul(sign).Div(dd).Mul(hundred))
		}
	}
	lo, hi := cands[0], cands[0]
	for _, c := range cands[1:] {
		if c.LessThan(lo) {
			lo = c
		}
		if c.GreaterThan(hi) {
			hi = c
		}
	}
	if p.Add(ph).GreaterThanOrEqual(lo) && p.Sub(ph).LessThanOrEqual(hi) {
		return r, "residue"
	}
	return r, "wrong"
}

// ---- N02 占% ----

func (a *Analysis) checkShares() {
	for i := range a.Figures {
		f := &a.Figures[i]
		if f.Role != "占比" {
			continue
		}
		if f.Subject < 0 {
			f.Verdict = "无对象"
			continue
		}
		s := &a.Figures[f.Subject]
		if f.Denom == "" {
			f.Verdict = "无分母"
			continue
		}
		d, dd, ok := a.valueOf(f.Denom)
		if !ok {
			f.Verdict = "无分母"
			continue
		}
		r, v := ratioVerdict(f.Value, f.Decimals, s.Value, model.HalfUnit(s.Decimals), d, model.HalfUnit(dd))
		f.Against = pct(r, f.Decimals)
		switch v {
		case "ok":
			f.Verdict = "一致"
		case "residue":
			f.Verdict = "尾差"
			a.add("N02", model.SevInfo, f, fmt.Sprintf(msgShareResidue, a.where(f), s.Raw, display(f.Denom), num(d, dd), f.Against), f.Against, f.Raw, "", "")
		case "wrong":
			f.Verdict = "不符"
			a.add("N02", model.SevError, f, fmt.Sprintf(msgShare, a.where(f), s.Raw, display(f.Denom), num(d, dd), f.Against), f.Against, f.Raw, "", "")
		case "zero":
			f.Verdict = "分母为0"
		}
	}
}

// ---- N03 增减 and 增长% ----

func (a *Analysis) checkChanges() {
	for i := range a.Figures {
		f := &a.Figures[i]
		switch f.Role {
		case "增加", "减少":
			if f.Value.IsNegative() {
				a.add("N06", model.SevError, f, fmt.Sprintf(msgNegChange, a.where(f), f.Role), "", f.Raw, "", "")
			}
			f.Verdict = "—"
		case "增长", "下降":
			if f.Value.IsNegative() {
				a.add("N06", model.SevError, f, fmt.Sprintf(msgNegChange, a.where(f), f.Role), "", f.Raw, "", "")
			}
			if f.Subject < 0 {
				f.Verdict = "无增减额"
				continue
			}
			ch := &a.Figures[f.Subject]
			if (ch.Role == "增加") != (f.Role == "增长") && !ch.Value.IsZero() && !f.Value.IsZero() {
				a.add("N06", model.SevError, f, fmt.Sprintf(msgDirection, a.where(f), ch.Role, ch.Raw, f.Role), "", f.Raw, "", "")
				f.Verdict = "矛盾"
				continue
			}
			if ch.Subject < 0 {
				f.Verdict = "无对象"
				continue
			}
			now := &a.Figures[ch.Subject]
			change := ch.Value.Abs()
			if ch.Role == "减少" {
				change = change.Neg()
			}
			prior := now.Value.Sub(change)
			rate := f.Value
			if f.Role == "下降" {
				rate = rate.Neg()
			}
			if ch.Value.IsZero() && !f.Value.IsZero() {
				a.add("N07", model.SevWarning, f, fmt.Sprintf(msgZeroChange, a.where(f), ch.Raw), "0.00%", f.Raw, "", "")
				f.Verdict = "可疑"
				continue
			}
			if prior.Abs().LessThanOrEqual(model.HalfUnit(now.Decimals).Add(model.HalfUnit(ch.Decimals))) {
				if !change.IsZero() {
					a.add("N07", model.SevWarning, f, fmt.Sprintf(msgZeroBase, a.where(f), now.Raw, ch.Raw), "", f.Raw, "", "")
					f.Verdict = "上年为0"
				}
				continue
			}
			h := model.HalfUnit(ch.Decimals)
			r, v := ratioVerdict(rate, f.Decimals, change, h, prior, h.Add(model.HalfUnit(now.Decimals)))
			f.Against = pct(r.Abs(), f.Decimals)
			switch v {
			case "ok":
				f.Verdict = "一致"
			case "residue":
				f.Verdict = "尾差"
				a.add("N03", model.SevInfo, f, fmt.Sprintf(msgRateResidue, a.where(f), ch.Raw, num(prior, 2), f.Against), f.Against, f.Raw, "", "")
			default:
				f.Verdict = "不符"
				a.add("N03", model.SevError, f, fmt.Sprintf(msgRate, a.where(f), now.Raw, ch.Role, ch.Raw, num(prior, 2), f.Against), f.Against, f.Raw, "", "")
			}
		}
	}
	// 与上年持平 beside a nonzero change.
	level := map[int]bool{}
	for _, p := range a.doc.Paragraphs {
		if strings.Contains(p.Text, "持平") {
			level[p.Index] = true
		}
	}
	for i := range a.Figures {
		f := &a.Figures[i]
		if level[f.Para] && (f.Role == "增加" || f.Role == "减少") && !f.Value.IsZero() {
			a.add("N06", model.SevWarning, f, fmt.Sprintf(msgLevel, a.where(f)), "", f.Raw, "", "")
		}
	}
}

// ---- N04 预决算差异率, 完成率 ----

func (a *Analysis) checkBudgets() {
	for i := range a.Figures {
		f := &a.Figures[i]
		if f.Role != "差异率" && f.Role != "完成率" {
			continue
		}
		// budget and final: the last ones of the sentence before it
		budget, final := -1, -1
		for j := i - 1; j >= max(0, i-64) && a.Figures[j].Sentence == f.Sentence; j-- {
			g := &a.Figures[j]
			if !isAmount(g.Unit) {
				continue
			}
			isBudget := g.Role == "年初预算" || g.Role == "全年预算" || strings.HasPrefix(g.Name, "预算:")
			if isBudget && budget < 0 {
				budget = j
			} else if !isBudget && final < 0 && (g.Role == "决算数" || g.Name != "") {
				final = j
			}
		}
		if budget < 0 || final < 0 {
			f.Verdict = "无预算数"
			continue
		}
		b, fv := &a.Figures[budget], &a.Figures[final]
		if b.Value.IsZero() {
			if fv.Value.IsZero() && f.Value.IsZero() {
				f.Verdict = "一致"
			} else {
				f.Verdict = "预算为0"
				a.add("N07", model.SevWarning, f, fmt.Sprintf(msgZeroBudget, a.where(f), b.Raw), "", f.Raw, "", "")
			}
			continue
		}
		n := fv.Value.Sub(b.Value)
		nh := model.HalfUnit(fv.Decimals).Add(model.HalfUnit(b.Decimals))
		p := f.Value
		if f.Role == "完成率" {
			n, nh = fv.Value, model.HalfUnit(fv.Decimals)
		}
		r, v := ratioVerdict(p, f.Decimals, n, nh, b.Value, model.HalfUnit(b.Decimals))
		if v != "ok" && f.Role == "差异率" && p.Sign() > 0 && n.Sign() < 0 {
			// printed without its minus sign: compare magnitudes, report as a hint
			if r2, v2 := ratioVerdict(p, f.Decimals, n.Neg(), nh, b.Value, model.HalfUnit(b.Decimals)); v2 != "wrong" {
				f.Verdict = "缺负号"
				a.add("N04", model.SevWarning, f, fmt.Sprintf(msgSign, a.where(f), pct(r2.Neg(), f.Decimals)), pct(r2.Neg(), f.Decimals), f.Raw, "", "")
				continue
			}
		}
		f.Against = pct(r, f.Decimals)
		switch v {
		case "ok":
			f.Verdict = "一致"
		case "residue":
			f.Verdict = "尾差"
			a.add("N04", model.SevInfo, f, fmt.Sprintf(msgVarResidue, a.where(f), b.Raw, fv.Raw, f.Against), f.Against, f.Raw, "", "")
		default:
			f.Verdict = "不符"
			a.add("N04", model.SevError, f, fmt.Sprintf(msgVar, a.where(f), f.Role, b.Raw, fv.Raw, f.Against), f.Against, f.Raw, "", "")
		}
	}
}

// ---- N05 listed parts vs stated total ----

// sumItem is one part of a listed sum: a figure, or the table cell of a
// part the narrative leaves out.
type sumItem struct {
	idx      int // figure index, -1 for a table cell
	value    decimal.Decimal
	decimals int
	unit     string
	text     string
}

func (a *Analysis) checkSums() {
	for _, s := range a.bs.Sums {
		if strings.Contains(s.Total, "{") {
			// 类:{类} = Σ 项:{类}/*: one sum per 类 named in the narrative
			tp, _, _ := strings.Cut(s.Total, "{")
			for _, i := range a.withPrefix(tp) {
				name := a.Figures[i].Name
				arg := strings.TrimPrefix(name, tp)
				prefix := strings.ReplaceAll(s.Prefix, "{类}", arg)
				a.sumCheck(i, a.items(a.withPrefix(prefix)), false)
			}
			continue
		}
		ti, ok := a.first[s.Total]
		if !ok {
			continue
		}
		if s.Prefix != "" {
			a.sumCheck(ti, a.items(a.withPrefix(s.Prefix)), false)
			continue
		}
		// Parts the narrative leaves out ("其中" lists some) are taken from
		// their table cells; without them only "the parts exceed the
		// total" can be said.
		var items []sumItem
		partial := false
		for _, p := range s.Parts {
			if j, ok := a.first[p]; ok {
				items = append(items, a.items([]int{j})...)
				continue
			}
			if bd := a.bs.byName(p); bd != nil && bd.Cell != nil && a.wb != nil {
				if c, v, ok := a.cellValue(bd, nil); ok {
					items = append(items, sumItem{idx: -1, value: v, decimals: max(c.Decimals, 2), unit: "万元", text: display(p) + "（表中 " + num(v, max(c.Decimals, 2)) + "）"})
					continue
				}
			}
			partial = true
		}
		a.sumCheck(ti, items, partial)
	}
}

func (a *Analysis) items(idx []int) []sumItem {
	out := make([]sumItem, 0, len(idx))
	for _, j := range idx {
		f := &a.Figures[j]
		out = append(out, sumItem{idx: j, value: f.Value, decimals: f.Decimals, unit: f.Unit, text: f.Raw})
	}
	return out
}

func (a *Analysis) withPrefix(prefix string) []int {
	if a.names == nil {
		for n := range a.first {
			a.names = append(a.names, n)
		}
		sort.Strings(a.names)
	}
	var out []int
	for k := sort.SearchStrings(a.names, prefix); k < len(a.names) && strings.HasPrefix(a.names[k], prefix); k++ {
		out = append(out, a.first[a.names[k]])
	}
	sort.Ints(out)
	return out
}

func (a *Analysis) sumCheck(ti int, parts []sumItem, partial bool) {
	if len(parts) == 0 {
		return
	}
	// Cite the total where the parts are listed, when it is stated there.
	for _, p := range parts {
		if p.idx < 0 {
			continue
		}
		for j := p.idx; j >= max(0, p.idx-64); j-- {
			if g := &a.Figures[j]; g.Name == a.Figures[ti].Name && g.Para == a.Figures[p.idx].Para {
				ti = j
				break
			}
		}
		break
	}
	t := &a.Figures[ti]
	sum := decimal.Zero
	tol := model.HalfUnit(t.Decimals)
	var texts []string
	for _, p := range parts {
		if p.unit != t.Unit {
			return
		}
		sum = sum.Add(p.value)
		tol = tol.Add(model.HalfUnit(p.decimals))
		texts = append(texts, p.text)
	}
	if t.Unit != "万元" && t.Unit != "元" {
		tol = decimal.Zero
	}
	diff := t.Value.Sub(sum)
	dec := t.Decimals
	text := strings.Join(texts, " + ")
	switch {
	case partial && diff.GreaterThanOrEqual(tol.Neg()):
		// the parts left out may make up the difference
	case diff.IsZero():
	case diff.Abs().LessThanOrEqual(tol):
		a.add("N05", model.SevInfo, t, fmt.Sprintf(msgSumResidue, a.where(t), display(t.Name), text, num(sum, dec)), num(sum, dec), num(t.Value, dec), num(diff, dec), num(tol, 3))
	case partial:
		a.add("N05", model.SevError, t, fmt.Sprintf(msgSumExceeds, a.where(t), text, num(sum, dec), display(t.Name)), "≥ "+num(sum, dec), num(t.Value, dec), num(diff, dec), num(tol, 3))
	default:
		a.add("N05", model.SevError, t, fmt.Sprintf(msgSum, a.where(t), display(t.Name), text, num(sum, dec)), num(sum, dec), num(t.Value, dec), num(diff, dec), num(tol, 3))
	}
}

// ---- N12 unbound figures ----

func (a *Analysis) checkUnbound() {
	unbound := 0
	defer func() {
		if unbound > 200 {
			a.add("N12", model.SevInfo, nil, fmt.Sprintf(msgMoreUnbound, unbound-200), "", "", "", "")
		}
	}()
	for i := range a.Figures {
		f := &a.Figures[i]
		if f.Bound() {
			if f.Verdict == "" {
				f.Verdict = "—"
			}
			continue
		}
		f.Verdict = "未对应"
		if f.Section == "" || f.Section == "名词" || f.Section == "其他" {
			continue
		}
		// A PDF's 绩效自评表 come out as lines of cells: their numbers are
		// not the narrative's sentences.
		if a.doc.Format == FormatPDF && f.Section == "绩效" && f.Para > a.paraOf("评价项目数") {
			continue
		}
		unbound++
		if unbound <= 200 {
			a.add("N12", model.SevInfo, f, fmt.Sprintf(msgUnbound, a.where(f)), "", f.Raw, "", "")
		}
	}
}

// display turns a name into words for messages: 类:X → X(类),
// 项:a/b/c → a(类)b(款)c(项), 预算:X → X预算数.
func display(name string) string {
	switch {
	case strings.HasPrefix(name, "类:"):
		return strings.TrimPrefix(name, "类:") + "(类)"
	case strings.HasPrefix(name, "项:"):
		p := strings.SplitN(strings.TrimPrefix(name, "项:"), "/", 3)
		if len(p) == 3 {
			return p[0] + "(类)" + p[1] + "(款)" + p[2] + "(项)"
		}
	case strings.HasPrefix(name, "预算:"):
		return display(strings.TrimPrefix(name, "预算:")) + "预算数"
	}
	if w, ok := sangongWords[name]; ok {
		return w
	}
	return name
}

var sangongWords = map[string]string{
	"三公": "“三公”经费", "出国": "因公出国（境）费", "公务用车": "公务用车购置及运行维护费",
	"购置": "公务用车购置费", "运行": "公务用车运行维护费", "接待": "公务接待费",
}

// Unbound returns the figures no binding or role could place: listed, never
// guessed.
func (a *Analysis) Unbound() []Figure {
	var out []Figure
	for _, f := range a.Figures {
		if !f.Bound() {
			out = append(out, f)
		}
	}
	return out
}

// Summary says in one line (Chinese) what was read and bound.
func (a *Analysis) Summary() string {
	named, cells, agree, unbound := 0, 0, 0, 0
	for _, f := range a.Figures {
		switch {
		case !f.Bound():
			unbound++
		case f.Name != "":
			named++
			if f.Cell != nil {
				cells++
				if f.Verdict == "一致" || f.Verdict == "尾差" {
					agree++
				}
			}
		}
	}
	return fmt.Sprintf(msgSummary, len(a.doc.Paragraphs), len(a.doc.Tables), len(a.Figures), cells, agree, len(a.Figures)-named-unbound, unbound)
}

// paraOf is the paragraph of a name's first figure (-1 when absent).
func (a *Analysis) paraOf(name string) int {
	if i, ok := a.first[name]; ok {
		return a.Figures[i].Para
	}
	return -1
}
