package hostile

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/api"
)

// commentsBomb is Case A re-uploaded with n comments that carry juesuan's
// own marker (so the annotator clears and writes each one again), spread
// over the sheets beside the tables.
func commentsBomb(t *testing.T, n int) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(Good()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	for i := range n {
		sh := sheets[i%len(sheets)]
		cell, _ := excelize.CoordinatesToCellName(20+i/len(sheets)%200, 1+i/len(sheets)/200)
		if err := f.AddComment(sh, excelize.Comment{Cell: cell, Author: annotate.NoteAuthor,
			Paragraph: []excelize.RichTextRun{{Text: annotate.NoteMarker + fmt.Sprintf("第 %d 条", i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCommentsBombAPI (issue 15, item 2) over HTTP: a workbook with 4,000
// comments carrying juesuan's marker is filled by POST /api/v1/fill within
// the corpus's CPU bound (was over 120 s), and two of them sent at once
// leave a good check beside them served (was 503 for minutes).
func TestCommentsBombAPI(t *testing.T) {
	bomb := commentsBomb(t, 4000)
	h := api.New(api.Config{MaxConcurrent: 2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	post := func(path string, data []byte) int {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(data))
		req.Header.Set("Content-Type", api.XLSXType)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	cpu0 := cpuTime()
	if st := post("/api/v1/fill", bomb); st != http.StatusOK {
		t.Fatalf("bomb fill: status %d", st)
	}
	cpu := cpuTime() - cpu0
	t.Logf("4,000 marked comments: /api/v1/fill in %.0f ms of CPU", cpu.Seconds()*1000)
	if cpu > caseCPU {
		t.Errorf("bomb fill took %.2f s of CPU, bound %.0f s", cpu.Seconds(), caseCPU.Seconds())
	}
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for i := range 2 {
		wg.Go(func() { codes[i] = post("/api/v1/fill", bomb) })
	}
	wg.Go(func() { codes[2] = post("/api/v1/check", Good()) })
	wg.Wait()
	if codes[0] != http.StatusOK || codes[1] != http.StatusOK || codes[2] != http.StatusOK {
		t.Errorf("two bombs and a good check at once: statuses %v, want all 200", codes)
	}
}
