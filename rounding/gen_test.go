package rounding

// gen_test.go generates random 元 workbooks in which every identity of the
// rule set holds exactly: random leaves (项 × leaf columns, T06 款, T09
// items, carryovers) and every total computed from them, with the
// cross-table figures derived from the same leaves.

import (
	"fmt"
	"math/rand"
	"sort"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// cents is an amount in 分 of 元.
type cents int64

func (c cents) String() string {
	s := ""
	if c < 0 {
		s, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", s, c/100, c%100)
}

type gen struct{ rng *rand.Rand }

// amount is a random 元 figure with cents, log-uniform from 1 元 to about
// 5,000,000 元.
func (g *gen) amount() cents {
	digits := 2 + g.rng.Intn(7) // 100 分 … 10^8 分
	hi := int64(1)
	for range digits {
		hi *= 10
	}
	return cents(hi/10 + g.rng.Int63n(hi-hi/10))
}

// maybe is amount() with probability p, else 0.
func (g *gen) maybe(p float64) cents {
	if g.rng.Float64() < p {
		return g.amount()
	}
	return 0
}

// upto is a random figure in [0, c].
func (g *gen) upto(c cents) cents {
	if c <= 0 {
		return 0
	}
	return cents(g.rng.Int63n(int64(c) + 1))
}

// split divides total into n non-negative parts.
func (g *gen) split(total cents, n int) []cents {
	cuts := make([]int64, n-1)
	for i := range cuts {
		cuts[i] = g.rng.Int63n(int64(total) + 1)
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i] < cuts[j] })
	out := make([]cents, n)
	prev := int64(0)
	for i, c := range cuts {
		out[i] = cents(c - prev)
		prev = c
	}
	out[n-1] = total - cents(prev)
	return out
}

var (
	genFuncCodes = []string{"2010101", "2010150", "2080501", "2080505", "2080506", "2101101", "2101102",
		"2101103", "2101199", "2150199", "2210201", "2240101", "2240106", "2240109", "2240150", "2299999"}
	genFundCodes = []string{"2120801", "2296002", "2296003"}
	genNames     = map[string]string{
		"201": "一般公共服务支出", "20101": "人大事务", "2010101": "行政运行", "2010150": "事业运行",
		"208": "社会保障和就业支出", "20805": "行政事业单位养老支出", "2080501": "行政单位离退休",
		"2080505": "机关事业单位基本养老保险缴费支出", "2080506": "机关事业单位职业年金缴费支出",
		"210": "卫生健康支出", "21011": "行政事业单位医疗", "2101101": "行政单位医疗", "2101102": "事业单位医疗",
		"2101103": "公务员医疗补助", "2101199": "其他行政事业单位医疗支出",
		"212": "城乡社区支出", "21208": "国有土地使用权出让收入安排的支出", "2120801": "征地和拆迁补偿支出",
		"215": "资源勘探工业信息等支出", "21501": "资源勘探开发", "2150199": "其他资源勘探业支出",
		"221": "住房保障支出", "22102": "住房改革支出", "2210201": "住房公积金",
		"224": "灾害防治及应急管理支出", "22401": "应急管理事务", "2240101": "行政运行", "2240106": "安全监管",
		"2240109": "应急管理", "2240150": "事业运行",
		"229": "其他支出", "22960": "彩票公益金安排的支出", "2296002": "用于社会福利的彩票公益金支出",
		"2296003": "用于体育事业的彩票公益金支出", "22999": "其他支出", "2299999": "其他支出",
	}
	genT06 = []string{"30101", "30102", "30103", "30107", "30108", "30109", "30110", "30112", "30113", "30199",
		"30302", "30309", "30201", "30202", "30205", "30206", "30211", "30213", "30215", "30217", "30228",
		"30229", "30231", "30239", "30299"}
)

var (
	t02Cols = []string{"财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"}
	t03Cols = []string{"基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"}
	t05Cols = []string{"基本支出", "项目支出"}
	t07Cols = []string{"年初结转和结余", "本年收入", "基本支出", "项目支出"}
)

