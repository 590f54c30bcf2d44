// Package batch checks and fills many workbooks at once for a finance
// bureau: a bounded worker pool over files, folders and zip archives, one
// annotated workbook per input, a 汇总.xlsx summary (unit rows, unit × rule
// matrix, every error with a link to its cell) and results.ndjson. It also
// serves the zip-in/zip-out endpoint and consolidates units into a
// department workbook.
//
// Memory stays bounded whatever the number of files: the walker hands file
// bytes to the pool through a fixed window, results are committed in input
// order and dropped, and the summary keeps one small row per unit (error
// details go to a temporary file until the summary is written).
package batch

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

// Options configure a batch run.
type Options struct {
	// Jobs is the number of workbooks processed at once; 0 = CPU count.
	Jobs int
	// ReportOnly skips the annotated copies (summary and ndjson only).
	ReportOnly bool
	// Audit is passed to every audit (Exact, Overwrite, Limits); its Prior
	// is ignored: priors come from PriorDir.
	Audit audit.Options
	// PriorDir holds last year's workbooks, matched by file name or unit.
	PriorDir string
	// Limits bound the inputs.
	Limits Limits
	// Progress, when set, is called after each file is committed (from
	// one goroutine, in input order).
	Progress func(Progress)
	// Shard keeps only the inputs of one shard (RunDir; see shard.go).
	Shard Shard
}

// Progress is the state after one more file.
type Progress struct {
	Done int
	// Total is the number of files of the run, counted before the first
	// is read (RunDir with Progress set); when the count failed (a limit,
	// an unreadable folder) it is the files found so far.
	Total      int
	TotalFinal bool // Total is final: counted, or the walk has finished
	File       string
	Status     string // Chinese status of File
	Failing    int    // units with errors so far
	Unreadable int
	Elapsed    time.Duration
}

// Stats sum up a run.
type Stats struct {
	Files      int // inputs seen (workbooks and files that are not)
	Read       int // read and checked
	Unreadable int // could not be read (each has a row saying why)
	Failing    int // units with at least one error finding
	Errors     int
	Warnings   int
	Infos      int
	Filled     int
	// Paired are the workbooks checked with a 决算公开说明; Unpaired the
	// narratives no workbook was paired with (each has a row of its own
	// and counts in Files). A narrative that cannot be read counts in
	// Unreadable, on its unit's row or its own.
	Paired   int
	Unpaired int
	Elapsed  time.Duration
}

// outcome is one processed file, committed in input order.
type outcome struct {
	*job
	res       *audit.Result
	err       error
	annotated []byte
	narr      *narrOutcome // the narrative paired with the workbook
}

// engine runs the pool: walk -> workers -> in-order commit.
type engine struct {
	opt    Options
	priors *priorIndex
	found  atomic.Int64 // files the walker has emitted
	walked atomic.Bool  // the walk has finished
	// roots name the inputs relative to their command-line root, for
	// Options.Shard; nil: the display name itself.
	roots *rooter
	walkN int // files walked, of every shard (walker goroutine only)
	// total is the number of files counted before the run (count), for
	// Progress.Total; -1 or 0 with no count: the files found so far.
	total int
	seqs  seqs // kept job -> position in the walk
	narrs *narrIndex
}

func (o *Options) jobs() int {
	if o.Jobs > 0 {
		return o.Jobs
	}
	return runtime.NumCPU()
}

