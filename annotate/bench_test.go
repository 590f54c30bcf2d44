package annotate_test

import (
	"bytes"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// BenchmarkAnnotateMix times the annotated path's own cost — annotating
// and writing — on the workbooks `juesuan bench` generates (the first 20
// variants: blank totals to fill, injected errors, both styles), each
// read by the reader first as audit.Fill has it (reading is not timed).
// ns/op and allocs/op are per workbook; cpu-ns/op is the process's CPU
// time in the timed part (steadier than ns/op on a shared machine);
// out-B/op is the annotated file.
func BenchmarkAnnotateMix(b *testing.B) {
	const n = 20
	type wbk struct {
		in  []byte
		res *audit.Result
	}
	var ws []wbk
	for i := range n {
		v := batch.MakeVariant(i, false)
		var buf bytes.Buffer
		if _, err := templates.Write(&buf, v.Data, v.Options); err != nil {
			b.Fatal(err)
		}
		ws = append(ws, wbk{buf.Bytes(), checked(b, buf.Bytes())})
	}
	b.ReportAllocs()
	var out countWriter
	var cpu time.Duration
	i := 0
	for b.Loop() {
		w := ws[i%n]
		i++
		b.StopTimer()
		_, book, err := reader.Read(bytes.NewReader(w.in), reader.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuTime()
		if err := annotate.AnnotateDirect(book, w.res.Workbook, w.res.Report); err != nil {
			b.Fatal(err)
		}
		if _, err := book.WriteTo(&out); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		b.StopTimer()
		book.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(out.n)/float64(i), "out-B/op")
	b.ReportMetric(float64(cpu)/float64(i), "cpu-ns/op")
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
