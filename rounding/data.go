package rounding

import (
	"bytes"
	"context"
	"io"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// Data is the 万元 workbook's content: wb's tables, row names and 空表
// statements with res's figures. Blank cells stay blank; a typed dash
// becomes 0.00.
func Data(wb *model.Workbook, res *Result) *templates.Data {
	d := &templates.Data{
		UnitName:   wb.UnitName,
		Unit:       model.Wan,
		Style:      style(wb),
		Values:     map[model.TableID]map[string]map[string]string{},
		Names:      map[string]string{},
		EmptyNotes: map[model.TableID]string{},
	}
	// 科目名称 from the coded tables first: T01 and T04 print a 类 with
	// its ordinal (九、卫生健康支出).
	for pass := range 2 {
		for _, t := range wb.Located() {
			if (t.ID == model.T01 || t.ID == model.T04) != (pass == 1) {
				continue
			}
			for _, r := range t.Rows {
				if r.Code != "" && r.Label != "" && d.Names[r.Code] == "" {
					d.Names[r.Code] = r.Label
				}
			}
		}
	}
	for _, t := range wb.Located() {
		rows := map[string]map[string]string{}
		for _, c := range t.Cells() {
			v, ok := res.Values[model.Key{Table: t.ID, Row: c.Row, Col: c.Col}]
			if !ok {
				continue
			}
			if rows[c.Row] == nil {
				rows[c.Row] = map[string]string{}
			}
			rows[c.Row][c.Col] = v.StringFixed(2)
		}
		d.Values[t.ID] = rows
		if t.EmptyNote != "" {
			d.EmptyNotes[t.ID] = t.EmptyNote
		}
	}
	return d
}

// style is the layout family the workbook was printed in (T01's, else the
// first located table's).
func style(wb *model.Workbook) model.Style {
	if t := wb.Table(model.T01); t != nil && t.Style != "" {
		return t.Style
	}
	for _, t := range wb.Located() {
		if t.Style != "" {
			return t.Style
		}
	}
	return model.StyleMOF
}

// WriteOptions lays the 万元 workbook out like the input: its style, its
// 三公 column order, its 公开06表 column groups and an older 支出-only
// 公开08表.
func WriteOptions(wb *model.Workbook) templates.Options {
	opt := templates.Options{Style: style(wb)}
	if t := wb.Table(model.T09); t != nil && (t.Variant == "blocks" || t.Variant == "interleaved") {
		opt.T09Order = t.Variant
	}
	if t := wb.Table(model.T06); t != nil {
		switch t.Variant {
		case "groups-2":
			opt.T06Groups = 2
		case "groups-3":
			opt.T06Groups = 3
		}
	}
	if t := wb.Table(model.T08); t != nil && t.Variant == "expenditure-only" {
		opt.T08ExpenditureOnly = true
	}
	// A regional set (云南's 11 tables) is written as that set.
	for _, t := range wb.Located() {
		if ts := templates.MustLoad().Table(t.ID); ts != nil && ts.Set != "" {
			opt.Set = ts.Set
		}
	}
	return opt
}

// File reads a 元 workbook from r (read and filled as audit.Check does),
// rounds it and writes the 万元 workbook to w with the template writer.
// The input must be in 元 (model.Workbook.Unit).
func File(ctx context.Context, r io.Reader, w io.Writer, opt Options) (*Result, error) {
	ar, err := audit.Check(ctx, r, audit.Options{Limits: opt.Limits})
	if err != nil {
		return nil, err
	}
	rules, err := audit.Rules()
	if err != nil {
		return nil, model.Errorf(model.EInternal, err, "审核规则加载失败。")
	}
	wb := ar.Workbook
	if wb.Unit != model.Yuan {
		return nil, model.Errorf(model.ENotYuan, nil, msgWorkbookNotYuan, wb.Unit)
	}
	res, err := Round(wb, rules, opt)
	if err != nil {
		return nil, err
	}
	res.Input = ar.Report.Summary
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, Data(wb, res), WriteOptions(wb)); err != nil {
		return nil, model.Errorf(model.EInternal, err, msgWrite)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return nil, model.Errorf(model.EInternal, err, msgWrite)
	}
	return res, nil
}
