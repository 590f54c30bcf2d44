package templates

// write.go lays the nine tables out from tables.yaml and writes them with
// xlsx.Builder: the blank standard template (Data == nil), the embedded
// samples, and the layout variants the reader tests need. Layout is driven
// by the four table kinds and the spec; there is no per-table code.

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/shopspring/decimal"
)

// Options selects the layout. The zero value writes the MOF style.
type Options struct {
	Style model.Style // "" = MOF
	// Set is a regional table set of tables.yaml ("yunnan"): its tables in
	// its order with its titles, no 公开0N表 numbers; "" = the nine.
	Set string
	// Order is the sheet order; default: by table number.
	Order []model.TableID
	// SheetNames overrides sheet names (default: 公开0N表 in MOF style, the
	// table name in Shanghai style).
	SheetNames map[model.TableID]string
	// Origin is the top-left cell of every table ("" = "A1"), e.g. "B3".
	Origin string
	// CoverSheet adds a 封面 sheet (with a 目录 listing the titles) first.
	CoverSheet bool
	// SplitCodes overrides the style's code columns: true = 类|款|项
	// columns, false = one code column.
	SplitCodes *bool
	// NumbersAsText writes amounts as text cells; ThousandsSep adds
	// separators to that text ("4,126.63").
	NumbersAsText bool
	ThousandsSep  bool
	// FullWidthDigits writes amounts as text in full-width digits.
	FullWidthDigits bool
	// BlankZeros leaves zero amounts blank, as many real files do.
	BlankZeros bool
	// Unit is the unit to print ("" = the data's unit). Values are
	// converted exactly (万元 -> 元 multiplies by 10000).
	Unit model.Unit
	// T05TotalLast overrides where the 合计 row of tables whose 合计
	// position depends on the style (T05) goes.
	T05TotalLast *bool
	// T06Groups picks the T06 layout with this many column groups (2 or 3;
	// 0 = by style).
	T06Groups int
	// T09Order is "blocks" (预算数 1–6, 决算数 7–12) or "interleaved"
	// (预算数/决算数 under each item); "" = by style.
	T09Order string
	// T08ExpenditureOnly writes the older 国有资本经营预算财政拨款支出决算表
	// (no 年初/本年收入/年末 columns).
	T08ExpenditureOnly bool
	// Numbering overrides 公开0N表 numbers, e.g. {T09: 7} for the older
	// order with 三公 as table 7. The default Order follows the numbers.
	Numbering map[model.TableID]int
	// OmitDerived leaves every derived cell blank (fill tests).
	OmitDerived bool
	// BlankRows is the number of empty code rows the blank template gives
	// each coded table (0 = 5).
	BlankRows int
}

// tableFont is the font family of the printed nine tables.
const tableFont = "宋体"

// Write lays out d (nil = the blank standard template) and writes the
// workbook to w. It returns the model of what it wrote: every table with
// its rows and columns, and every amount cell with its sheet, A1 address,
// value (in the printed unit), blank flag, raw text and derived flag, so a
// reader's result can be compared with it exactly.
func Write(w io.Writer, d *Data, opt Options) (*model.Workbook, error) {
	b, wb, err := Build(d, opt)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	if _, err := b.WriteTo(w); err != nil {
		return nil, err
	}
	return wb, nil
}

// Build is Write without the final serialisation: the caller may still
// edit the workbook (hostile-input tests) before b.WriteTo.
func Build(d *Data, opt Options) (*xlsx.Builder, *model.Workbook, error) {
	spec, err := Load()
	if err != nil {
		return nil, nil, err
	}
	wr, err := newWriter(spec, d, opt)
	if err != nil {
		return nil, nil, err
	}
	if err := wr.run(); err != nil {
		wr.b.Close()
		return nil, nil, err
	}
	return wr.b, wr.wb, nil
}

type writer struct {
	spec   *Spec
	set    *SetSpec // nil: the nine
	d      *Data
	opt    Options
	style  model.Style
	unit   model.Unit
	factor decimal.Decimal // data unit -> printed unit
	r0, c0 int             // origin
	b      *xlsx.Builder
	wb     *model.Workbook
}

