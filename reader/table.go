package reader

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/catalog"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

// colRole is what a column of a located table holds.
type colRole int

const (
	roleNone    colRole = iota // no header text
	roleIgnore                 // 行次, 栏次
	roleLabel                  // 项目, 科目名称
	roleCode                   // 科目编码 (single column)
	roleLei                    // 类 of split code columns
	roleKuan                   // 款
	roleXiang                  // 项
	roleValue                  // an amount column of the spec
	roleUnknown                // headed, but no column of the spec
)

type tcol struct {
	col  int
	path []string
	role colRole
	spec *templates.ColSpec
	side string // 收入/支出 in balance tables
}

// tableCtx is the state of reading one table.
type tableCtx struct {
	*located
	rd      *reader
	g       *xlsx.Grid
	ts      *templates.TableSpec
	hit     titleHit
	left    int
	right   int
	headTop int
	headBot int
	dataTop int
	end     int
	lastRow int
	cols    []tcol
	lanci   bool // a 栏次 row or 行次 column is printed
	// mixed is the 类|款|项 header row when it also carries the 合计 row
	// (label and amounts on the same sheet row, as Shanghai prints T02/T03),
	// else 0. Its 类/款/项 cells are header; everything else on it is data.
	mixed     int
	seen      map[string]string // row key -> address of its first occurrence
	codeAddr  map[string]string
	rowsByKey map[string]*model.Row
	slab      []model.Cell // the table's cells are carved from chunks of it (newCell)
	slabs     int
	// printedRows is expectedRows, once counted.
	printedRows int
}

// newCell returns a zero cell from the table's slab: one allocation per
// chunk of cells rather than one per cell (a chunk is never grown, so
// pointers into it stay valid). The first chunk holds the cells expected,
// later ones (when rows repeat) are smaller.
func (t *tableCtx) newCell() *model.Cell {
	if len(t.slab) == cap(t.slab) {
		n := 16
		if t.slabs == 0 {
			n = max(t.expected(), n)
		}
		t.slabs++
		t.slab = make([]model.Cell, 0, min(n, 1024))
	}
	t.slab = t.slab[:len(t.slab)+1]
	return &t.slab[len(t.slab)-1]
}

// expected is about how many amount cells the table holds: its value
// columns times its printed rows.
func (t *tableCtx) expected() int {
	n := 0
	for _, tc := range t.cols {
		if tc.role == roleValue {
			n++
		}
	}
	return n * t.expectedRows()
}

// expectedRows counts the rows below the header with any text in the
// table's columns (once; at most 1024): no more rows can be read.
func (t *tableCtx) expectedRows() int {
	if t.printedRows > 0 {
		return t.printedRows
	}
	n := 0
	for r := t.dataTop; r <= t.end && n < 1024; r++ {
		for c := t.left; c <= t.right; c++ {
			if t.g.Text(r, c) != "" {
				n++
				break
			}
		}
	}
	t.printedRows = max(n, 1)
	return t.printedRows
}

func (t *tableCtx) add(f model.Finding) { t.findings = append(t.findings, t.complete(f)) }

// complete gives a finding of the table its table, sheet, cells and
// fingerprint.
func (t *tableCtx) complete(f model.Finding) model.Finding {
	f.Table = t.ID
	if f.Sheet == "" {
		f.Sheet = t.g.Sheet
	}
	if f.Cells == nil {
		f.Cells = []model.CellRef{}
		if f.Cell != "" {
			f.Cells = append(f.Cells, model.CellRef{Sheet: f.Sheet, Cell: f.Cell, Table: t.ID})
		}
	}
	f.SetFingerprint()
	return f
}

// table reads the table under title hit h, bounded by row end. It returns
// nil when no column of the table is found under the title (a 目录 entry).
func (rd *reader) table(g *xlsx.Grid, h titleHit, end int) *located {
	ts := h.spec
	t := &tableCtx{
		located: &located{Table: model.NewTable(ts.ID)},
		rd:      rd,
		g:       g,
		ts:      ts,
		hit:     h,
		end:     end,
	}
	t.Name, t.Sheet, t.Title, t.Number = ts.Name, g.Sheet, h.text, h.number
	t.furniture()
	if !t.header() {
		return nil
	}
	if !t.columns() {
		return nil
	}
	// Room for the rows and cells the table's extent can hold.
	t.Reserve(t.expected())
	rows := t.expectedRows()
	t.seen, t.codeAddr, t.rowsByKey = make(map[string]string, rows), make(map[string]string, rows), make(map[string]*model.Row, rows)
	switch ts.Kind {
	case templates.KindBalance:
		t.balanceRows()
	case templates.KindCoded:
		t.codedRows()
	case templates.KindEcon:
		t.econRows()
	case templates.KindSangong:
		t.sangongRow()
	}
	t.finish()
	return t.located
}

