package audit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/templates"
	"github.com/xuri/excelize/v2"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCommentsBomb (issue 15): a re-uploaded workbook whose comments carry
// juesuan's own marker on thousands of cells (so every one is cleared and
// written again) is annotated in bounded time: clearing and writing notes is
// linear in the comments (was 12.9 s for 1,000, over 120 s for 4,000).
func TestCommentsBomb(t *testing.T) {
	var base bytes.Buffer
	if _, err := templates.Write(&base, templates.CaseA(), templates.Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(base.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	const n = 4000
	sheets := f.GetSheetList()
	for i := 0; i < n; i++ {
		sh := sheets[i%len(sheets)]
		cell, _ := excelize.CoordinatesToCellName(20+i/len(sheets)%200, 1+i/len(sheets)/200)
		if err := f.AddComment(sh, excelize.Comment{Cell: cell, Author: annotate.NoteAuthor,
			Paragraph: []excelize.RichTextRun{{Text: annotate.NoteMarker + fmt.Sprintf("第 %d 条", i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	var bomb bytes.Buffer
	if err := f.Write(&bomb); err != nil {
		t.Fatal(err)
	}
	c0, w0 := cpuNow(), time.Now()
	res, err := Fill(context.Background(), bytes.NewReader(bomb.Bytes()), io.Discard, Options{})
	cpu, wall := cpuNow()-c0, time.Since(w0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d marked comments: fill in %.0f ms CPU (%.0f ms wall), %d findings", n, cpu.Seconds()*1000, wall.Seconds()*1000, len(res.Report.Findings))
	if cpu > 2*time.Second {
		t.Errorf("fill of %d marked comments took %.1f s of CPU, bound 2 s", n, cpu.Seconds())
	}
}