func newWriter(spec *Spec, d *Data, opt Options) (*writer, error) {
	wr := &writer{spec: spec, d: d, opt: opt, style: opt.Style, factor: decimal.NewFromInt(1)}
	switch wr.style {
	case "":
		wr.style = model.StyleMOF
	case model.StyleMOF, model.StyleShanghai:
	default:
		return nil, model.Errorf(model.EInvalid, nil, "未知的版式 %q（可选 mof、shanghai）", opt.Style)
	}
	dataUnit := model.Wan
	if d != nil && d.Unit != "" {
		dataUnit = d.Unit
	}
	wr.unit = dataUnit
	if opt.Unit != "" {
		wr.unit = opt.Unit
	}
	switch {
	case wr.unit != model.Wan && wr.unit != model.Yuan:
		return nil, model.Errorf(model.EInvalid, nil, "未知的金额单位 %q（可选 万元、元）", wr.unit)
	case dataUnit == model.Wan && wr.unit == model.Yuan:
		wr.factor = decimal.NewFromInt(10000)
	case dataUnit == model.Yuan && wr.unit == model.Wan:
		wr.factor = decimal.New(1, -4)
	}
	origin := opt.Origin
	if origin == "" {
		origin = "A1"
	}
	r, c, ok := xlsx.ParseAddr(origin)
	if !ok {
		return nil, model.Errorf(model.EInvalid, nil, "起始单元格 %q 无效", origin)
	}
	wr.r0, wr.c0 = r, c
	if opt.Set != "" {
		if wr.set = spec.Set(opt.Set); wr.set == nil {
			var keys []string
			for _, s := range spec.Sets {
				keys = append(keys, s.Key)
			}
			return nil, model.Errorf(model.EInvalid, nil, "未知的地区表套 %q（可选 %s）", opt.Set, strings.Join(keys, "、"))
		}
	}
	if opt.T06Groups != 0 && opt.T06Groups != 2 && opt.T06Groups != 3 {
		return nil, model.Errorf(model.EInvalid, nil, "T06 列组数只能是 2 或 3")
	}
	if opt.T09Order != "" && opt.T09Order != "blocks" && opt.T09Order != "interleaved" {
		return nil, model.Errorf(model.EInvalid, nil, "T09 列序只能是 blocks 或 interleaved")
	}
	wr.b = xlsx.NewBuilder()
	wr.b.Font = tableFont
	wr.wb = &model.Workbook{Tables: map[model.TableID]*model.Table{}, Unit: wr.unit}
	if d != nil {
		wr.wb.UnitName = d.UnitName
	}
	return wr, nil
}

func (wr *writer) number(id model.TableID) int {
	if n, ok := wr.opt.Numbering[id]; ok {
		return n
	}
	return wr.spec.Table(id).Number
}

func (wr *writer) order() []model.TableID {
	if len(wr.opt.Order) > 0 {
		return wr.opt.Order
	}
	if wr.set != nil {
		return wr.set.Tables
	}
	ids := append([]model.TableID(nil), model.AllTables...)
	sort.SliceStable(ids, func(i, j int) bool { return wr.number(ids[i]) < wr.number(ids[j]) })
	return ids
}

func (wr *writer) sheetName(id model.TableID) string {
	if n := wr.opt.SheetNames[id]; n != "" {
		return n
	}
	if wr.set != nil {
		// Named by title, like the documents' headings (no 公开0N表).
		if r := []rune(wr.title(wr.spec.Table(id))); len(r) > 31 {
			return string(r[:31])
		}
		return wr.title(wr.spec.Table(id))
	}
	if wr.style == model.StyleMOF {
		return fmt.Sprintf("公开%02d表", wr.number(id))
	}
	return wr.title(wr.spec.Table(id))
}

// title is the printed title: the canonical name (the spec's titles are
// patterns), the expenditure-only variant of T08 when asked, with “ ”
// quotes as real files print them.
func (wr *writer) title(ts *TableSpec) string {
	t := ts.Name
	if wr.set != nil && wr.set.Titles[ts.ID] != "" {
		t = wr.set.Titles[ts.ID]
	}
	if wr.opt.T08ExpenditureOnly {
		for _, v := range ts.Variants {
			if v.Name == "expenditure-only" {
				t = v.Title
			}
		}
	}
	return curlyQuotes(t)
}

// curlyQuotes turns ASCII quote pairs into “ ” as real files print them
// (the spec's texts use ASCII quotes; the reader folds both).
func curlyQuotes(t string) string {
	for open := true; strings.Contains(t, `"`); open = !open {
		q := "”"
		if open {
			q = "“"
		}
		t = strings.Replace(t, `"`, q, 1)
	}
	return t
}