// titleUnitRe takes the unit name from a title that starts with it and
// the year: "<unit>2024年度<title>".
var titleUnitRe = regexp.MustCompile(`^(.{2,60}?)\s*20\d{2}\s*年度`)

// dateRe matches a date as the furniture prints it: an Excel serial number
// (a date cell read as its number) or a written date.
var dateRe = regexp.MustCompile(`^(\d{5}(\.\d+)?|\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?)$`)

// furniture reads the page furniture around the title: 公开0N表, unit and
// 部门 lines. The header starts at the first other row below the title.
func (t *tableCtx) furniture() {
	g, h := t.g, t.hit
	t.Unit = model.Wan
	t.headTop = 0
	t.years = append(t.years, yearsIn(t.rd.normText(h.text))...)
	// A title printed after the unit name and year (中共上海市普陀区委社会
	// 工作部2024年度收入支出决算总表) names the unit where no 部门 line does.
	if m := titleUnitRe.FindStringSubmatch(strings.TrimSpace(h.text)); m != nil {
		t.titleDept = strings.TrimSpace(m[1])
	}
	for r := max(1, h.row-2); r <= min(t.end, h.row+4); r++ {
		furn, any, hits, neutral := true, false, 0, 0
		for c := 1; c <= g.MaxCol; c++ {
			text := g.Text(r, c)
			if text == "" || (r == h.row && c == h.col) {
				continue
			}
			any = true
			n := t.rd.normText(text)
			// A date beside the unit line (a serial number or 2024年12月31日)
			// is furniture when the row has other furniture.
			// (Each regexp is tried only where its literal text is.)
			if n != "" && n[0] >= '0' && n[0] <= '9' && dateRe.MatchString(n) {
				neutral++
				continue
			}
			hit := false
			if strings.Contains(n, "公开") {
				if m := numberRe.FindString(n); m != "" && t.Number == "" && len(n) <= len(m)+6 {
					t.Number, hit = m, true
				}
			}
			if strings.Contains(n, "单位:") {
				if m := unitRe.FindStringSubmatch(n); m != nil {
					t.Unit, hit = model.Unit(m[1]), true
				}
			}
			if strings.Contains(n, ":") {
				if m := deptRe.FindStringSubmatch(n); m != nil {
					if t.dept == "" {
						t.dept = strings.TrimSpace(m[1])
					}
					hit = true
				}
			}
			if r != h.row || c != h.col {
				t.years = append(t.years, yearsIn(n)...)
			}
			if hit {
				hits++
			} else if r > h.row {
				furn = false
			}
		}
		if neutral > 0 && hits == 0 {
			furn = false // a row of numbers only is no furniture
		}
		if r > h.row && t.headTop == 0 && any && !furn {
			t.headTop = r
		}
	}
	if t.headTop == 0 {
		t.headTop = h.row + 1
		for t.headTop <= t.end && t.rowEmpty(t.headTop) {
			t.headTop++
		}
	}
}

func (t *tableCtx) rowEmpty(r int) bool {
	for c := 1; c <= t.g.MaxCol; c++ {
		if t.g.Text(r, c) != "" {
			return false
		}
	}
	return true
}

// header finds the header rows (up to the first data-like row, a note, or
// the 类|款|项 row that labels split code columns) and the column extent,
// and the 栏次 row if any. A 类|款|项 row that also holds the 合计 label or
// amounts is both the last header row and the first data row (t.mixed).
func (t *tableCtx) header() bool {
	g := t.g
	t.headBot = t.headTop - 1
	for r := t.headTop; r <= t.end && r < t.headTop+6; r++ {
		if t.noteRow(r) {
			break
		}
		if t.codeWordRow(r) {
			t.headBot = r
			if t.totalOnCodeWordRow(r) {
				t.mixed = r
			}
			break
		}
		if t.dataLike(r) {
			break
		}
		t.headBot = r
	}
	if t.headBot < t.headTop {
		return false
	}
	t.left, t.right = 0, 0
	for c := 1; c <= g.MaxCol; c++ {
		for r := t.headTop; r <= t.headBot; r++ {
			if t.headerText(r, c) != "" {
				if t.left == 0 {
					t.left = c
				}
				t.right = c
				break
			}
		}
	}
	if t.left == 0 {
		return false
	}
	t.dataTop = t.headBot + 1
	if t.mixed != 0 {
		t.dataTop = t.mixed
		return true
	}
	if t.dataTop <= t.end && t.lanciRow(t.dataTop) {
		t.lanci = true
		t.dataTop++
	}
	return true
}

