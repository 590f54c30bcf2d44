package check

// Fuzz targets of issue 7 for the rule-expression parser. CI runs each for
// a short fixed time (.ci/run); a crash the fuzzer finds is saved under
// testdata/fuzz/<Target>/ and replays as a regression test on every
// `go test`.

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/juesuan/juesuan/hostile"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// fuzzRuleSeeds returns the embedded rule files whole and one block per rule.
func fuzzRuleSeeds() []string {
	var out []string
	for _, name := range templates.RuleFileNames() {
		src := string(templates.RuleFiles()[name])
		out = append(out, src)
		var block strings.Builder
		for _, line := range strings.Split(src, "\n") {
			if line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && block.Len() > 0 {
				out = append(out, block.String())
				block.Reset()
			}
			if line != "" && line[0] != '#' {
				block.WriteString(line + "\n")
			}
		}
		if block.Len() > 0 {
			out = append(out, block.String())
		}
	}
	return out
}

// format writes parsed rules back in the rule-file notation.
func fuzzFormat(rules []*Rule) string {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(r.ID + " " + string(r.Severity) + " " + r.Class)
		if r.Fill {
			b.WriteString(" fill")
		}
		b.WriteString(` "` + r.Message + "\"\n")
		for _, l := range strings.Split(r.Expr, "\n") {
			b.WriteString("    " + l + "\n")
		}
		if r.When != "" {
			b.WriteString("    when " + r.When + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

var (
	fuzzWBOnce sync.Once
	fuzzWB     *model.Workbook
)

// fuzzCaseA is Case A as the reader models it, for running fuzzed
// rules against real cells.
func fuzzCaseA(t *testing.T) *model.Workbook {
	fuzzWBOnce.Do(func() {
		wb, book, err := reader.Read(bytes.NewReader(hostile.Good()), reader.Options{})
		if err != nil {
			return
		}
		book.Close()
		fuzzWB = wb
	})
	if fuzzWB == nil {
		t.Fatal("Case A does not read")
	}
	return fuzzWB
}

// FuzzParse fuzzes whole rule files: Parse never panics; what it accepts is
// well formed, prints back to text that parses to the same rules, and can
// be bound and checked against Case A without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzRuleSeeds() {
		f.Add(s)
	}
	f.Add("R1 error CERTAIN \"x\"\n    T01[a] = T01[b] + 1.5 - Σ T02[类, 本年收入合计]\n")
	f.Add("R2 warning USUAL \"y\"\n    for k in parents(T02), c in cols(T02): T02[k, c] = Σ T02[children(k), c] when T02[k, c] >= 0\n")
	f.Add("R3 info STRUCTURE \"z\"\n    empty(T07) <=> note(T07)\n")
	f.Add("R4 error CERTAIN \"lone angle\"\n    T01[a] < T01[b]\n")
	f.Fuzz(func(t *testing.T, src string) {
		var rules []*Rule
		var err error
		hostile.Bounded("Parse", 2*time.Second, 256<<20, func() { rules, err = Parse("fuzz.rules", []byte(src)) })
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, r := range rules {
			switch r.Severity {
			case model.SevError, model.SevWarning, model.SevInfo:
			default:
				t.Fatalf("rule %q with severity %q", r.ID, r.Severity)
			}
			if r.ID == "" || r.Expr == "" || len(r.clauses) == 0 {
				t.Fatalf("accepted an incomplete rule %+v", r)
			}
		}
		text := fuzzFormat(rules)
		var again []*Rule
		hostile.Bounded("Parse(printed)", 2*time.Second, 256<<20, func() { again, err = Parse("again.rules", []byte(text)) })
		if err != nil {
			t.Fatalf("printed rules do not parse: %v\n%s", err, text)
		}
		if len(again) != len(rules) {
			t.Fatalf("%d rules print back as %d", len(rules), len(again))
		}
		for i, r := range rules {
			a := again[i]
			if a.ID != r.ID || a.Severity != r.Severity || a.Class != r.Class || a.Fill != r.Fill ||
				a.Message != r.Message || a.Expr != r.Expr || a.When != r.When {
				t.Fatalf("round trip changed rule:\n%+v\n%+v", r, a)
			}
		}
		// Binding and evaluating arbitrary accepted rules must not panic
		// on a real workbook.
		wb := fuzzCaseA(t)
		hostile.Bounded("Bind+Check", 10*time.Second, 512<<20, func() {
			_ = Bind(rules, wb)
			_ = Check(wb, rules, Options{})
		})
	})
}

// FuzzParseClause fuzzes one formula line and one condition.
func FuzzParseClause(f *testing.F) {
	for _, s := range fuzzRuleSeeds() {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "    ") {
				f.Add(strings.TrimSpace(l))
			}
		}
	}
	f.Add("T01[本年收入合计] = T01[一般公共预算财政拨款收入] + 0.005")
	f.Add("上年.T01[收入总计] <= T01[收入总计] and 说明[T07] = 1")
	// Regression, found by this target: lex looped forever, appending
	// empty tokens, on a lone '<' or '>' (for k in parents(T06): … T06[0<[…).
	f.Add("T01[a] < T01[b]")
	f.Add("T01[a] > 0")
	f.Fuzz(func(t *testing.T, src string) {
		var cl, cl2 *clause
		var err, err2 error
		hostile.Bounded("parseClause", 2*time.Second, 256<<20, func() {
			cl, err = parseClause(src)
			cl2, err2 = parseClause(src)
		})
		if (err == nil) != (err2 == nil) {
			t.Fatalf("%q: not deterministic", src)
		}
		if err == nil {
			if cl == nil || cl2 == nil || cl.src != src {
				t.Fatalf("%q: accepted without a clause", src)
			}
			if cl.pred == nil && len(cl.sums) != len(cl.ops)+1 {
				t.Fatalf("%q: %d sums and %d operators", src, len(cl.sums), len(cl.ops))
			}
		}
		var cs []cond
		hostile.Bounded("parseCondSrc", 2*time.Second, 256<<20, func() { cs, err = parseCondSrc(src) })
		if err == nil && len(cs) == 0 {
			t.Fatalf("%q: condition accepted but empty", src)
		}
	})
}