func (wr *writer) run() error {
	seen := map[model.TableID]bool{}
	var ids []model.TableID
	for _, id := range wr.order() {
		if wr.spec.Table(id) == nil {
			return model.Errorf(model.EInvalid, nil, "未知的表 %q", id)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if wr.opt.CoverSheet {
		if err := wr.cover(ids); err != nil {
			return err
		}
	}
	for _, id := range ids {
		ts := wr.spec.Table(id)
		name := wr.sheetName(id)
		if err := wr.b.AddSheet(name); err != nil {
			return err
		}
		tw := &tableWriter{writer: wr, ts: ts, t: model.NewTable(id)}
		tw.t.Name, tw.t.Sheet, tw.t.Title, tw.t.Style, tw.t.Unit = ts.Name, name, wr.title(ts), wr.style, wr.unit
		if wr.style == model.StyleMOF && wr.set == nil {
			tw.t.Number = fmt.Sprintf("公开%02d表", wr.number(id))
		}
		if err := tw.write(); err != nil {
			return fmt.Errorf("write %s: %w", id, err)
		}
		wr.wb.Tables[id] = tw.t
	}
	wr.wb.Sheets = wr.b.Sheets()
	return nil
}

func (wr *writer) cover(ids []model.TableID) error {
	if err := wr.b.AddSheet("封面"); err != nil {
		return err
	}
	b := wr.b
	name := ""
	year := ""
	if wr.d != nil {
		name = wr.d.UnitName
		if wr.d.Year > 0 {
			year = strconv.Itoa(wr.d.Year) + "年度"
		}
	}
	if err := b.SetString(3, 2, name, xlsx.BuildStyle{Bold: true, Size: 18, HAlign: "center"}); err != nil {
		return err
	}
	if err := b.SetString(5, 2, year+"部门决算公开", xlsx.BuildStyle{Bold: true, Size: 22, HAlign: "center"}); err != nil {
		return err
	}
	if err := b.SetString(8, 2, "目录", xlsx.BuildStyle{Bold: true, HAlign: "left"}); err != nil {
		return err
	}
	for i, id := range ids {
		line := fmt.Sprintf("%d. %s", i+1, wr.title(wr.spec.Table(id)))
		if err := b.SetString(9+i, 2, line, xlsx.BuildPlain); err != nil {
			return err
		}
	}
	return b.SetColWidth(2, 2, 60)
}

// tableWriter writes one table on the current sheet.
type tableWriter struct {
	*writer
	ts    *TableSpec
	t     *model.Table
	width int // number of sheet columns
	row   int // next free sheet row
}

// hcol is one sheet column of a table: its header path, the level that
// stretches down over missing levels, its width and what it holds.
type hcol struct {
	path    []string
	stretch int
	width   float64
	kind    int // colLabel, colLine, colCode, colName, colValue
	spec    *ColSpec
	side    string
	seq     int // 栏次 number of a value column
}

const (
	colLabel = iota // 项目 of balance tables
	colLine         // 行次
	colCode         // one code column, or one part of split codes
	colName         // 科目名称
	colValue
)

func (x *tableWriter) split() bool {
	if x.opt.SplitCodes != nil {
		return *x.opt.SplitCodes
	}
	return x.style == model.StyleShanghai
}

func (x *tableWriter) write() error {
	var cols []hcol
	var err error
	switch x.ts.Kind {
	case KindBalance:
		cols = x.balanceCols()
	case KindCoded:
		cols = x.codedCols()
	case KindEcon:
		cols, err = x.econCols()
	case KindSangong:
		cols = x.sangongCols()
	default:
		return fmt.Errorf("unknown kind %q", x.ts.Kind)
	}
	if err != nil {
		return err
	}
	x.width = len(cols)
	if err := x.furniture(); err != nil {
		return err
	}
	headTop := x.row
	if err := x.header(cols); err != nil {
		return err
	}
	if x.style == model.StyleMOF && x.ts.Kind != KindEcon {
		if err := x.lineNumbers(cols); err != nil {
			return err
		}
	}
	headLast := x.row - 1
	for i, c := range cols {
		col := x.c0 + i
		if err := x.b.SetColWidth(col, col, c.width); err != nil {
			return err
		}
		if c.kind == colValue {
			x.t.Columns = append(x.t.Columns, &model.Column{
				Key: c.spec.Key, Header: strings.Join(c.path, "/"), Side: c.side, SheetCol: col,
			})
		}
	}
	switch x.ts.Kind {
	case KindBalance:
		err = x.balanceBody(cols)
	case KindCoded:
		err = x.codedBody(cols)
	case KindEcon:
		err = x.econBody(cols)
	case KindSangong:
		err = x.sangongBody(cols)
	}
	if err != nil {
		return err
	}
	last := x.row - 1
	x.t.Range = xlsx.Addr(x.r0, x.c0) + ":" + xlsx.Addr(last, x.c0+x.width-1)
	if err := x.notes(); err != nil {
		return err
	}
	freezeCol := 1
	if x.ts.Kind == KindCoded {
		// Keep the code and name columns in view while scrolling right.
		for i, c := range cols {
			if c.kind == colValue {
				freezeCol = x.c0 + i
				break
			}
		}
	}
	if err := x.b.Freeze(headLast+1, freezeCol); err != nil {
		return err
	}
	return x.b.Print(xlsx.BuildPrint{Landscape: true, A4: true, FitToWidth: true, TitleFirst: headTop, TitleLast: headLast})
}

// furniture writes the title, the MOF table number and the unit line.
func (x *tableWriter) furniture() error {
	b, r, c, last := x.b, x.r0, x.c0, x.c0+x.width-1
	if err := b.SetString(r, c, x.t.Title, xlsx.BuildTitle); err != nil {
		return err
	}
	if err := b.Merge(r, c, r, last); err != nil {
		return err
	}
	if err := b.SetRowHeight(r, 30); err != nil {
		return err
	}
	r++
	unitText := "单位：" + string(x.unit)
	if x.style == model.StyleMOF {
		if x.t.Number != "" {
			if err := b.SetString(r, last, x.t.Number, xlsx.BuildRight); err != nil {
				return err
			}
		}
		r++
		name := ""
		if x.d != nil {
			name = x.d.UnitName
		}
		if err := b.SetString(r, c, "部门："+name, xlsx.BuildStyle{HAlign: "left"}); err != nil {
			return err
		}
		if half := c + x.width/2 - 1; half > c && half < last {
			if err := b.Merge(r, c, r, half); err != nil {
				return err
			}
		}
		unitText = "金额" + unitText
	}
	if err := b.SetString(r, last, unitText, xlsx.BuildRight); err != nil {
		return err
	}
	x.row = r + 1
	return nil
}

// header writes the header rows from the columns' paths, merging equal
// adjacent captions and stretching each column's leaf caption down.
func (x *tableWriter) header(cols []hcol) error {
	depth := 0
	for _, c := range cols {
		depth = max(depth, len(c.path))
	}
	type span struct{ top, bottom int }
	rowsOf := func(c hcol, j int) span {
		k := len(c.path)
		switch {
		case j < c.stretch:
			return span{j, j}
		case j == c.stretch:
			return span{j, depth - (k - c.stretch)}
		default:
			return span{depth - (k - j), depth - (k - j)}
		}
	}
	top := x.row
	if err := x.b.Style(top, x.c0, top+depth-1, x.c0+x.width-1, xlsx.BuildHeader); err != nil {
		return err
	}
	for j := 0; j < depth; j++ {
		for i := 0; i < len(cols); {
			c := cols[i]
			if j >= len(c.path) {
				i++
				continue
			}
			sp := rowsOf(c, j)
			key := strings.Join(c.path[:j+1], "\x00")
			n := 1
			for i+n < len(cols) {
				o := cols[i+n]
				if j >= len(o.path) || strings.Join(o.path[:j+1], "\x00") != key || rowsOf(o, j) != sp {
					break
				}
				n++
			}
			r1, r2 := top+sp.top, top+sp.bottom
			c1, c2 := x.c0+i, x.c0+i+n-1
			if err := x.b.SetString(r1, c1, c.path[j], xlsx.BuildHeader); err != nil {
				return err
			}
			if err := x.b.Merge(r1, c1, r2, c2); err != nil {
				return err
			}
			i += n
		}
	}
	x.row = top + depth
	return nil
}

// lineNumbers writes the MOF 栏次 row: "栏次" under the label columns,
// 1, 2, 3 … under the value columns.
func (x *tableWriter) lineNumbers(cols []hcol) error {
	r := x.row
	if err := x.b.Style(r, x.c0, r, x.c0+x.width-1, xlsx.BuildCenter); err != nil {
		return err
	}
	for i := 0; i < len(cols); {
		c := cols[i]
		switch c.kind {
		case colValue:
			if err := x.b.SetInt(r, x.c0+i, c.seq, xlsx.BuildCenter); err != nil {
				return err
			}
			i++
		case colLine:
			i++
		default: // a run of label/code/name columns gets one merged 栏次
			n := 1
			for i+n < len(cols) && (cols[i+n].kind == colCode || cols[i+n].kind == colName) && c.kind != colLabel {
				n++
			}
			if err := x.b.SetString(r, x.c0+i, "栏次", xlsx.BuildCenter); err != nil {
				return err
			}
			if err := x.b.Merge(r, x.c0+i, r, x.c0+i+n-1); err != nil {
				return err
			}
			i += n
		}
	}
	x.row++
	return nil
}

func (x *tableWriter) notes() error {
	lines := []string{x.ts.Note}
	if x.d != nil {
		if n := x.d.EmptyNotes[x.ts.ID]; n != "" {
			lines = append(lines, n)
			x.t.EmptyNote = curlyQuotes(n)
		}
	}
	for _, l := range lines {
		if l == "" {
			continue
		}
		r := x.row
		if err := x.b.SetString(r, x.c0, curlyQuotes(l), xlsx.BuildNote); err != nil {
			return err
		}
		if err := x.b.Merge(r, x.c0, r, x.c0+x.width-1); err != nil {
			return err
		}
		x.row++
	}
	return nil
}

// ---- cells -----------------------------------------------------------------

func (x *tableWriter) labelCell(r, c int, text string, st xlsx.BuildStyle) error {
	return x.b.SetString(r, c, text, st)
}

// value writes one amount cell and records it in the model.
func (x *tableWriter) value(r, c int, rowKey, colKey string, derived bool) error {
	var v decimal.Decimal
	ok := false
	if x.d != nil {
		if s := strings.TrimSpace(x.d.Values[x.ts.ID][rowKey][colKey]); s != "" {
			var err error
			if v, err = decimal.NewFromString(s); err != nil {
				return model.Errorf(model.EInvalid, err, "%s %s 行 %s 列的值 %q 不是数字", x.ts.ID, rowKey, colKey, s)
			}
			v, ok = v.Mul(x.factor), true
		}
	}
	if x.opt.OmitDerived && derived {
		ok = false
	}
	if ok && v.IsZero() && x.opt.BlankZeros {
		ok = false
	}
	cell := &model.Cell{
		Key:      model.Key{Row: rowKey, Col: colKey},
		Sheet:    x.t.Sheet,
		Addr:     xlsx.Addr(r, c),
		Blank:    !ok,
		Decimals: 2,
		Derived:  derived,
	}
	if !ok {
		x.t.SetCell(cell)
		return x.b.Style(r, c, r, c, xlsx.BuildAmount)
	}
	v = v.Round(2)
	cell.Value = v
	text := v.StringFixed(2)
	switch {
	case x.opt.FullWidthDigits:
		if x.opt.ThousandsSep {
			text = model.Thousands(text)
		}
		text = fullWidth(text)
	case x.opt.NumbersAsText:
		if x.opt.ThousandsSep {
			text = model.Thousands(text)
		}
	default:
		cell.Raw = text
		x.t.SetCell(cell)
		return x.b.SetNumber(r, c, v, 2, xlsx.BuildAmount)
	}
	cell.Raw = text
	x.t.SetCell(cell)
	return x.b.SetString(r, c, text, xlsx.BuildStyle{HAlign: "right", Border: true, Text: true})
}

// fullWidth maps ASCII digits and punctuation to their full-width forms.
func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0x20 && r < 0x7f {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (x *tableWriter) addRow(key, code, label, side string, level, r int) {
	x.t.Rows = append(x.t.Rows, &model.Row{Key: key, Code: code, Level: level, Label: label, Side: side, SheetRow: r})
}

// name returns the 科目名称 of a code: the data's, else the spec's list.
func (x *tableWriter) name(code string) string {
	if x.d != nil {
		if n := x.d.Names[code]; n != "" {
			return n
		}
	}
	codes, _ := PrintCodes(x.ts.ID)
	for _, c := range codes {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// codeCols returns the code column(s) and the name column under top.
func (x *tableWriter) codeCols(top []string, parts []string) []hcol {
	caption := "功能分类科目编码"
	if x.ts.Catalog == "economic" {
		caption = "经济分类科目编码"
	}
	var out []hcol
	if x.split() {
		for _, p := range parts {
			path := append(append([]string{}, top...), caption, p)
			out = append(out, hcol{path: path, stretch: len(path) - 1, width: 6, kind: colCode})
		}
	} else {
		path := append(append([]string{}, top...), caption)
		out = append(out, hcol{path: path, stretch: len(path) - 1, width: 12, kind: colCode})
	}
	path := append(append([]string{}, top...), "科目名称")
	return append(out, hcol{path: path, stretch: len(path) - 1, width: 30, kind: colName})
}

// writeCode writes a code as text, split into 类|款|项 parts when the
// layout has several code columns.
func (x *tableWriter) writeCode(r, c, ncols int, code string) error {
	if ncols == 1 {
		return x.b.SetString(r, c, code, xlsx.BuildCode)
	}
	bounds := []int{0, 3, 5, 7}
	for i := 0; i < ncols && i+1 < len(bounds); i++ {
		part := ""
		if len(code) >= bounds[i+1] {
			part = code[bounds[i]:bounds[i+1]]
		}
		if err := x.b.SetString(r, c+i, part, xlsx.BuildCode); err != nil {
			return err
		}
	}
	return nil
}

func (x *tableWriter) valueCols(cs []ColSpec, side string, seq *int, prefix []string) []hcol {
	var out []hcol
	for i := range cs {
		c := &cs[i]
		path := append(append([]string{}, prefix...), strings.Split(c.HeaderFor(x.style), "/")...)
		*seq++
		out = append(out, hcol{path: path, stretch: len(path) - 1, width: 15, kind: colValue, spec: c, side: side, seq: *seq})
	}
	return out
}

// ---- balance (T01, T04) ----------------------------------------------------

func (x *tableWriter) balanceCols() []hcol {
	var cols []hcol
	seq := 0
	for _, s := range x.ts.Sides {
		// A one-sided list (T11) has no 收入/支出 caption over its columns.
		var top []string
		if s.Header != "" {
			top = []string{s.Header}
		}
		path := func(leaf string) []string { return append(append([]string{}, top...), leaf) }
		cols = append(cols, hcol{path: path("项目"), stretch: len(top), width: 34, kind: colLabel, side: s.Key})
		if x.style == model.StyleMOF {
			cols = append(cols, hcol{path: path("行次"), stretch: len(top), width: 6, kind: colLine, side: s.Key})
		}
		cols = append(cols, x.valueCols(s.Columns, s.Key, &seq, top)...)
	}
	return cols
}

type balanceRow struct {
	key, label, code string
	derived          bool
}

func (x *tableWriter) balanceBody(cols []hcol) error {
	type sideRows struct {
		top, bottom []balanceRow
		pair        map[int]string // bottom index -> key of the left row it pairs with
	}
	sides := make([]sideRows, len(x.ts.Sides))
	for i, s := range x.ts.Sides {
		sr := &sides[i]
		if s.Classes {
			for _, c := range x.spec.Classes {
				sr.top = append(sr.top, balanceRow{key: c.Code, code: c.Code, label: c.Ordinal + "、" + c.Label})
			}
		}
		for _, r := range s.Rows {
			br := balanceRow{key: r.Key, label: r.Label, derived: r.Derived}
			if r.Bottom {
				if r.Pair != "" {
					if sr.pair == nil {
						sr.pair = map[int]string{}
					}
					sr.pair[len(sr.bottom)] = r.Pair
				}
				sr.bottom = append(sr.bottom, br)
			} else {
				sr.top = append(sr.top, br)
			}
		}
	}
	nTop, nBottom := 0, 0
	for _, s := range sides {
		nTop = max(nTop, len(s.top))
		nBottom = max(nBottom, len(s.bottom))
	}
	// Place each side's rows: top rows from the first body row, bottom
	// rows in the bottom block, paired across sides by index or `pair`.
	place := make([]map[int]balanceRow, len(sides))
	for i, s := range sides {
		place[i] = map[int]balanceRow{}
		for j, r := range s.top {
			place[i][j] = r
		}
		for j, r := range s.bottom {
			pos := nTop + j
			if p, ok := s.pair[j]; ok {
				for k, l := range sides[0].bottom {
					if l.key == p {
						pos = nTop + k
					}
				}
			}
			place[i][pos] = r
		}
	}
	first := x.row
	nRows := nTop + nBottom
	if err := x.b.Style(first, x.c0, first+nRows-1, x.c0+x.width-1, xlsx.BuildLabel); err != nil {
		return err
	}
	line := 0
	for si, s := range x.ts.Sides {
		var label, lineCol int = -1, -1
		var vcols []int
		for i, c := range cols {
			if c.side != s.Key {
				continue
			}
			switch c.kind {
			case colLabel:
				label = i
			case colLine:
				lineCol = i
			case colValue:
				vcols = append(vcols, i)
			}
		}
		for j := 0; j < nRows; j++ {
			br, ok := place[si][j]
			r := first + j
			if !ok {
				for _, vi := range vcols {
					if err := x.b.Style(r, x.c0+vi, r, x.c0+vi, xlsx.BuildAmount); err != nil {
						return err
					}
				}
				continue
			}
			if err := x.labelCell(r, x.c0+label, br.label, xlsx.BuildLabel); err != nil {
				return err
			}
			if lineCol >= 0 {
				line++
				if err := x.b.SetInt(r, x.c0+lineCol, line, xlsx.BuildCenter); err != nil {
					return err
				}
			}
			lv := 0
			if br.code != "" {
				lv = model.CodeLevel(br.code)
			}
			x.addRow(br.key, br.code, br.label, s.Key, lv, r)
			for _, vi := range vcols {
				c := cols[vi]
				if err := x.value(r, x.c0+vi, br.key, c.spec.Key, br.derived || c.spec.Derived); err != nil {
					return err
				}
			}
		}
	}
	sort.SliceStable(x.t.Rows, func(i, j int) bool { return x.t.Rows[i].SheetRow < x.t.Rows[j].SheetRow })
	x.row = first + nRows
	return nil
}

// ---- coded (T02, T03, T05, T07, T08) ---------------------------------------

func (x *tableWriter) columns() []ColSpec {
	if !(x.opt.T08ExpenditureOnly && hasVariant(x.ts, "expenditure-only")) {
		return x.ts.Columns
	}
	var out []ColSpec
	for _, c := range x.ts.Columns {
		if !c.Optional {
			out = append(out, c)
		}
	}
	return out
}

func hasVariant(ts *TableSpec, name string) bool {
	for _, v := range ts.Variants {
		if v.Name == name {
			return true
		}
	}
	return false
}

func (x *tableWriter) codedCols() []hcol {
	seq := 0
	cols := x.codeCols([]string{"项目"}, []string{"类", "款", "项"})
	if x.opt.T08ExpenditureOnly && hasVariant(x.ts, "expenditure-only") {
		x.t.Variant = "expenditure-only"
	}
	return append(cols, x.valueCols(x.columns(), "", &seq, nil)...)
}

func (x *tableWriter) totalLast() bool {
	pos := x.ts.Total.Position[x.style]
	if x.opt.T05TotalLast != nil && x.ts.Total.Position[model.StyleMOF] != x.ts.Total.Position[model.StyleShanghai] {
		return *x.opt.T05TotalLast
	}
	return pos == "last"
}

func (x *tableWriter) codedBody(cols []hcol) error {
	nCode, firstVal := 0, 0
	for i, c := range cols {
		if c.kind == colCode {
			nCode++
		}
		if c.kind == colValue && firstVal == 0 {
			firstVal = i
		}
	}
	codes := x.d.Codes(x.ts.ID)
	hasChild := func(code string) bool {
		for _, c := range codes {
			if len(c) > len(code) && strings.HasPrefix(c, code) {
				return true
			}
		}
		return false
	}
	writeTotal := func() error {
		r := x.row
		if err := x.b.Style(r, x.c0, r, x.c0+x.width-1, xlsx.BuildLabel); err != nil {
			return err
		}
		if err := x.labelCell(r, x.c0, x.ts.Total.Label, xlsx.BuildCenter); err != nil {
			return err
		}
		if err := x.b.Merge(r, x.c0, r, x.c0+firstVal-1); err != nil {
			return err
		}
		x.addRow(x.ts.Total.Key, "", x.ts.Total.Label, "", 0, r)
		for i := firstVal; i < len(cols); i++ {
			if err := x.value(r, x.c0+i, x.ts.Total.Key, cols[i].spec.Key, true); err != nil {
				return err
			}
		}
		x.row++
		return nil
	}
	if !x.totalLast() {
		if err := writeTotal(); err != nil {
			return err
		}
	}
	for _, code := range codes {
		r := x.row
		if err := x.b.Style(r, x.c0, r, x.c0+x.width-1, xlsx.BuildLabel); err != nil {
			return err
		}
		if err := x.writeCode(r, x.c0, nCode, code); err != nil {
			return err
		}
		name := x.name(code)
		if err := x.labelCell(r, x.c0+nCode, name, xlsx.BuildLabel); err != nil {
			return err
		}
		x.addRow(code, code, name, "", model.CodeLevel(code), r)
		sub := hasChild(code)
		for i := firstVal; i < len(cols); i++ {
			if err := x.value(r, x.c0+i, code, cols[i].spec.Key, sub || cols[i].spec.Derived); err != nil {
				return err
			}
		}
		x.row++
	}
	if x.d == nil {
		// The blank template: a few empty, bordered code rows to type into.
		n := x.opt.BlankRows
		if n == 0 {
			n = 5
		}
		if err := x.b.Style(x.row, x.c0, x.row+n-1, x.c0+firstVal-1, xlsx.BuildCode); err != nil {
			return err
		}
		if err := x.b.Style(x.row, x.c0+firstVal, x.row+n-1, x.c0+x.width-1, xlsx.BuildAmount); err != nil {
			return err
		}
		x.row += n
	}
	if x.totalLast() {
		return writeTotal()
	}
	return nil
}

// ---- econ (T06) --------------------------------------------------------------

// econGroup is one printed column group of T06: its classes and the
// GroupSpec (人员经费/公用经费) they belong to.
type econGroup struct {
	classes []string
	spec    *GroupSpec
	first   int // index of its first column
	value   int // index of its value column
}

func (x *tableWriter) econLayout() ([][]string, error) {
	if n := x.opt.T06Groups; n != 0 {
		styles := []model.Style{model.StyleMOF, model.StyleShanghai}
		for _, s := range styles {
			if l := x.ts.Layout[s]; len(l) == n {
				return l, nil
			}
		}
		return nil, fmt.Errorf("no %d-group layout in spec", n)
	}
	l := x.ts.Layout[x.style]
	if len(l) == 0 {
		return nil, fmt.Errorf("no layout for style %s", x.style)
	}
	return l, nil
}

func (x *tableWriter) groupOf(class string) *GroupSpec {
	for i := range x.ts.Groups {
		for _, c := range x.ts.Groups[i].Classes {
			if c == class {
				return &x.ts.Groups[i]
			}
		}
	}
	return nil
}

func (x *tableWriter) econGroups() ([]econGroup, error) {
	layout, err := x.econLayout()
	if err != nil {
		return nil, err
	}
	var gs []econGroup
	for _, cl := range layout {
		if len(cl) == 0 {
			return nil, fmt.Errorf("empty column group in layout")
		}
		g := x.groupOf(cl[0])
		if g == nil {
			return nil, fmt.Errorf("class %s in no group", cl[0])
		}
		gs = append(gs, econGroup{classes: cl, spec: g})
	}
	return gs, nil
}

func (x *tableWriter) econCols() ([]hcol, error) {
	gs, err := x.econGroups()
	if err != nil {
		return nil, err
	}
	x.t.Variant = fmt.Sprintf("groups-%d", len(gs)) // the reader's name for it
	var cols []hcol
	seq := 0
	for _, g := range gs {
		var top []string
		if x.style == model.StyleMOF {
			top = []string{g.spec.Key}
		}
		cols = append(cols, x.codeCols(top, []string{"类", "款"})...)
		cols = append(cols, x.valueCols(x.ts.Columns, g.spec.Key, &seq, top)...)
	}
	return cols, nil
}

// econCodes lists the rows of one column group: each class, then its 款.
// The blank template prints every 款 of the spec's list; data prints the
// spec's `print` classes and the 款 it has.
func (x *tableWriter) econCodes(classes []string) ([]string, error) {
	printed := map[string]bool{}
	for _, c := range x.ts.Print {
		printed[c] = true
	}
	var src []string
	if x.d == nil {
		pc, err := PrintCodes(x.ts.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range pc {
			src = append(src, c.Code)
		}
	} else {
		src = x.d.Codes(x.ts.ID)
	}
	var out []string
	for _, cl := range classes {
		if printed[cl] || contains(src, cl) {
			out = append(out, cl)
		}
		for _, c := range src {
			if len(c) > len(cl) && strings.HasPrefix(c, cl) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (x *tableWriter) econBody(cols []hcol) error {
	gs, err := x.econGroups()
	if err != nil {
		return err
	}
	gi := -1
	for i, c := range cols {
		if (c.kind == colCode) && (i == 0 || cols[i-1].kind == colValue) {
			gi++
			gs[gi].first = i
		}
		if c.kind == colValue {
			gs[gi].value = i
		}
	}
	lists := make([][]string, len(gs))
	n := 0
	for i, g := range gs {
		if lists[i], err = x.econCodes(g.classes); err != nil {
			return err
		}
		n = max(n, len(lists[i]))
	}
	first := x.row
	if err := x.b.Style(first, x.c0, first+n, x.c0+x.width-1, xlsx.BuildLabel); err != nil {
		return err
	}
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	hasChild := func(code string) bool {
		for _, c := range all {
			if len(c) > len(code) && strings.HasPrefix(c, code) {
				return true
			}
		}
		return false
	}
	for i, g := range gs {
		nCode := g.value - g.first - 1
		for j, code := range lists[i] {
			r := first + j
			if err := x.writeCode(r, x.c0+g.first, nCode, code); err != nil {
				return err
			}
			name := x.name(code)
			if err := x.labelCell(r, x.c0+g.first+nCode, name, xlsx.BuildLabel); err != nil {
				return err
			}
			x.addRow(code, code, name, g.spec.Key, model.CodeLevel(code), r)
			if err := x.value(r, x.c0+g.value, code, cols[g.value].spec.Key, hasChild(code)); err != nil {
				return err
			}
		}
		for j := len(lists[i]); j < n; j++ {
			if err := x.b.Style(first+j, x.c0+g.value, first+j, x.c0+g.value, xlsx.BuildAmount); err != nil {
				return err
			}
		}
	}
	// The totals row: each GroupSpec's label spans its column groups up to
	// the value column of its last group.
	r := first + n
	for gi := 0; gi < len(gs); {
		g := gs[gi]
		last := gi
		for last+1 < len(gs) && gs[last+1].spec == g.spec {
			last++
		}
		c1, c2 := x.c0+g.first, x.c0+gs[last].value-1
		if err := x.labelCell(r, c1, g.spec.Total.Label, xlsx.BuildCenter); err != nil {
			return err
		}
		if err := x.b.Merge(r, c1, r, c2); err != nil {
			return err
		}
		x.addRow(g.spec.Total.Key, "", g.spec.Total.Label, g.spec.Key, 0, r)
		if err := x.value(r, x.c0+gs[last].value, g.spec.Total.Key, cols[gs[last].value].spec.Key, true); err != nil {
			return err
		}
		gi = last + 1
	}
	sort.SliceStable(x.t.Rows, func(i, j int) bool { return x.t.Rows[i].SheetRow < x.t.Rows[j].SheetRow })
	x.row = r + 1
	return nil
}

// ---- sangong (T09) ---------------------------------------------------------

func (x *tableWriter) sangongOrder() string {
	if x.opt.T09Order != "" {
		return x.opt.T09Order
	}
	if x.style == model.StyleShanghai {
		return "interleaved"
	}
	return "blocks"
}

func (x *tableWriter) sangongCols() []hcol {
	seq := 0
	cols := x.valueCols(x.ts.Columns, "", &seq, nil)
	x.t.Variant = x.sangongOrder()
	if x.t.Variant != "interleaved" {
		return cols
	}
	// Interleaved: the block caption (预算数/决算数) moves to the bottom
	// and the columns regroup by item, in the items' first-seen order.
	rank := map[string]int{}
	for i := range cols {
		c := &cols[i]
		c.path = append(append([]string{}, c.path[1:]...), c.path[0])
		c.stretch = len(c.path) - 2
		item := strings.Join(c.path[:len(c.path)-1], "/")
		if _, ok := rank[item]; !ok {
			rank[item] = len(rank)
		}
	}
	sort.SliceStable(cols, func(i, j int) bool {
		return rank[strings.Join(cols[i].path[:len(cols[i].path)-1], "/")] < rank[strings.Join(cols[j].path[:len(cols[j].path)-1], "/")]
	})
	for i := range cols {
		cols[i].seq = i + 1
	}
	return cols
}

func (x *tableWriter) sangongBody(cols []hcol) error {
	r := x.row
	key := x.ts.Row.Key
	x.addRow(key, "", "", "", 0, r)
	for i, c := range cols {
		if err := x.value(r, x.c0+i, key, c.spec.Key, c.spec.Derived); err != nil {
			return err
		}
	}
	x.row++
	return nil
}
