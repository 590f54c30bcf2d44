package check

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

func readSample(t testing.TB, d *templates.Data, style model.Style) *model.Workbook {
	t.Helper()
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, templates.Options{Style: style}); err != nil {
		t.Fatal(err)
	}
	wb, _, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// TestSingleFaultNamesTheCell faults each typed cell that takes part in a
// CERTAIN identity, one at a time (+1.00), in Case A and Case C, both
// styles, and asks whether the error findings' primary cells are exactly
// that cell. Where another single cell's change by ±1.00 would also leave
// no error (two items of one single-column sum, 使用非财政拨款结余 against
// 年初结转和结余), no checker can tell the two apart: there the suspects
// must include the faulted cell and the message must say they cannot be
// told apart. The rate on distinguishable faults must be ≥ 95 %; the test
// prints both rates (go test -v).
func TestSingleFaultNamesTheCell(t *testing.T) {
	rules := mustRules(t)
	one := decimal.NewFromInt(1)
	total, exact, distinct, distinctExact, tiesOK := 0, 0, 0, 0, 0
	var misses []string
	for _, tc := range []struct {
		name  string
		data  *templates.Data
		style model.Style
	}{
		{"A mof", templates.CaseA(), model.StyleMOF},
		{"A shanghai", templates.CaseA(), model.StyleShanghai},
		{"C mof", templates.CaseC(), model.StyleMOF},
		{"C shanghai", templates.CaseC(), model.StyleShanghai},
	} {
		base := readSample(t, tc.data, tc.style)
		// Every typed cell of a CERTAIN identity is faulted once.
		seen := map[model.Key]bool{}
		var keys []model.Key
		c0 := NewChecker(base, rules, Options{})
		for i, eq := range c0.Equations() {
			if !certain(eq.Rule) {
				continue
			}
			cells, coef := c0.operands(&c0.Equations()[i])
			for j, cell := range cells {
				if coef[j] != 0 && !cell.Blank && !cell.Invalid && !seen[cell.Key] {
					seen[cell.Key] = true
					keys = append(keys, cell.Key)
				}
			}
		}
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		wb := readSample(t, tc.data, tc.style)
		errorsOf := func() []model.Finding {
			var out []model.Finding
			for _, f := range Check(wb, rules, Options{}) {
				if f.Severity == model.SevError {
					out = append(out, f)
				}
			}
			return out
		}
		for _, k := range keys {
			cell := wb.Cell(k)
			orig := cell.Value
			cell.Value = orig.Add(one)
			errs := errorsOf()
			primaries := map[string]bool{}
			var tieMsg, suspected bool
			// Cells in every error finding: the only ones a single change
			// could repair all of them with.
			common := map[string]int{}
			for _, f := range errs {
				primaries[f.Sheet+"!"+f.Cell] = true
				for _, s := range f.Suspects {
					if s.Sheet == cell.Sheet && s.Cell == cell.Addr {
						suspected = true
					}
				}
				tieMsg = tieMsg || strings.Contains(f.Message, "无法区分")
				seen := map[string]bool{}
				for _, c := range f.Cells {
					if !seen[c.Sheet+"!"+c.Cell] {
						seen[c.Sheet+"!"+c.Cell] = true
						common[c.Sheet+"!"+c.Cell]++
					}
				}
			}
			// The oracle: is there another typed cell whose change by ±1.00
			// leaves no error? Then no checker can tell the two apart.
			ambiguous := false
			for _, other := range keys {
				oc := wb.Cell(other)
				if oc == cell || common[oc.Sheet+"!"+oc.Addr] != len(errs) {
					continue
				}
				ov := oc.Value
				for _, d := range []decimal.Decimal{one, one.Neg()} {
					oc.Value = ov.Add(d)
					if len(errorsOf()) == 0 {
						ambiguous = true
					}
				}
				oc.Value = ov
				if ambiguous {
					break
				}
			}
			cell.Value = orig
			total++
			ok := len(primaries) == 1 && primaries[cell.Sheet+"!"+cell.Addr]
			if ok {
				exact++
			}
			if !ambiguous {
				distinct++
				if ok {
					distinctExact++
				} else if len(misses) < 30 {
					misses = append(misses, fmt.Sprintf("%s %s %s/%s (%s!%s): primaries %v", tc.name, k.Table, k.Row, k.Col, cell.Sheet, cell.Addr, keysOf(primaries)))
				}
			} else if suspected && tieMsg {
				tiesOK++
			} else if len(misses) < 30 {
				misses = append(misses, fmt.Sprintf("ambiguous, not named as a tie: %s %s %s/%s (%s!%s): primaries %v", tc.name, k.Table, k.Row, k.Col, cell.Sheet, cell.Addr, keysOf(primaries)))
			}
		}
	}
	t.Logf("single faults: %d; primary cells exactly the faulted cell: %d (%.1f%%)", total, exact, 100*float64(exact)/float64(total))
	t.Logf("distinguishable faults (no other single cell repairs them): %d; exact: %d (%.1f%%); indistinguishable faults named among tied suspects: %d of %d",
		distinct, distinctExact, 100*float64(distinctExact)/float64(distinct), tiesOK, total-distinct)
	for _, m := range misses {
		t.Log("miss: " + m)
	}
	if float64(distinctExact) < 0.95*float64(distinct) {
		t.Errorf("only %d of %d distinguishable single faults name exactly the faulted cell (want ≥ 95%%)", distinctExact, distinct)
	}
	if tiesOK != total-distinct {
		t.Errorf("%d of %d indistinguishable faults not named among tied suspects", total-distinct-tiesOK, total-distinct)
	}
}

func keysOf(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
