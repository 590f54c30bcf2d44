package batch

// summary.go commits outcomes in input order: names the annotated copy,
// writes its results.ndjson line, keeps one small row per unit, spills
// error details to a temporary file, and finally writes 汇总.xlsx.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/xlsx"
)

// Output names every run writes next to the annotated copies.
const (
	SummaryName = "汇总.xlsx"
	ResultsName = "results.ndjson"
)

// Record is one line of results.ndjson: the file, its unit, and either
// the report (the public JSON contract) or why the file could not be read.
type Record struct {
	File string `json:"file"`
	// Path is File relative to the input it was found under (a folder's
	// files from the folder on, a zip's entries from the zip's name): what
	// 汇总.xlsx shows, so the summary reads the same on every machine.
	Path        string        `json:"path,omitempty"`
	Unit        string        `json:"unit"`
	Output      string        `json:"output,omitempty"`       // annotated copy, relative to the output
	Prior       string        `json:"prior,omitempty"`        // prior-year workbook used
	DuplicateOf string        `json:"duplicate_of,omitempty"` // an earlier file of the same unit
	Report      *model.Report `json:"report,omitempty"`
	Error       *RecordError  `json:"error,omitempty"`
	// Seq is the file's position in the walk of all inputs (also of a
	// sharded run: the merge orders by it); Shard is "i/N" in a sharded run.
	Seq   int    `json:"seq"`
	Shard string `json:"shard,omitempty"`
	// Figures are the summary's amounts (万元), for a merge of shards.
	Figures *Figures `json:"figures,omitempty"`
	// Narrative is the 决算公开说明 paired with the workbook (its
	// findings are in Report, which covers both documents). A line with
	// a Narrative and neither Report nor Error is a narrative no workbook
	// was paired with.
	Narrative *NarrativeRecord `json:"narrative,omitempty"`
}

// Figures are the amounts 汇总.xlsx shows per unit, in 万元 ("" when the
// table lacks the cell).
type Figures struct {
	Income  string `json:"income_total,omitempty"`  // T01 收入总计
	Expense string `json:"expense_total,omitempty"` // T01 支出总计
	Sangong string `json:"sangong_total,omitempty"` // T09 决算数 合计
}

// RecordError is a file that could not be checked.
type RecordError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// row is what the summary keeps of one file.
type row struct {
	file, unit, output, prior, dupOf string
	status                           string // pass | warn | fail | error
	code, message                    string
	sum                              model.Summary
	income, expense, sangong         string // 万元; "" when the table lacks the cell
	rules                            map[string]int
	narr                             *NarrativeRecord
}

// detail is one error finding, spilled to disk until the summary is written.
type detail struct {
	Row        int    `json:"r"`
	Rule       string `json:"u"`
	Sheet      string `json:"s"`
	Cell       string `json:"c"`
	Message    string `json:"m"`
	Expected   string `json:"e,omitempty"`
	Actual     string `json:"a,omitempty"`
	Difference string `json:"d,omitempty"`
	Tolerance  string `json:"t,omitempty"`
	Paragraph  int    `json:"p,omitempty"` // 1-based paragraph of a narrative finding
}

// collector is shared by the folder and zip outputs.
type collector struct {
	opt      Options
	eng      *engine
	put      func(name string, data []byte) error // writes an annotated copy
	ndjson   *bufio.Writer
	rows     []*row
	names    *model.NameSet       // the annotated copies' names, distinct in the output
	units    map[string][2]string // unit key -> first file: File, shown name
	rules    map[string]bool
	details  *os.File
	dw       *bufio.Writer
	ndetails int
	stats    Stats
	start    time.Time
}

func newCollector(opt Options, eng *engine, ndjson io.Writer, put func(string, []byte) error) (*collector, error) {
	f, err := os.CreateTemp("", "juesuan-details-*.jsonl")
	if err != nil {
		return nil, model.Errorf(model.EInternal, err, "无法创建临时文件。")
	}
	c := &collector{
		opt: opt, eng: eng, put: put, ndjson: bufio.NewWriterSize(ndjson, 64<<10),
		names: model.NewNameSet(SummaryName, ResultsName),
		units: map[string][2]string{}, rules: map[string]bool{},
		details: f, dw: bufio.NewWriterSize(f, 64<<10), start: time.Now(),
	}
	return c, nil
}

// Close removes the temporary details file.
func (c *collector) Close() {
	c.details.Close()
	os.Remove(c.details.Name())
}

