package check

import (
	"fmt"
	"strings"

	"github.com/juesuan/juesuan/model"
)

// RuleUnchecked is the structural finding for a labelled row or a column
// the rules need and the reader did not locate (a missing table is the
// reader's S01). One finding per missing thing, listing the rules that
// were therefore not checked.
const RuleUnchecked = "U01"

// Unchecked returns what the rules needed and could not find, with the
// rules not checked for each, in the order first met. Call after Run.
func (c *Checker) Unchecked() []model.Unchecked {
	out := []model.Unchecked{}
	for _, k := range c.b.uncheckedOrder {
		u := *c.b.unchecked[k]
		u.Rules = append([]string(nil), u.Rules...)
		u.What = c.b.missWhat(k)
		out = append(out, u)
	}
	return out
}

func (b *bindCtx) missWhat(k missKey) string {
	t := b.tableLabel(k.Table, k.prior)
	switch {
	case k.Row != "":
		row := k.Row
		if row == "合计" {
			row = msgRowTotal
		} else {
			row += "行"
		}
		return t + " " + row
	case k.Col != "":
		return fmt.Sprintf(msgColumnNamed, t, k.Col)
	}
	return t
}

// uncheckedFindings makes one warning per missing row or column of a
// located table and per table missing from the prior year's workbook (the
// current workbook's missing tables are reported by the reader).
func (c *Checker) uncheckedFindings() []model.Finding {
	var out []model.Finding
	for _, k := range c.b.uncheckedOrder {
		u := c.b.unchecked[k]
		if len(u.Rules) == 0 || (k.Row == "" && k.Col == "" && !k.prior) {
			continue
		}
		if k.Col != "" && !k.prior && c.b.readerReported("S11", k.Table) {
			continue // the reader said the column is missing
		}
		f := model.Finding{Rule: RuleUnchecked, Severity: model.SevWarning, Table: k.Table}
		if ti := c.b.idx(k.prior).tables[k.Table]; ti != nil && !k.prior {
			f.Sheet = ti.t.Sheet
		}
		f.Message = fmt.Sprintf(msgUnchecked, c.b.missWhat(k), strings.Join(u.Rules, "、"))
		out = append(out, f)
	}
	return out
}
