package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/model"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "性能测试：生成 N 个样例工作簿并批量审核，报告每秒工作簿数和内存峰值",
		run:     runBench,
	})
}

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "生成的工作簿数")
	jobs := fs.Int("j", 0, "同时处理的工作簿数（默认 CPU 核数）")
	reportOnly := fs.Bool("report-only", false, "不写审核后的工作簿")
	keep := fs.String("keep", "", "把生成的工作簿和输出留在此文件夹（再次运行时沿用其中的工作簿；默认用临时文件夹并在结束后删除）")
	plain := fs.Bool("plain", false, "只变换单位名称和版式（不缩放数值、不留空合计、不注入错误）")
	single := fs.Int("single", 30, "单个工作簿端到端计时的次数（取中位数）")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitInput
	}
	if *n <= 0 {
		fmt.Fprintln(stderr, "-n 必须大于 0")
		return exitInput
	}
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "juesuan-bench-")
		if err != nil {
			fmt.Fprintf(stderr, "无法创建临时文件夹：%v\n", err)
			return exitInput
		}
		defer os.RemoveAll(d)
		dir = d
	}
	ctx := context.Background()
	j := *jobs
	if j <= 0 {
		j = runtime.NumCPU()
	}
	t0 := time.Now()
	paths, reused := existing(filepath.Join(dir, "in"), *n)
	if !reused {
		var err error
		if paths, err = batch.Generate(ctx, filepath.Join(dir, "in"), *n, j, *plain); err != nil {
			fmt.Fprintf(stderr, "生成样例失败：%v\n", err)
			return exitInput
		}
	}
	var inBytes int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			inBytes += st.Size()
		}
	}
	verb := "生成"
	if reused {
		verb = "沿用已生成的"
	}
	fmt.Fprintf(stdout, "%s %d 个工作簿（平均 %.1f KB）用时 %s\n", verb, *n, float64(inBytes)/float64(*n)/1024, time.Since(t0).Round(time.Millisecond))

	// One workbook end to end (read, fill, check, annotate, write), warm.
	data, err := os.ReadFile(paths[0])
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return exitInput
	}
	var ds []time.Duration
	for i := 0; i < max(*single, 1); i++ {
		s := time.Now()
		if _, err := audit.Fill(ctx, bytes.NewReader(data), io.Discard, audit.Options{}); err != nil {
			fmt.Fprintf(stderr, "单个工作簿审核失败：%s\n", model.ErrorMessage(err))
			return exitInput
		}
		ds = append(ds, time.Since(s))
	}
	sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
	fmt.Fprintf(stdout, "单个工作簿端到端（读取+补填+审核+标注+写出）：中位数 %s，最快 %s\n",
		ds[len(ds)/2].Round(10*time.Microsecond), ds[0].Round(10*time.Microsecond))

	// Peak RSS of the batch alone: reset the high-water mark after
	// generation where the kernel allows it (Linux ≥ 4.0).
	tuneGC()             // as the batch command does
	debug.FreeOSMemory() // hand generation's heap back so it does not count as the batch's
	reset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil

	// The floor: what merely unzipping the same files and tokenizing every
	// part with encoding/xml costs, measured in the same run, so the
	// ratios below compare like with like on this machine.
	floor, err := floorCPU(paths, j)
	if err != nil {
		fmt.Fprintf(stderr, "基线测量失败：%v\n", err)
		return exitInput
	}
	perFloor := floor / time.Duration(len(paths))
	fmt.Fprintf(stdout, "基线（解压并用 encoding/xml 读出全部部件）：每个工作簿 CPU %s\n", perFloor.Round(time.Microsecond))

	// The generated workbooks come in few shapes, so nearly every binding
	// is reused (check.ShapeCache); a real batch of departments printing
	// different codes mostly binds afresh. Report-only is measured both
	// ways so neither figure flatters.
	type benchMode struct{ reportOnly, fresh bool }
	modes := []benchMode{{true, false}, {true, true}, {false, false}}
	if *reportOnly {
		modes = modes[:2]
	}
	out := filepath.Join(dir, "out")
	var peak int64
	var src string
	for _, m := range modes {
		ro := m.reportOnly
		os.RemoveAll(out)
		reused0 := check.ShapeCache(!m.fresh)
		cpu0 := cpuTime()
		st, err := batch.RunDir(ctx, []string{filepath.Join(dir, "in")}, out, batch.Options{Jobs: *jobs, ReportOnly: ro})
		reused := check.ShapeCache(true) - reused0
		if err != nil {
			fmt.Fprintf(stderr, "批量审核失败：%s\n", model.ErrorMessage(err))
			return exitInput
		}
		cpu := cpuTime() - cpu0
		peak, src = peakRSS()
		mode := "审核+补填+标注并写出审核后的工作簿"
		if ro {
			mode = "只输出汇总和 results.ndjson（--report-only）"
		}
		if m.fresh {
			mode += "，每个工作簿重新绑定规则"
		} else {
			mode += fmt.Sprintf("，同版式复用规则绑定 %d 次", reused)
		}
		fmt.Fprintf(stdout, "批量（%s，-j %d，GOMAXPROCS %d）：%d 个工作簿用时 %s，%.1f 个/秒；有错误 %d，无法读取 %d\n",
			mode, j, runtime.GOMAXPROCS(0), st.Files, st.Elapsed.Round(time.Millisecond), float64(st.Files)/st.Elapsed.Seconds(), st.Failing, st.Unreadable)
		per := cpu / time.Duration(max(st.Files, 1))
		fmt.Fprintf(stdout, "  CPU 每个工作簿 %s，为基线的 %.2f 倍（%d 核全部空闲时约 %.0f 个/秒）；机器负载 %s\n",
			per.Round(time.Microsecond), float64(per)/float64(max(perFloor, 1)), runtime.NumCPU(),
			float64(runtime.NumCPU())/per.Seconds(), loadAvg())
	}
	if !reset {
		src += "（含生成阶段）"
	}
	fmt.Fprintf(stdout, "内存峰值 %.1f MB（%s）\n", float64(peak)/(1<<20), src)
	if *keep != "" {
		fmt.Fprintf(stdout, "输出：%s\n", out)
	}
	return exitOK
}