// Chinese statuses of the summary.
func statusText(s string) string {
	switch s {
	case "pass":
		return "通过"
	case "warn":
		return "有提示"
	case "fail":
		return "有错误"
	case "narrative":
		return msgOnlyNarrative
	}
	return "无法读取"
}

func (c *collector) commit(o *outcome) error {
	rec := Record{File: o.name, Prior: o.prior, Seq: o.idx, Shard: c.opt.Shard.String()}
	if c.eng != nil {
		rec.Seq = c.eng.seqs.take(o.idx)
		if c.eng.roots != nil {
			rec.Path = c.eng.roots.rel(o.name)
		}
	}
	if o.err != nil {
		rec.Error = &RecordError{Code: model.ErrorCode(o.err), Message: model.ErrorMessage(o.err)}
		if o.narr != nil {
			rec.Narrative = o.narr.record(false)
		}
	} else {
		wb := o.res.Workbook
		rec.Unit, rec.Report = strings.TrimSpace(wb.UnitName), &o.res.Report
		rec.Figures = &Figures{
			Income:  amount(wb, model.Key{Table: model.T01, Row: "收入总计", Col: "决算数"}),
			Expense: amount(wb, model.Key{Table: model.T01, Row: "支出总计", Col: "决算数"}),
			Sangong: amount(wb, model.Key{Table: model.T09, Row: "三公经费", Col: "决算数/合计"}),
		}
		if o.narr != nil {
			rec.Narrative = o.narr.record(true)
		}
		if o.annotated != nil && c.put != nil {
			rec.Output = c.names.Name(rec.Unit, o.base, model.TagAudit)
			if err := c.put(rec.Output, o.annotated); err != nil {
				return err
			}
		}
	}
	return c.record(&rec)
}

// record adds one file's record: its summary row, error details, the
// counts and its results.ndjson line. A run calls it from commit, a merge
// of shards with the shards' records; duplicate units are found here, so
// a merge finds them across shards.
func (c *collector) record(rec *Record) error {
	shown := rec.File
	if rec.Path != "" {
		shown = rec.Path
	}
	r := &row{file: shown, prior: rec.Prior, output: rec.Output, narr: rec.Narrative}
	c.stats.Files++
	switch {
	case rec.Narrative == nil:
	case rec.Error == nil && rec.Report == nil:
		// A narrative of its own: no workbook was paired with it.
		r.status = "narrative"
		r.message = msgUnpairedNote
		if rec.Narrative.Status == NarrError {
			r.message = msgUnpairedUnread
		}
		c.stats.Unpaired++
	default:
		c.stats.Paired++
	}
	if rec.Narrative != nil && rec.Narrative.Status == NarrError {
		c.stats.Unreadable++ // a narrative that could not be read, paired or not
	}
	switch {
	case r.status == "narrative":
		// counted above; it has no report
	case rec.Error != nil || rec.Report == nil:
		if rec.Error == nil {
			rec.Error = &RecordError{Code: model.EInternal, Message: "结果记录缺少审核报告。"}
		}
		r.status, r.code, r.message = "error", rec.Error.Code, rec.Error.Message
		c.stats.Unreadable++
	default:
		rep := rec.Report
		r.unit, r.status, r.sum = rec.Unit, string(rep.Status), rep.Summary
		rec.DuplicateOf = ""
		if k := unitKey(r.unit); k != "" {
			if first, ok := c.units[k]; ok {
				rec.DuplicateOf, r.dupOf = first[0], first[1]
			} else {
				c.units[k] = [2]string{rec.File, shown}
			}
		}
		if f := rec.Figures; f != nil {
			r.income, r.expense, r.sangong = f.Income, f.Expense, f.Sangong
		}
		for _, f := range rep.Findings {
			if f.Severity == model.SevInfo {
				continue
			}
			if r.rules == nil {
				r.rules = map[string]int{}
			}
			r.rules[f.Rule]++
			c.rules[f.Rule] = true
		}
		for _, f := range rep.Findings {
			if f.Severity != model.SevError {
				continue
			}
			d := detail{Row: len(c.rows), Rule: f.Rule, Sheet: f.Sheet, Cell: f.Cell, Message: f.Message,
				Expected: f.Expected, Actual: f.Actual, Difference: f.Difference, Tolerance: f.Tolerance}
			if f.Narrative != nil {
				d.Paragraph = f.Narrative.Paragraph + 1
			}
			b, _ := json.Marshal(d)
			c.dw.Write(b)
			c.dw.WriteByte('\n')
			c.ndetails++
		}
		c.stats.Read++
		c.stats.Errors += rep.Summary.Errors
		c.stats.Warnings += rep.Summary.Warnings
		c.stats.Infos += rep.Summary.Infos
		c.stats.Filled += rep.Summary.Filled
		if rep.Summary.Errors > 0 {
			c.stats.Failing++
		}
	}
	c.rows = append(c.rows, r)
	line, err := json.Marshal(rec)
	if err != nil {
		return model.Errorf(model.EInternal, err, "写出 %s 失败。", ResultsName)
	}
	c.ndjson.Write(line)
	if err := c.ndjson.WriteByte('\n'); err != nil {
		return model.Errorf(model.EInternal, err, "写出 %s 失败。", ResultsName)
	}
	if c.opt.Progress != nil && r.status != "narrative" {
		p := Progress{Done: c.stats.Files, Total: c.stats.Files, File: shown, Status: statusText(r.status),
			Failing: c.stats.Failing, Unreadable: c.stats.Unreadable, Elapsed: time.Since(c.start)}
		if c.eng != nil {
			p.Total, p.TotalFinal = int(c.eng.found.Load()), c.eng.walked.Load()
			// Counted before the run: fixed from the first file (more
			// only if files were added to the folder meanwhile).
			if t := c.eng.total; t > 0 && t >= p.Total {
				p.Total, p.TotalFinal = t, true
			}
		}
		c.opt.Progress(p)
	}
	return nil
}

