// Package annotate decides what to mark in the user's own workbook: filled
// values, coloured cells, notes and the 审核结果 sheet. How the workbook is
// edited (losslessly) is package xlsx's business.
package annotate

import (
	"fmt"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

// markRank orders mark kinds: a cell gets the most serious one.
var markRank = map[string]int{xlsx.MarkError: 0, xlsx.MarkWarning: 1, xlsx.MarkFilled: 2, xlsx.MarkInfo: 3, xlsx.MarkRelated: 4}

func kindOf(s model.Severity) string {
	switch s {
	case model.SevError:
		return xlsx.MarkError
	case model.SevWarning:
		return xlsx.MarkWarning
	}
	return xlsx.MarkInfo
}

// Annotate writes rep into b: the fills as numbers, a colour on every cell
// with a finding or a fill (errors red, warnings amber, filled blue; 尾差
// green only with Options.MarkRounding), one note per such cell, and the
// 审核结果 sheet (every finding, 尾差 included). An earlier run's
// marks and notes are removed first, so a re-uploaded workbook carries only
// this run's annotations (the user's explanations are in rep's findings).
func Annotate(b *xlsx.Book, wb *model.Workbook, rep model.Report) error {
	return AnnotateWith(b, wb, rep, Options{})
}

// AnnotateWith is Annotate with options.
func AnnotateWith(b *xlsx.Book, wb *model.Workbook, rep model.Report, opt Options) error {
	return directErr(annotateExcelize(b, wb, rep, opt))
}

func annotateExcelize(b *xlsx.Book, wb *model.Workbook, rep model.Report, opt Options) error {
	if err := b.ClearAnnotations(texts); err != nil {
		return fmt.Errorf(msgClearing, err)
	}
	// Marks whose record is gone (审核结果 deleted by the user) are found by
	// their colour on the amount cells. Checked only when the styles hold a
	// mark colour at all: reading every cell's style loads every sheet.
	for _, t := range wb.Located() {
		if !b.HasMarks() {
			break
		}
		for _, c := range t.Cells() {
			if b.Stop().Tick() {
				return b.Stop().Err()
			}
			if err := b.Unmark(c.Sheet, c.Addr); err != nil {
				return fmt.Errorf(msgClearing, err)
			}
		}
	}
	// Values and marks go to the workbook in one batch (xlsx.Book.Apply
	// edits each sheet's XML once); notes follow. What goes where is the
	// plan both write paths share.
	p, err := plan(wb, rep, opt, b.Stop())
	if err != nil {
		return err
	}
	if err := b.Apply(p.changes); err != nil {
		return err
	}
	for _, t := range p.order {
		if b.Stop().Tick() {
			return b.Stop().Err()
		}
		if len(p.notes[t]) == 0 {
			continue
		}
		if err := b.AddNote(t.sheet, t.cell, strings.Join(p.notes[t], "\n"), texts); err != nil {
			return err
		}
	}
	return b.AddResultsSheet(Layout, Summary(rep), Rows(wb, rep))
}

// reference returns a typed amount of the fill's table, preferably in the
// same column, whose number format a filled General cell takes over.
// typedDash reports a zero typed as "-", "—" or "/": text, not a number.
func typedDash(c *model.Cell) bool {
	return c.Value.IsZero() && c.Raw != "" && !strings.ContainsAny(c.Raw, "0123456789")
}

func reference(wb *model.Workbook, fl model.Fill) model.Cell {
	t := wb.Table(fl.Table)
	if t == nil {
		return model.Cell{}
	}
	var any *model.Cell
	for _, c := range t.Cells() {
		// The reference must be a typed number: not blank, filled,
		// unreadable, or a dash typed as zero (a text cell's style).
		if c.Blank || c.Filled() || c.Invalid || typedDash(c) {
			continue
		}
		if c.Col == fl.Col {
			return *c
		}
		if any == nil {
			any = c
		}
	}
	if any == nil {
		return model.Cell{}
	}
	return *any
}

// Summary is the one-line Chinese summary of a report.
func Summary(rep model.Report) string {
	s := rep.Summary
	expl := ""
	if s.Explained > 0 {
		expl = fmt.Sprintf(msgExplained, s.Explained)
	}
	status := rep.Status.Chinese()
	return fmt.Sprintf(msgSummary, status, s.Errors, s.Warnings, expl, s.Infos, s.Filled)
}

// Rows turns a report into the rows of the 审核结果 sheet: findings (errors
// first, as sorted in the report), then fills.
func Rows(wb *model.Workbook, rep model.Report) []xlsx.ResultRow {
	var rows []xlsx.ResultRow
	for _, f := range rep.Findings {
		rows = append(rows, xlsx.ResultRow{
			Kind: kindOf(f.Severity), Level: f.Severity.Chinese(), Rule: f.Rule,
			Table: tableName(wb, f.Table), Sheet: f.Sheet, Cell: f.Cell,
			Message: f.Message, Expected: f.Expected, Actual: f.Actual,
			Difference: f.Difference, Tolerance: f.Tolerance,
			Fingerprint: f.Fingerprint, Explanation: f.Explanation,
		})
	}
	for _, fl := range rep.Fills {
		msg := fmt.Sprintf(msgFilledBlank, fl.Rule)
		if fl.Old != "" {
			msg = fmt.Sprintf(msgFilledOld, model.FormatAmountText(fl.Old), fl.Rule)
		}
		rows = append(rows, xlsx.ResultRow{
			Kind: xlsx.MarkFilled, Level: levelFilled, Rule: fl.Rule,
			Table: tableName(wb, fl.Table), Sheet: fl.Sheet, Cell: fl.Cell,
			Message: msg + cellLabel(fl.Row, fl.Col), Expected: fl.Value, Actual: fl.Old,
		})
	}
	return rows
}

func cellLabel(row, col string) string {
	if row == "" {
		return ""
	}
	if col == "" {
		return fmt.Sprintf(msgLabelRow, row)
	}
	return fmt.Sprintf(msgLabelRowCol, row, col)
}

// tableName is e.g. "公开05表 一般公共预算财政拨款支出决算表".
func tableName(wb *model.Workbook, id model.TableID) string {
	if id == "" {
		return ""
	}
	name := ""
	if t := wb.Table(id); t != nil {
		name = t.Name
	}
	num := string(id)
	if s, err := templates.Load(); err == nil {
		if ts := s.Table(id); ts != nil {
			num = ts.NumberLabel()
			if name == "" {
				name = ts.Name
			}
		}
	}
	return strings.TrimSpace(num + " " + name)
}

func fillNote(fl model.Fill) string {
	s := fmt.Sprintf(noteFill, fl.Rule, model.FormatAmountText(fl.Value))
	if fl.Old != "" {
		s = fmt.Sprintf(noteFillOld, fl.Rule, model.FormatAmountText(fl.Old), model.FormatAmountText(fl.Value))
	}
	if fl.Note != "" {
		s += "\n" + fl.Note
	}
	if fl.Alternative != "" {
		s += noteAlternative + fl.Alternative
	}
	return s
}

func findingNote(f model.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, noteFinding, f.Severity.Chinese(), f.Rule, f.Message)
	var parts []string
	// A 提示 is a heuristic (R05.3: 基本支出 usually only in 行政运行…), not
	// an identity: its message says what is unusual, and 应为 0 / 容差 0.005
	// beside it would read as an equation that failed.
	if f.Severity != model.SevWarning {
		for _, p := range [][2]string{{noteExpected, f.Expected}, {noteActual, f.Actual}, {noteDifference, f.Difference}, {noteTolerance, f.Tolerance}} {
			if p[1] != "" {
				parts = append(parts, p[0]+model.FormatAmountText(p[1]))
			}
		}
	}
	if len(parts) > 0 {
		b.WriteString("\n" + strings.Join(parts, noteSep))
	}
	if f.Explanation != "" {
		b.WriteString(noteExplanation + f.Explanation)
	}
	return b.String()
}

// ReadExplanations returns fingerprint -> 审核说明 typed into juesuan's
// 审核结果 sheet of an annotated workbook (empty when there is none).
func ReadExplanations(b *xlsx.Book) (map[string]string, error) {
	return b.ReadExplanations(Layout)
}

// ApplyExplanations copies 审核说明 texts (fingerprint -> text) into the
// findings; a warning with an explanation counts as explained.
func ApplyExplanations(fs []model.Finding, expl map[string]string) {
	for i := range fs {
		f := &fs[i]
		if f.Fingerprint == "" {
			f.SetFingerprint()
		}
		if t, ok := expl[f.Fingerprint]; ok && t != "" {
			f.Explanation = t
			f.Explained = f.Severity == model.SevWarning
		}
	}
}