// codeWords label split code columns (spec §2.2 (b)).
var codeWords = map[string]bool{"类": true, "款": true, "项": true}

// codeWordRow reports a header row labelling split code columns: at least
// two cells reading 类, 款 or 项 (T06 prints only 类 | 款).
func (t *tableCtx) codeWordRow(r int) bool {
	n := 0
	for c := 1; c <= t.g.MaxCol; c++ {
		if text := t.g.Text(r, c); text != "" && codeWords[t.rd.normText(text)] {
			n++
		}
	}
	return n >= 2
}

// totalOnCodeWordRow reports whether the 类|款|项 row r also carries data:
// the table's 合计 label or an amount in a cell that is no code word.
func (t *tableCtx) totalOnCodeWordRow(r int) bool {
	for c := 1; c <= t.g.MaxCol; c++ {
		cell := t.g.At(r, c)
		if cell.Text == "" || codeWords[t.rd.normText(cell.Text)] {
			continue
		}
		if cell.Number {
			return true
		}
		if a, ok := ParseAmount(cell.Text, false, -1); ok && !a.Blank && !a.Dash {
			return true
		}
		if t.ts.Total != nil && t.rd.matches(t.ts.Total, cell.Text) {
			return true
		}
	}
	return false
}

// headerText is the (merge-spread) header text of r, c: on the mixed row
// only the 类/款/项 cells belong to the header.
func (t *tableCtx) headerText(r, c int) string {
	s := t.g.SpreadText(r, c)
	if r == t.mixed && s != "" && !codeWords[t.rd.normText(s)] {
		return ""
	}
	return s
}

// text is the text of data cell r, c: the 类/款/项 labels of the mixed row
// are header, not data.
func (t *tableCtx) text(r, c int) string {
	s := t.g.Text(r, c)
	if r == t.mixed && s != "" && codeWords[t.rd.normText(s)] {
		return ""
	}
	return s
}

// noteRow reports a footnote or empty-table statement at row r (its first
// text), which ends the header of an empty table.
func (t *tableCtx) noteRow(r int) bool {
	for c := 1; c <= t.g.MaxCol; c++ {
		text := t.g.Text(r, c)
		if text == "" {
			continue
		}
		return isNoteStart(t.rd.normText(text)) || t.isEmptyNote(text)
	}
	return false
}

// dataLike reports whether row r ends the header: a 栏次 row, an amount, a
// code or a known row label at the left, or an empty row.
func (t *tableCtx) dataLike(r int) bool {
	g := t.g
	empty := true
	first := ""
	for c := 1; c <= g.MaxCol; c++ {
		cell := g.At(r, c)
		st := g.SpreadText(r, c)
		if st != "" {
			empty = false
			if first == "" {
				first = st
			}
		}
		if cell.Text == "" {
			continue
		}
		if cell.Number {
			return true
		}
		n := t.rd.normText(cell.Text)
		if n == "栏次" {
			return true
		}
		if a, ok := ParseAmount(cell.Text, false, -1); ok && !a.Blank && !a.Dash {
			return true
		}
	}
	if empty {
		return true
	}
	if _, ok := ParseCode(first); ok {
		return true
	}
	return t.knownLabel(first)
}

// knownLabel reports whether text is a row label of a balance or coded
// table (T06 and T09 headers reuse their labels, so they rely on codes).
func (t *tableCtx) knownLabel(text string) bool {
	ts := t.ts
	switch ts.Kind {
	case templates.KindCoded:
		return t.rd.matches(ts.Total, text)
	case templates.KindBalance:
		for _, s := range ts.Sides {
			for i := range s.Rows {
				if t.rd.matches(&s.Rows[i], text) {
					return true
				}
			}
		}
		for i := range t.rd.spec.Classes {
			if t.rd.matches(&t.rd.spec.Classes[i], text) {
				return true
			}
		}
	}
	return false
}