// finish flushes results.ndjson and the details.
func (c *collector) finish() error {
	c.stats.Elapsed = time.Since(c.start)
	if err := c.ndjson.Flush(); err != nil {
		return model.Errorf(model.EInternal, err, "写出 %s 失败。", ResultsName)
	}
	return c.dw.Flush()
}

// amount returns a cell's value in 万元, "" when the cell is absent.
func amount(wb *model.Workbook, k model.Key) string {
	t := wb.Table(k.Table)
	c := t.Cell(k.Row, k.Col)
	if c == nil {
		return ""
	}
	unit := t.Unit
	if unit == "" {
		unit = wb.Unit
	}
	v := c.Value
	if unit == model.Yuan {
		v = v.Shift(-4)
	}
	return v.String()
}

// writeSummary writes 汇总.xlsx: 汇总, 规则矩阵, 错误明细.
func (c *collector) writeSummary(w io.Writer) error {
	sw := xlsx.NewSummaryWriter()
	defer sw.Close()
	if err := c.sheetUnits(sw); err != nil {
		return err
	}
	if err := c.sheetMatrix(sw); err != nil {
		return err
	}
	if err := c.sheetDetails(sw); err != nil {
		return err
	}
	if _, err := sw.WriteTo(w); err != nil {
		return model.Errorf(model.EInternal, err, "写出 %s 失败。", SummaryName)
	}
	return nil
}

const (
	fillRed   = "FFC7CE"
	fillAmber = "FFEB9C"
	fillHead  = "D9E1F2"
)

func head(texts ...string) []xlsx.SummaryCell {
	out := make([]xlsx.SummaryCell, len(texts))
	for i, t := range texts {
		out[i] = xlsx.SummaryCell{Text: t, Bold: true, Fill: fillHead}
	}
	return out
}

func num(n int) xlsx.SummaryCell { return xlsx.SummaryCell{Number: strconv.Itoa(n)} }

func money(s string) xlsx.SummaryCell {
	if s == "" {
		return xlsx.SummaryCell{}
	}
	return xlsx.SummaryCell{Number: s, Amount: true}
}

func txt(s string) xlsx.SummaryCell { return xlsx.SummaryCell{Text: s} }

// figure is a finding's amount (expected, actual, difference: plain
// decimal text in the report) as a number shown #,##0.00, so the column
// sums and sorts; a tolerance shows its third decimal (#,##0.00#, as in
// 审核结果). Anything else stays text.
func figure(s string, tolerance bool) xlsx.SummaryCell {
	t := strings.TrimSpace(s)
	if _, err := decimal.NewFromString(t); err != nil || strings.ContainsAny(t, "eE") {
		return txt(s)
	}
	if tolerance {
		return xlsx.SummaryCell{Number: t, NumFmt: xlsx.ToleranceNumFmt}
	}
	return xlsx.SummaryCell{Number: t, Amount: true}
}

