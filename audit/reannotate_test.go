package audit

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"regexp"
	"strconv"
	"testing"

	"github.com/juesuan/juesuan/templates"
)

// xfCount reads <cellXfs count="N"> from a workbook's styles part.
func xfCount(t *testing.T, data []byte) int {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "xl/styles.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		m := regexp.MustCompile(`<cellXfs count="(\d+)"`).FindSubmatch(b)
		if m == nil {
			t.Fatal("no cellXfs in styles.xml")
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	t.Fatal("no xl/styles.xml")
	return 0
}

// TestReannotateKeepsStyleCount: annotating a workbook juesuan already
// annotated reuses its marked styles instead of adding new ones each round.
func TestReannotateKeepsStyleCount(t *testing.T) {
	var in bytes.Buffer
	if _, err := templates.Write(&in, templates.CaseA(), templates.Options{OmitDerived: true}); err != nil {
		t.Fatal(err)
	}
	data := in.Bytes()
	var counts []int
	for round := 0; round < 4; round++ {
		var out bytes.Buffer
		if _, err := Fill(context.Background(), bytes.NewReader(data), &out, Options{}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		data = out.Bytes()
		counts = append(counts, xfCount(t, data))
	}
	for i := 2; i < len(counts); i++ {
		if counts[i] != counts[1] {
			t.Fatalf("cellXfs count per round %v: re-annotation keeps adding styles", counts)
		}
	}
}
