package check_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/fill"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// shapeInput is one workbook file for the cache tests.
type shapeInput struct {
	name string
	data []byte
	edit func(*model.Workbook) // applied to every read (nil: none)
}

// cacheInputs returns every workbook fixture of the repository (the
// foreign ones by LibreOffice, openpyxl, WPS and hand XML included) that
// the reader accepts, then 60 of batch's generated workbooks (three
// shapes, varied values: scaled, blank totals, an injected error).
func cacheInputs(t *testing.T) (fixtures, generated []shapeInput) {
	t.Helper()
	var paths []string
	for _, pat := range []string{"../testdata/*/*.xlsx", "../*/testdata/*.xlsx", "../*/testdata/*/*.xlsx"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := reader.Read(bytes.NewReader(data), reader.Options{}); err != nil {
			t.Logf("%s: not read (%v), no binding", p, err)
			continue
		}
		fixtures = append(fixtures, shapeInput{name: filepath.Base(p), data: data})
	}
	if len(fixtures) < 30 {
		t.Fatalf("only %d fixtures read of %d files", len(fixtures), len(paths))
	}
	for i := range 60 {
		v := batch.MakeVariant(i, false)
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, v.Data, v.Options); err != nil {
			t.Fatal(err)
		}
		in := shapeInput{name: fmt.Sprintf("variant %d", i), data: buf.Bytes()}
		// Some with tables missing: clauses that miss them record it, and
		// a template must say so again.
		switch i % 6 {
		case 1:
			in.edit = func(wb *model.Workbook) { delete(wb.Tables, model.T04); delete(wb.Tables, model.T07) }
			in.name += " without T04, T07"
		case 4:
			in.edit = func(wb *model.Workbook) { delete(wb.Tables, model.T09) }
			in.name += " without T09"
		}
		generated = append(generated, in)
	}
	return fixtures, generated
}

func readInput(t *testing.T, in shapeInput) *model.Workbook {
	t.Helper()
	wb, _, err := reader.Read(bytes.NewReader(in.data), reader.Options{})
	if err != nil {
		t.Fatalf("%s: %v", in.name, err)
	}
	if in.edit != nil {
		in.edit(wb)
	}
	return wb
}

// TestBindingCacheSameAsFresh: a binding put together from the template
// of a workbook of the same shape is the binding made afresh — the same
// equations term by term (each on this workbook's own cell), and through
// fill and check the same fills, findings and unchecked list. Every
// fixture is read three times (two reads make its template, the third
// takes it); the generated workbooks share three shapes with different
// values, so most take a template made on other figures, where other
// conditions held.
func TestBindingCacheSameAsFresh(t *testing.T) {
	rules, err := check.Load()
	if err != nil {
		t.Fatal(err)
	}
	fixtures, generated := cacheInputs(t)
	cache := check.NewTestCache(16)
	compare := func(t *testing.T, in shapeInput) bool {
		t.Helper()
		wb := readInput(t, in)
		cached := cache.Bind(rules, wb)
		fresh := (*check.TestCache)(nil).Bind(rules, wb)
		if d := check.SameEquations(cached.Equations(), fresh.Equations()); d != "" {
			t.Errorf("%s: equations for fill: %s", in.name, d)
		}
		if d := check.SameIndex(cached, fresh); d != "" {
			t.Errorf("%s: %s", in.name, d)
		}
		// Then through the pipeline, each binding on a read of its own.
		wbs := [2]*model.Workbook{readInput(t, in), readInput(t, in)}
		bds := [2]*check.Binding{cache.Bind(rules, wbs[0]), (*check.TestCache)(nil).Bind(rules, wbs[1])}
		var fills [2][]model.Fill
		var fillFindings [2][]model.Finding
		var eqs [2][]string
		var found [2][]model.Finding
		var unchecked [2][]model.Unchecked
		for i := range wbs {
			fills[i], fillFindings[i] = fill.Run(wbs[i], bds[i].Equations(), fill.Options{Rules: rules})
			c := check.NewChecker(wbs[i], rules, check.Options{Binding: bds[i]})
			eqs[i] = eqText(c.Equations())
			found[i] = c.Run()
			unchecked[i] = c.Unchecked()
		}
		if !reflect.DeepEqual(fills[0], fills[1]) || !reflect.DeepEqual(fillFindings[0], fillFindings[1]) {
			t.Errorf("%s: fills differ: %d cached, %d fresh", in.name, len(fills[0]), len(fills[1]))
		}
		if !reflect.DeepEqual(eqs[0], eqs[1]) {
			t.Errorf("%s: checker's equations differ: %d cached, %d fresh", in.name, len(eqs[0]), len(eqs[1]))
		}
		if !reflect.DeepEqual(found[0], found[1]) {
			t.Errorf("%s: findings differ: %d cached, %d fresh", in.name, len(found[0]), len(found[1]))
		}
		if in.edit != nil && len(unchecked[1]) == 0 {
			t.Errorf("%s: nothing unchecked: the input does not test replayed misses", in.name)
		}
		if !reflect.DeepEqual(unchecked[0], unchecked[1]) {
			t.Errorf("%s: unchecked differ:\n cached %+v\n fresh  %+v", in.name, unchecked[0], unchecked[1])
		}
		return cached.FromTemplate() && bds[0].FromTemplate()
	}
	t.Run("fixtures", func(t *testing.T) {
		for _, in := range fixtures {
			// Two bindings of other reads make the template.
			for range 2 {
				_ = cache.Bind(rules, readInput(t, in)).Equations()
			}
			if !compare(t, in) {
				t.Errorf("%s: not bound from the template its shape made", in.name)
			}
		}
	})
	t.Run("generated", func(t *testing.T) {
		hits := 0
		for _, in := range generated {
			if compare(t, in) {
				hits++
			}
		}
		// Nine shapes (three, with and without missing tables): all but
		// the first of each take a template.
		if hits < len(generated)-9 {
			t.Errorf("%d of %d generated workbooks bound from a template", hits, len(generated))
		}
	})
	if cache.Len() > 16 {
		t.Errorf("cache holds %d shapes, bound 16", cache.Len())
	}
}