// lanciRow reports a 栏次 row: the word 栏次, or only a run 1, 2, 3, ….
func (t *tableCtx) lanciRow(r int) bool {
	want := 1
	for c := 1; c <= t.g.MaxCol; c++ {
		text := t.rd.normText(t.g.Text(r, c))
		if text == "" {
			continue
		}
		if text == "栏次" {
			return true
		}
		if text != strconv.Itoa(want) {
			return false
		}
		want++
	}
	return want > 2
}

var labelWords = map[string]colRole{
	"项目": roleLabel, "科目名称": roleLabel, "名称": roleLabel, "科目": roleLabel,
	"类": roleLei, "款": roleKuan, "项": roleXiang,
}

// columns builds header paths and assigns each column a role.
func (t *tableCtx) columns() bool {
	ts := t.ts
	assigned := map[string]int{}
	values := 0
	for c := t.left; c <= t.right; c++ {
		tc := tcol{col: c}
		for r := t.headTop; r <= t.headBot; r++ {
			s := t.rd.normText(t.headerText(r, c))
			if s != "" && (len(tc.path) == 0 || tc.path[len(tc.path)-1] != s) {
				tc.path = append(tc.path, s)
			}
		}
		if len(tc.path) == 0 {
			t.cols = append(t.cols, tc)
			continue
		}
		leaf := tc.path[len(tc.path)-1]
		for _, p := range tc.path {
			if p == "收入" || p == "支出" {
				tc.side = p
				break
			}
		}
		switch {
		case leaf == "行次" || leaf == "栏次":
			tc.role = roleIgnore
			t.lanci = true
		case labelWords[leaf] != 0:
			tc.role = labelWords[leaf]
		case strings.Contains(leaf, "编码") || strings.Contains(leaf, "代码"):
			tc.role = roleCode
		default:
			cs := t.matchColumn(tc)
			key := tc.side + "|"
			if cs != nil {
				key += cs.Key
			}
			switch {
			case cs == nil:
				tc.role = roleUnknown
			case assigned[key] > 0 && ts.Kind != templates.KindEcon:
				tc.role = roleUnknown
			default:
				tc.role, tc.spec = roleValue, cs
				assigned[key]++
				values++
			}
		}
		t.cols = append(t.cols, tc)
	}
	if values == 0 {
		return false
	}
	for _, tc := range t.cols {
		if tc.role == roleUnknown {
			t.add(model.Finding{Rule: RuleUnknownColumn, Severity: model.SevWarning,
				Cell:    xlsx.Addr(t.headerRowOf(tc.col), tc.col),
				Message: fmt.Sprintf(msgUnknownColumn, clip(strings.Join(tc.path, "/")), xlsx.Addr(t.headerRowOf(tc.col), tc.col))})
		}
	}
	// Required columns.
	check := func(side string, cs []templates.ColSpec) {
		for i := range cs {
			if assigned[side+"|"+cs[i].Key] == 0 && !cs[i].Optional {
				t.add(model.Finding{Rule: RuleMissingColumn, Severity: model.SevError,
					Cell:    xlsx.Addr(t.headTop, t.left),
					Message: fmt.Sprintf(msgMissingColumn, cs[i].Key, ts.Name)})
			}
		}
	}
	if len(ts.Sides) > 0 {
		for _, s := range ts.Sides {
			check(s.Key, s.Columns)
		}
	} else {
		check("", ts.Columns)
	}
	if ts.ID == model.T08 {
		if v := ts.VariantOf(t.hit.title); (v != nil && v.Name == "expenditure-only") || assigned["|本年收入"] == 0 {
			t.Variant = "expenditure-only"
		}
	}
	return true
}

func (t *tableCtx) headerRowOf(c int) int {
	for r := t.headTop; r <= t.headBot; r++ {
		if t.g.Text(r, c) != "" {
			return r
		}
	}
	return t.headTop
}

// columnMemo caches matchColumn by (table spec, side, header path): the
// spec's path regexps normalise every header text on every try.
var columnMemo = struct {
	sync.RWMutex
	m map[columnKey]*templates.ColSpec
}{m: map[columnKey]*templates.ColSpec{}}

type columnKey struct {
	ts         *templates.TableSpec
	side, path string
}

