package templates

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/shopspring/decimal"
)

// These tests prove the embedded samples consistent on their own, with
// decimal arithmetic and the §5.0 tolerance, independently of the checker.

// tolerance is spec §5.0: 0.005 × (n + 1), rounded up to 0.01.
func tolerance(n int) decimal.Decimal {
	return decimal.New(int64(n+1)*5, -3).RoundUp(2)
}

// reporter is the part of testing.T the identity checks use, so a test
// can run them against a broken sample and observe the failures.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatal(args ...any)
}

type recorder struct{ failures []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.failures = append(r.failures, fmt.Sprint(args...)) }

type identities struct {
	t    reporter
	d    *Data
	spec *Spec
	n    int // identities checked
}

func (c *identities) v(id model.TableID, row, col string) decimal.Decimal {
	s, ok := c.d.Values[id][row][col]
	if !ok || s == "" {
		return decimal.Zero
	}
	return decimal.RequireFromString(s)
}

// sum checks total = Σ parts within the tolerance for len(parts) terms.
func (c *identities) sum(rule string, total decimal.Decimal, parts ...decimal.Decimal) {
	c.t.Helper()
	c.n++
	s := decimal.Zero
	for _, p := range parts {
		s = s.Add(p)
	}
	n := max(len(parts), 1)
	if diff := total.Sub(s).Abs(); diff.GreaterThan(tolerance(n)) {
		c.t.Errorf("%s: %s vs Σ %s (diff %s > %s)", rule, total, s, diff, tolerance(n))
	}
}

func (c *identities) rows(id model.TableID) []string { return c.d.Codes(id) }

func children(codes []string, parent string) []string {
	var out []string
	for _, k := range codes {
		if len(k) == len(parent)+2 && strings.HasPrefix(k, parent) {
			out = append(out, k)
		}
	}
	return out
}

func (c *identities) colKeys(id model.TableID) []string {
	var out []string
	for _, col := range c.spec.Table(id).AllColumns() {
		out = append(out, col.Key)
	}
	return out
}

// rollUp checks 合计 = Σ类, 类 = Σ款, 款 = Σ项 per column, and that every
// 款 has its 类 and every 项 its 款 (R02.4).
func (c *identities) rollUp(id model.TableID, rule string) {
	codes := c.rows(id)
	has := map[string]bool{}
	for _, k := range codes {
		has[k] = true
	}
	for _, k := range codes {
		if len(k) > 3 && !has[k[:len(k)-2]] {
			c.t.Errorf("%s R02.4: %s without parent %s", id, k, k[:len(k)-2])
		}
		if len(k) != 3 && len(k) != 5 && len(k) != 7 {
			c.t.Errorf("%s: bad code %s", id, k)
		}
	}
	total := c.spec.Table(id).Total.Key
	for _, col := range c.colKeys(id) {
		var classes []decimal.Decimal
		for _, k := range codes {
			if len(k) == 3 {
				classes = append(classes, c.v(id, k, col))
			}
		}
		if len(classes) > 0 {
			c.sum(fmt.Sprintf("%s %s 合计=Σ类 [%s]", id, rule, col), c.v(id, total, col), classes...)
		}
		for _, k := range codes {
			kids := children(codes, k)
			if len(kids) == 0 {
				continue
			}
			var parts []decimal.Decimal
			for _, ch := range kids {
				parts = append(parts, c.v(id, ch, col))
			}
			c.sum(fmt.Sprintf("%s %s %s=Σ下级 [%s]", id, rule, k, col), c.v(id, k, col), parts...)
		}
	}
}

// rowSum checks, on every row of a coded table, total column = Σ others.
func (c *identities) rowSum(id model.TableID, rule, totalCol string, parts ...string) {
	rows := append([]string{c.spec.Table(id).Total.Key}, c.rows(id)...)
	for _, r := range rows {
		var ps []decimal.Decimal
		for _, p := range parts {
			ps = append(ps, c.v(id, r, p))
		}
		c.sum(fmt.Sprintf("%s %s [%s]", id, rule, r), c.v(id, r, totalCol), ps...)
	}
}

