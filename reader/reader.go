// Package reader turns an uploaded workbook into the typed model: it finds
// each of the nine tables by its title and header text (any sheet, any
// order, any starting cell), maps rows by code or label and columns by
// header path, parses amounts robustly, and reports structural problems as
// findings with cell addresses. It never edits the workbook.
package reader

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/juesuan/juesuan/catalog"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

// Options configure a read.
type Options struct {
	Limits xlsx.Limits // zero fields take xlsx.DefaultLimits
	// Catalog checks codes and names; nil uses the catalog of the year's
	// pack (catalog.ForYear).
	Catalog *catalog.Catalog
	// Year is the 决算年度 to read the workbook as (--year); 0: the year
	// the workbook prints (titles, 部门 line, cover), if any.
	Year int
}

// Read opens the workbook in r and reads it. The book is returned so later
// stages (annotate) can mark the same file.
func Read(r io.Reader, opt Options) (*model.Workbook, *xlsx.Book, error) {
	return ReadContext(context.Background(), r, opt)
}

// ReadContext is Read whose loops (zip entries, sheet scans, the table
// searches) end with the coded ETimeout error of the 读取 stage once ctx
// is done: never a partial workbook.
func ReadContext(ctx context.Context, r io.Reader, opt Options) (*model.Workbook, *xlsx.Book, error) {
	b, err := xlsx.OpenContext(ctx, r, opt.Limits)
	if err != nil {
		return nil, nil, err
	}
	wb, err := FromBook(b, opt)
	if err != nil {
		return nil, b, err
	}
	return wb, b, nil
}

// FromBook reads the nine tables of an opened workbook. The error is a
// *model.Error: ECorrupt/ETooMany from a sheet, or ENoTables.
func FromBook(b *xlsx.Book, opt Options) (*model.Workbook, error) {
	spec, err := templates.Load()
	if err != nil {
		return nil, model.Errorf(model.EInternal, err, "内部错误：九张表版式说明无法加载。")
	}
	rd := &reader{spec: spec, years: map[int]int{}, wb: &model.Workbook{Tables: map[model.TableID]*model.Table{}, Sheets: b.Sheets()},
		stop: b.Stop()}
	for _, name := range rd.wb.Sheets {
		g, err := b.Grid(name)
		if err != nil {
			return nil, err
		}
		rd.sheet(g)
		if err := rd.stop.Err(); err != nil {
			return nil, err // the sheet was left part-read
		}
	}
	if rd.wb.UnitName == "" {
		rd.wb.UnitName = rd.titleDept
	}
	if rd.wb.UnitName == "" {
		rd.wb.UnitName = rd.noteDept
	}
	// The year: as asked, else the one the workbook prints most often.
	rd.wb.Year = rd.printedYear()
	rd.wb.YearPrinted = rd.wb.Year
	if opt.Year != 0 {
		rd.wb.Year = opt.Year
	}
	// Codes are checked against the catalog of that year, once every
	// table (and so the year) is known.
	cat := opt.Catalog
	if cat == nil {
		if cat, err = catalog.ForYear(rd.wb.Year); err != nil {
			return nil, model.Errorf(model.EInternal, err, "内部错误：科目目录无法加载。")
		}
	}
	for _, cc := range rd.codeChecks {
		rd.findings = append(rd.findings, cc(cat, rd.wb.Year)...)
	}
	if len(rd.wb.Tables) == 0 {
		return nil, model.Errorf(model.ENoTables, nil, msgNoTables)
	}
	rd.regionalTitles()
	for _, id := range model.AllTables {
		if rd.wb.Tables[id] != nil {
			continue
		}
		ts := spec.Table(id)
		sev, msg := model.SevError, msgMissingTable
		if id == model.T07 || id == model.T08 {
			sev, msg = model.SevWarning, msgMissingOptional
		}
		// The table number is cited only in a workbook that prints numbers
		// (a Shanghai workbook prints none: "公开03表" would mean nothing).
		num := ""
		for _, t := range rd.wb.Tables {
			if t.Number != "" {
				num = fmt.Sprintf(msgNumberCited, ts.NumberLabel())
				break
			}
		}
		rd.add(model.Finding{Rule: RuleMissingTable, Severity: sev, Table: id,
			Message: fmt.Sprintf(msg, ts.Name, num)})
	}
	rd.wb.Unit = model.Wan
	allYuan := true
	for _, t := range rd.wb.Located() {
		if t.Unit != model.Yuan {
			allYuan = false
		}
	}
	if allYuan {
		rd.wb.Unit = model.Yuan
	}
	rd.wb.Findings = rd.findings
	if rd.wb.Findings == nil {
		rd.wb.Findings = []model.Finding{}
	}
	model.SortFindings(rd.wb.Findings)
	return rd.wb, nil
}