func (t *tableCtx) matchColumn(tc tcol) *templates.ColSpec {
	k := columnKey{t.ts, tc.side, strings.Join(tc.path, "\x00")}
	columnMemo.RLock()
	cs, ok := columnMemo.m[k]
	columnMemo.RUnlock()
	if ok {
		return cs
	}
	cs = t.matchColumnUncached(tc)
	if len(k.path) <= 512 {
		columnMemo.Lock()
		if len(columnMemo.m) < labelMemoMax {
			columnMemo.m[k] = cs
		}
		columnMemo.Unlock()
	}
	return cs
}

func (t *tableCtx) matchColumnUncached(tc tcol) *templates.ColSpec {
	ts := t.ts
	if len(ts.Sides) > 0 {
		for i := range ts.Sides {
			s := &ts.Sides[i]
			if tc.side != s.Key {
				continue
			}
			for k := range s.Columns {
				if s.Columns[k].MatchesPath(tc.path) {
					return &s.Columns[k]
				}
			}
		}
		return nil
	}
	for k := range ts.Columns {
		if ts.Columns[k].MatchesPath(tc.path) {
			return &ts.Columns[k]
		}
	}
	return nil
}

// valueCols returns the amount columns, optionally of one side.
func (t *tableCtx) valueCols(side string) []tcol {
	var out []tcol
	for _, tc := range t.cols {
		if tc.role == roleValue && (side == "" || tc.side == side) {
			out = append(out, tc)
		}
	}
	return out
}

// isNote reports a footnote or explanation line starting at row r.
func (t *tableCtx) isNote(r int) (string, bool) {
	for c := t.left; c <= t.right; c++ {
		text := t.g.Text(r, c)
		if text == "" {
			continue
		}
		n := t.rd.normText(text)
		if isNoteStart(n) || t.isEmptyNote(text) {
			return strings.TrimSpace(text), true
		}
		return "", false
	}
	return "", false
}

// scanNotes records the empty-table statement below the data, if any.
func (t *tableCtx) scanNotes(from int) {
	for r := from; r <= t.end; r++ {
		if t.rd.stop.Tick() {
			return
		}
		for c := t.left; c <= t.right; c++ {
			text := t.g.Text(r, c)
			if text != "" && t.isEmptyNote(text) {
				t.EmptyNote = strings.TrimSpace(text)
				return
			}
		}
	}
}

// addRow registers a data row, reporting duplicates.
func (t *tableCtx) addRow(row *model.Row, addr string) bool {
	if first, dup := t.seen[row.Key]; dup {
		t.add(model.Finding{Rule: RuleDuplicateRow, Severity: model.SevError, Cell: addr,
			Cells:   []model.CellRef{{Sheet: t.g.Sheet, Cell: first, Table: t.ID}, {Sheet: t.g.Sheet, Cell: addr, Table: t.ID}},
			Message: fmt.Sprintf(msgDuplicateRow, clip(row.Key), first, addr)})
		return false
	}
	t.seen[row.Key] = addr
	t.Rows = append(t.Rows, row)
	t.rowsByKey[row.Key] = row
	if row.Code != "" {
		t.codeAddr[row.Code] = addr
	}
	t.lastRow = max(t.lastRow, row.SheetRow)
	return true
}

