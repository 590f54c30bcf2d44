package check

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// sample writes a case's workbook with the template writer and returns the
// writer's model and the model the reader reads back from the file.
func sample(t testing.TB, d *templates.Data, opt templates.Options) (written, read *model.Workbook) {
	t.Helper()
	var buf bytes.Buffer
	w, err := templates.Write(&buf, d, opt)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w, r
}

var (
	caseAOnce sync.Once
	caseABuf  []byte
)

// caseARead returns a fresh read-back model of the Case A sample (the file
// is generated once; each call re-reads it so tests may mutate the model).
func caseARead(t testing.TB) *model.Workbook {
	t.Helper()
	caseAOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
			t.Fatal(err)
		}
		caseABuf = buf.Bytes()
	})
	wb, _, err := reader.Read(bytes.NewReader(caseABuf), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// infoKeys lists the info findings as "rule table row/col" of their first
// operand (the total), sorted.
func infoKeys(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity != model.SevInfo || len(f.Cells) == 0 {
			continue
		}
		c := f.Cells[0]
		out = append(out, f.Rule+" "+string(c.Table)+" "+c.Row+"/"+c.Col)
	}
	sort.Strings(out)
	return out
}

func countSev(fs []model.Finding, s model.Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Case A (spec §7): the 尾差 of S1 — 208 (20805 = Σ项), 224 (22401 = Σ项,
// carried into T02/T03/T05 and their columns), 本年收入合计 (4,068.52 +
// 45.04), 收入总计 (4,113.55 + 13.07, hence also R01.6) and 基本 + 项目 —
// and nothing else.
var caseAInfos = []string{
	"R01.1 T01 本年收入合计/决算数",
	"R01.2 T01 收入总计/决算数",
	"R01.6 T01 年末结转和结余/决算数",
	"R02.1 T02 合计/本年收入合计",
	"R02.2 T02 合计/本年收入合计",
	"R02.3 T02 20805/本年收入合计",
	"R02.3 T02 20805/财政拨款收入",
	"R02.3 T02 22401/本年收入合计",
	"R02.3 T02 22401/财政拨款收入",
	"R03.1 T03 224/本年支出合计",
	"R03.1 T03 22401/本年支出合计",
	"R03.1 T03 合计/本年支出合计",
	"R03.2 T03 20805/基本支出",
	"R03.2 T03 20805/本年支出合计",
	"R03.2 T03 22401/基本支出",
	"R03.2 T03 22401/项目支出",
	"R05.2 T05 20805/合计",
	"R05.2 T05 20805/基本支出",
	"R05.2 T05 22401/合计",
	"R05.2 T05 22401/基本支出",
	"R05.2 T05 22401/项目支出",
}

// Case C (spec §7): X12 95.36 + 10.23 = 105.59 vs 105.58 and Σ302 = 10.22
// vs 10.23.
var caseCInfos = []string{
	"R06.1 T06 302/决算数",
	"X12 T05 合计/基本支出",
}

func TestSamples(t *testing.T) {
	rules := mustRules(t)
	aw, ar := sample(t, templates.CaseA(), templates.Options{})
	_, as := sample(t, templates.CaseA(), templates.Options{Style: model.StyleShanghai})
	cw, cr := sample(t, templates.CaseC(), templates.Options{Style: model.StyleShanghai})
	_, cm := sample(t, templates.CaseC(), templates.Options{Style: model.StyleMOF})
	tests := []struct {
		name     string
		wb       *model.Workbook
		infos    []string
		warnings []string
	}{
		// The sample puts 基本支出 3.62 in 2240106 安全监管: a hint, not an error.
		{"A written", aw, caseAInfos, []string{"R05.3"}},
		{"A read", ar, caseAInfos, []string{"R05.3"}},
		{"A read shanghai", as, caseAInfos, []string{"R05.3"}},
		{"C fixture", caseC(), caseCInfos, nil},
		{"C written", cw, caseCInfos, nil},
		{"C read", cr, caseCInfos, nil},
		{"C read mof", cm, caseCInfos, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Check(tt.wb, rules, Options{})
			if n := countSev(fs, model.SevError); n != 0 {
				t.Errorf("%d errors: %v", n, summarize(fs))
			}
			if got := infoKeys(fs); strings.Join(got, "\n") != strings.Join(tt.infos, "\n") {
				t.Errorf("infos:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.infos, "\n"))
			}
			var warns []string
			for _, f := range fs {
				if f.Severity == model.SevWarning {
					warns = append(warns, f.Rule)
				}
			}
			sort.Strings(warns)
			if strings.Join(warns, ",") != strings.Join(tt.warnings, ",") {
				t.Errorf("warnings %v, want %v", warns, tt.warnings)
			}
			for _, f := range fs {
				if f.Fingerprint == "" || f.Sheet == "" || f.Cell == "" || f.Tolerance == "" || len(f.Cells) == 0 {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

// TestPropertySingleCell: any single input (non-derived) cell of the
// sample changed by more than the tolerance is reported as an error that
// names the cell.
func TestPropertySingleCell(t *testing.T) {
	rules := mustRules(t)
	wb := caseARead(t)
	var inputs []*model.Cell
	for _, tb := range wb.Located() {
		for _, c := range tb.Cells() {
			if !c.Derived {
				inputs = append(inputs, c)
			}
		}
	}
	if len(inputs) < 50 {
		t.Fatalf("only %d input cells in the sample", len(inputs))
	}
	rng := rand.New(rand.NewSource(20241231))
	for i := 0; i < 200; i++ {
		c := inputs[rng.Intn(len(inputs))]
		delta := decimal.New(int64(5+rng.Intn(100000)), -2) // 0.05 … 1000.04
		if rng.Intn(2) == 0 {
			delta = delta.Neg()
		}
		old := c.Value
		c.Value = old.Add(delta)
		fs := Check(wb, rules, Options{})
		c.Value = old
		found := false
		for _, f := range fs {
			if f.Severity == model.SevError && named([]model.Finding{f}, f.Rule, model.SevError, c.Sheet, c.Addr) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s!%s (%s %s/%s) %s%+s: no error names the cell; got %v", c.Sheet, c.Addr, c.Table, c.Row, c.Col, old, delta, summarize(fs))
		}
	}
}

func TestGoldenCaseA(t *testing.T) {
	wb := caseARead(t)
	fs := append(append([]model.Finding{}, wb.Findings...), Check(wb, mustRules(t), Options{})...)
	rep := model.NewReport(wb, fs, nil)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "casea.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("report differs from %s (run go test ./check -run Golden -update after checking the change)", path)
	}
	if rep.Status == "fail" {
		t.Errorf("sample status %s", rep.Status)
	}
}

func BenchmarkCheck(b *testing.B) {
	rules := mustRules(b)
	wb := caseARead(b)
	b.Run("bind+run", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			Check(wb, rules, Options{})
		}
	})
	c := NewChecker(wb, rules, Options{})
	b.Run("run", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c.Run()
		}
	})
	b.Run("load", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := Load(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