func (c *identities) checkAll() {
	s, d := c.spec, c.d
	// R01.1–R01.5
	t01 := s.Table(model.T01)
	in, out := t01.Sides[0], t01.Sides[1]
	var income []decimal.Decimal
	for _, r := range in.Rows {
		if !r.Bottom {
			income = append(income, c.v(model.T01, r.Key, "决算数"))
		}
	}
	c.sum("R01.1", c.v(model.T01, "本年收入合计", "决算数"), income...)
	c.sum("R01.2", c.v(model.T01, "收入总计", "决算数"),
		c.v(model.T01, "本年收入合计", "决算数"), c.v(model.T01, "使用非财政拨款结余", "决算数"), c.v(model.T01, "年初结转和结余", "决算数"))
	var classes []decimal.Decimal
	for _, cl := range s.Classes {
		classes = append(classes, c.v(model.T01, cl.Code, "决算数"))
	}
	if !out.Classes {
		c.t.Fatal("T01 支出 side has no classes")
	}
	c.sum("R01.3", c.v(model.T01, "本年支出合计", "决算数"), classes...)
	c.sum("R01.4", c.v(model.T01, "支出总计", "决算数"),
		c.v(model.T01, "本年支出合计", "决算数"), c.v(model.T01, "结余分配", "决算数"), c.v(model.T01, "年末结转和结余", "决算数"))
	c.sum("R01.5", c.v(model.T01, "收入总计", "决算数"), c.v(model.T01, "支出总计", "决算数"))

	// R02.1, R03.1, R05.1 and the roll-ups.
	c.rowSum(model.T02, "R02.1", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
	c.rowSum(model.T03, "R03.1", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
	c.rowSum(model.T05, "R05.1", "合计", "基本支出", "项目支出")
	c.rollUp(model.T02, "R02.2/3")
	c.rollUp(model.T03, "R03.2")
	c.rollUp(model.T05, "R05.2")
	for _, id := range []model.TableID{model.T07, model.T08} {
		c.rowSum(id, "R07.1", "本年支出小计", "基本支出", "项目支出")
		c.rollUp(id, "R07.2")
	}

	// R04.1–R04.7
	T04 := model.T04
	funds := []string{"一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"}
	var inc, carry []decimal.Decimal
	for _, f := range funds {
		inc = append(inc, c.v(T04, f, "决算数"))
		carry = append(carry, c.v(T04, "年初/"+f, "决算数"))
	}
	c.sum("R04.1", c.v(T04, "本年收入合计", "决算数"), inc...)
	c.sum("R04.2", c.v(T04, "年初财政拨款结转和结余", "决算数"), carry...)
	c.sum("R04.3", c.v(T04, "收入总计", "决算数"), c.v(T04, "本年收入合计", "决算数"), c.v(T04, "年初财政拨款结转和结余", "决算数"))
	right := []string{"本年支出合计", "年末财政拨款结转和结余", "支出总计"}
	for _, cl := range s.Classes {
		right = append(right, cl.Code)
	}
	for _, r := range right {
		var ps []decimal.Decimal
		for _, f := range funds {
			ps = append(ps, c.v(T04, r, f))
		}
		c.sum("R04.4 ["+r+"]", c.v(T04, r, "合计"), ps...)
	}
	for _, col := range append([]string{"合计"}, funds...) {
		var ps []decimal.Decimal
		for _, cl := range s.Classes {
			ps = append(ps, c.v(T04, cl.Code, col))
		}
		c.sum("R04.5 ["+col+"]", c.v(T04, "本年支出合计", col), ps...)
		c.sum("R04.6 ["+col+"]", c.v(T04, "支出总计", col), c.v(T04, "本年支出合计", col), c.v(T04, "年末财政拨款结转和结余", col))
	}
	c.sum("R04.7", c.v(T04, "收入总计", "决算数"), c.v(T04, "支出总计", "合计"))

	// R06.1–R06.3
	t06 := s.Table(model.T06)
	econ := c.rows(model.T06)
	for _, k := range econ {
		if len(k) != 3 {
			continue
		}
		if kids := children(econ, k); len(kids) > 0 {
			var ps []decimal.Decimal
			for _, ch := range kids {
				ps = append(ps, c.v(model.T06, ch, "决算数"))
			}
			c.sum("R06.1 ["+k+"]", c.v(model.T06, k, "决算数"), ps...)
		}
	}
	var groupTotals []decimal.Decimal
	for gi, g := range t06.Groups {
		var ps []decimal.Decimal
		for _, k := range econ {
			if len(k) == 3 && (contains(g.Classes, k) || (gi == len(t06.Groups)-1 && !inGroups(t06, k))) {
				ps = append(ps, c.v(model.T06, k, "决算数"))
			}
		}
		c.sum(fmt.Sprintf("R06.%d", gi+2), c.v(model.T06, g.Total.Key, "决算数"), ps...)
		groupTotals = append(groupTotals, c.v(model.T06, g.Total.Key, "决算数"))
	}

	// R09.1–R09.4
	for i, blk := range []string{"预算数", "决算数"} {
		row := s.Table(model.T09).Row.Key
		c.sum(fmt.Sprintf("R09.%d", 2*i+1), c.v(model.T09, row, blk+"/合计"),
			c.v(model.T09, row, blk+"/因公出国（境）费"), c.v(model.T09, row, blk+"/公务用车购置及运行费"), c.v(model.T09, row, blk+"/公务接待费"))
		c.sum(fmt.Sprintf("R09.%d", 2*i+2), c.v(model.T09, row, blk+"/公务用车购置及运行费"),
			c.v(model.T09, row, blk+"/公务用车购置费"), c.v(model.T09, row, blk+"/公务用车运行费"))
	}

	// Cross-table X1, X4–X10, X12, X16.
	v := c.v
	c.sum("X1", v(model.T01, "一般公共预算财政拨款收入", "决算数"), v(T04, "一般公共预算财政拨款", "决算数"))
	c.sum("X2", v(model.T01, "政府性基金预算财政拨款收入", "决算数"), v(T04, "政府性基金预算财政拨款", "决算数"))
	c.sum("X2'", v(model.T01, "政府性基金预算财政拨款收入", "决算数"), v(model.T07, "合计", "本年收入"))
	c.sum("X3", v(model.T01, "国有资本经营预算财政拨款收入", "决算数"), v(T04, "国有资本经营预算财政拨款", "决算数"))
	c.sum("X4", v(model.T01, "本年收入合计", "决算数"), v(model.T02, "合计", "本年收入合计"))
	fiscal := []decimal.Decimal{v(model.T01, "一般公共预算财政拨款收入", "决算数"), v(model.T01, "政府性基金预算财政拨款收入", "决算数"), v(model.T01, "国有资本经营预算财政拨款收入", "决算数")}
	c.sum("X5 T02", v(model.T02, "合计", "财政拨款收入"), fiscal...)
	c.sum("X5 T04", v(T04, "本年收入合计", "决算数"), fiscal...)
	for _, k := range []string{"上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"} {
		c.sum("X6 "+k, v(model.T01, k, "决算数"), v(model.T02, "合计", k))
	}
	c.sum("X7", v(model.T01, "本年支出合计", "决算数"), v(model.T03, "合计", "本年支出合计"))
	for _, cl := range s.Classes {
		c.sum("X8 "+cl.Code, v(model.T01, cl.Code, "决算数"), v(model.T03, cl.Code, "本年支出合计"))
		c.sum("X9 一般 "+cl.Code, v(T04, cl.Code, "一般公共预算财政拨款"), v(model.T05, cl.Code, "合计"))
		c.sum("X9 基金 "+cl.Code, v(T04, cl.Code, "政府性基金预算财政拨款"), v(model.T07, cl.Code, "本年支出小计"))
		c.sum("X9 国资 "+cl.Code, v(T04, cl.Code, "国有资本经营预算财政拨款"), v(model.T08, cl.Code, "本年支出小计"))
	}
	c.sum("X10 一般", v(T04, "本年支出合计", "一般公共预算财政拨款"), v(model.T05, "合计", "合计"))
	c.sum("X10 基金", v(T04, "本年支出合计", "政府性基金预算财政拨款"), v(model.T07, "合计", "本年支出小计"))
	c.sum("X10 国资", v(T04, "本年支出合计", "国有资本经营预算财政拨款"), v(model.T08, "合计", "本年支出小计"))
	c.sum("X12", v(model.T05, "合计", "基本支出"), groupTotals...)
	// X16 applies: no fiscal carryover in either sample.
	if !v(T04, "年初财政拨款结转和结余", "决算数").IsZero() || !v(T04, "年末财政拨款结转和结余", "合计").IsZero() {
		c.t.Fatal("X16 precondition: sample has fiscal carryover")
	}
	codes := map[string]bool{}
	for _, id := range []model.TableID{model.T02, model.T05, model.T07, model.T08} {
		for _, k := range c.rows(id) {
			codes[k] = true
		}
	}
	for k := range codes {
		c.sum("X16 "+k, v(model.T02, k, "财政拨款收入"), v(model.T05, k, "合计"), v(model.T07, k, "本年支出小计"), v(model.T08, k, "本年支出小计"))
		if len(k) == 3 {
			c.sum("X16 T04 "+k, v(model.T02, k, "财政拨款收入"), v(T04, k, "合计"))
		}
	}
	// X13/X21: fiscal spending is a subset of all spending.
	for _, k := range c.rows(model.T05) {
		if _, ok := d.Values[model.T03][k]; !ok {
			c.t.Errorf("X21: T05 code %s not in T03", k)
		}
		for _, col := range [][2]string{{"合计", "本年支出合计"}, {"基本支出", "基本支出"}, {"项目支出", "项目支出"}} {
			if v(model.T05, k, col[0]).Sub(v(model.T03, k, col[1])).GreaterThan(tolerance(1)) {
				c.t.Errorf("X13 %s: T05 %s %s > T03 %s", k, col[0], v(model.T05, k, col[0]), v(model.T03, k, col[1]))
			}
		}
	}
}

func inGroups(t *TableSpec, class string) bool {
	for _, g := range t.Groups {
		if contains(g.Classes, class) {
			return true
		}
	}
	return false
}

func TestSampleIdentities(t *testing.T) {
	for name, d := range map[string]*Data{"A": CaseA(), "C": CaseC()} {
		t.Run(name, func(t *testing.T) {
			c := &identities{t: t, d: d, spec: MustLoad()}
			c.checkAll()
			if c.n < 150 {
				t.Errorf("only %d identities checked", c.n)
			}
		})
	}
}

// The checks must catch a broken sample: one mis-keyed cell fails them.
func TestSampleIdentitiesDetectError(t *testing.T) {
	d := CaseA()
	d.Values[model.T05]["2240106"]["基本支出"] = "3.72" // 0.10 off
	rec := &recorder{}
	c := &identities{t: rec, d: d, spec: MustLoad()}
	c.checkAll()
	// R05.1 on the row, R05.2 on 22401 and X12/X13 catch it.
	if len(rec.failures) < 2 {
		t.Errorf("a 0.10 error in T05 2240106 gave %d failures: %q", len(rec.failures), rec.failures)
	}
}

func TestTolerance(t *testing.T) {
	for n, want := range map[int]string{1: "0.01", 2: "0.02", 3: "0.02", 4: "0.03", 8: "0.05", 26: "0.14"} {
		if got := tolerance(n).StringFixed(2); got != want {
			t.Errorf("tolerance(%d) = %s, want %s", n, got, want)
		}
	}
}

// Every figure of spec §7 the narratives state, verbatim.
func TestSampleFigures(t *testing.T) {
	type fig struct {
		id       model.TableID
		row, col string
		want     string
	}
	cases := map[string]struct {
		d    *Data
		figs []fig
	}{
		"A": {CaseA(), []fig{
			{model.T01, "收入总计", "决算数", "4126.63"},
			{model.T01, "本年收入合计", "决算数", "4113.55"},
			{model.T01, "使用非财政拨款结余", "决算数", "0.00"},
			{model.T01, "年初结转和结余", "决算数", "13.07"},
			{model.T01, "支出总计", "决算数", "4126.63"},
			{model.T01, "本年支出合计", "决算数", "4087.10"},
			{model.T01, "结余分配", "决算数", "0.00"},
			{model.T01, "年末结转和结余", "决算数", "39.53"},
			{model.T01, "一般公共预算财政拨款收入", "决算数", "4068.52"},
			{model.T01, "其他收入", "决算数", "45.04"},
			{model.T02, "合计", "本年收入合计", "4113.55"},
			{model.T02, "合计", "财政拨款收入", "4068.52"},
			{model.T02, "合计", "上级补助收入", "0.00"},
			{model.T02, "合计", "事业收入", "0.00"},
			{model.T02, "合计", "经营收入", "0.00"},
			{model.T02, "合计", "附属单位上缴收入", "0.00"},
			{model.T02, "合计", "其他收入", "45.04"},
			{model.T03, "合计", "本年支出合计", "4087.10"},
			{model.T03, "合计", "基本支出", "1755.39"},
			{model.T03, "合计", "项目支出", "2331.70"},
			{model.T03, "合计", "上缴上级支出", "0.00"},
			{model.T03, "合计", "经营支出", "0.00"},
			{model.T03, "合计", "对附属单位补助支出", "0.00"},
			{model.T04, "收入总计", "决算数", "4068.52"},
			{model.T04, "年初财政拨款结转和结余", "决算数", "0.00"},
			{model.T04, "本年收入合计", "决算数", "4068.52"},
			{model.T04, "支出总计", "合计", "4068.52"},
			{model.T04, "年末财政拨款结转和结余", "合计", "0.00"},
			{model.T04, "本年支出合计", "合计", "4068.52"},
			{model.T05, "合计", "合计", "4068.52"},
			{model.T05, "合计", "基本支出", "1754.76"},
			{model.T05, "合计", "项目支出", "2313.76"},
			{model.T05, "208", "合计", "180.66"},
			{model.T05, "210", "合计", "72.61"},
			{model.T05, "215", "合计", "500.00"},
			{model.T05, "221", "合计", "73.81"},
			{model.T05, "224", "合计", "3226.21"},
			{model.T05, "229", "合计", "15.23"},
			{model.T05, "2080501", "合计", "6.44"},
			{model.T05, "2080505", "合计", "116.21"},
			{model.T05, "2080506", "合计", "58.02"},
			{model.T05, "2101101", "合计", "40.08"},
			{model.T05, "2101102", "合计", "28.25"},
			{model.T05, "2101103", "合计", "3.82"},
			{model.T05, "2101199", "合计", "0.46"},
			{model.T05, "2150199", "合计", "500.00"},
			{model.T05, "2210201", "合计", "73.81"},
			{model.T05, "2240101", "合计", "896.32"},
			{model.T05, "2240106", "合计", "244.89"},
			{model.T05, "2240109", "合计", "1557.28"},
			{model.T05, "2240150", "合计", "527.73"},
			{model.T05, "2299999", "合计", "15.23"},
			{model.T06, "人员经费合计", "决算数", "1633.51"},
			{model.T06, "公用经费合计", "决算数", "121.25"},
			{model.T06, "30217", "决算数", "0.24"},
			{model.T06, "30231", "决算数", "10.90"},
			{model.T09, "三公经费", "预算数/合计", "18.40"},
			{model.T09, "三公经费", "预算数/因公出国（境）费", "7.26"},
			{model.T09, "三公经费", "预算数/公务用车购置及运行费", "10.90"},
			{model.T09, "三公经费", "预算数/公务用车购置费", "0.00"},
			{model.T09, "三公经费", "预算数/公务用车运行费", "10.90"},
			{model.T09, "三公经费", "预算数/公务接待费", "0.24"},
			{model.T09, "三公经费", "决算数/合计", "18.40"},
			{model.T09, "三公经费", "决算数/因公出国（境）费", "7.26"},
			{model.T09, "三公经费", "决算数/公务用车购置及运行费", "10.90"},
			{model.T09, "三公经费", "决算数/公务用车购置费", "0.00"},
			{model.T09, "三公经费", "决算数/公务用车运行费", "10.90"},
			{model.T09, "三公经费", "决算数/公务接待费", "0.24"},
		}},
		"C": {CaseC(), []fig{
			{model.T01, "一般公共预算财政拨款收入", "决算数", "307.82"},
			{model.T01, "本年收入合计", "决算数", "307.82"},
			{model.T01, "收入总计", "决算数", "307.82"},
			{model.T01, "201", "决算数", "264.87"},
			{model.T01, "208", "决算数", "10.82"},
			{model.T01, "210", "决算数", "2.71"},
			{model.T01, "221", "决算数", "29.42"},
			{model.T01, "本年支出合计", "决算数", "307.82"},
			{model.T01, "支出总计", "决算数", "307.82"},
			{model.T05, "合计", "基本支出", "105.58"},
			{model.T05, "合计", "项目支出", "202.24"},
			{model.T03, "201", "基本支出", "62.63"},
			{model.T03, "2013901", "基本支出", "51.32"},
			{model.T03, "2013950", "基本支出", "11.31"},
			{model.T03, "2013999", "项目支出", "202.24"},
			{model.T02, "2080505", "本年收入合计", "6.18"},
			{model.T02, "2210203", "本年收入合计", "11.72"},
			{model.T06, "301", "决算数", "95.36"},
			{model.T06, "303", "决算数", "0.00"},
			{model.T06, "302", "决算数", "10.23"},
			{model.T06, "310", "决算数", "0.00"},
			{model.T06, "30101", "决算数", "14.12"},
			{model.T06, "30299", "决算数", "0.20"},
			{model.T06, "人员经费合计", "决算数", "95.36"},
			{model.T06, "公用经费合计", "决算数", "10.23"},
		}},
	}
	for name, tc := range cases {
		for _, f := range tc.figs {
			got, ok := tc.d.Values[f.id][f.row][f.col]
			if !ok || !decimal.RequireFromString(got).Equal(decimal.RequireFromString(f.want)) {
				t.Errorf("case %s %s[%s].%s = %q (present %v), want %s", name, f.id, f.row, f.col, got, ok, f.want)
			}
		}
	}
	// The residues the narrative shows are kept, not smoothed away.
	a := CaseA()
	sum := func(id model.TableID, col string, rows ...string) string {
		s := decimal.Zero
		for _, r := range rows {
			s = s.Add(decimal.RequireFromString(a.Values[id][r][col]))
		}
		return s.StringFixed(2)
	}
	residues := []struct{ name, got, want string }{
		{"208 项", sum(model.T05, "合计", "2080501", "2080505", "2080506"), "180.67"},
		{"224 项", sum(model.T05, "合计", "2240101", "2240106", "2240109", "2240150"), "3226.22"},
		{"本年收入", sum(model.T01, "决算数", "一般公共预算财政拨款收入", "其他收入"), "4113.56"},
		{"收入总计", sum(model.T01, "决算数", "本年收入合计", "年初结转和结余"), "4126.62"},
		{"基本+项目", sum(model.T03, "本年支出合计", "合计") + "/" + decimal.RequireFromString(a.Values[model.T03]["合计"]["基本支出"]).Add(decimal.RequireFromString(a.Values[model.T03]["合计"]["项目支出"])).StringFixed(2), "4087.10/4087.09"},
		{"T03-T05 基本", decimal.RequireFromString(a.Values[model.T03]["合计"]["基本支出"]).Sub(decimal.RequireFromString(a.Values[model.T05]["合计"]["基本支出"])).StringFixed(2), "0.63"},
		{"T03-T05 项目", decimal.RequireFromString(a.Values[model.T03]["合计"]["项目支出"]).Sub(decimal.RequireFromString(a.Values[model.T05]["合计"]["项目支出"])).StringFixed(2), "17.94"},
	}
	for _, r := range residues {
		if r.got != r.want {
			t.Errorf("residue %s = %s, want %s", r.name, r.got, r.want)
		}
	}
}

func TestSampleNotes(t *testing.T) {
	s := MustLoad()
	a := CaseA()
	for _, id := range []model.TableID{model.T07, model.T08} {
		if len(a.Values[id]) != 0 {
			t.Errorf("case A %s has rows", id)
		}
		if n := a.EmptyNotes[id]; !s.Table(id).IsEmptyNote(n) {
			t.Errorf("case A %s note %q not recognised", id, n)
		}
	}
	c := CaseC()
	for _, id := range []model.TableID{model.T07, model.T08, model.T09} {
		if len(c.Values[id]) != 0 {
			t.Errorf("case C %s has rows", id)
		}
		if n := c.EmptyNotes[id]; !s.Table(id).IsEmptyNote(n) {
			t.Errorf("case C %s note %q not recognised", id, n)
		}
	}
}

// Names print for every code of the samples (a blank 科目名称 would be a
// sample defect).
func TestSampleNames(t *testing.T) {
	for name, d := range map[string]*Data{"A": CaseA(), "C": CaseC()} {
		var missing []string
		for _, id := range []model.TableID{model.T02, model.T03, model.T05} {
			for _, k := range d.Codes(id) {
				if d.Names[k] == "" {
					missing = append(missing, k)
				}
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("case %s: no name for %v", name, missing)
		}
	}
}

func TestParseDataErrors(t *testing.T) {
	cases := map[string]string{
		"yaml":          "tables: [",
		"unknown table": "tables:\n  T10: {columns: [x], rows: {}}\n",
		"unknown col":   "tables:\n  T05: {columns: [合计x], rows: {}}\n",
		"count":         "tables:\n  T05: {columns: [合计, 基本支出], rows: {\"201\": [1]}}\n",
		"not a number":  "tables:\n  T05: {columns: [合计], rows: {\"201\": [1.2.3]}}\n",
	}
	for name, doc := range cases {
		if _, err := ParseData([]byte(doc)); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
	d, err := ParseData([]byte("unit_name: x\ntables:\n  T05: {columns: [合计, 基本支出], rows: {\"201\": [\"1.50\", \"\"]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Unit != model.Wan || d.Values[model.T05]["201"]["合计"] != "1.50" {
		t.Errorf("parsed %+v", d)
	}
	if _, ok := d.Values[model.T05]["201"]["基本支出"]; ok {
		t.Error("blank value should be absent")
	}
}
