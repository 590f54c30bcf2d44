package batch

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsxtest"
)

// book writes Case A (or Case C) under unit name, optionally with an
// injected error, in the given layout.
func book(t testing.TB, caseC bool, unit string, broken bool, opt templates.Options) []byte {
	t.Helper()
	d := templates.CaseA()
	if caseC {
		d = templates.CaseC()
	}
	if unit != "" {
		d.UnitName = unit
	}
	if broken {
		row := d.Values[model.T09]["三公经费"]
		row["决算数/公务接待费"] = decimal.RequireFromString(row["决算数/公务接待费"]).Add(decimal.NewFromInt(1)).StringFixed(2)
	}
	var buf bytes.Buffer
	if _, err := templates.Write(&buf, d, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type entry struct {
	name string
	data []byte
}

func zipOf(t testing.TB, es ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func parseNDJSON(t testing.TB, r io.Reader) []Record {
	t.Helper()
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("results.ndjson line %d: %v", len(out)+1, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func readSummary(t testing.TB, r io.Reader) map[string]xlsxtest.SheetRows {
	t.Helper()
	sheets, err := xlsxtest.ReadSheets(r)
	if err != nil {
		t.Fatalf("read 汇总.xlsx: %v", err)
	}
	out := map[string]xlsxtest.SheetRows{}
	for _, s := range sheets {
		out[s.Name] = s
	}
	for _, n := range []string{"汇总", "规则矩阵", "错误明细"} {
		if _, ok := out[n]; !ok {
			t.Fatalf("汇总.xlsx lacks sheet %s", n)
		}
	}
	return out
}

func cell(rows [][]string, r, c int) string {
	if r < len(rows) && c < len(rows[r]) {
		return rows[r][c]
	}
	return ""
}
