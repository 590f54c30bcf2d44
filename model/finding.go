package model

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Severity grades a finding: error for CERTAIN rules (强制性), warning for
// USUAL rules and catalog checks (提示性), info for rounding residues (尾差).
type Severity string

const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevInfo    Severity = "info"
)

// Rank orders severities, errors first.
func (s Severity) Rank() int {
	switch s {
	case SevError:
		return 0
	case SevWarning:
		return 1
	}
	return 2
}

// Chinese returns the severity as shown to users.
func (s Severity) Chinese() string {
	switch s {
	case SevError:
		return "错误"
	case SevWarning:
		return "提示"
	}
	return "尾差"
}

// CellRef is one operand cell of a finding, with the value it held.
type CellRef struct {
	Sheet string  `json:"sheet"`
	Cell  string  `json:"cell"`
	Value string  `json:"value"`
	Table TableID `json:"table,omitempty"`
	Row   string  `json:"row,omitempty"`
	Col   string  `json:"column,omitempty"`
	Label string  `json:"label,omitempty"` // readable name, e.g. 公开05表 合计行 基本支出
}

// Finding is one diagnostic with its location. Structural findings of the
// reader and rule findings of check share this type.
type Finding struct {
	Rule       string    `json:"rule"`
	Severity   Severity  `json:"severity"`
	Table      TableID   `json:"table,omitempty"`
	Sheet      string    `json:"sheet"`
	Cell       string    `json:"cell"`
	Cells      []CellRef `json:"cells"`
	Message    string    `json:"message"`
	Expected   string    `json:"expected"`
	Actual     string    `json:"actual"`
	Difference string    `json:"difference"`
	Tolerance  string    `json:"tolerance"`
	// Suspects are the cells whose change alone repairs every broken
	// identity this one is linked with (several when they explain equally);
	// the first is the primary Cell. Only for errors of CERTAIN rules.
	Suspects []CellRef `json:"suspects,omitempty"`
	// Fingerprint identifies the finding across runs: rule + cells + values.
	Fingerprint string `json:"fingerprint"`
	// Explanation is the user's 审核说明 for this finding, carried over from
	// an annotated workbook by fingerprint.
	Explanation string `json:"explanation,omitempty"`
	Explained   bool   `json:"explained,omitempty"`
	// Narrative locates a finding of the narrative check (package
	// narrative) in the 决算公开说明; Sheet/Cell then name the table cell the
	// figure is compared with, if any.
	Narrative *NarrativeRef `json:"narrative,omitempty"`
	// Grids show the tables around the finding's cells (one per table it
	// touches, its own first); only when asked (?grid=true).
	Grids []Grid `json:"grids,omitempty"`
}

// NarrativeRef is where a narrative finding stands in the document:
// paragraph index (0-based, among non-empty prose paragraphs; -1 inside a
// table), rune offset and length of the figure within the paragraph (or
// table cell), a short quote around it, the section, and for figures in a
// table of the document its 1-based table, row and column.
type NarrativeRef struct {
	Paragraph int    `json:"paragraph"`
	Offset    int    `json:"offset"`
	Length    int    `json:"length"`
	Quote     string `json:"quote,omitempty"`
	Section   string `json:"section,omitempty"`
	Table     int    `json:"table,omitempty"`
	Row       int    `json:"row,omitempty"`
	Col       int    `json:"col,omitempty"`
}

// SetFingerprint computes the finding's fingerprint from its rule, table,
// primary cell and operand cells with their values (the message when it
// has no cells).
func (f *Finding) SetFingerprint() {
	var b strings.Builder
	b.WriteString(f.Rule)
	b.WriteString("|" + string(f.Table) + "|")
	b.WriteString(f.Sheet + "!" + f.Cell)
	for _, c := range f.Cells {
		b.WriteString("|" + c.Sheet + "!" + c.Cell + "=" + c.Value)
	}
	// A finding with no cells (a missing table, say) is told apart by what
	// it says; otherwise two of them would share one fingerprint and one
	// 审核说明 would explain both.
	if len(f.Cells) == 0 {
		b.WriteString("|" + f.Message)
	}
	sum := sha256.Sum256([]byte(b.String()))
	f.Fingerprint = hex.EncodeToString(sum[:8])
}

// Fill records one derived cell written by the fill stage.
type Fill struct {
	Sheet string  `json:"sheet"`
	Cell  string  `json:"cell"`
	Value string  `json:"value"`
	Rule  string  `json:"rule"`
	Table TableID `json:"table,omitempty"`
	Row   string  `json:"row,omitempty"`
	Col   string  `json:"column,omitempty"`
	// Old is the replaced value when --overwrite changed a non-blank cell.
	Old string `json:"old,omitempty"`
	// Operands are the cells of the rule the value was computed from, with
	// the values they held.
	Operands []CellRef `json:"operands,omitempty"`
	// Note says how the value was derived (Chinese), e.g. "按 R06.2 由 …
	// 计算得 2,152.26"; Alternative gives the value another identity yields
	// when it differs (a rounding residue), e.g. "按 X12 为 2,152.27".
	Note        string `json:"note,omitempty"`
	Alternative string `json:"alternative,omitempty"`
}

