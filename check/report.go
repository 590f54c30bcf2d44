package check

import (
	"fmt"
	"io"
	"strings"

	"github.com/juesuan/juesuan/model"
)

// WriteText prints a report the way an accountant reads it: a summary
// line, then the findings grouped by table (tables in canonical order,
// errors first within each table).
func WriteText(w io.Writer, r model.Report) error {
	status := map[string]string{"pass": msgStatusPass, "warn": msgStatusWarn, "fail": msgStatusFail}[r.Status]
	if _, err := fmt.Fprintf(w, msgReportHead, status, r.Summary.Errors, r.Summary.Warnings, r.Summary.Infos); err != nil {
		return err
	}
	if len(r.Findings) == 0 {
		_, err := fmt.Fprintln(w, msgNoFindings)
		return err
	}
	titles := map[model.TableID]string{}
	for _, t := range r.Tables {
		titles[t.ID] = t.Title
	}
	groups := map[model.TableID][]model.Finding{}
	for _, f := range r.Findings {
		groups[f.Table] = append(groups[f.Table], f)
	}
	order := append([]model.TableID{}, model.AllTables...)
	order = append(order, "")
	var sb strings.Builder
	for _, id := range order {
		fs := groups[id]
		if len(fs) == 0 {
			continue
		}
		head := msgOtherGroup
		if id != "" {
			head = string(id)
			if fs[0].Sheet != "" {
				head = fs[0].Sheet
			}
			if titles[id] != "" && titles[id] != head {
				head += " " + titles[id]
			}
		}
		fmt.Fprintf(&sb, "\n【%s】\n", head)
		model.SortFindings(fs)
		for _, f := range fs {
			loc := f.Cell
			if f.Sheet != "" && f.Cell != "" {
				loc = f.Sheet + "!" + f.Cell
			}
			fmt.Fprintf(&sb, "  [%s] %s %s\n    %s\n", f.Severity.Chinese(), f.Rule, loc, f.Message)
			if len(f.Cells) > 1 {
				var cs []string
				for _, c := range f.Cells {
					loc := c.Cell
					if c.Sheet != f.Sheet {
						loc = c.Sheet + "!" + c.Cell
					}
					cs = append(cs, loc+"="+c.Value)
				}
				sb.WriteString(msgCellsHeader + strings.Join(cs, "，") + "\n")
			}
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
