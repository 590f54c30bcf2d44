package batch

// narrative.go pairs each 决算公开说明 of the inputs (.docx, .txt, .pdf,
// legacy .doc for its message) with a workbook and checks it against that
// workbook, as `juesuan check --narrative` does for one unit.
//
// Narratives are found first, by a walk of the inputs that reads nothing
// else; they are read and kept parsed (a narrative's text is small) so a
// worker can check one as soon as it has read its workbook. The workbook
// walk then leaves them out. A worker pairs its workbook with a narrative,
// in this order:
//
//  1. the same file stem (说明 words, years and punctuation ignored:
//     "甲单位.xlsx" and "甲单位2024年度决算公开说明.docx"), in the same
//     folder first;
//  2. the unit name: the narrative's title names the workbook's unit before
//     its year ("甲单位2024年度部门决算公开说明");
//  3. the unit name appearing in the narrative's first paragraphs, when
//     exactly one narrative has it.
//
// Each workbook decides from the narratives alone, so the pairing does not
// depend on which worker finishes first; a narrative two workbooks of one
// unit choose is checked against each. A narrative no workbook chose gets
// its own row after the workbooks.

import (
	"context"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
	"github.com/juesuan/juesuan/templates"
)

// Statuses of the narrative of a row (NarrativeRecord.Status).
const (
	NarrPass       = "pass"       // checked: no error, no warning
	NarrWarn       = "warn"       // checked: warnings, no error
	NarrFail       = "fail"       // checked: errors
	NarrError      = "error"      // could not be read
	NarrUnpaired   = "unpaired"   // no workbook of the inputs is its unit's
	NarrNoWorkbook = "noworkbook" // paired with a workbook that could not be read
)

// NarrativeRecord is the narrative of a results.ndjson line: on a
// workbook's line the narrative paired with it; on a line of its own (no
// report) a narrative no workbook was paired with.
type NarrativeRecord struct {
	File     string       `json:"file"`
	Path     string       `json:"path,omitempty"`      // File relative to its input, as Record.Path
	PairedBy string       `json:"paired_by,omitempty"` // stem | unit
	Status   string       `json:"status"`
	Errors   int          `json:"errors"`
	Warnings int          `json:"warnings"`
	Infos    int          `json:"infos"`
	Error    *RecordError `json:"error,omitempty"` // why it could not be read
}

// isNarrativeName tells a narrative by its extension.
func isNarrativeName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".docx", ".txt", ".pdf", ".doc":
		return true
	}
	return false
}

// narrFile is one narrative of the inputs.
type narrFile struct {
	name  string // display name
	rel   string // name relative to its input ("" when not known)
	dir   string // display folder (pairing by stem prefers the same one)
	stem  string // pairing key of the file name
	title string // normalized unit name of the title ("" when none)
	head  string // normalized text of the first paragraphs
	doc   *narrative.Document
	err   error
	used  bool // chosen by a workbook (guarded by narrIndex.mu)
}

// narrIndex holds the narratives of a run.
type narrIndex struct {
	files []*narrFile
	mu    sync.Mutex
}

// headParas is how many paragraphs the title and head are read from.
const headParas = 6

var (
	titleYearRe = regexp.MustCompile(`(19|20)\d\d年度?`)
	// stemNoise are the words a file name adds to the unit's name.
	stemNoise = []string{"部门决算公开说明", "决算公开说明", "部门决算说明", "公开说明", "决算说明", "情况说明", "说明",
		"部门决算公开", "决算公开", "部门决算", "决算", "九张表", "公开表", "报表", "审核"}
	stemPunct = strings.NewReplacer(" ", "", "\u3000", "", "-", "", "_", "", ".", "", "·", "", "(", "", ")", "",
		"（", "", "）", "", "[", "", "]", "", "【", "", "】", "", "《", "", "》", "")
)

// pairKey reduces a file stem or a unit name to what two names of one
// unit share.
func pairKey(s string) string {
	s = strings.ToLower(templates.NormalizeText(s))
	s = titleYearRe.ReplaceAllString(s, "")
	s = stemPunct.Replace(s)
	for changed := true; changed; {
		changed = false
		for _, w := range stemNoise {
			if t, ok := strings.CutSuffix(s, w); ok && t != "" {
				s, changed = t, true
			}
		}
		s = titleYearRe.ReplaceAllString(s, "")
		s = stemPunct.Replace(s)
	}
	return s
}

func notNarrative(name string) bool { return !isNarrativeName(name) }

// findNarratives walks the inputs for narratives only (walk is the run's
// walk, given another walker) and reads each. Files that are missing are
// left to the workbook walk, which reports them once.
func findNarratives(ctx context.Context, lim Limits, walk func(*walker) error, roots *rooter) (*narrIndex, error) {
	x := &narrIndex{}
	w := &walker{ctx: ctx, lim: lim, skip: map[string]bool{}, want: isNarrativeName, raw: true}
	w.emit = func(j *job) error {
		if isNarrativeName(j.base) && model.ErrorCode(j.err) != model.ENotFound {
			x.add(ctx, j)
			if roots != nil {
				x.files[len(x.files)-1].rel = roots.rel(j.name)
			}
		}
		return nil
	}
	if err := walk(w); err != nil {
		if ctx.Err() != nil {
			return nil, model.Errorf(model.ETimeout, err, "批量审核已取消或超时。")
		}
		return nil, err
	}
	return x, nil
}