// TestBindingCacheShape: a workbook that differs from a template's in any
// part of the shape binding reads does not take that template.
func TestBindingCacheShape(t *testing.T) {
	rules, err := check.Load()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
		t.Fatal(err)
	}
	in := shapeInput{name: "case A", data: buf.Bytes()}
	tests := []struct {
		name string
		edit func(*model.Workbook)
	}{
		{"unchanged", nil},
		{"a table missing", func(wb *model.Workbook) { delete(wb.Tables, model.T07) }},
		{"an empty-table note", func(wb *model.Workbook) {
			t := wb.Tables[model.T08]
			if t.EmptyNote != "" {
				t.EmptyNote = ""
			} else {
				t.EmptyNote = "本表无数据"
			}
		}},
		{"a row's code", func(wb *model.Workbook) { wb.Tables[model.T05].Rows[2].Code = "299" }},
		{"a row's key", func(wb *model.Workbook) { wb.Tables[model.T01].Rows[0].Key = "其他" }},
		{"a column's key", func(wb *model.Workbook) { wb.Tables[model.T03].Columns[1].Key = "其他支出" }},
		{"a cell's row", func(wb *model.Workbook) { wb.Tables[model.T02].Cells()[3].Row = "20199" }},
		{"a cell's column", func(wb *model.Workbook) { wb.Tables[model.T06].Cells()[0].Col = "预算数" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := check.NewTestCache(4)
			for range 2 {
				_ = cache.Bind(rules, readInput(t, in)).Equations()
			}
			wb := readInput(t, in)
			if tt.edit != nil {
				tt.edit(wb)
			}
			bd := cache.Bind(rules, wb)
			if got, want := bd.FromTemplate(), tt.edit == nil; got != want {
				t.Fatalf("from template %v, want %v", got, want)
			}
			if d := check.SameEquations(bd.Equations(), (*check.TestCache)(nil).Bind(rules, wb).Equations()); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestBindingCacheRules: a template is of one rule set: the same shape
// bound with rules loaded again (other clauses) is bound afresh.
func TestBindingCacheRules(t *testing.T) {
	var rs [2][]*check.Rule
	for i := range rs {
		r, err := check.Load()
		if err != nil {
			t.Fatal(err)
		}
		rs[i] = r
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
		t.Fatal(err)
	}
	in := shapeInput{name: "case A", data: buf.Bytes()}
	cache := check.NewTestCache(4)
	for range 2 {
		_ = cache.Bind(rs[0], readInput(t, in)).Equations()
	}
	if !cache.Bind(rs[0], readInput(t, in)).FromTemplate() {
		t.Fatal("the same rules: not from the template")
	}
	wb := readInput(t, in)
	bd := cache.Bind(rs[1], wb)
	if bd.FromTemplate() {
		t.Error("other rules: bound from the first rules' template")
	}
	if d := check.SameEquations(bd.Equations(), (*check.TestCache)(nil).Bind(rs[1], wb).Equations()); d != "" {
		t.Error(d)
	}
}

// TestBindingCacheConcurrent: workers sharing one cache (as batch's do)
// each get the binding made afresh; run with -race.
func TestBindingCacheConcurrent(t *testing.T) {
	rules, err := check.Load()
	if err != nil {
		t.Fatal(err)
	}
	_, generated := cacheInputs(t)
	wbs := make([]*model.Workbook, 24)
	for i := range wbs {
		wbs[i] = readInput(t, generated[i])
	}
	cache := check.NewTestCache(2) // fewer than the shapes: eviction races too
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(wbs))
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range wbs {
				wb := wbs[(i+w*5)%len(wbs)]
				got := cache.Bind(rules, wb).Equations()
				if d := check.SameEquations(got, (*check.TestCache)(nil).Bind(rules, wb).Equations()); d != "" {
					errs <- d
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for d := range errs {
		t.Error(d)
	}
	if cache.Hits() == 0 {
		t.Error("no binding taken from the cache")
	}
}

// TestShapeCacheSwitch: with the process's cache off (as `juesuan bench`
// measures fresh binding) a shape seen many times binds afresh and the
// reuse count stands still; on again, it is reused.
func TestShapeCacheSwitch(t *testing.T) {
	rules, err := check.Load()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, templates.CaseA(), templates.Options{}); err != nil {
		t.Fatal(err)
	}
	in := shapeInput{name: "case A", data: buf.Bytes()}
	defer check.ShapeCache(true)
	before := check.ShapeCache(false)
	for range 4 {
		bd := check.NewBinding(rules, readInput(t, in))
		if bd.FromTemplate() {
			t.Fatal("cache off: bound from a template")
		}
		_ = bd.Equations() // a first use is what would publish a template
	}
	if n := check.ShapeCache(true); n != before {
		t.Errorf("cache off: %d reuses counted", n-before)
	}
	reused := false
	for range 4 {
		bd := check.NewBinding(rules, readInput(t, in))
		reused = reused || bd.FromTemplate()
		_ = bd.Equations()
	}
	if !reused || check.ShapeCache(true) == before {
		t.Error("cache on: the same shape four times was never reused")
	}
}
