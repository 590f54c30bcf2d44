package narrative

import (
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// TestPerformanceTables: the seed attaches one 整体 and 17 项目 tables (one
// split by a page break); the §4 sentence agrees with them.
func TestPerformanceTables(t *testing.T) {
	doc := seedDoc(t)
	an := Analyze(doc, nil)
	pts := an.perfTables()
	kinds := map[string]int{}
	for _, pt := range pts {
		kinds[pt.kind]++
	}
	if kinds["整体"] != 1 || kinds["项目"] != 17 {
		t.Fatalf("tables: %v", kinds)
	}
	for _, f := range an.Findings {
		if f.Rule == "N23" || f.Rule == "N22" || f.Rule == "N20" && f.Severity == model.SevError {
			t.Errorf("unexpected: %s", f.Message)
		}
	}
}

// TestPerformanceFaults: planted faults in the 绩效自评表 of a copy of the
// seed.
func TestPerformanceFaults(t *testing.T) {
	base := seedDoc(t)
	edit := func(table, row, col int, text string) *Document {
		cp := *base
		cp.Tables = append([]Table(nil), base.Tables...)
		rows := append([][]string(nil), cp.Tables[table].Rows...)
		r := append([]string(nil), rows[row]...)
		r[col] = text
		rows[row] = r
		cp.Tables[table].Rows = rows
		return &cp
	}
	whole := base.Tables[0]
	total := -1
	for ri, r := range whole.Rows {
		if len(r) > 1 && r[1] == "合计" {
			total = ri
		}
	}
	if total < 0 {
		t.Fatal("合计 row not found")
	}
	cases := []struct {
		name string
		doc  *Document
		rule string
	}{
		{"整体 合计 全年预算数", edit(0, total, 3, "4,226.63"), "N20"},
		{"整体 执行率", edit(0, total, 6, "89.04%"), "N21"},
	}
	for _, c := range cases {
		fs := Check(c.doc, nil)
		found := false
		for _, f := range fs {
			if f.Rule == c.rule && f.Severity == model.SevError && f.Narrative != nil && f.Narrative.Table == 1 {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no %s error:\n%s", c.name, c.rule, findingGolden(fs))
		}
	}
	// the §4 sentence against the sum of the 17 project tables
	fs0 := Check(plant(t, base, 87, 91, "2,705.29", "2,805.29"), nil)
	if !strings.Contains(findingGolden(fs0), "N23 error") {
		t.Errorf("N23 not reported:\n%s", findingGolden(fs0))
	}
	// the narrative's 全年预算总额 against the 整体 table
	fs := Check(edit(0, total, 3, "4,226.63"), nil)
	if !strings.Contains(findingGolden(fs), "N22") {
		t.Errorf("N22 not reported:\n%s", findingGolden(fs))
	}
}

// TestPerformanceTitlesAsParagraphs: as Word lays them out, the titles are
// paragraphs above the tables (and a page-split table is one table).
func TestPerformanceTitlesAsParagraphs(t *testing.T) {
	seed := seedDoc(t)
	b := newBuilder("x.docx", FormatDOCX, DefaultLimits())
	ti := 0
	emit := func(after int) {
		for ; ti < len(seed.Tables) && seed.Tables[ti].After == after; ti++ {
			rows := seed.Tables[ti].Rows
			if len(rows) > 0 && len(rows[0]) == 1 && perfKind(rows[0][0]) != "" {
				b.paragraph(rows[0][0])
				rows = rows[1:]
			} else if len(b.doc.Tables) > 0 {
				// a continuation: the same table in Word
				last := &b.doc.Tables[len(b.doc.Tables)-1]
				last.Rows = append(last.Rows, rows...)
				continue
			}
			for _, r := range rows {
				b.row(r)
			}
			b.endTable()
		}
	}
	emit(-1)
	for _, p := range seed.Paragraphs {
		b.paragraph(p.Text)
		emit(p.Index)
	}
	doc := b.done()
	an := Analyze(doc, nil)
	kinds := map[string]int{}
	for _, pt := range an.perfTables() {
		kinds[pt.kind]++
	}
	if kinds["整体"] != 1 || kinds["项目"] != 17 {
		t.Fatalf("tables: %v", kinds)
	}
	n := 0
	for _, f := range an.Findings {
		if f.Rule == "N26" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d N26 warnings, want the seed's 2", n)
	}
}