// TableRef describes one located table in a report.
type TableRef struct {
	ID    TableID `json:"id"`
	Sheet string  `json:"sheet"`
	Title string  `json:"title"`
	// Number is the table's number as printed (公开05表), "" when absent.
	Number string `json:"number,omitempty"`
	Style  Style  `json:"style,omitempty"`
	Unit   Unit   `json:"unit,omitempty"`
	Range  string `json:"range,omitempty"`
	// Extra: a regional table beyond the nine (云南 T10, T11).
	Extra bool `json:"extra,omitempty"`
	// NoRules: an extra table was recognised but no rule checks it (listed
	// so that it is not taken as checked).
	NoRules bool `json:"no_rules,omitempty"`
}

// Report is the public JSON contract of check and fill.
type Report struct {
	Status   Status     `json:"status"` // pass | warn | fail
	Findings []Finding  `json:"findings"`
	Fills    []Fill     `json:"fills"`
	Tables   []TableRef `json:"tables"`
	Summary  Summary    `json:"summary"`
	// Unchecked lists what the rules needed and the reader did not locate,
	// with the rules not checked for each (never counted as 0).
	Unchecked []Unchecked `json:"unchecked"`
	// Pack is the rule pack (决算年度) the workbook was checked with.
	Pack PackRef `json:"pack"`
	// UnitName is the 部门/单位 the workbook names ("" when it prints none);
	// Unit the amount unit its tables share (万元 unless all say 元).
	UnitName string `json:"unit_name,omitempty"`
	Unit     Unit   `json:"unit,omitempty"`
}

// PackRef names the year pack of a report (templates/packs.yaml).
type PackRef struct {
	Year    int    `json:"year"`              // the pack's year
	Printed int    `json:"printed,omitempty"` // the year the workbook prints, if any
	Source  string `json:"source"`            // how it was chosen: asked | printed | default
	Note    string `json:"note,omitempty"`    // what the pack says of itself (Chinese)
}

// How a report's pack was chosen.
const (
	PackAsked   = "asked"   // --year / ?year=
	PackPrinted = "printed" // the year in the workbook's titles, 部门 line or cover
	PackDefault = "default" // none known: the default pack
)

// Summary counts a report's findings and fills.
type Summary struct {
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Infos     int `json:"infos"`
	Explained int `json:"explained"`
	Filled    int `json:"filled"`
}

// NewReport builds a report from a workbook's tables, findings and fills,
// sorting findings and computing status and counts.
func NewReport(wb *Workbook, findings []Finding, fills []Fill) Report {
	r := Report{Findings: findings, Fills: fills, Tables: []TableRef{}, Unchecked: []Unchecked{}}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Fills == nil {
		r.Fills = []Fill{}
	}
	SortFindings(r.Findings)
	for _, t := range wb.Located() {
		extra := IsExtra(t.ID)
		r.Tables = append(r.Tables, TableRef{ID: t.ID, Sheet: t.Sheet, Title: t.Title, Number: t.Number, Style: t.Style, Unit: t.Unit, Range: t.Range,
			Extra: extra, NoRules: extra && !t.Checked})
	}
	for _, f := range r.Findings {
		switch f.Severity {
		case SevError:
			r.Summary.Errors++
		case SevWarning:
			r.Summary.Warnings++
			if f.Explained {
				r.Summary.Explained++
			}
		default:
			r.Summary.Infos++
		}
	}
	r.Summary.Filled = len(r.Fills)
	r.UnitName, r.Unit = wb.UnitName, wb.Unit
	switch {
	case r.Summary.Errors > 0:
		r.Status = StatusFail
	case r.Summary.Warnings > r.Summary.Explained:
		r.Status = StatusWarn
	default:
		r.Status = StatusPass
	}
	return r
}

// Unchecked is one thing the rules needed and the reader did not locate (a
// table, a labelled row such as 合计, or a column), with the rules that were
// therefore not checked. Not checked is not wrong: no finding of those
// rules is made there, and nothing is counted as 0.
type Unchecked struct {
	Table TableID  `json:"table"`
	Row   string   `json:"row,omitempty"`
	Col   string   `json:"column,omitempty"`
	Prior bool     `json:"prior,omitempty"` // in the prior year's workbook
	What  string   `json:"what"`            // readable, e.g. 收入决算表 合计行
	Rules []string `json:"rules"`
}
