package annotate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/shopspring/decimal"
)

// AnnotateDirect does what Annotate does — fills, marks (related cells
// included), one note per marked cell with a note, the 审核结果 sheet —
// through xlsx's direct write path: the edits are spliced into the
// workbook's parts and b.WriteTo writes them, every part not edited
// byte-identical to the upload. A workbook the direct path does not edit
// (xlsx.ErrDirectUnsupported, before anything was changed) goes through
// Annotate instead.
func AnnotateDirect(b *xlsx.Book, wb *model.Workbook, rep model.Report) error {
	return AnnotateDirectWith(b, wb, rep, Options{})
}

// AnnotateDirectWith is AnnotateDirect with options.
func AnnotateDirectWith(b *xlsx.Book, wb *model.Workbook, rep model.Report, opt Options) error {
	err := annotateDirect(b, wb, rep, opt)
	if errors.Is(err, xlsx.ErrDirectUnsupported) {
		return AnnotateWith(b, wb, rep, opt)
	}
	return directErr(err)
}

func annotateDirect(b *xlsx.Book, wb *model.Workbook, rep model.Report, opt Options) error {
	d, err := b.Direct(texts)
	if err != nil {
		return err
	}
	if err := d.ClearAnnotations(); err != nil {
		return fmt.Errorf(msgClearing, err)
	}
	p, err := plan(wb, rep, opt, b.Stop())
	if err != nil {
		return err
	}
	if err := d.Apply(p.changes); err != nil {
		return err
	}
	for _, t := range p.order {
		if b.Stop().Tick() {
			return b.Stop().Err()
		}
		if len(p.notes[t]) == 0 {
			continue
		}
		if err := d.AddNote(t.sheet, t.cell, strings.Join(p.notes[t], "\n")); err != nil {
			return err
		}
	}
	if err := d.AddResultsSheet(Summary(rep), Rows(wb, rep)); err != nil {
		return err
	}
	return d.Commit()
}

// CleanCopy prepares the copy for 报送: the user's workbook with the
// filled values only — no marks, notes or results sheet (an earlier
// run's are removed); b.WriteTo writes it. Every part but the filled
// sheets (and, on a re-upload, the parts that held the earlier
// annotations) is byte-identical to the upload.
func CleanCopy(b *xlsx.Book, wb *model.Workbook, rep model.Report) error {
	d, err := b.Direct(texts)
	if err != nil {
		return cleanErr(err)
	}
	if err := d.ClearAnnotations(); err != nil {
		return cleanErr(err)
	}
	p, err := plan(wb, rep, Options{}, b.Stop())
	if err != nil {
		return err
	}
	var fills []xlsx.CellChange
	for _, c := range p.changes {
		if c.Number != "" {
			c.Mark = ""
			fills = append(fills, c)
		}
	}
	if err := d.Apply(fills); err != nil {
		return cleanErr(err)
	}
	return cleanErr(d.Commit())
}

// cleanErr words the errors of the clean copy: a workbook the direct path
// does not edit (Strict OOXML, no styles part) has none, as the copy
// must keep every other part byte for byte.
func cleanErr(err error) error {
	if errors.Is(err, xlsx.ErrDirectUnsupported) {
		return model.Errorf(model.EUnsupported, err, msgCleanUnsupported)
	}
	return directErr(err)
}

// directErr gives a full style table its message.
func directErr(err error) error {
	var sl *xlsx.StyleLimitError
	if errors.As(err, &sl) {
		return model.Errorf(model.ETooManyStyles, err, msgStyleLimit, sl.Limit)
	}
	return err
}

// Options tune what is marked in the workbook.
type Options struct {
	// MarkRounding colours and notes the cells of 尾差 infos (green); by
	// default they are listed in the 审核结果 sheet only.
	MarkRounding bool
}

type target struct{ sheet, cell string }

type annotationPlan struct {
	changes []xlsx.CellChange
	order   []target
	notes   map[target][]string
}

// plan decides each cell's number, mark and notes, for both write paths: a
// filled cell is blue with its derivation as its note (and the old value
// under --overwrite); a finding's cell takes its severity's mark and note;
// the named suspects of an error are red, the other cells of their broken
// identities "related"; a cell keeps its most serious mark. Its loops end
// with stop's coded error once stop is done.
func plan(wb *model.Workbook, rep model.Report, opt Options, stop *model.Stop) (annotationPlan, error) {
	p := annotationPlan{notes: map[target][]string{}}
	kinds := map[target]string{}
	mark := func(t target, kind, note string) {
		if t.sheet == "" || t.cell == "" {
			return
		}
		if k, ok := kinds[t]; !ok {
			p.order = append(p.order, t)
			kinds[t] = kind
		} else if markRank[kind] < markRank[k] {
			kinds[t] = kind
		}
		if note != "" {
			p.notes[t] = append(p.notes[t], note)
		}
	}
	pos := map[target]int{}
	// reference scans the fill's table: once per table and column, not
	// per fill (quadratic on a department workbook, TestPerCellOps).
	type refKey struct {
		table model.TableID
		col   string
	}
	refs := map[refKey]model.Cell{}
	for _, fl := range rep.Fills {
		if stop.Tick() {
			return p, stop.Err()
		}
		v, err := decimal.NewFromString(fl.Value)
		if err != nil {
			return p, fmt.Errorf("annotate: fill value %s!%s=%q: %w", fl.Sheet, fl.Cell, fl.Value, err)
		}
		ref, ok := refs[refKey{fl.Table, fl.Col}]
		if !ok {
			ref = reference(wb, fl)
			refs[refKey{fl.Table, fl.Col}] = ref
		}
		ch := xlsx.CellChange{Sheet: fl.Sheet, Cell: fl.Cell, Number: v.String(), RefSheet: ref.Sheet, RefCell: ref.Addr}
		t := target{fl.Sheet, fl.Cell}
		if i, ok := pos[t]; ok {
			p.changes[i] = ch
		} else if t.sheet != "" && t.cell != "" {
			pos[t] = len(p.changes)
			p.changes = append(p.changes, ch)
		}
		note := ""
		if fl.Old != "" || fl.Note != "" {
			note = fillNote(fl)
		}
		mark(t, xlsx.MarkFilled, note)
	}
	for _, f := range rep.Findings {
		if stop.Tick() {
			return p, stop.Err()
		}
		// 尾差 within tolerance is no problem to mark in the user's file;
		// it stays listed in 审核结果 (and the report).
		if f.Severity == model.SevInfo && !opt.MarkRounding {
			continue
		}
		mark(target{f.Sheet, f.Cell}, kindOf(f.Severity), findingNote(f))
	}
	for _, f := range rep.Findings {
		if stop.Tick() {
			return p, stop.Err()
		}
		if f.Severity != model.SevError || len(f.Suspects) == 0 {
			continue
		}
		sus := map[target]bool{}
		for _, s := range f.Suspects {
			sus[target{s.Sheet, s.Cell}] = true
			mark(target{s.Sheet, s.Cell}, xlsx.MarkError, "")
		}
		for _, c := range f.Cells {
			if t := (target{c.Sheet, c.Cell}); !sus[t] {
				mark(t, xlsx.MarkRelated, "")
			}
		}
	}
	for _, t := range p.order {
		if i, ok := pos[t]; ok {
			p.changes[i].Mark = kinds[t]
			continue
		}
		pos[t] = len(p.changes)
		p.changes = append(p.changes, xlsx.CellChange{Sheet: t.sheet, Cell: t.cell, Mark: kinds[t]})
	}
	return p, nil
}
