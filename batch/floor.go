package batch

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"io"
	"strings"
)

// Floor is the work every reader of a workbook pays at the least: unzip
// each XML part and tokenize it to the end with encoding/xml. `juesuan
// bench` and the reader's benchmarks give their costs as multiples of it,
// measured in the same run on the same files.
func Floor(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") && !strings.HasSuffix(f.Name, ".vml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		dec := xml.NewDecoder(bufio.NewReader(rc))
		for {
			if _, err := dec.RawToken(); err != nil {
				break
			}
		}
		rc.Close()
	}
	return nil
}
