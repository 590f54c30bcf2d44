package narrative

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

var update = flag.Bool("update", false, "rewrite the goldens under testdata")

var (
	caseAOnce sync.Once
	caseAWB   *model.Workbook
	caseAErr  error
)

// caseA is the Case A workbook as the reader sees it (templates.CaseA()
// written and read back).
func caseA(t testing.TB) *model.Workbook {
	t.Helper()
	caseAOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
			caseAErr = err
			return
		}
		caseAWB, _, caseAErr = reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	})
	if caseAErr != nil {
		t.Fatal(caseAErr)
	}
	return caseAWB
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./narrative -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden (go test ./narrative -run %s -update, then review the diff)\n%s", name, t.Name(), diffLines(string(want), got))
	}
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < max(len(w), len(g)) && n < 20; i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			fmt.Fprintf(&b, "line %d\n- %s\n+ %s\n", i+1, a, c)
			n++
		}
	}
	return b.String()
}

// figureGolden lists every figure: paragraph, offsets, the figure, its
// meaning, cell and verdict (no sentence of the seed is copied).
func figureGolden(an *Analysis) string {
	var b strings.Builder
	b.WriteString("# 段 | 起止(字) | 数字 | 节 | 含义 | 单元格 | 核对\n")
	for _, f := range an.Figures {
		meaning := f.Name
		if f.Role != "" {
			meaning = "(" + f.Role + ")"
			if f.Subject >= 0 {
				s := an.Figures[f.Subject]
				meaning += "→" + s.Raw
			}
		}
		if meaning == "" {
			meaning = "—"
		}
		cell := "-"
		if f.Cell != nil {
			cell = fmt.Sprintf("%s[%s,%s]", f.Cell.Table, f.Cell.Row, f.Cell.Col)
		}
		verdict := f.Verdict
		if f.Against != "" && verdict != "一致" {
			verdict += " " + f.Against
		}
		fmt.Fprintf(&b, "%d | %d-%d | %s | %s | %s | %s | %s\n", f.Para, f.Start, f.End, f.Raw, f.Section, meaning, cell, verdict)
	}
	return b.String()
}

func findingGolden(fs []model.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		loc := ""
		if n := f.Narrative; n != nil {
			if n.Table > 0 {
				loc = fmt.Sprintf("表%d 行%d 列%d +%d", n.Table, n.Row, n.Col, n.Offset)
			} else {
				loc = fmt.Sprintf("段%d +%d", n.Paragraph, n.Offset)
			}
		}
		cell := ""
		if f.Cell != "" {
			cell = " " + f.Sheet + "!" + f.Cell
		}
		fmt.Fprintf(&b, "%s %s [%s]%s %s\n", f.Rule, f.Severity, loc, cell, f.Message)
	}
	return b.String()
}

func count(fs []model.Finding, sev model.Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == sev {
			n++
		}
	}
	return n
}

func TestSeedCaseA(t *testing.T) {
	doc := seedDoc(t)
	an := Analyze(doc, caseA(t))
	golden(t, "seed_figures.golden", figureGolden(an))
	golden(t, "seed_findings.golden", findingGolden(an.Findings))
	if n := count(an.Findings, model.SevError); n != 0 {
		t.Errorf("%d errors on the seed with Case A:\n%s", n, findingGolden(an.Findings))
	}
}