func (c *collector) sheetUnits(sw *xlsx.SummaryWriter) error {
	if err := sw.Sheet("汇总", []float64{6, 36, 40, 10, 8, 8, 8, 11, 16, 16, 18, 36, 60, 40, 14, 12, 12}, 2, 3); err != nil {
		return err
	}
	// The narrative columns come last so the workbook columns keep their
	// places; 错误/提示/尾差 count both documents, 决算说明错误/提示 the
	// narrative's share.
	if err := sw.Row(head(append([]string{"序号", "单位名称", "文件", "状态", "错误", "提示", "尾差", "补填单元格",
		"收入总计（万元）", "支出总计（万元）", "三公经费决算合计（万元）", "审核后文件", "说明"}, narrHeads...)...)...); err != nil {
		return err
	}
	var narrErrs, narrWarns int
	var tot model.Summary
	var inc, exp, sg decimal.Decimal
	for i, r := range c.rows {
		st := xlsx.SummaryCell{Text: statusText(r.status)}
		switch r.status {
		case "fail", "error":
			st.Fill = fillRed
		case "warn":
			st.Fill = fillAmber
		}
		var notes []string
		if r.message != "" {
			notes = append(notes, r.message)
		}
		if r.dupOf != "" {
			notes = append(notes, "重复：与“"+r.dupOf+"”为同一单位")
		}
		if r.sum.Explained > 0 {
			notes = append(notes, fmt.Sprintf("已说明提示 %d 条", r.sum.Explained))
		}
		if r.prior != "" {
			notes = append(notes, "上年："+r.prior)
		}
		out := txt(r.output)
		if r.output != "" {
			out.Link = r.output
		}
		cells := []xlsx.SummaryCell{num(i + 1), txt(r.unit), txt(r.file), st}
		if r.status == "error" || r.status == "narrative" {
			cells = append(cells, xlsx.SummaryCell{}, xlsx.SummaryCell{}, xlsx.SummaryCell{}, xlsx.SummaryCell{},
				xlsx.SummaryCell{}, xlsx.SummaryCell{}, xlsx.SummaryCell{})
		} else {
			cells = append(cells, num(r.sum.Errors), num(r.sum.Warnings), num(r.sum.Infos), num(r.sum.Filled),
				money(r.income), money(r.expense), money(r.sangong))
		}
		cells = append(cells, out, txt(strings.Join(notes, "；")))
		if n := r.narr; n != nil {
			nst := txt(narrStatusText(n))
			switch n.Status {
			case NarrFail, NarrError:
				nst.Fill = fillRed
			case NarrWarn, NarrUnpaired, NarrNoWorkbook:
				nst.Fill = fillAmber
			}
			shownN := n.File
			if n.Path != "" {
				shownN = n.Path
			}
			cells = append(cells, txt(shownN), nst)
			if n.Status == NarrError || n.Status == NarrNoWorkbook {
				cells = append(cells, xlsx.SummaryCell{}, xlsx.SummaryCell{})
			} else {
				cells = append(cells, num(n.Errors), num(n.Warnings))
				narrErrs += n.Errors
				narrWarns += n.Warnings
			}
		}
		if err := sw.Row(cells...); err != nil {
			return err
		}
		tot.Errors += r.sum.Errors
		tot.Warnings += r.sum.Warnings
		tot.Infos += r.sum.Infos
		tot.Filled += r.sum.Filled
		for _, p := range []struct {
			s   string
			acc *decimal.Decimal
		}{{r.income, &inc}, {r.expense, &exp}, {r.sangong, &sg}} {
			if d, err := decimal.NewFromString(p.s); err == nil {
				*p.acc = p.acc.Add(d)
			}
		}
	}
	b := func(c xlsx.SummaryCell) xlsx.SummaryCell { c.Bold = true; return c }
	sw.Footer()
	return sw.Row(b(txt("合计")), b(txt(fmt.Sprintf("%d 个文件", len(c.rows)))),
		b(txt(fmt.Sprintf("已审核 %d，无法读取 %d", c.stats.Read, c.stats.Unreadable))),
		b(txt(fmt.Sprintf("有错误 %d", c.stats.Failing))),
		b(num(tot.Errors)), b(num(tot.Warnings)), b(num(tot.Infos)), b(num(tot.Filled)),
		b(money(inc.String())), b(money(exp.String())), b(money(sg.String())), xlsx.SummaryCell{}, xlsx.SummaryCell{},
		b(txt(fmt.Sprintf(msgNarrTotal, c.stats.Paired, c.stats.Unpaired))), xlsx.SummaryCell{}, b(num(narrErrs)), b(num(narrWarns)))
}

