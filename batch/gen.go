package batch

// gen.go writes varied sample-sized workbooks for the bench command and
// BenchmarkBatch: Case A under different unit names, scales, units and
// layouts, some with derived cells left blank (work for fill) and some
// with an injected error (work for annotate).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// Variant describes generated workbook i.
type Variant struct {
	Data    *templates.Data
	Options templates.Options
	Broken  bool // an error was injected
}

var scales = []string{"1.07", "0.93", "1.5", "2.25", "0.5"}

// MakeVariant builds the i-th variant of Case A (deterministic in i).
// Plain variants only change the unit name and the layout: no scaled
// values, no blank totals, no injected errors.
func MakeVariant(i int, plain bool) Variant {
	d := templates.CaseA()
	d.UnitName = fmt.Sprintf("%s第%d分局", d.UnitName, i+1)
	// A quarter of the units get scaled values (different amounts, same
	// structure); the rest keep Case A's figures in other layouts.
	scale := decimal.NewFromInt(1)
	if i%4 == 1 && !plain {
		scale = decimal.RequireFromString(scales[(i/4)%len(scales)])
	}
	if !scale.Equal(decimal.NewFromInt(1)) {
		for _, rows := range d.Values {
			for _, cols := range rows {
				for k, s := range cols {
					if v, err := decimal.NewFromString(s); err == nil {
						cols[k] = v.Mul(scale).StringFixed(2)
					}
				}
			}
		}
	}
	var opt templates.Options
	if i%2 == 1 {
		opt.Style = model.StyleShanghai
	}
	if i%3 == 2 {
		opt.T09Order = "interleaved"
		opt.BlankZeros = true
	}
	if i%5 == 4 {
		opt.Unit = model.Yuan
	}
	// Scaled values no longer add up exactly, so scaled variants leave
	// every derived cell to fill (as a user typing only the leaves would).
	if !plain && (!scale.Equal(decimal.NewFromInt(1)) || i%8 == 3) {
		opt.OmitDerived = true
	}
	v := Variant{Data: d, Options: opt}
	if i%10 == 9 && !opt.OmitDerived && !plain {
		// 公务接待费 off by one: T09's 合计 then disagrees.
		row := d.Values[model.T09]["三公经费"]
		if s, ok := row["决算数/公务接待费"]; ok {
			row["决算数/公务接待费"] = decimal.RequireFromString(s).Add(decimal.NewFromInt(1)).StringFixed(2)
			v.Broken = true
		}
	}
	return v
}

// Generate writes n variants into dir as unit-00001.xlsx … using jobs
// goroutines and returns the paths in order.
func Generate(ctx context.Context, dir string, n, jobs int, plain bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := make([]string, n)
	idx := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range max(jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				v := MakeVariant(i, plain)
				p := filepath.Join(dir, fmt.Sprintf("unit-%05d.xlsx", i+1))
				f, err := os.Create(p)
				if err == nil {
					_, err = templates.Write(f, v.Data, v.Options)
					if cerr := f.Close(); err == nil {
						err = cerr
					}
				}
				if err != nil {
					select {
					case errs <- fmt.Errorf("generate %s: %w", p, err):
					default:
					}
					continue
				}
				paths[i] = p
			}
		}()
	}
	for i := 0; i < n; i++ {
		select {
		case idx <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(idx)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return paths, ctx.Err()
}