// existing returns the n generated workbooks of an earlier --keep run, so
// repeated measurements skip generation. The folder must hold exactly them.
func existing(dir string, n int) ([]string, bool) {
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) != n {
		return nil, false
	}
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("unit-%05d.xlsx", i+1))
		if _, err := os.Stat(paths[i]); err != nil {
			return nil, false
		}
	}
	return paths, true
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg is /proc/loadavg's 1-minute figure ("?" elsewhere): a batch
// rate measured on a busy machine says little without it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// peakRSS returns the process's peak resident set: VmHWM from
// /proc/self/status, else getrusage's ru_maxrss.
func peakRSS() (int64, string) {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				var kb int64
				if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
					return kb << 10, "VmHWM"
				}
			}
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		return ru.Maxrss << 10, "getrusage"
	}
	return 0, "不可用"
}

// floorCPU is the CPU time of unzipping every file and reading each of its
// parts to the end with encoding/xml's tokenizer, j files at a time.
func floorCPU(paths []string, j int) (time.Duration, error) {
	cpu0 := cpuTime()
	work := make(chan string)
	errs := make(chan error, j)
	for w := 0; w < j; w++ {
		go func() {
			var first error
			for p := range work {
				if err := tokenizeAll(p); err != nil && first == nil {
					first = err
				}
			}
			errs <- first
		}()
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	var err error
	for w := 0; w < j; w++ {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	return cpuTime() - cpu0, err
}

func tokenizeAll(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return batch.Floor(f, st.Size())
}