// cell reads the amount at r, c into the table under row key and column.
func (t *tableCtx) cell(r, c int, row *model.Row, cs *templates.ColSpec, rowDerived bool) {
	gc := t.g.At(r, c)
	addr := xlsx.Addr(r, c)
	a, st := parseAmount(gc.Text, gc.Number, gc.Decimals)
	mc := t.newCell()
	*mc = model.Cell{Key: model.Key{Table: t.ID, Row: row.Key, Col: cs.Key}, Sheet: t.g.Sheet, Addr: addr,
		Raw: gc.Text, Derived: rowDerived || cs.Derived, Formula: gc.Formula}
	if gc.HasFormula && mc.Formula == "" {
		mc.Formula = "(shared)"
	}
	switch {
	case gc.Error:
		st = amountExcelError
	case gc.HasFormula && gc.Text == "":
		// A formula without a cached value (never calculated): treat as blank.
		a, st = Amount{Blank: true, Decimals: 2}, amountOK
	}
	switch st {
	case amountOK:
		mc.Value, mc.Blank, mc.Decimals = a.Value, a.Blank, a.Decimals
		if a.Value.IsNegative() {
			t.add(model.Finding{Rule: RuleNegative, Severity: model.SevWarning, Cell: addr,
				Cells:   []model.CellRef{{Sheet: t.g.Sheet, Cell: addr, Value: a.Value.String(), Table: t.ID, Row: row.Key, Col: cs.Key}},
				Message: fmt.Sprintf(msgNegative, clip(gc.Text), addr)})
		}
	case amountTooPrecise:
		mc.Decimals, mc.Invalid = 2, true
		t.add(model.Finding{Rule: RuleNonNumeric, Severity: model.SevError, Cell: addr, Actual: clip(gc.Text),
			Message: fmt.Sprintf(msgTooPrecise, clip(gc.Text), addr, maxDecimals)})
	case amountTooLarge:
		mc.Decimals, mc.Invalid = 2, true
		t.add(model.Finding{Rule: RuleNonNumeric, Severity: model.SevError, Cell: addr, Actual: clip(gc.Text),
			Message: fmt.Sprintf(msgTooLarge, clip(gc.Text), addr)})
	case amountExcelError:
		mc.Decimals, mc.Invalid = 2, true
		t.add(model.Finding{Rule: RuleNonNumeric, Severity: model.SevError, Cell: addr, Actual: clip(gc.Text),
			Message: fmt.Sprintf(msgExcelError, clip(gc.Text), addr)})
	default:
		mc.Decimals, mc.Invalid = 2, true
		t.add(model.Finding{Rule: RuleNonNumeric, Severity: model.SevError, Cell: addr, Actual: clip(gc.Text),
			Message: fmt.Sprintf(msgNonNumeric, clip(gc.Text), addr)})
	}
	t.SetCell(mc)
}

// hasAmount reports whether any of the columns holds a non-blank value in row r.
func (t *tableCtx) hasAmount(r int, cols []tcol) bool {
	for _, tc := range cols {
		text := t.g.Text(r, tc.col)
		// A dash is a typed 0 but, like a blank, not an amount that makes
		// an unrecognised row worth a warning.
		if a, ok := ParseAmount(text, t.g.At(r, tc.col).Number, -1); !ok || !a.Blank && !a.Dash {
			return true
		}
	}
	return false
}

func (t *tableCtx) unknownRow(r, c int, label string) {
	addr := xlsx.Addr(r, c)
	t.add(model.Finding{Rule: RuleUnknownRow, Severity: model.SevWarning, Cell: addr,
		Message: fmt.Sprintf(msgUnknownRow, clip(label), addr)})
}

// finish sets range and style and runs the code checks.
func (t *tableCtx) finish() {
	last := max(t.lastRow, t.headBot)
	top := min(t.hit.row, t.headTop)
	left := min(t.left, t.hit.col)
	if m, ok := t.g.MergeAt(t.hit.row, t.hit.col); ok {
		left = min(left, m.Left)
	}
	t.Range = xlsx.RangeAddr(top, left, last, t.right)
	t.Style = model.StyleShanghai
	// 公开0N表, 栏次 and 行次 are MOF furniture; code columns are not a
	// style marker (Shanghai documents print both encodings, spec §2.2).
	if t.Number != "" || t.lanci {
		t.Style = model.StyleMOF
	}
	if t.Number != "" {
		if m := numberRe.FindStringSubmatch(t.Number); m != nil {
			if n, _ := strconv.Atoi(m[1]); n != t.ts.Number {
				t.add(model.Finding{Rule: RuleNumberMismatch, Severity: model.SevWarning, Cell: xlsx.Addr(t.hit.row, t.hit.col),
					Message: fmt.Sprintf(msgNumberMismatch, t.Number, t.hit.text, t.ts.NumberLabel())})
			}
		}
	}
	if v := t.ts.VariantOf(t.hit.title); v != nil {
		note := ""
		if v.Note != "" {
			note = "（" + v.Note + "）"
		}
		f := t.complete(model.Finding{Rule: RuleTitleVariant, Severity: model.SevWarning, Cell: xlsx.Addr(t.hit.row, t.hit.col),
			Message: fmt.Sprintf(msgTitleVariant, clip(t.hit.text), note, t.ts.Name)})
		if v.Set != "" {
			// A regional title is expected in that region's set: decided
			// once every sheet is read (FromBook).
			t.setVariant, t.setName = &f, v.Set
		} else {
			t.findings = append(t.findings, f)
		}
	}
	if t.ts.Kind == templates.KindCoded || t.ts.Kind == templates.KindEcon {
		t.checkCodes()
		t.markSubtotals()
	}
	t.scanNotes(t.dataTop)
}

