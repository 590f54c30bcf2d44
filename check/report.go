package check

import (
	"fmt"
	"io"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/shopspring/decimal"
)

// TextOptions shape the printed report.
type TextOptions struct {
	// All lists every 尾差; by default each table's 尾差 are one line.
	All bool
}

// WriteText prints a report with the default options.
func WriteText(w io.Writer, r model.Report) error { return WriteTextOptions(w, r, TextOptions{}) }

// WriteTextOptions prints a report the way an accountant reads the official
// 审核 view: a summary line, then the errors, then the 提示, each grouped
// by table (tables in canonical order, named by their printed number and
// title), then one line per table for its 尾差 (all of them with All),
// then what could not be checked.
func WriteTextOptions(w io.Writer, r model.Report, opt TextOptions) error {
	status := r.Status.Chinese()
	var sb strings.Builder
	fmt.Fprintf(&sb, msgReportHead, status, r.Summary.Errors, r.Summary.Warnings, r.Summary.Infos)
	if len(r.Findings) == 0 {
		sb.WriteString(msgNoFindings + "\n")
	}
	names := map[model.TableID]string{}
	for _, t := range r.Tables {
		names[t.ID] = t.Title
	}
	head := func(id model.TableID, fs []model.Finding) string {
		if id == "" {
			for _, f := range fs {
				if f.Narrative == nil {
					return msgOtherGroup
				}
			}
			return msgNarrativeGroup // all from the narrative (check --narrative)
		}
		name := names[id]
		if name == "" {
			name = tableName(id)
		}
		// The sheet is named when it says more than the title (公开05表).
		if sh := fs[0].Sheet; sh != "" && !strings.Contains(name, sh) && !strings.Contains(sh, name) {
			return sh + " " + name
		}
		return name
	}
	section := func(title string, sev model.Severity) {
		groups := map[model.TableID][]model.Finding{}
		n := 0
		for _, f := range r.Findings {
			if f.Severity == sev {
				groups[f.Table] = append(groups[f.Table], f)
				n++
			}
		}
		if n == 0 {
			return
		}
		fmt.Fprintf(&sb, "\n%s（%d 条）\n", title, n)
		for _, id := range append(append([]model.TableID{}, model.KnownTables...), "") {
			fs := groups[id]
			if len(fs) == 0 {
				continue
			}
			fmt.Fprintf(&sb, "【%s】\n", head(id, fs))
			model.SortFindings(fs)
			for _, f := range fs {
				writeFinding(&sb, f)
			}
		}
	}
	section(msgSectionErrors, model.SevError)
	section(msgSectionWarnings, model.SevWarning)
	if opt.All {
		section(msgSectionResidues, model.SevInfo)
	} else {
		counts := map[model.TableID][]model.Finding{}
		n := 0
		for _, f := range r.Findings {
			if f.Severity == model.SevInfo {
				counts[f.Table] = append(counts[f.Table], f)
				n++
			}
		}
		if n > 0 {
			fmt.Fprintf(&sb, "\n%s（%d 条）\n", msgSectionResidues, n)
			for _, id := range append(append([]model.TableID{}, model.KnownTables...), "") {
				if fs := counts[id]; len(fs) > 0 {
					fmt.Fprintf(&sb, "【%s】"+msgResiduesFolded+"\n", head(id, fs), len(fs))
				}
			}
			sb.WriteString(msgResiduesHint + "\n")
		}
	}
	// A regional table no rule checks is said so, not passed over.
	for _, t := range r.Tables {
		if t.NoRules {
			fmt.Fprintf(&sb, "\n"+msgExtraNoRules+"\n", t.Title)
		}
	}
	if len(r.Unchecked) > 0 {
		fmt.Fprintf(&sb, "\n%s\n", msgSectionUnchecked)
		for _, u := range r.Unchecked {
			fmt.Fprintf(&sb, "  %s："+msgUncheckedRules+"\n", u.What, strings.Join(u.Rules, "、"))
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func writeFinding(sb *strings.Builder, f model.Finding) {
	loc := f.Cell
	if f.Sheet != "" && f.Cell != "" {
		loc = f.Sheet + "!" + f.Cell
	}
	if loc == "" && f.Narrative != nil {
		// A narrative finding without a table cell stands in the document.
		switch n := f.Narrative; {
		case n.Paragraph >= 0:
			loc = fmt.Sprintf(msgNarrativePara, n.Paragraph+1)
		case n.Table > 0:
			loc = fmt.Sprintf(msgNarrativeTable, n.Table, n.Row)
		}
	}
	fmt.Fprintf(sb, "  [%s] %s\n    %s\n", f.Severity.Chinese(), strings.TrimSpace(f.Rule+" "+loc), f.Message)
	if len(f.Cells) > 1 {
		var cs []string
		for _, c := range f.Cells {
			loc := c.Cell
			if c.Sheet != f.Sheet {
				loc = c.Sheet + "!" + c.Cell
			}
			v := c.Value
			if d, err := decimal.NewFromString(c.Value); err == nil {
				v = model.FormatAmount(d)
			}
			cs = append(cs, loc+"="+v)
		}
		sb.WriteString(msgCellsHeader + strings.Join(cs, "，") + "\n")
	}
}

// tableName is the spec's name of a table, for a table the report does
// not list (never its internal id).
func tableName(id model.TableID) string {
	if ts := templates.MustLoad().Table(id); ts != nil {
		return ts.Name
	}
	return string(id)
}