type reader struct {
	spec        *templates.Spec
	codeChecks  []func(*catalog.Catalog, int) []model.Finding
	years       map[int]int // year -> how often printed
	titleDept   string      // a unit name printed before a title's year
	noteDept    string      // a unit name an empty table's 说明 line prints
	wb          *model.Workbook
	findings    []model.Finding
	tf          *titleFilter // the spec's title filter (titleFilterOf, looked up once)
	stop        *model.Stop  // the book's cancellation: the row and cell loops end early, FromBook fails
	setVariants []*located   // tables printed with a regional set's title
}

// normText is templates.NormalizeText, memoised for all reads (textMemo):
// the table passes read the same cells several times, and workbooks
// repeat the same titles, headers and labels.
func (rd *reader) normText(s string) string {
	if len(s) <= textMemoLen {
		if n, ok := textMemo.get(s); ok {
			return n
		}
		n := templates.NormalizeText(s)
		textMemo.put(s, n)
		return n
	}
	// Titles, labels, headers and the unit line are short: only a bounded
	// prefix of a cell is matched, so a megabyte cell costs no more than a
	// short one (the cell itself is never changed).
	if len(s) > maxMatchedText {
		cut := maxMatchedText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return templates.NormalizeText(s)
}

// normLabel is templates.NormalizeLabel, memoised like normText (the
// catalog's names and the rows' labels are compared for every code row).
func normLabel(s string) string {
	if len(s) > textMemoLen {
		return templates.NormalizeLabel(s)
	}
	if n, ok := labelNormMemo.get(s); ok {
		return n
	}
	n := templates.NormalizeLabel(s)
	labelNormMemo.put(s, n)
	return n
}

// textMemoLen is the longest text the string memos keep.
const textMemoLen = 256

// stringMemo is a process-wide cache of a pure function of short texts,
// bounded (labelMemoMax entries) so hostile input cannot grow it without
// limit.
type stringMemo struct {
	sync.RWMutex
	m map[string]string
}

var textMemo, labelNormMemo = &stringMemo{m: map[string]string{}}, &stringMemo{m: map[string]string{}}

func (c *stringMemo) get(k string) (string, bool) {
	c.RLock()
	v, ok := c.m[k]
	c.RUnlock()
	return v, ok
}

func (c *stringMemo) put(k, v string) {
	c.Lock()
	if len(c.m) < labelMemoMax {
		c.m[k] = v
	}
	c.Unlock()
}

// maxMatchedText is how many bytes of a cell's text the reader matches.
const maxMatchedText = 1024

// memoKey caches label matches: the spec matchers normalise the label on
// every call, and the same labels recur in every row scan.
type memoKey struct {
	m     any // *templates.RowSpec, *templates.Class
	label string
}

type labelMatcher interface{ Matches(string) bool }

// labelMemo is shared by all reads: the spec is a process-wide singleton
// and real workbooks repeat the same few hundred labels. Bounded so hostile
// input cannot grow it without limit.
var labelMemo = struct {
	sync.RWMutex
	m map[memoKey]bool
}{m: map[memoKey]bool{}}

const labelMemoMax = 20000

func (rd *reader) matches(m labelMatcher, label string) bool {
	if len(label) > 200 { // never kept: not worth hashing
		return m.Matches(label)
	}
	k := memoKey{m, label}
	labelMemo.RLock()
	v, ok := labelMemo.m[k]
	labelMemo.RUnlock()
	if ok {
		return v
	}
	v = m.Matches(label)
	if len(label) <= 200 {
		labelMemo.Lock()
		if len(labelMemo.m) < labelMemoMax {
			labelMemo.m[k] = v
		}
		labelMemo.Unlock()
	}
	return v
}

func (rd *reader) add(f model.Finding) {
	if f.Cells == nil {
		f.Cells = []model.CellRef{}
		if f.Cell != "" {
			f.Cells = append(f.Cells, model.CellRef{Sheet: f.Sheet, Cell: f.Cell, Table: f.Table})
		}
	}
	f.SetFingerprint()
	rd.findings = append(rd.findings, f)
}

// titleHit is a cell whose text is one of the nine titles.
type titleHit struct {
	row, col int
	spec     *templates.TableSpec
	text     string // as printed
	title    string // the matched part, normalised
	number   string // 公开0N表 when printed in the title cell
}

var (
	numberRe  = regexp.MustCompile(`公开(\d{1,2})表`)
	unitRe    = regexp.MustCompile(`单位:(万元|元)`)
	deptRe    = regexp.MustCompile(`(?:^|[^金额])(?:部门|单位名称|编制单位|部门名称)(?:\(单位\))?:(.+?)(?:金额单位:|单位:|$)`)
	noteStart = regexp.MustCompile(`^(?:注|说明|备注)[:：\d]`)
)

// sheet finds the titles of one sheet and reads the table under each.
func (rd *reader) sheet(g *xlsx.Grid) {
	var hits []titleHit
	for r := 1; r <= g.MaxRow; r++ {
		for c := 1; c <= g.MaxCol; c++ {
			if rd.stop.Tick() {
				return
			}
			cell := g.At(r, c)
			if cell.Number || cell.Text == "" {
				continue
			}
			if h, ok := rd.matchTitle(cell.Text); ok {
				h.row, h.col = r, c
				hits = append(hits, h)
				break
			}
		}
	}
	found := false
	defer func() {
		if !found {
			rd.coverYears(g)
		}
	}()
	for i, h := range hits {
		end := g.MaxRow
		if i+1 < len(hits) {
			end = hits[i+1].row - 1
		}
		t := rd.table(g, h, end)
		if t == nil {
			continue
		}
		if old := rd.wb.Tables[t.ID]; old != nil {
			rd.add(model.Finding{Rule: RuleDuplicateTable, Severity: model.SevWarning, Table: t.ID, Sheet: g.Sheet,
				Cell: xlsx.Addr(h.row, h.col), Message: fmt.Sprintf(msgDuplicateTable, h.spec.Name, old.Sheet, g.Sheet)})
			continue
		}
		rd.commit(t)
		found = true
	}
}

// coverYears takes the year of a cover or contents sheet (no table on it):
// "2024年度部门决算公开" in its first rows.
func (rd *reader) coverYears(g *xlsx.Grid) {
	for r := 1; r <= min(g.MaxRow, 20); r++ {
		for c := 1; c <= min(g.MaxCol, 12); c++ {
			cell := g.At(r, c)
			if cell.Number || cell.Text == "" {
				continue
			}
			n := rd.normText(cell.Text)
			if !strings.Contains(n, "决算") {
				continue
			}
			for _, y := range yearsIn(n) {
				rd.years[y]++
			}
		}
	}
}

// titleMemo caches matchTitle by text (the same titles recur in every
// workbook); bounded like labelMemo. Valid for the process-wide spec.
var titleMemo = struct {
	sync.RWMutex
	spec *templates.Spec
	m    map[string]titleMemoVal
}{m: map[string]titleMemoVal{}}

type titleMemoVal struct {
	h  titleHit
	ok bool
}

// titleFilter is titleFilterOf(rd.spec), looked up once per read (it
// takes a lock, and every text cell is a title candidate).
func (rd *reader) titleFilter() *titleFilter {
	if rd.tf == nil {
		rd.tf = titleFilterOf(rd.spec)
	}
	return rd.tf
}

// matchTitle recognises a title cell: a title of the spec with the spec's
// title affixes around it (a year prefix such as "某某局2024年度", "附表1",
// "（表1）"), a 公开0N表 number removed.
func (rd *reader) matchTitle(text string) (titleHit, bool) {
	if len(text) > 240 || !rd.titleFilter().mayContain(text) {
		return titleHit{}, false
	}
	titleMemo.RLock()
	v, hit := titleMemo.m[text]
	same := titleMemo.spec == rd.spec
	titleMemo.RUnlock()
	if hit && same {
		return v.h, v.ok
	}
	h, ok := rd.matchTitleUncached(text)
	titleMemo.Lock()
	if titleMemo.spec != rd.spec {
		titleMemo.spec, titleMemo.m = rd.spec, map[string]titleMemoVal{}
	}
	if len(titleMemo.m) < labelMemoMax {
		titleMemo.m[text] = titleMemoVal{h, ok}
	}
	titleMemo.Unlock()
	return h, ok
}

func (rd *reader) matchTitleUncached(text string) (titleHit, bool) {
	tf := rd.titleFilter()
	if len(text) > 240 || !tf.mayContain(text) {
		return titleHit{}, false
	}
	n := rd.normText(text)
	h := titleHit{text: strings.TrimSpace(text)}
	if m := numberRe.FindStringSubmatch(n); m != nil {
		h.number = m[0]
		n = strings.Replace(n, m[0], "", 1)
		n = strings.ReplaceAll(n, "()", "")
	}
	n = templates.NormalizeLabel(n)
	// Every title of the spec contains its literal parts; cheap rejection
	// of the many text cells that are no title.
	if !tf.admits(n) {
		return titleHit{}, false
	}
	// Prefixes (GK01, 附表1, unit name and year) and suffixes (（表1）) are
	// the spec's title_affixes, applied by the table's title matcher.
	for k := range rd.spec.Tables {
		ts := &rd.spec.Tables[k]
		if core, ok := ts.MatchTitle(n); ok {
			h.spec, h.title = ts, core
			return h, true
		}
	}
	return titleHit{}, false
}

// commit stores a located table and its workbook-level facts.
func (rd *reader) commit(t *located) {
	rd.wb.Tables[t.ID] = t.Table
	if rd.wb.UnitName == "" && t.dept != "" {
		rd.wb.UnitName = t.dept
	}
	if rd.titleDept == "" {
		rd.titleDept = t.titleDept
	}
	if rd.noteDept == "" {
		rd.noteDept = noteUnit(t.EmptyNote)
	}
	rd.findings = append(rd.findings, t.findings...)
	if t.codeCheck != nil {
		rd.codeChecks = append(rd.codeChecks, t.codeCheck)
	}
	for _, y := range t.years {
		rd.years[y]++
	}
	if t.setVariant != nil {
		rd.setVariants = append(rd.setVariants, t)
	}
}

// regionalTitles adds the S07 finding of each regional title whose set
// the workbook does not print (a 云南 title in a workbook without 云南's
// extra tables is a variant; in the 云南 set it is the expected title).
func (rd *reader) regionalTitles() {
	for _, t := range rd.setVariants {
		inSet := false
		for _, x := range rd.wb.Tables {
			if ts := rd.spec.Table(x.ID); ts != nil && ts.Set == t.setName {
				inSet = true
			}
		}
		if !inSet {
			rd.findings = append(rd.findings, *t.setVariant)
		}
	}
}

// yearRe finds a 决算年度 in a title, the 部门 line or a cover: 2024年度,
// 2024 年 (only 2000-2099).
// noteUnitRe takes the unit from an empty table's statement, the one
// place a Shanghai workbook without unit titles prints its name:
// "说明：中共上海市普陀区委社会工作部本年度没有财政拨款“三公”经费支出，故本表无数据。"
var noteUnitRe = regexp.MustCompile(`^(?:说明|注)\s*[:：]\s*(.{2,60}?)\s*(?:本年度|(?:20\d{2})\s*年度?)`)

// noteUnit is the unit an empty-table note names, "" for none or for a
// generic 本单位/本部门.
func noteUnit(note string) string {
	m := noteUnitRe.FindStringSubmatch(strings.TrimSpace(note))
	if m == nil {
		return ""
	}
	switch u := strings.TrimSpace(m[1]); u {
	case "本单位", "本部门", "我单位", "我部门", "本机关", "我局", "本局", "单位", "部门":
		return ""
	default:
		return u
	}
}

var yearRe = regexp.MustCompile(`(20\d{2})\s*年度?`)

// yearsIn returns the years text names.
func yearsIn(text string) []int {
	if !strings.Contains(text, "年") { // no match without it; the regexp costs
		return nil
	}
	var out []int
	for _, m := range yearRe.FindAllStringSubmatch(text, 4) {
		y, _ := strconv.Atoi(m[1])
		out = append(out, y)
	}
	return out
}

// printedYear is the year the tables' titles and furniture name most
// often (the earlier one on a tie), 0 when none does.
func (rd *reader) printedYear() int {
	best, n := 0, 0
	for y, c := range rd.years {
		if c > n || c == n && y < best {
			best, n = y, c
		}
	}
	return best
}

// located is a table being read, with its findings.
type located struct {
	*model.Table
	dept      string
	titleDept string // the unit name a title prints before its year
	findings  []model.Finding
	// codeCheck makes the catalog findings of the table's codes once the
	// workbook's year (and so its catalog) is known.
	codeCheck func(cat *catalog.Catalog, year int) []model.Finding
	years     []int // years the title and furniture print
	// setVariant is the S07 finding of a title of regional set setName,
	// kept unless the workbook prints a table of that set.
	setVariant *model.Finding
	setName    string
}
