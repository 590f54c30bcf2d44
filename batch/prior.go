package batch

// prior.go matches each workbook with last year's workbook of the same
// unit in --prior-dir: first by file name with the year taken out
// ("2024年XX局决算.xlsx" ~ "2023年XX局决算.xlsx"), then by unit name. The
// unit index needs every prior workbook read once, so it is built only
// when a file-name match fails, once, in parallel.

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

type priorIndex struct {
	dir    string
	jobs   int
	lim    xlsx.Limits
	byName map[string][]string // normalised stem -> paths
	files  []string

	once   sync.Once
	byUnit map[string]string // normalised unit name -> path
}

var yearRe = regexp.MustCompile(`(19|20)\d{2}\s*(年度|年)?`)

// stemKey normalises a file name for matching across years.
func stemKey(base string) string {
	s := strings.TrimSuffix(base, filepath.Ext(base))
	s = strings.TrimSuffix(s, ".审核")
	s = yearRe.ReplaceAllString(templates.NormalizeText(s), "")
	return strings.ToLower(strings.Trim(s, "-_ .()"))
}

// unitKey normalises a unit name for matching and duplicate detection.
func unitKey(name string) string { return templates.NormalizeText(name) }

func newPriorIndex(dir string, jobs int, lim xlsx.Limits) (*priorIndex, error) {
	p := &priorIndex{dir: dir, jobs: jobs, lim: lim, byName: map[string][]string{}}
	err := filepath.WalkDir(dir, func(fp string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if fp != dir && skipName(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() || isZip(fp) {
			return nil
		}
		k := stemKey(d.Name())
		p.byName[k] = append(p.byName[k], fp)
		p.files = append(p.files, fp)
		return nil
	})
	return p, err
}

// find returns the prior workbook for j and its bytes, or "".
func (p *priorIndex) find(j *job) (string, []byte) {
	if ps := p.byName[stemKey(j.base)]; len(ps) == 1 {
		if data, err := os.ReadFile(ps[0]); err == nil {
			return ps[0], data
		}
	}
	// Fall back to the unit name: read the current workbook's name.
	wb, book, err := reader.Read(bytes.NewReader(j.data), reader.Options{Limits: p.lim})
	if err != nil {
		return "", nil
	}
	book.Close()
	if wb.UnitName == "" {
		return "", nil
	}
	p.once.Do(p.indexUnits)
	if fp := p.byUnit[unitKey(wb.UnitName)]; fp != "" {
		if data, err := os.ReadFile(fp); err == nil {
			return fp, data
		}
	}
	return "", nil
}

func (p *priorIndex) indexUnits() {
	p.byUnit = map[string]string{}
	var mu sync.Mutex
	ch := make(chan string)
	var wg sync.WaitGroup
	for range max(p.jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fp := range ch {
				data, err := os.ReadFile(fp)
				if err != nil {
					continue
				}
				wb, book, err := reader.Read(bytes.NewReader(data), reader.Options{Limits: p.lim})
				if err != nil {
					continue
				}
				book.Close()
				if k := unitKey(wb.UnitName); k != "" {
					mu.Lock()
					// Two priors of one unit: the first in path order wins, whatever the scheduling.
					if old, dup := p.byUnit[k]; !dup || fp < old {
						p.byUnit[k] = fp
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, fp := range p.files {
		ch <- fp
	}
	close(ch)
	wg.Wait()
}
