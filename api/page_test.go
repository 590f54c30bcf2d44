package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
)

// TestCheckGrid: ?grid=true gives each finding the grid of its table as
// printed (title, number, row codes and names, headers, values), its cell
// the suspect, the other cells of the identity operands; without it the
// report is as before (no grids) and fingerprints are the same either way.
func TestCheckGrid(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	changed, where := changedSample(t)
	post := func(q string) model.Report {
		body, ct := multipartBody(t, map[string]namedFile{"file": {"x.xlsx", changed}}, nil)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/check"+q, body)
		req.Header.Set("Content-Type", ct)
		rec := do(h, req)
		if rec.Code != 200 {
			t.Fatalf("check%s: %d %s", q, rec.Code, rec.Body)
		}
		if q == "" && strings.Contains(rec.Body.String(), `"grids"`) {
			t.Errorf("grids in a report that did not ask for them")
		}
		return decodeReport(t, rec.Body.Bytes())
	}
	plain, withGrid := post(""), post("?grid=true")
	if len(plain.Findings) != len(withGrid.Findings) {
		t.Fatalf("%d findings without grid, %d with", len(plain.Findings), len(withGrid.Findings))
	}
	for i := range plain.Findings {
		if plain.Findings[i].Fingerprint != withGrid.Findings[i].Fingerprint {
			t.Errorf("finding %d: fingerprint %s without grid, %s with", i, plain.Findings[i].Fingerprint, withGrid.Findings[i].Fingerprint)
		}
	}
	var f *model.Finding
	for i := range withGrid.Findings {
		if withGrid.Findings[i].Severity == model.SevError && len(withGrid.Findings[i].Suspects) > 0 {
			f = &withGrid.Findings[i]
			break
		}
	}
	if f == nil {
		t.Fatalf("the changed sample (%s) has no error with suspects", where)
	}
	if len(f.Grids) == 0 {
		t.Fatalf("error %s %s!%s has no grid", f.Rule, f.Sheet, f.Cell)
	}
	g := f.Grids[0]
	if g.Title == "" || !strings.Contains(g.Title, "表") || g.Number == "" || g.Sheet == "" || len(g.Rows) == 0 || len(g.Columns) == 0 {
		t.Errorf("grid head %+v", g)
	}
	if len(g.Rows) > gridRowsCap || len(g.Columns) > gridColsCap {
		t.Errorf("grid %d×%d beyond its bounds", len(g.Rows), len(g.Columns))
	}
	roles := map[model.GridRole]int{}
	for _, r := range g.Rows {
		if r.Label == "" || len(r.Cells) != len(g.Columns) {
			t.Errorf("row %+v: want a name and one cell per column", r)
		}
		for _, c := range r.Cells {
			roles[c.Role]++
			if c.Role == model.RoleSuspect {
				ok := false
				for _, s := range f.Suspects {
					ok = ok || (s.Cell == c.Cell && s.Sheet == g.Sheet)
				}
				ok = ok || c.Cell == f.Cell
				if !ok {
					t.Errorf("suspect %s is neither the finding's cell nor a named suspect", c.Cell)
				}
			}
			if !c.Blank && c.Raw == "" && c.Value == "" {
				t.Errorf("cell %s has no value", c.Cell)
			}
		}
	}
	if roles[model.RoleSuspect] == 0 || roles[model.RoleOperand] == 0 || roles[""] == 0 {
		t.Errorf("roles %v: want suspects, operands and context cells", roles)
	}
	// The table's number as printed, in tables[] too.
	for _, tr := range withGrid.Tables {
		if tr.Number == "" || strings.HasPrefix(tr.Title, "T0") {
			t.Errorf("table %+v: want its printed number and title", tr)
		}
	}
}

const (
	gridRowsCap = 16
	gridColsCap = 8
)

