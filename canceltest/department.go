package canceltest

// department.go generates the department-sized workbook of issue 11 and
// issue 15: every 类/款/项 of the function catalog that the nine tables
// print, with data that satisfies every rule, so that a benchmark or a
// cancellation test on it measures the work of a correct workbook (fills
// and a clean report), not of thousands of error findings.

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/catalog"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// Department is the department workbook with every 款 of the catalog
// (DepartmentPart(t, 1)): 1,428 code rows in T02 and T03, 1,401 in T05
// and T07, 31,550 amount cells, every derived cell blank (7,912 fills).
func Department(t testing.TB) []byte { return DepartmentPart(t, 1) }

// DepartmentPart is the department workbook with every k-th 款 of the
// catalog (and all of its 项), the derived cells blank: about 1/k of the
// rows, cells and fills of Department. The T01 and T04 类 rows, though
// typed in real files, are blank too: fill pulls them from T03, T05 and
// T07, as for a unit that typed only its 项.
func DepartmentPart(t testing.TB, k int) []byte {
	t.Helper()
	b, err := DepartmentWorkbook(k, false)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// DepartmentFull is DepartmentPart with every cell written, derived ones
// included: the workbook before its fills were removed (0 error findings).
func DepartmentFull(t testing.TB, k int) []byte {
	t.Helper()
	b, err := DepartmentWorkbook(k, true)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// DepartmentWorkbook is DepartmentFull (whole) or DepartmentPart outside a
// test (the operation counter of audit's tests runs it as a program).
func DepartmentWorkbook(k int, whole bool) ([]byte, error) {
	d, opt := DepartmentData(k), templates.Options{}
	if !whole {
		d, opt = Blanked(d), templates.Options{OmitDerived: true}
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, opt); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Blanked is d without the T01 and T04 类 rows and 支出 totals (typed or
// derived, fill computes them from T03, T05, T07 and T08).
func Blanked(d *templates.Data) *templates.Data {
	for _, id := range []model.TableID{model.T01, model.T04} {
		for row := range d.Values[id] {
			if model.CodeLevel(row) > 0 || row == "本年支出合计" || row == "支出总计" {
				delete(d.Values[id], row)
			}
		}
	}
	return d
}

// basicSuffixes are the 项 where R05.3 expects 基本支出 (行政运行,
// 一般行政管理事务, 机关服务, 事业运行 and the personnel 款).
var basicSuffixes = []string{"01", "02", "03", "50"}

var basicKuan = []string{"20805", "21011", "22102"}

func basicAllowed(code string) bool {
	for _, p := range basicKuan {
		if strings.HasPrefix(code, p) {
			return true
		}
	}
	return len(code) == 7 && (contains(basicSuffixes, code[5:]))
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// money is an amount in integer cents (exact; no float arithmetic).
type money int64

func (m money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d.%02d", sign, m/100, m%100)
}

// row is the amounts of one code row of one table, by column key.
type row map[string]money

func (r row) add(o row) {
	for k, v := range o {
		r[k] += v
	}
}

// DepartmentData is the content of DepartmentFull(k): Case A's unit with
// every k-th 款 of the 2024 function catalog (under the 26 类 that T01 and
// T04 print), all of its 项 typed with random figures (seed 7):
//   - T05 (一般公共预算) every 项 outside 类 223, 基本支出 only where R05.3
//     expects it, 项目支出 elsewhere;
//   - T07 (政府性基金) the same 项, with carry-over (年初, 年末) and 本年收入
//     = 支出 + 年末 − 年初 per 项;
//   - T08 (国有资本经营) the 项 of 类 223;
//   - T03 = T05 + T07 + T08 + a non-fiscal part, T02 财政拨款收入 = the fiscal
//     income, 其他收入 = the non-fiscal part;
//   - every 款, 类, 合计 and row total computed; T01 and T04 from those;
//     T06 Case A's with the extra 基本支出 on four 款; T09 Case A's.
//
// Every CERTAIN rule holds exactly (no rounding residue).
func DepartmentData(k int) *templates.Data {
	if k < 1 {
		k = 1
	}
	d := templates.CaseA()
	spec := templates.MustLoad()
	printed := map[string]bool{}
	for _, c := range spec.Classes {
		printed[c.Code] = true
	}
	// The catalog's codes, one name each (the first of any candidates).
	cat := catalog.Default()
	names := map[string]string{}
	var codes []string
	for _, e := range cat.All() {
		if e.Code[0] != '2' || !printed[e.Code[:3]] {
			continue
		}
		if _, ok := names[e.Code]; !ok {
			names[e.Code] = e.Name
			codes = append(codes, e.Code)
		}
	}
	sort.Strings(codes)
	// Every k-th 款 with its 项; its 类 comes with it.
	var kuan []string
	for _, c := range codes {
		if len(c) == 5 {
			kuan = append(kuan, c)
		}
	}
	keep := map[string]bool{}
	for i, c := range kuan {
		if i%k == 0 {
			keep[c] = true
			keep[c[:3]] = true
		}
	}
	var rows []string // every printed code, depth-first
	for _, c := range codes {
		if keep[c] || (len(c) == 7 && keep[c[:5]]) {
			rows = append(rows, c)
		}
	}
	hasChild := map[string]bool{}
	for _, c := range rows {
		if len(c) > 3 {
			hasChild[c[:len(c)-2]] = true
		}
	}

	rng := rand.New(rand.NewSource(7))
	amount := func(max int64) money { return money(rng.Int63n(max * 100)) }
	tables := map[model.TableID]map[string]row{
		model.T02: {}, model.T03: {}, model.T05: {}, model.T07: {}, model.T08: {},
	}
	for _, c := range rows {
		if hasChild[c] {
			continue
		}
		// The leaves: typed figures, then the row totals.
		var gen, fund, capital row
		if c[:3] == "223" {
			p := amount(3000)
			capital = row{"项目支出": p, "本年收入": p}
		} else {
			gen = row{"项目支出": amount(5000)}
			if basicAllowed(c) {
				gen["基本支出"] = amount(2000)
			}
			fund = row{"项目支出": amount(800)}
			if rng.Intn(3) == 0 {
				// 年初 at most 支出 + 年末, so 本年收入 is not negative.
				fund["年末结转和结余"] = amount(50)
				fund["年初结转和结余"] = min(amount(50), fund["项目支出"]+fund["年末结转和结余"])
			}
		}
		nonfiscal := row{"项目支出": amount(100)}
		if basicAllowed(c) {
			nonfiscal["基本支出"] = amount(40)
		}
		t03 := row{}
		for _, part := range []row{gen, fund, capital, nonfiscal} {
			t03.add(row{"基本支出": part["基本支出"], "项目支出": part["项目支出"]})
		}
		t03["本年支出合计"] = t03["基本支出"] + t03["项目支出"]
		fiscal := money(0)
		if gen != nil {
			gen["合计"] = gen["基本支出"] + gen["项目支出"]
			tables[model.T05][c] = gen
			fiscal += gen["合计"]
		}
		for id, r := range map[model.TableID]row{model.T07: fund, model.T08: capital} {
			if r == nil {
				continue
			}
			r["本年支出小计"] = r["基本支出"] + r["项目支出"]
			if _, ok := r["本年收入"]; !ok {
				r["本年收入"] = r["本年支出小计"] + r["年末结转和结余"] - r["年初结转和结余"]
			}
			tables[id][c] = r
			fiscal += r["本年收入"]
		}
		other := nonfiscal["基本支出"] + nonfiscal["项目支出"]
		tables[model.T03][c] = t03
		tables[model.T02][c] = row{"财政拨款收入": fiscal, "其他收入": other, "本年收入合计": fiscal + other}
	}
	// 款, 类 and 合计: the sums of their children, column by column.
	for _, rs := range tables {
		for i := len(rows) - 1; i >= 0; i-- {
			c := rows[i]
			r, ok := rs[c]
			if !ok {
				continue
			}
			for _, p := range []string{c[:len(c)-2], "合计"} {
				if len(c) == 3 && p != "合计" {
					continue
				}
				if len(c) > 3 && p == "合计" {
					continue
				}
				if rs[p] == nil {
					rs[p] = row{}
				}
				rs[p].add(r)
			}
		}
	}
	d.Names = map[string]string{}
	for _, c := range rows {
		d.Names[c] = names[c]
	}
	for id, rs := range tables {
		vals := map[string]map[string]string{}
		for key, r := range rs {
			if hasChild[key] || key == "合计" {
				// A sum row: every column, zeros included (the derived
				// cells of the full workbook are all written).
				for _, c := range spec.Table(id).Columns {
					r[c.Key] += 0
				}
			}
			m := map[string]string{}
			for col, v := range r {
				if v != 0 || hasChild[key] || key == "合计" || derivedCol[col] {
					m[col] = v.String()
				}
			}
			vals[key] = m
		}
		d.Values[id] = vals
	}

	t05, t07, t08 := tables[model.T05]["合计"], tables[model.T07]["合计"], tables[model.T08]["合计"]
	t03, t02 := tables[model.T03]["合计"], tables[model.T02]["合计"]
	d.EmptyNotes = map[model.TableID]string{}
	for id, r := range map[model.TableID]row{model.T07: t07, model.T08: t08} {
		if r == nil {
			d.EmptyNotes[id] = templates.CaseA().EmptyNotes[id]
			delete(d.Values, id)
		}
	}

	// T01: income from T02/T04, expenditure by 类 from T03.
	t01 := map[string]money{
		"一般公共预算财政拨款收入":   t05["合计"],
		"政府性基金预算财政拨款收入":  t07["本年收入"],
		"国有资本经营预算财政拨款收入": t08["本年收入"],
		"其他收入":    t02["其他收入"],
		"年初结转和结余": t07["年初结转和结余"] + t08["年初结转和结余"],
		"本年支出合计":  t03["本年支出合计"],
		"年末结转和结余": t07["年末结转和结余"] + t08["年末结转和结余"],
	}
	t01["本年收入合计"] = t02["本年收入合计"]
	t01["收入总计"] = t01["本年收入合计"] + t01["年初结转和结余"]
	t01["支出总计"] = t01["本年支出合计"] + t01["年末结转和结余"]
	for _, cl := range spec.Classes {
		if r, ok := tables[model.T03][cl.Code]; ok {
			t01[cl.Code] = r["本年支出合计"]
		}
	}
	d.Values[model.T01] = map[string]map[string]string{}
	for _, key := range []string{"上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "使用非财政拨款结余", "结余分配"} {
		t01[key] = 0
	}
	for key, v := range t01 {
		d.Values[model.T01][key] = map[string]string{"决算数": v.String()}
	}

	// T04: the three funds' income, carry-over and 类 rows.
	t04 := map[string]map[string]money{
		"一般公共预算财政拨款":      {"决算数": t05["合计"]},
		"政府性基金预算财政拨款":     {"决算数": t07["本年收入"]},
		"国有资本经营预算财政拨款":    {"决算数": t08["本年收入"]},
		"年初/一般公共预算财政拨款":   {"决算数": 0},
		"年初/政府性基金预算财政拨款":  {"决算数": t07["年初结转和结余"]},
		"年初/国有资本经营预算财政拨款": {"决算数": t08["年初结转和结余"]},
	}
	t04["本年收入合计"] = map[string]money{"决算数": t05["合计"] + t07["本年收入"] + t08["本年收入"]}
	t04["年初财政拨款结转和结余"] = map[string]money{"决算数": t07["年初结转和结余"] + t08["年初结转和结余"]}
	t04["收入总计"] = map[string]money{"决算数": t04["本年收入合计"]["决算数"] + t04["年初财政拨款结转和结余"]["决算数"]}
	side := func(g, f, c money) map[string]money {
		return map[string]money{"一般公共预算财政拨款": g, "政府性基金预算财政拨款": f, "国有资本经营预算财政拨款": c, "合计": g + f + c}
	}
	for _, cl := range spec.Classes {
		g, f, c := tables[model.T05][cl.Code]["合计"], tables[model.T07][cl.Code]["本年支出小计"], tables[model.T08][cl.Code]["本年支出小计"]
		if _, ok := tables[model.T03][cl.Code]; ok {
			t04[cl.Code] = side(g, f, c)
		}
	}
	t04["本年支出合计"] = side(t05["合计"], t07["本年支出小计"], t08["本年支出小计"])
	t04["年末财政拨款结转和结余"] = side(0, t07["年末结转和结余"], t08["年末结转和结余"])
	t04["支出总计"] = side(t05["合计"], t07["本年支出小计"]+t07["年末结转和结余"], t08["本年支出小计"]+t08["年末结转和结余"])
	d.Values[model.T04] = map[string]map[string]string{}
	for key, cols := range t04 {
		m := map[string]string{}
		for col, v := range cols {
			m[col] = v.String()
		}
		d.Values[model.T04][key] = m
	}

	// T06: Case A's 款 with the extra 基本支出 of the department spread
	// over four of them, so that 人员经费合计 + 公用经费合计 = T05 基本支出
	// (X12) while the 三公 items (X19) keep Case A's figures.
	t06 := map[string]money{}
	total := money(0)
	for code, s := range d.Values[model.T06] {
		if len(code) == 5 {
			t06[code] = parseMoney(s["决算数"])
			total += t06[code]
		}
	}
	extra := t05["基本支出"] - total
	if extra < 0 {
		panic(fmt.Sprintf("department: T05 基本支出 %v under Case A's T06 %v", t05["基本支出"], total))
	}
	shares := []struct {
		code string
		part money // tenths
	}{{"30101", 4}, {"30102", 3}, {"30107", 2}, {"30201", 1}}
	given := money(0)
	for i, s := range shares {
		v := extra * s.part / 10
		if i == len(shares)-1 {
			v = extra - given
		}
		t06[s.code] += v
		given += v
	}
	for _, cl := range []string{"301", "302", "303", "310"} {
		t06[cl] = 0
		for code, v := range t06 {
			if len(code) == 5 && code[:3] == cl {
				t06[cl] += v
			}
		}
	}
	t06["人员经费合计"] = t06["301"] + t06["303"]
	t06["公用经费合计"] = t06["302"] + t06["310"]
	d.Values[model.T06] = map[string]map[string]string{}
	for key, v := range t06 {
		d.Values[model.T06][key] = map[string]string{"决算数": v.String()}
	}
	return d
}

// derivedCol are the row-total columns: written even when zero, like the
// 款 and 类 rows, so the full workbook has every derived cell.
var derivedCol = map[string]bool{"本年收入合计": true, "本年支出合计": true, "合计": true, "本年支出小计": true}

func parseMoney(s string) money {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		panic(err) // Case A's figures are embedded and tested
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		panic(err)
	}
	m := money(w*100 + f)
	if neg {
		m = -m
	}
	return m
}

// ForceFallback is data with a Strict OOXML namespace declared (unused) on
// its workbook part: the direct annotator leaves such a workbook to the
// excelize path, whose cost (the 审核结果 sheet, notes and styles through
// excelize) the per-cell measures then take on the same content.
func ForceFallback(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	edited := false
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		part, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if zf.Name == "xl/workbook.xml" {
			const root = "<workbook "
			if !bytes.Contains(part, []byte(root)) {
				return nil, fmt.Errorf("xl/workbook.xml without %q", root)
			}
			part = bytes.Replace(part, []byte(root), []byte(root+`xmlns:strict="http://purl.oclc.org/ooxml/spreadsheetml/main" `), 1)
			edited = true
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(part); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if !edited {
		return nil, fmt.Errorf("no xl/workbook.xml")
	}
	return buf.Bytes(), nil
}