// sheetMatrix: one row per checked unit, one column per rule that fired
// anywhere (errors and warnings; 尾差 infos are left out as noise).
func (c *collector) sheetMatrix(sw *xlsx.SummaryWriter) error {
	ids := make([]string, 0, len(c.rules))
	for id := range c.rules {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return naturalLess(ids[i], ids[j]) })
	widths := []float64{36, 40}
	for range ids {
		widths = append(widths, 9)
	}
	if err := sw.Sheet("规则矩阵", widths, 3, 3); err != nil {
		return err
	}
	if err := sw.Row(head(append([]string{"单位名称", "文件"}, ids...)...)...); err != nil {
		return err
	}
	msgs := ruleMessages()
	desc := []xlsx.SummaryCell{txt("规则说明"), txt("")}
	for _, id := range ids {
		desc = append(desc, txt(msgs[id]))
	}
	if err := sw.Row(desc...); err != nil {
		return err
	}
	units := make([]int, len(ids))
	for _, r := range c.rows {
		if r.status == "error" || r.status == "narrative" {
			continue
		}
		cells := []xlsx.SummaryCell{txt(r.unit), txt(r.file)}
		for i, id := range ids {
			if n := r.rules[id]; n > 0 {
				cells = append(cells, num(n))
				units[i]++
			} else {
				cells = append(cells, xlsx.SummaryCell{})
			}
		}
		if err := sw.Row(cells...); err != nil {
			return err
		}
	}
	sw.Footer()
	last := []xlsx.SummaryCell{{Text: "涉及单位数", Bold: true}, {}}
	for _, n := range units {
		last = append(last, xlsx.SummaryCell{Number: strconv.Itoa(n), Bold: true})
	}
	return sw.Row(last...)
}

// maxDetailRows keeps 错误明细 within Excel's 1,048,576 rows.
const maxDetailRows = 1_000_000

func (c *collector) sheetDetails(sw *xlsx.SummaryWriter) error {
	// 容差 comes last: the columns before it keep their places.
	if err := sw.Sheet("错误明细", []float64{36, 40, 10, 28, 70, 16, 16, 14, 10}, 2, 1); err != nil {
		return err
	}
	if err := sw.Row(head("单位名称", "文件", "规则", "位置", "说明", "应为", "实为", "差额", "容差")...); err != nil {
		return err
	}
	if _, err := c.details.Seek(0, io.SeekStart); err != nil {
		return model.Errorf(model.EInternal, err, "读取临时文件失败。")
	}
	sc := bufio.NewScanner(c.details)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		var d detail
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return model.Errorf(model.EInternal, err, "读取临时文件失败。")
		}
		if n++; n > maxDetailRows {
			sw.Footer()
			return sw.Row(txt(fmt.Sprintf("错误共 %d 条，此表只列前 %d 条；完整清单见 %s。", c.ndetails, maxDetailRows, ResultsName)))
		}
		r := c.rows[d.Row]
		ref := ""
		if d.Sheet != "" || d.Cell != "" {
			ref = d.Sheet + "!" + d.Cell
		}
		if ref == "" && d.Paragraph > 0 {
			ref = fmt.Sprintf(msgNarrPlace, d.Paragraph) // a narrative finding without a table cell
		}
		loc := txt(ref)
		if r.output != "" && d.Sheet != "" && d.Cell != "" {
			loc.Link = r.output + "#" + xlsx.QuoteSheet(d.Sheet) + "!" + d.Cell
		}
		if err := sw.Row(txt(r.unit), txt(r.file), txt(d.Rule), loc, txt(d.Message),
			figure(d.Expected, false), figure(d.Actual, false), figure(d.Difference, false), figure(d.Tolerance, true)); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return model.Errorf(model.EInternal, err, "读取临时文件失败。")
	}
	return nil
}

// ruleMessages maps rule IDs to their Chinese descriptions.
func ruleMessages() map[string]string {
	out := map[string]string{}
	rs, err := audit.Rules()
	if err != nil {
		return out
	}
	for _, r := range rs {
		out[r.ID] = r.Message
	}
	for _, r := range narrative.Rules() {
		out[r.ID] = r.Message
	}
	return out
}

// naturalLess orders "R01.2" before "R01.10".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := unicode.IsDigit(rune(a[0])), unicode.IsDigit(rune(b[0]))
		if da && db {
			ia, ib := digits(a), digits(b)
			na, _ := strconv.Atoi(a[:ia])
			nb, _ := strconv.Atoi(b[:ib])
			if na != nb {
				return na < nb
			}
			a, b = a[ia:], b[ib:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