// checkCodes reports orphan codes (R02.4) and catalog mismatches.
func (t *tableCtx) checkCodes() {
	for _, row := range t.Rows {
		if row.Code == "" {
			continue
		}
		addr := t.codeAddr[row.Code]
		if p := codeParent(row.Code); p != "" && t.rowsByKey[p] == nil {
			level := "类"
			if len(p) == 5 {
				level = "款"
			}
			t.add(model.Finding{Rule: RuleOrphanCode, Severity: model.SevError, Cell: addr,
				Message: fmt.Sprintf(msgOrphanCode, row.Code, level, p)})
		}
	}
	t.codeCheck = t.catalogFindings
}

// catalogFindings compares the table's codes and names with the catalog of
// the workbook's year (run once every table is read and the year known).
func (t *tableCtx) catalogFindings(cat *catalog.Catalog, year int) []model.Finding {
	var out []model.Finding
	add := func(f model.Finding) { out = append(out, t.complete(f)) }
	yearText := fmt.Sprint(year)
	if year == 0 {
		yearText = fmt.Sprint(templates.MustPacks().Default)
	}
	packs := templates.MustPacks()
	for _, row := range t.Rows {
		if row.Code == "" {
			continue
		}
		addr := t.codeAddr[row.Code]
		entries := cat.Lookup(row.Code)
		if len(entries) == 0 {
			add(model.Finding{Rule: RuleCatalog, Severity: model.SevWarning, Cell: addr,
				Message: fmt.Sprintf(msgUnknownCode, row.Code, yearText, addr)})
			continue
		}
		if row.Label == "" {
			continue
		}
		name := normLabel(row.Label)
		confirmed, match, named := false, false, ""
		for _, e := range entries {
			if e.Name == "" {
				match = true // a code whose name the catalog does not record
			}
			if normLabel(e.Name) == name {
				match = true
			}
			if named == "" {
				named = e.Name
			}
			confirmed = confirmed || e.Confirmed
		}
		switch {
		case match:
		case packs.Renamed(row.Code, row.Label):
			add(model.Finding{Rule: RuleCatalog, Severity: model.SevWarning, Cell: addr,
				Message: fmt.Sprintf(msgRenamed, row.Code, clip(row.Label), named, addr)})
		default:
			sev := model.SevInfo
			if confirmed {
				sev = model.SevWarning
			}
			add(model.Finding{Rule: RuleCatalog, Severity: sev, Cell: addr,
				Message: fmt.Sprintf(msgNameMismatch, row.Code, clip(row.Label), named, addr)})
		}
	}
	return out
}

// markSubtotals flags as derived the cells of totals and of code rows whose
// children are printed (a 类 is the sum of its 款, a 款 of its 项).
func (t *tableCtx) markSubtotals() {
	parents := map[string]bool{}
	for _, row := range t.Rows {
		if p := codeParent(row.Code); p != "" {
			parents[p] = true
		}
	}
	for _, c := range t.Cells() {
		row := t.rowsByKey[c.Row]
		if row == nil {
			continue
		}
		if (row.Code == "" && row.Key != "") || parents[row.Code] {
			c.Derived = true
		}
	}
}

func (t *tableCtx) isEmptyNote(text string) bool { return t.rd.matches(emptyNote{t.ts}, text) }

// emptyNote matches a table's empty-table statement, for the label memo
// (every data row's first text is tried).
type emptyNote struct{ ts *templates.TableSpec }

func (e emptyNote) Matches(text string) bool { return e.ts.IsEmptyNote(text) }

// isNoteStart is noteStart.MatchString, the regexp run only on text that
// starts with one of its words.
func isNoteStart(n string) bool {
	return (strings.HasPrefix(n, "注") || strings.HasPrefix(n, "说明") || strings.HasPrefix(n, "备注")) && noteStart.MatchString(n)
}

// clip shortens cell text quoted in messages (a hostile cell may hold MiBs).
// clip shortens a text quoted in a message to 40 characters: a cell may
// hold megabytes, a message must stay readable (and cheap).
func clip(s string) string {
	const n = 40
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}