func fileStem(base string) string { return strings.TrimSuffix(base, path.Ext(base)) }

// add reads one narrative found by the walk.
func (x *narrIndex) add(ctx context.Context, j *job) {
	nf := &narrFile{name: j.name, dir: path.Dir(strings.ReplaceAll(j.name, `\`, "/")),
		stem: pairKey(fileStem(j.base)), err: j.err}
	if nf.err == nil {
		nf.doc, nf.err = narrative.ReadBytesContext(ctx, j.data, j.base, narrative.Limits{})
	}
	if nf.doc != nil {
		var head strings.Builder
		for _, p := range nf.doc.Paragraphs[:min(len(nf.doc.Paragraphs), headParas)] {
			head.WriteString(templates.NormalizeText(p.Text))
		}
		nf.head = head.String()
		if loc := titleYearRe.FindStringIndex(nf.head); loc != nil && loc[0] > 0 {
			nf.title = pairKey(nf.head[:loc[0]])
		}
	}
	x.files = append(x.files, nf)
}

// pair chooses the narrative of a workbook (nil: none) and how.
func (x *narrIndex) pair(j *job, unit string) (*narrFile, string) {
	if x == nil || len(x.files) == 0 {
		return nil, ""
	}
	dir := path.Dir(strings.ReplaceAll(j.name, `\`, "/"))
	stem := pairKey(fileStem(j.base))
	var chosen *narrFile
	how := ""
	if stem != "" {
		for _, nf := range x.files {
			if nf.stem == stem && (chosen == nil || (nf.dir == dir && chosen.dir != dir)) {
				chosen = nf
			}
		}
		how = "stem"
	}
	if u := pairKey(unit); chosen == nil && u != "" {
		how = "unit"
		for _, nf := range x.files {
			if nf.title == u {
				chosen = nf
				break
			}
		}
		if chosen == nil {
			name := templates.NormalizeText(unit)
			var only *narrFile
			n := 0
			for _, nf := range x.files {
				if nf.doc != nil && strings.Contains(nf.head, name) {
					only = nf
					n++
				}
			}
			if n == 1 {
				chosen = only
			}
		}
	}
	if chosen == nil {
		return nil, ""
	}
	x.mu.Lock()
	chosen.used = true
	x.mu.Unlock()
	return chosen, how
}

// unpaired returns the narratives no workbook chose, in walk order.
func (x *narrIndex) unpaired() []*narrFile {
	if x == nil {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []*narrFile
	for _, nf := range x.files {
		if !nf.used {
			out = append(out, nf)
		}
	}
	return out
}

// narrOutcome is the narrative paired with a workbook, as checked.
type narrOutcome struct {
	file     *narrFile
	pairedBy string
	findings []model.Finding
}

// record is the ndjson form of the paired narrative; readable tells
// whether its workbook could be read (else nothing was checked).
func (n *narrOutcome) record(readable bool) *NarrativeRecord {
	nr := &NarrativeRecord{File: n.file.name, Path: n.file.rel, PairedBy: n.pairedBy}
	switch {
	case n.file.err != nil:
		nr.Status = NarrError
		nr.Error = &RecordError{Code: model.ErrorCode(n.file.err), Message: model.ErrorMessage(n.file.err)}
	case !readable:
		nr.Status = NarrNoWorkbook
	default:
		for _, f := range n.findings {
			switch f.Severity {
			case model.SevError:
				nr.Errors++
			case model.SevWarning:
				nr.Warnings++
			default:
				nr.Infos++
			}
		}
		nr.Status = NarrPass
		if nr.Errors > 0 {
			nr.Status = NarrFail
		} else if nr.Warnings > 0 {
			nr.Status = NarrWarn
		}
	}
	return nr
}

// unpairedRecord is the line of a narrative no workbook chose: checked on
// its own (figures against each other, no table), so its errors are not
// lost with its workbook.
func unpairedRecord(nf *narrFile) *Record {
	rec := &Record{File: nf.name, Path: nf.rel, Seq: -1}
	if nf.err != nil {
		rec.Narrative = &NarrativeRecord{File: nf.name, Path: nf.rel, Status: NarrError,
			Error: &RecordError{Code: model.ErrorCode(nf.err), Message: model.ErrorMessage(nf.err)}}
		return rec
	}
	n := &narrOutcome{file: nf, findings: narrative.Check(nf.doc, nil)}
	rec.Narrative = n.record(true)
	rec.Narrative.Status = NarrUnpaired
	return rec
}

// recordUnpaired adds a row for each narrative no workbook chose, after
// the workbooks. Only a whole run knows a narrative is unpaired: a shard
// does not (its unit may be in another shard), nor does an interrupted run.
func (c *collector) recordUnpaired(eng *engine) error {
	if eng == nil || eng.opt.Shard.Count > 1 {
		return nil
	}
	for i, nf := range eng.narrs.unpaired() {
		rec := unpairedRecord(nf)
		rec.Seq = eng.walkN + i
		if err := c.record(rec); err != nil {
			return err
		}
	}
	return nil
}