// table is leaf rows (7-digit codes) of one coded table.
type table map[string]map[string]cents

func (t table) set(row, col string, v cents) {
	if t[row] == nil {
		t[row] = map[string]cents{}
	}
	t[row][col] = v
}

// rollup adds every 项 into its 款, 类 and the 合计 row, column by column.
func (t table) rollup(cols []string) {
	leaves := make([]string, 0, len(t))
	for k := range t {
		if len(k) == 7 {
			leaves = append(leaves, k)
		}
	}
	for _, k := range leaves {
		for _, c := range cols {
			v := t[k][c]
			for _, p := range []string{k[:5], k[:3], "合计"} {
				if t[p] == nil {
					t[p] = map[string]cents{}
				}
				t[p][c] += v
			}
		}
	}
}

// rowTotal sets col total = Σ cols on every row.
func (t table) rowTotal(total string, cols []string) {
	for _, r := range t {
		var s cents
		for _, c := range cols {
			s += r[c]
		}
		r[total] = s
	}
}

func (t table) strings(cols []string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for k, r := range t {
		m := map[string]string{}
		for _, c := range cols {
			m[c] = r[c].String()
		}
		out[k] = m
	}
	return out
}

func pick(g *gen, from []string, lo, hi int) []string {
	idx := g.rng.Perm(len(from))
	n := lo + g.rng.Intn(hi-lo+1)
	out := make([]string, 0, n)
	for _, i := range idx[:n] {
		out = append(out, from[i])
	}
	sort.Strings(out)
	return out
}