// TestFillExplanations: 审核说明 typed outside the workbook (the page's
// boxes), sent as the multipart field explanations, land in the annotated
// workbook's 审核结果 sheet beside their finding, count as explained (the
// status turns 通过), and a re-upload of that workbook keeps them.
func TestFillExplanations(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	fx := fixtures(t)
	rec := do(h, func() *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(fx.sample))
		req.Header.Set("Content-Type", XLSXType)
		return req
	}())
	rep := decodeReport(t, rec.Body.Bytes())
	if rep.Status != "warn" {
		t.Fatalf("sample status %s, want warn (it has a 提示)", rep.Status)
	}
	expl := map[string]string{}
	for _, f := range rep.Findings {
		if f.Severity == model.SevWarning {
			expl[f.Fingerprint] = "安全监管的基本支出为派驻人员经费，已核实。"
		}
	}
	js, _ := json.Marshal(expl)
	body, ct := multipartBody(t, map[string]namedFile{"file": {"单位.xlsx", fx.sample}}, map[string]string{"explanations": string(js)})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/fill", body)
	req.Header.Set("Content-Type", ct)
	rec = do(h, req)
	if rec.Code != 200 {
		t.Fatalf("fill: %d %s", rec.Code, rec.Body)
	}
	if s := rec.Header().Get(HeaderStatus); s != "pass" {
		t.Errorf("status %s with every 提示 explained, want pass", s)
	}
	texts := resultsExplanations(t, rec.Body.Bytes())
	for fp, want := range expl {
		if texts[fp] != want {
			t.Errorf("审核结果 row of %s: 审核说明 %q, want %q", fp, texts[fp], want)
		}
	}
	// The annotated copy uploaded again carries its explanations.
	req = httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(rec.Body.Bytes()))
	req.Header.Set("Content-Type", XLSXType)
	if again := decodeReport(t, do(h, req).Body.Bytes()); again.Status != "pass" || again.Summary.Explained != len(expl) {
		t.Errorf("re-upload: status %s, %d explained, want pass and %d", again.Status, again.Summary.Explained, len(expl))
	}
}

// resultsExplanations reads the 审核结果 sheet: fingerprint -> 审核说明.
func resultsExplanations(t *testing.T, data []byte) map[string]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(annotate.ResultsSheet)
	if err != nil {
		t.Fatal(err)
	}
	fpCol, exCol := -1, -1
	out := map[string]string{}
	for _, r := range rows {
		if fpCol < 0 {
			for i, h := range r {
				switch strings.TrimSpace(h) {
				case "指纹":
					fpCol = i
				case "审核说明":
					exCol = i
				}
			}
			continue
		}
		if fpCol < len(r) && exCol >= 0 && exCol < len(r) {
			out[r[fpCol]] = r[exCol]
		}
	}
	if fpCol < 0 || exCol < 0 {
		t.Fatalf("审核结果 has no 指纹/审核说明 header: %v", rows[:min(6, len(rows))])
	}
	return out
}

// TestExplanationsRefused: a malformed explanations field is a 400 with a
// Chinese detail naming what is wrong, never a 500.
func TestExplanationsRefused(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	fx := fixtures(t)
	long := strings.Repeat("说", maxExplanationRunes+1)
	many := map[string]string{}
	for i := 0; i <= maxExplanations; i++ {
		many[strings.Repeat("0", 12)+strings.Repeat("0", 4-len(itoa4(i)))+itoa4(i)] = "x"
	}
	manyJS, _ := json.Marshal(many)
	for _, tc := range []struct{ name, value, want string }{
		{"not json", "审核说明", "JSON 对象"},
		{"array", `["a"]`, "JSON 对象"},
		{"bad key", `{"R05.3":"x"}`, "不是审核结果的指纹"},
		{"too long", `{"0123456789abcdef":"` + long + `"}`, "过长"},
		{"control", `{"0123456789abcdef":"a\u0007b"}`, "控制字符"},
		{"too many", string(manyJS), "过多"},
		{"too big", `{"0123456789abcdef":"` + strings.Repeat("a", maxExplanationsBytes) + `"}`, "过大"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartBody(t, map[string]namedFile{"file": {"x.xlsx", fx.sample}}, map[string]string{"explanations": tc.value})
			req := httptest.NewRequest(http.MethodPost, "/api/v1/fill", body)
			req.Header.Set("Content-Type", ct)
			rec := do(h, req)
			if rec.Code != 400 {
				t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
			}
			if p := decodeProblem(t, rec); p.Code != model.EInvalid || !strings.Contains(p.Detail, tc.want) {
				t.Errorf("problem %s %q, want invalid with %q", p.Code, p.Detail, tc.want)
			}
		})
	}
}

func itoa4(i int) string {
	const hex = "0123456789abcdef"
	s := ""
	for ; i > 0; i /= 16 {
		s = string(hex[i%16]) + s
	}
	if s == "" {
		s = "0"
	}
	return s
}

