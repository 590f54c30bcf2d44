package audit

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/shopspring/decimal"
)

// TestOneWrongCellOneRedCell: one wrong typed amount breaks several
// identities; the annotated workbook paints exactly that cell red and the
// other cells of the broken identities as related (issue 10: a wrong
// 公开06表 item gave two red cells, the item and its correct class total).
func TestOneWrongCellOneRedCell(t *testing.T) {
	for _, tc := range []struct {
		name       string
		data       func() *templates.Data
		style      model.Style
		tab        model.TableID
		row, col   string
		delta      string
		wantRelate bool
		tie        int // cells that explain the break equally (0: the faulted one alone)
	}{
		{"T06 item, 3 groups", templates.CaseA, model.StyleMOF, model.T06, "30101", "决算数", "0.10", true, 11}, // any of the 11 printed 301 items; 301 itself agrees with 人员经费合计
		{"T06 class total, shanghai", templates.CaseC, model.StyleShanghai, model.T06, "302", "决算数", "1.00", true, 0},
		{"T05 项 基本支出", templates.CaseA, model.StyleMOF, model.T05, "2240101", "基本支出", "1.00", true, 0},
		{"T03 类 本年支出合计", templates.CaseC, model.StyleShanghai, model.T03, "201", "本年支出合计", "-2.00", true, 0},
		{"T09 决算 公务接待费", templates.CaseA, model.StyleMOF, model.T09, "三公经费", "决算数/公务接待费", "0.50", true, 3}, // 合计, 出国 and 接待 of one row: any of the three
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.data()
			row := d.Values[tc.tab][tc.row]
			if row == nil || row[tc.col] == "" {
				t.Fatalf("sample has no %s[%s, %s]", tc.tab, tc.row, tc.col)
			}
			row[tc.col] = decimal.RequireFromString(row[tc.col]).Add(decimal.RequireFromString(tc.delta)).StringFixed(2)
			var buf bytes.Buffer
			wb, err := templates.Write(&buf, d, templates.Options{Style: tc.style})
			if err != nil {
				t.Fatal(err)
			}
			faulted := wb.Cell(model.Key{Table: tc.tab, Row: tc.row, Col: tc.col})
			out, res := fillBytes(t, buf.Bytes(), Options{})
			if res.Report.Summary.Errors == 0 {
				t.Fatal("no error for a wrong cell")
			}
			snap := snapshot(t, out)
			var red, related []string
			for k, c := range snap.Cells {
				if strings.HasPrefix(k, annotate.ResultsSheet) {
					continue
				}
				switch {
				case strings.Contains(c.Fill, xlsx.MarkColor(xlsx.MarkError)):
					red = append(red, k)
				case strings.Contains(c.Fill, xlsx.MarkColor(xlsx.MarkRelated)):
					related = append(related, k)
				}
			}
			sort.Strings(red)
			want := faulted.Sheet + "!" + faulted.Addr
			if tc.tie == 0 && (len(red) != 1 || red[0] != want) {
				t.Errorf("red cells %v, want exactly %s", red, want)
			}
			if tc.tie > 0 && (len(red) != tc.tie || !contains(red, want)) {
				t.Errorf("red cells %v, want %d tied cells including %s", red, tc.tie, want)
			}
			if tc.wantRelate && len(related) == 0 {
				t.Errorf("no related cells marked")
			}
			for _, f := range res.Report.Findings {
				if f.Severity != model.SevError {
					continue
				}
				var names []string
				for _, s := range f.Suspects {
					names = append(names, s.Sheet+"!"+s.Cell)
				}
				if tc.tie == 0 && (len(names) != 1 || names[0] != want) || tc.tie > 0 && (!contains(names, want) || !strings.Contains(f.Message, "无法区分")) {
					t.Errorf("error %s names %v (%s), want suspect %s", f.Rule, names, f.Message, want)
				}
			}
		})
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