// run walks with walk and calls commit for every file in input order,
// from the calling goroutine. A commit error stops the run.
func (e *engine) run(ctx context.Context, walk func(*walker) error, commit func(*outcome) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := e.opt.jobs()
	// The window bounds the files between the walker and the commit:
	// bytes read but not yet processed plus results waiting for an
	// earlier, slower file.
	window := 4*n + 4
	tokens := make(chan struct{}, window)
	jobs := make(chan *job)
	results := make(chan *outcome, window)
	narrs, err := findNarratives(ctx, e.opt.Limits.withDefaults(), walk, e.roots)
	if err != nil {
		return err
	}
	e.narrs = narrs
	var walkErr error
	go func() {
		defer close(jobs)
		w := &walker{ctx: ctx, lim: e.opt.Limits.withDefaults(), skip: map[string]bool{}, want: notNarrative}
		if e.opt.Shard.Count > 1 {
			w.keep = e.inShard
		}
		w.emit = func(j *job) error {
			seq := e.walkN
			e.walkN++
			if j.other || (w.keep != nil && !w.keep(j.name)) {
				return nil // another shard's file (errors of the walk included)
			}
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			j.idx = int(e.found.Add(1) - 1)
			e.seqs.put(j.idx, seq)
			select {
			case jobs <- j:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		walkErr = walk(w) // read after close(jobs) -> results closed: ordered by the channels
		e.walked.Store(true)
	}()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- e.process(ctx, j)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	pending := map[int]*outcome{}
	next := 0
	var commitErr error
	for o := range results {
		if commitErr != nil {
			continue // drain so workers finish
		}
		pending[o.idx] = o
		for {
			p := pending[next]
			if p == nil {
				break
			}
			delete(pending, next)
			next++
			if err := commit(p); err != nil {
				commitErr = err
				cancel()
				break
			}
			<-tokens
		}
	}
	if commitErr != nil {
		return commitErr
	}
	if walkErr != nil && errors.Is(walkErr, ctx.Err()) {
		return model.Errorf(model.ETimeout, walkErr, "批量审核已取消或超时。")
	}
	if walkErr == nil && ctx.Err() != nil {
		// Every file was walked but the run was cancelled before all were
		// audited: their outcomes are timeouts, not a finished run.
		return model.Errorf(model.ETimeout, ctx.Err(), "批量审核已取消或超时。")
	}
	return walkErr
}

// inShard reports whether the input with display name name is in this
// run's shard, from its path relative to its command-line root.
func (e *engine) inShard(name string) bool {
	rel := name
	if e.roots != nil {
		rel = e.roots.rel(name)
	}
	return e.opt.Shard.Has(rel)
}

// count walks as run does, reading nothing but folder listings and zip
// directories (a compressed nested archive is inflated as a stream, its
// bytes not kept), and returns the number of files run will commit: the
// same walk, litter, output folder and shard filter.
func (e *engine) count(ctx context.Context, walk func(*walker) error) (int, error) {
	n := 0
	w := &walker{ctx: ctx, lim: e.opt.Limits.withDefaults(), skip: map[string]bool{}, scan: true, count: true, want: notNarrative}
	if e.opt.Shard.Count > 1 {
		w.keep = e.inShard
	}
	w.emit = func(j *job) error {
		if !j.other && (w.keep == nil || w.keep(j.name)) {
			n++
		}
		return nil
	}
	if err := walk(w); err != nil {
		return 0, err
	}
	return n, nil
}

// process audits one file and checks the narrative paired with it.
func (e *engine) process(ctx context.Context, j *job) *outcome {
	o := e.processBook(ctx, j)
	unit := ""
	if o.err == nil {
		unit = o.res.Workbook.UnitName
	}
	if nf, how := e.narrs.pair(j, unit); nf != nil {
		o.narr = &narrOutcome{file: nf, pairedBy: how}
		if o.err == nil && nf.doc != nil {
			an, err := narrative.AnalyzeContext(ctx, nf.doc, o.res.Workbook)
			if err != nil {
				o.res, o.err = nil, err // cancelled: no partial report
				return o
			}
			o.narr.findings = an.Findings
			// One report, as check --narrative: status and counts cover both.
			rep := o.res.Report
			merged := model.NewReport(o.res.Workbook, append(append([]model.Finding(nil), rep.Findings...), o.narr.findings...), rep.Fills)
			merged.Unchecked, merged.Pack = rep.Unchecked, rep.Pack
			o.res.Report = merged
		}
	}
	return o
}

// processBook audits one file. It never panics (audit recovers) and never
// fails the run: every problem becomes the outcome's error.
func (e *engine) processBook(ctx context.Context, j *job) *outcome {
	o := &outcome{job: j}
	if j.err != nil {
		o.err = j.err
		return o
	}
	if err := ctx.Err(); err != nil {
		o.err = model.Errorf(model.ETimeout, err, "批量审核已取消。")
		return o
	}
	opt := e.opt.Audit
	opt.Prior = nil
	if e.priors != nil {
		if p, data := e.priors.find(j); p != "" {
			j.prior = p
			opt.Prior = bytes.NewReader(data)
		}
	}
	if e.opt.ReportOnly {
		o.res, o.err = audit.Check(ctx, bytes.NewReader(j.data), opt)
	} else {
		var buf bytes.Buffer
		buf.Grow(len(j.data) + len(j.data)/4)
		o.res, o.err = audit.Fill(ctx, bytes.NewReader(j.data), &buf, opt)
		if o.err == nil {
			o.annotated = buf.Bytes()
		}
	}
	j.data = nil // the bytes are no longer needed; keep the window light
	return o
}