// genWorkbook returns the i-th generated 元 workbook's content and style.
func genWorkbook(i int) *templates.Data {
	g := &gen{rng: rand.New(rand.NewSource(int64(i)*7919 + 17))}
	codes := pick(g, genFuncCodes, 3, 12)
	var fund []string
	if g.rng.Intn(4) == 0 {
		fund = pick(g, genFundCodes, 1, 2)
	}

	// 公开05表: fiscal (一般公共预算) spending by 项.
	t05 := table{}
	for _, c := range codes {
		t05.set(c, "基本支出", g.maybe(0.7))
		t05.set(c, "项目支出", g.maybe(0.6))
	}
	if t05[codes[0]]["基本支出"] == 0 {
		t05[codes[0]]["基本支出"] = g.amount()
	}
	t05.rollup(t05Cols)
	t05.rowTotal("合计", t05Cols)
	basic := t05["合计"]["基本支出"]
	t05Total := t05["合计"]["合计"]

	// 公开06表: the basic spending by economic 款.
	econ := pick(g, genT06, 3, 14)
	parts := g.split(basic, len(econ))
	t06 := map[string]cents{}
	for k, c := range econ {
		t06[c] += parts[k]
		t06[c[:3]] += parts[k]
	}
	t06["人员经费合计"] = t06["301"] + t06["303"]
	t06["公用经费合计"] = t06["302"] + t06["310"]

	// 公开07表: 政府性基金 by 项 (a quarter of the units).
	t07 := table{}
	for _, c := range fund {
		open, b, p := g.amount(), g.maybe(0.3), g.amount()
		t07.set(c, "年初结转和结余", open)
		t07.set(c, "基本支出", b)
		t07.set(c, "项目支出", p)
		t07.set(c, "本年收入", max(0, b+p-open)+g.maybe(0.5))
	}
	if len(fund) > 0 {
		t07.rollup(t07Cols)
		t07.rowTotal("本年支出小计", []string{"基本支出", "项目支出"})
		for _, r := range t07 {
			r["年末结转和结余"] = r["年初结转和结余"] + r["本年收入"] - r["本年支出小计"]
		}
	}
	f := t07["合计"]["本年收入"]
	a2 := t07["合计"]["年初结转和结余"]
	e2 := t07["合计"]["年末结转和结余"]

	// 公开03表: all spending = fiscal + fund + non-fiscal extras.
	t03 := table{}
	var extra cents
	for _, c := range append(append([]string{}, codes...), fund...) {
		xb, xp, xo := g.maybe(0.2), g.maybe(0.2), g.maybe(0.05)
		t03.set(c, "基本支出", t05[c]["基本支出"]+t07[c]["基本支出"]+xb)
		t03.set(c, "项目支出", t05[c]["项目支出"]+t07[c]["项目支出"]+xp)
		t03.set(c, "上缴上级支出", 0)
		t03.set(c, "经营支出", xo)
		t03.set(c, "对附属单位补助支出", 0)
		extra += xb + xp + xo
	}
	t03.rollup(t03Cols)
	t03.rowTotal("本年支出合计", t03Cols)

	// 财政拨款: 年初 a1 ≤ fiscal spending, 年末 e1, so income g1 ≥ 0.
	a1 := 1 + g.upto(t05Total-1)
	e1 := g.maybe(0.8)
	g1 := t05Total + e1 - a1

	// 公开02表: income by code; fiscal income g1+f spread over the codes.
	all := append(append([]string{}, codes...), fund...)
	t02 := table{}
	fiscal := g.split(g1+f, len(all))
	for k, c := range all {
		t02.set(c, "财政拨款收入", fiscal[k])
		t02.set(c, "上级补助收入", g.maybe(0.05))
		t02.set(c, "事业收入", g.maybe(0.15))
		t02.set(c, "经营收入", g.maybe(0.05))
		t02.set(c, "附属单位上缴收入", 0)
		t02.set(c, "其他收入", g.maybe(0.2))
	}
	t02.rollup(t02Cols)
	t02.rowTotal("本年收入合计", t02Cols)

	// 公开01表.
	use := g.maybe(0.1)
	dist := g.maybe(0.1)
	open := a1 + a2 + extra + dist + g.amount()
	t01 := map[string]cents{
		"一般公共预算财政拨款收入": g1, "政府性基金预算财政拨款收入": f, "国有资本经营预算财政拨款收入": 0,
		"使用非财政拨款结余": use, "年初结转和结余": open, "结余分配": dist,
	}
	for _, c := range t02Cols[1:] {
		t01[c] = t02["合计"][c]
	}
	t01["本年收入合计"] = t02["合计"]["本年收入合计"]
	t01["收入总计"] = t01["本年收入合计"] + use + open
	for k, r := range t03 {
		if len(k) == 3 {
			t01[k] = r["本年支出合计"]
		}
	}
	t01["本年支出合计"] = t03["合计"]["本年支出合计"]
	t01["年末结转和结余"] = t01["收入总计"] - t01["本年支出合计"] - dist
	t01["支出总计"] = t01["收入总计"]

	// 公开04表.
	t04 := map[string]map[string]cents{}
	set4 := func(row, col string, v cents) {
		if t04[row] == nil {
			t04[row] = map[string]cents{}
		}
		t04[row][col] = v
	}
	set4("一般公共预算财政拨款", "决算数", g1)
	set4("政府性基金预算财政拨款", "决算数", f)
	set4("国有资本经营预算财政拨款", "决算数", 0)
	set4("本年收入合计", "决算数", g1+f)
	set4("年初/一般公共预算财政拨款", "决算数", a1)
	set4("年初/政府性基金预算财政拨款", "决算数", a2)
	set4("年初/国有资本经营预算财政拨款", "决算数", 0)
	set4("年初财政拨款结转和结余", "决算数", a1+a2)
	set4("收入总计", "决算数", g1+f+a1+a2)
	fundCols := []string{"一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"}
	spend := map[string]cents{}
	for k := range t03 {
		if len(k) != 3 {
			continue
		}
		if t05[k] == nil && t07[k] == nil {
			continue
		}
		vals := []cents{t05[k]["合计"], t07[k]["本年支出小计"], 0}
		for j, c := range fundCols {
			set4(k, c, vals[j])
			spend[c] += vals[j]
		}
		set4(k, "合计", vals[0]+vals[1])
	}
	closing := map[string]cents{fundCols[0]: e1, fundCols[1]: e2, fundCols[2]: 0}
	for _, c := range fundCols {
		set4("本年支出合计", c, spend[c])
		set4("年末财政拨款结转和结余", c, closing[c])
		set4("支出总计", c, spend[c]+closing[c])
	}
	for _, r := range []string{"本年支出合计", "年末财政拨款结转和结余", "支出总计"} {
		set4(r, "合计", t04[r][fundCols[0]]+t04[r][fundCols[1]]+t04[r][fundCols[2]])
	}

	// 公开09表: 三公, 决算数 within 预算数, small beside the spending.
	items := []string{"因公出国（境）费", "公务用车购置费", "公务用车运行费", "公务接待费"}
	econOf := map[string]string{"因公出国（境）费": "30212", "公务用车购置费": "31013", "公务用车运行费": "30231", "公务接待费": "30217"}
	// X19: each 决算数 item at least its basic-spending 经济科目; X20: the
	// 决算数 合计 within the fiscal spending.
	room := t05Total
	for _, it := range items {
		room -= t06[econOf[it]]
	}
	capTo := max(room/4, 0)
	t09 := map[string]string{}
	budget := map[string]cents{}
	actual := map[string]cents{}
	for _, it := range items {
		if v := t06[econOf[it]]; v > 0 {
			actual[it] = v
		} else {
			actual[it] = min(g.maybe(0.6), g.upto(capTo))
		}
		budget[it] = actual[it] + g.maybe(0.5)/100
	}
	for blk, m := range map[string]map[string]cents{"预算数": budget, "决算数": actual} {
		car := m["公务用车购置费"] + m["公务用车运行费"]
		for _, it := range items {
			t09[blk+"/"+it] = m[it].String()
		}
		t09[blk+"/公务用车购置及运行费"] = car.String()
		t09[blk+"/合计"] = (m["因公出国（境）费"] + car + m["公务接待费"]).String()
	}

	d := &templates.Data{
		UnitName: fmt.Sprintf("生成单位%04d", i), Unit: model.Yuan, Year: 2024, Style: model.StyleMOF,
		Values: map[model.TableID]map[string]map[string]string{},
		Names:  genNames,
		EmptyNotes: map[model.TableID]string{
			model.T08: "本单位本年度无国有资本经营预算财政拨款收入、支出及结转和结余，国有资本经营预算财政拨款收入支出决算表为空表。",
		},
	}
	if i%2 == 1 {
		d.Style = model.StyleShanghai
	}
	one := func(m map[string]cents, col string) map[string]map[string]string {
		out := map[string]map[string]string{}
		for k, v := range m {
			out[k] = map[string]string{col: v.String()}
		}
		return out
	}
	d.Values[model.T01] = one(t01, "决算数")
	d.Values[model.T02] = t02.strings(append([]string{"本年收入合计"}, t02Cols...))
	d.Values[model.T03] = t03.strings(append([]string{"本年支出合计"}, t03Cols...))
	t4 := map[string]map[string]string{}
	for r, cols := range t04 {
		t4[r] = map[string]string{}
		for c, v := range cols {
			t4[r][c] = v.String()
		}
	}
	d.Values[model.T04] = t4
	d.Values[model.T05] = t05.strings(append([]string{"合计"}, t05Cols...))
	d.Values[model.T06] = one(t06, "决算数")
	if len(fund) > 0 {
		d.Values[model.T07] = t07.strings([]string{"年初结转和结余", "本年收入", "本年支出小计", "基本支出", "项目支出", "年末结转和结余"})
	} else {
		d.EmptyNotes[model.T07] = "本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，政府性基金预算财政拨款收入支出决算表为空表。"
	}
	d.Values[model.T09] = map[string]map[string]string{"三公经费": t09}
	return d
}