// TestMarkRounding: by default 尾差 cells get no colour and no note in the
// annotated workbook (listed in 审核结果 only); ?mark_rounding=true marks them.
func TestMarkRounding(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	fx := fixtures(t)
	for _, tc := range []struct {
		query string
		mark  bool
	}{{"", false}, {"?mark_rounding=true", true}} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/fill"+tc.query, bytes.NewReader(fx.sample))
		req.Header.Set("Content-Type", XLSXType)
		rec := do(h, req)
		if rec.Code != 200 {
			t.Fatalf("fill%s: %d %s", tc.query, rec.Code, rec.Body)
		}
		req = httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(fx.sample))
		req.Header.Set("Content-Type", XLSXType)
		rep := decodeReport(t, do(h, req).Body.Bytes())
		snap, err := xlsxtest.TakeSnapshot(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		others := map[string]bool{}
		for _, f := range rep.Findings {
			if f.Severity != model.SevInfo {
				others[f.Sheet+"!"+f.Cell] = true
			}
		}
		infos, marked, noted := 0, 0, 0
		for _, f := range rep.Findings {
			k := f.Sheet + "!" + f.Cell
			if f.Severity != model.SevInfo || others[k] {
				continue
			}
			infos++
			if strings.Contains(snap.Cells[k].Fill, xlsx.MarkColor(xlsx.MarkInfo)) {
				marked++
			}
			if strings.Contains(snap.Comments[k], "[尾差]") {
				noted++
			}
		}
		want := 0
		if tc.mark {
			want = infos
		}
		if infos == 0 || marked != want || noted != want {
			t.Errorf("fill%s: %d 尾差 cells, %d green, %d noted; want %d", tc.query, infos, marked, noted, want)
		}
		if n := strings.Count(strings.Join(snapResults(snap), "\n"), "尾差"); n < infos {
			t.Errorf("fill%s: 审核结果 mentions 尾差 %d times, want every one of %d listed", tc.query, n, infos)
		}
	}
}

func snapResults(s *xlsxtest.Snapshot) []string {
	var out []string
	for k, c := range s.Cells {
		if strings.HasPrefix(k, annotate.ResultsSheet+"!B") {
			out = append(out, c.Value)
		}
	}
	return out
}

// changedFixture is the sample with one wrong figure (errors with suspects).
func changedFixture(t testing.TB) []byte {
	b, _ := changedSample(t)
	return b
}

// TestNarrativeGrid: with ?grid=true a narrative finding that names the
// table cell its figure is compared with carries that table's grid (the
// cell outlined, not blamed: the narrative may be the wrong one).
func TestNarrativeGrid(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	fx := fixtures(t)
	seed, err := os.ReadFile(filepath.Join("..", "..", "shared", "seeds", "000_a0b1eb271cefa8f5.txt"))
	if err != nil {
		t.Fatalf("Case A narrative: %v", err)
	}
	narr := strings.Replace(string(seed), "本年收入合计4,113.55万元", "本年收入合计4,118.55万元", 1)
	body, ct := multipartBody(t, map[string]namedFile{"file": {"x.xlsx", fx.sample}, "narrative": {"说明.txt", []byte(narr)}}, nil)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/check?grid=true", body)
	req.Header.Set("Content-Type", ct)
	rec := do(h, req)
	if rec.Code != 200 {
		t.Fatalf("check: %d %s", rec.Code, rec.Body)
	}
	found := false
	for _, f := range decodeReport(t, rec.Body.Bytes()).Findings {
		if f.Narrative == nil || f.Cell == "" || !strings.Contains(f.Narrative.Quote, "4,118.55") {
			continue
		}
		found = true
		if len(f.Grids) == 0 {
			t.Fatalf("narrative finding %s on %s!%s has no grid", f.Rule, f.Sheet, f.Cell)
		}
		roles := map[model.GridRole]int{}
		for _, r := range f.Grids[0].Rows {
			for _, c := range r.Cells {
				if c.Cell == f.Cell {
					roles[c.Role]++
				}
			}
		}
		if roles[model.RoleOperand] != 1 || roles[model.RoleSuspect] != 0 {
			t.Errorf("the compared cell %s in the grid: roles %v, want outlined once, not suspect", f.Cell, roles)
		}
	}
	if !found {
		t.Fatal("no narrative finding quotes the changed figure 4,118.55 with a table cell")
	}
}
