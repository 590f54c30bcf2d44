package reader

import (
	"fmt"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

func (t *tableCtx) registerCols(cols []tcol) {
	for _, tc := range cols {
		t.Columns = append(t.Columns, &model.Column{Key: tc.spec.Key, Header: strings.Join(tc.path, "/"), Side: tc.side, SheetCol: tc.col})
	}
}

// labelCols returns the label and code columns between two columns (exclusive).
func (t *tableCtx) labelCols(after, before int) []tcol {
	var out []tcol
	for _, tc := range t.cols {
		if tc.col <= after || tc.col >= before {
			continue
		}
		switch tc.role {
		case roleLabel, roleCode, roleLei, roleKuan, roleXiang:
			out = append(out, tc)
		}
	}
	return out
}

// digits returns the digits a code cell holds ("06", "6" typed, "201.0",
// "201 06 01", "201-06-01").
func digits(s string) (string, bool) {
	if !hasDigit(s) {
		return "", false
	}
	s = strings.TrimSuffix(foldNumber(s), ".0")
	if allDigits(s) {
		return s, true
	}
	return joinCodeParts(s)
}

// codeState carries the 类 and 款 of the previous row, for split code
// columns that leave the parent part blank on child rows.
type codeState struct{ lei, kuan string }

// partStart is where the part of a split code column starts in the code:
// 类 at 0, 款 at 3, 项 at 5.
var partStart = map[colRole]int{roleLei: 0, roleKuan: 3, roleXiang: 5}

// splitCode builds the code of row r from split 类|款|项 columns. Each
// column may hold its 2-digit part (1 digit padded; the 类 part 3 digits),
// or a whole 3-, 5- or 7-digit code typed into any of them ("2010601" or
// "201 06 01" in the 类 column), which later parts extend. A missing parent
// part is taken from the previous row (st). name is a non-code text in the
// 类 column (a label printed across the code columns).
func (t *tableCtx) splitCode(r int, cols []tcol, st *codeState, maxLen int) (code string, codeCol int, name string, nameCol int) {
	bad := false
	for _, tc := range cols {
		start, ok := partStart[tc.role]
		if !ok {
			continue
		}
		text := t.text(r, tc.col)
		if text == "" {
			continue
		}
		d, ok := digits(text)
		if !ok {
			if name == "" && tc.role == roleLei {
				name, nameCol = strings.TrimSpace(text), tc.col
			}
			continue
		}
		if codeCol == 0 {
			codeCol = tc.col
		}
		switch {
		case len(d) >= 3 && (len(d) != 3 || start == 0 || code == ""):
			// A whole code (or the 类 part): starts the code afresh.
			if code != "" {
				bad = true
			}
			code = d
		default:
			if len(d) == 1 {
				d = "0" + d
			}
			if len(d) != 2 {
				bad = true
				continue
			}
			// Parent parts left blank on a child row: from the row above.
			if code == "" {
				code = st.lei
			}
			if len(code) == 3 && start == 5 {
				code += st.kuan
			}
			if len(code) != start {
				bad = true
			}
			code += d
		}
	}
	switch {
	case code == "" || bad || len(code) > maxLen || !allDigits(code):
		code = ""
	case len(code) == 3 || len(code) == 5 || len(code) == 7:
		st.lei = code[:3]
		st.kuan = ""
		if len(code) >= 5 {
			st.kuan = code[3:5]
		}
	default:
		code = ""
	}
	return code, codeCol, name, nameCol
}

// rowCode finds the code and name of row r among the label columns.
// maxLen is 7 for function codes, 5 for economic codes.
func (t *tableCtx) rowCode(r int, cols []tcol, st *codeState, maxLen int) (code string, codeCol int, name string, nameCol int) {
	code, codeCol, name, nameCol = t.splitCode(r, cols, st, maxLen)
	if code == "" {
		codeCol = 0
	}
	// Single code column, or codes without a header: the first code-like
	// cell, extended by 2-digit parts in the cells after it.
	for _, tc := range cols {
		text := t.text(r, tc.col)
		if text == "" {
			continue
		}
		if _, ok := partStart[tc.role]; ok {
			continue
		}
		if code == "" {
			if c, ok := ParseCode(text); ok && len(c) <= maxLen {
				code, codeCol = c, tc.col
				continue
			}
		} else if d, ok := digits(text); ok && len(d) <= 2 && len(code)+2 <= maxLen && tc.col == codeCol+1 {
			code += fmt.Sprintf("%02s", d)
			codeCol = tc.col
			continue
		}
		if name == "" {
			name, nameCol = strings.TrimSpace(text), tc.col
		}
	}
	if code != "" {
		codeCol = t.firstNonEmpty(r, cols, codeCol)
	}
	return code, codeCol, name, nameCol
}

func (t *tableCtx) firstNonEmpty(r int, cols []tcol, fallback int) int {
	for _, tc := range cols {
		if t.text(r, tc.col) != "" {
			return tc.col
		}
	}
	return fallback
}

// firstLabel returns the first non-empty label text of row r.
func (t *tableCtx) firstLabel(r int, cols []tcol) (string, int) {
	for _, tc := range cols {
		if s := strings.TrimSpace(t.text(r, tc.col)); s != "" {
			return s, tc.col
		}
	}
	return "", 0
}

// codedRows reads T02, T03, T05, T07 and T08: a 合计 row (first or last)
// and rows by 功能分类 code.
func (t *tableCtx) codedRows() {
	ts := t.ts
	vcols := t.valueCols("")
	t.registerCols(vcols)
	lcols := t.labelCols(0, vcols[0].col)
	if len(lcols) == 0 {
		// No labelled header over the codes: every column left of the amounts.
		for _, tc := range t.cols {
			if tc.col < vcols[0].col && tc.role != roleIgnore {
				tc.role = roleLabel
				lcols = append(lcols, tc)
			}
		}
	}
	var st codeState
	for r := t.dataTop; r <= t.end; r++ {
		if t.rd.stop.Tick() {
			return
		}
		if _, ok := t.isNote(r); ok {
			break
		}
		code, codeCol, name, _ := t.rowCode(r, lcols, &st, 7)
		if code != "" {
			row := &model.Row{Key: code, Code: code, Level: model.CodeLevel(code), Label: name, SheetRow: r}
			if t.addRow(row, xlsx.Addr(r, codeCol)) {
				for _, vc := range vcols {
					t.cell(r, vc.col, row, vc.spec, false)
				}
			}
			continue
		}
		label, lc := t.firstLabel(r, lcols)
		if label != "" && t.rd.matches(ts.Total, label) {
			row := &model.Row{Key: ts.Total.Key, Label: label, SheetRow: r}
			if t.addRow(row, xlsx.Addr(r, lc)) {
				for _, vc := range vcols {
					t.cell(r, vc.col, row, vc.spec, ts.Total.Derived)
				}
			}
			continue
		}
		if t.rd.normText(label) == "栏次" {
			continue
		}
		if t.hasAmount(r, vcols) {
			if lc == 0 {
				lc = vcols[0].col
			}
			t.unknownRow(r, lc, label)
		}
	}
}

// balanceRows reads T01 and T04: each side's labelled rows (and the 支出
// side's 类 rows), told apart by label; T04's repeated 年初 sub-rows by
// their position after the 年初 row.
func (t *tableCtx) balanceRows() {
	ts := t.ts
	for si := range ts.Sides {
		side := &ts.Sides[si]
		vcols := t.valueCols(side.Key)
		if len(vcols) == 0 {
			continue
		}
		t.registerCols(vcols)
		labelCol := 0
		for _, tc := range t.cols {
			if tc.side == side.Key && tc.role == roleLabel {
				labelCol = tc.col
				break
			}
		}
		if labelCol == 0 {
			for _, tc := range t.cols {
				if tc.col < vcols[0].col && tc.role != roleIgnore && tc.role != roleValue {
					labelCol = tc.col
				}
			}
		}
		if labelCol == 0 {
			continue
		}
		used := map[string]bool{}
		for r := t.dataTop; r <= t.end; r++ {
			if t.rd.stop.Tick() {
				return
			}
			if _, ok := t.isNote(r); ok {
				break
			}
			text := strings.TrimSpace(t.g.Text(r, labelCol))
			if text == "" || t.rd.normText(text) == "栏次" {
				if text == "" && t.hasAmount(r, vcols) {
					t.unknownRow(r, labelCol, text)
				}
				continue
			}
			row := t.matchSideRow(side, text, used)
			if row == nil {
				if t.hasAmount(r, vcols) {
					t.unknownRow(r, labelCol, text)
				}
				continue
			}
			row.Label, row.Side, row.SheetRow = text, side.Key, r
			used[row.Key] = true
			if !t.addRow(row, xlsx.Addr(r, labelCol)) {
				continue
			}
			derived := false
			if rs := findRowSpec(side, row.Key); rs != nil {
				derived = rs.Derived
			}
			for _, vc := range vcols {
				t.cell(r, vc.col, row, vc.spec, derived)
			}
		}
	}
}

func findRowSpec(side *templates.SideSpec, key string) *templates.RowSpec {
	for i := range side.Rows {
		if side.Rows[i].Key == key {
			return &side.Rows[i]
		}
	}
	return nil
}

// matchSideRow maps a label to a row of side: rows placed after an earlier
// row (After) win once that row was seen; otherwise the first unused
// matching row; a label matching only used rows is returned as a duplicate.
func (t *tableCtx) matchSideRow(side *templates.SideSpec, text string, used map[string]bool) *model.Row {
	var first *templates.RowSpec
	for i := range side.Rows {
		rs := &side.Rows[i]
		if rs.After != "" && !used[rs.After] {
			continue
		}
		if !t.rd.matches(rs, text) {
			continue
		}
		if rs.After != "" && !used[rs.Key] {
			return &model.Row{Key: rs.Key}
		}
		if first == nil || (used[first.Key] && !used[rs.Key]) {
			first = rs
		}
	}
	if first != nil {
		return &model.Row{Key: first.Key}
	}
	if side.Classes {
		for i := range t.rd.spec.Classes {
			c := &t.rd.spec.Classes[i]
			if t.rd.matches(c, text) {
				return &model.Row{Key: c.Code, Code: c.Code, Level: 1}
			}
		}
	}
	return nil
}

// econRows reads T06: two or three column groups (code | name | 决算数)
// with economic-code rows, and the 人员经费合计/公用经费合计 rows found by
// label anywhere in the table.
func (t *tableCtx) econRows() {
	vcols := t.valueCols("")
	t.registerCols(vcols)
	t.Variant = fmt.Sprintf("groups-%d", len(vcols))
	groups := make([][]tcol, len(vcols))
	prev := 0
	for i, vc := range vcols {
		groups[i] = t.labelCols(prev, vc.col)
		prev = vc.col
	}
	states := make([]codeState, len(vcols))
	for r := t.dataTop; r <= t.end; r++ {
		if t.rd.stop.Tick() {
			return
		}
		if _, ok := t.isNote(r); ok {
			break
		}
		consumed := map[int]bool{}
		for gi, vc := range vcols {
			if consumed[vc.col] {
				continue
			}
			code, codeCol, name, _ := t.rowCode(r, groups[gi], &states[gi], 5)
			if code != "" {
				row := &model.Row{Key: code, Code: code, Level: model.CodeLevel(code), Label: name, Side: t.econSide(code), SheetRow: r}
				consumed[vc.col] = true
				if t.addRow(row, xlsx.Addr(r, codeCol)) {
					t.cell(r, vc.col, row, vc.spec, false)
				}
				continue
			}
			label, lc := t.firstLabel(r, groups[gi])
			if label != "" {
				if gs := t.groupTotal(label); gs != nil {
					target := t.valueRight(r, lc, vcols, consumed)
					if target != nil {
						consumed[target.col] = true
						row := &model.Row{Key: gs.Total.Key, Label: label, Side: gs.Key, SheetRow: r}
						if t.addRow(row, xlsx.Addr(r, lc)) {
							t.cell(r, target.col, row, target.spec, gs.Total.Derived)
						}
						continue
					}
				}
			}
			if t.rd.normText(label) == "栏次" {
				continue
			}
			if t.hasAmount(r, []tcol{vc}) {
				if lc == 0 {
					lc = vc.col
				}
				consumed[vc.col] = true
				t.unknownRow(r, lc, label)
			}
		}
	}
}

func (t *tableCtx) groupTotal(label string) *templates.GroupSpec {
	for i := range t.ts.Groups {
		if t.rd.matches(&t.ts.Groups[i].Total, label) {
			return &t.ts.Groups[i]
		}
	}
	return nil
}

// valueRight is the first amount column right of the label at (r, lc)
// that is not covered by the label's own merged range.
func (t *tableCtx) valueRight(r, lc int, vcols []tcol, consumed map[int]bool) *tcol {
	m, merged := t.g.MergeAt(r, lc)
	for i := range vcols {
		vc := &vcols[i]
		if vc.col <= lc || consumed[vc.col] {
			continue
		}
		if merged && vc.col >= m.Left && vc.col <= m.Right {
			continue
		}
		return vc
	}
	return nil
}

// econSide is 人员经费 for classes 301 and 303, 公用经费 for every other class.
func (t *tableCtx) econSide(code string) string {
	last := ""
	for _, g := range t.ts.Groups {
		last = g.Key
		for _, c := range g.Classes {
			if strings.HasPrefix(code, c) {
				return g.Key
			}
		}
	}
	return last
}

// sangongRow reads T09's single data row and decides the column order:
// 预算数/决算数 on the bottom header row means interleaved, else blocks.
func (t *tableCtx) sangongRow() {
	ts := t.ts
	vcols := t.valueCols("")
	t.registerCols(vcols)
	t.Variant = "blocks"
	leaf := vcols[0].path[len(vcols[0].path)-1]
	if strings.HasPrefix(leaf, "预算") || strings.HasPrefix(leaf, "决算") {
		t.Variant = "interleaved"
	}
	r := t.dataTop
	if r > t.end {
		return
	}
	if _, ok := t.isNote(r); ok {
		return
	}
	row := &model.Row{Key: ts.Row.Key, Label: ts.Name, SheetRow: r}
	if !t.addRow(row, xlsx.Addr(r, vcols[0].col)) {
		return
	}
	for _, vc := range vcols {
		t.cell(r, vc.col, row, vc.spec, ts.Row.Derived)
	}
}
