package loadtest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/api"
	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/hostile"
	"github.com/juesuan/juesuan/model"
)

// The load test's bounds. It runs against api.New on a loopback listener
// (httptest, 127.0.0.1 only) and stops by itself: after loadDuration or
// maxRequests requests, whichever comes first.
const (
	clients      = 64
	loadDuration = 15 * time.Second
	maxRequests  = 4000

	// Server configuration under test: the production defaults except a
	// short queue timeout and a small queue, so that overload shows up
	// within the test as deliberate 503 (queue timeout) and 429 (queue full).
	maxUpload    = 20 << 20 // the default MaxUpload
	queueTimeout = 500 * time.Millisecond
	maxQueue     = 32

	// maxRSS bounds the whole test process (server, 64 clients, the Go
	// test runtime), measured as VmHWM. Reasoning: each request holds its
	// upload (at most MaxUpload+1 bytes read) while it is read, and
	// MaxConcurrent workbooks are processed at once at a few MiB each
	// (hostile corpus: Case A +4 MiB of heap). Oversized uploads are 10 %
	// of the mix, so about 6 of 64 clients hold one at a time (6 x 20 MiB);
	// with GC headroom (GOGC=100 doubles the live heap) that is ~300 MiB.
	// The bound leaves margin for a loaded CI machine.
	maxRSS = 512 << 20

	// minGood is the least number of good uploads that must get a report:
	// overload sheds requests by design, but a server shedding everything
	// would pass every other check. A 2-core CI machine serves ~20 good
	// uploads per second (fill ~100 ms each on a core).
	minGood = 100

	// burstGrowth bounds the RSS growth of the oversize burst. Refused from
	// Content-Length, oversized uploads cost only connections and problem
	// bodies. (Read to the limit instead, admission lets MaxConcurrent +
	// MaxQueue = 2 + 8 requests read at once and io.ReadAll's doubling
	// buffer makes each cost ~44 MiB: measured +440 MiB.)
	burstGrowth = 128 << 20

	// healthzMax bounds one /healthz answer while the server is saturated.
	healthzMax = 2 * time.Second
)

// kind is one class of upload in the mix.
type kind int

const (
	good       kind = iota // Case A, annotated xlsx back
	goodJSON               // Case A, ?format=json
	broken                 // a truncated zip: 400 corrupt
	notXLSX                // plain text: 415 not_xlsx
	bomb                   // the 100 MiB zip bomb: 413 too_large
	oversize               // MaxUpload+1 bytes: 413 too_large
	slowBody               // Case A sent one byte every slowGap: 408 slow_body
	nestedBomb             // POST /api/v1/batch with the 227 KiB nested zip bomb: 413 too_large (inflates ~1000-fold)
	heldBomb               // the same bomb, its entries in reverse order: 413 too_large
	nKinds
)

var kindNames = [...]string{"good", "good_json", "broken", "not_xlsx", "bomb", "oversize", "slow_body", "nested_bomb", "held_bomb"}

// slowGap is how often a slow-body client sends one byte; slowSlack is how
// long past BodyGrace its 408 may take (the rate check plus a loaded
// machine's late timers).
const (
	slowGap   = 100 * time.Millisecond
	slowSlack = 3 * time.Second
)

// mix is the request schedule: 50 % good (xlsx and JSON), 30 % broken of
// three sorts, 10 % oversized, 10 % good again; request i has kind
// mix[i%len(mix)].
var mix = []kind{good, broken, goodJSON, oversize, good, notXLSX, good, bomb, goodJSON, good}

// result is one request's outcome.
type result struct {
	kind    kind
	status  int
	latency time.Duration
	err     error  // transport error
	problem string // problem+json code
	bad     string // why the answer is wrong, "" when right
}

// expectation of a served (non-shed) answer per kind.
var wantStatus = map[kind]int{
	good: http.StatusOK, goodJSON: http.StatusOK,
	broken: http.StatusBadRequest, notXLSX: http.StatusUnsupportedMediaType,
	bomb: http.StatusRequestEntityTooLarge, oversize: http.StatusRequestEntityTooLarge,
	slowBody: http.StatusRequestTimeout, nestedBomb: http.StatusRequestEntityTooLarge, heldBomb: http.StatusRequestEntityTooLarge,
}

var wantCode = map[kind]string{
	broken: model.ECorrupt, notXLSX: model.ENotXLSX, bomb: model.ETooLarge, oversize: model.ETooLarge,
	slowBody: api.CodeSlowBody, nestedBomb: model.ETooLarge, heldBomb: model.ETooLarge,
}

// procStatus reads a field of /proc/self/status in bytes (VmRSS, VmHWM).
func procStatus(field string) (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			fs := strings.Fields(rest)
			if len(fs) != 2 || fs[1] != "kB" {
				return 0, fmt.Errorf("odd %s line %q", field, sc.Text())
			}
			n, err := strconv.ParseUint(fs[0], 10, 64)
			return n << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/self/status", field)
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// caseAReport is what the pipeline says about Case A, the reference every
// good answer must match.
func caseAReport(t *testing.T) model.Report {
	res, err := audit.Check(context.Background(), bytes.NewReader(hostile.Good()), audit.Options{})
	if err != nil {
		t.Fatalf("Case A: %v", err)
	}
	return res.Report
}

func corpusBytes(t *testing.T, name string) []byte {
	for _, c := range hostile.Corpus() {
		if c.Name == name {
			return c.Bytes()
		}
	}
	t.Fatalf("no corpus case %s", name)
	return nil
}

// checkGood verifies a 200 answer to a good upload against Case A's report.
func checkGood(k kind, resp *http.Response, body []byte, ref model.Report) string {
	h := resp.Header
	if h.Get(api.HeaderStatus) != string(ref.Status) || h.Get(api.HeaderErrors) != strconv.Itoa(ref.Summary.Errors) ||
		h.Get(api.HeaderWarnings) != strconv.Itoa(ref.Summary.Warnings) || h.Get(api.HeaderFilled) != strconv.Itoa(ref.Summary.Filled) {
		return fmt.Sprintf("summary headers %s=%q %s=%q %s=%q %s=%q, want %s/%d/%d/%d", api.HeaderStatus, h.Get(api.HeaderStatus),
			api.HeaderErrors, h.Get(api.HeaderErrors), api.HeaderWarnings, h.Get(api.HeaderWarnings), api.HeaderFilled, h.Get(api.HeaderFilled),
			ref.Status, ref.Summary.Errors, ref.Summary.Warnings, ref.Summary.Filled)
	}
	if h.Get(api.HeaderRequestID) == "" {
		return "no request id"
	}
	if k == goodJSON {
		var rep model.Report
		if err := json.Unmarshal(body, &rep); err != nil {
			return "report JSON: " + err.Error()
		}
		if rep.Status != ref.Status || rep.Summary != ref.Summary || len(rep.Findings) != len(ref.Findings) {
			return fmt.Sprintf("report %s %+v with %d findings, want %s %+v with %d", rep.Status, rep.Summary, len(rep.Findings),
				ref.Status, ref.Summary, len(ref.Findings))
		}
		for i := range rep.Findings {
			if rep.Findings[i].Fingerprint != ref.Findings[i].Fingerprint {
				return "finding " + strconv.Itoa(i) + " differs: " + rep.Findings[i].Rule
			}
		}
		return ""
	}
	if ct := h.Get("Content-Type"); ct != api.XLSXType {
		return "Content-Type " + ct
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return "annotated workbook is not a zip: " + err.Error()
	}
	for _, f := range zr.File {
		if f.Name != "xl/workbook.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err.Error()
		}
		wbx, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err.Error()
		}
		if !bytes.Contains(wbx, []byte(`name="`+annotate.ResultsSheet+`"`)) {
			return "annotated workbook has no " + annotate.ResultsSheet + " sheet"
		}
		return ""
	}
	return "annotated workbook has no xl/workbook.xml"
}

// isResetByPeer tells the connection errors a client may see when the
// server answers 413 and closes the connection while the client is still
// sending an oversized body.
func isResetByPeer(err error) bool {
	var ne *net.OpError
	s := err.Error()
	return errors.As(err, &ne) || strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe")
}

// scenario is one bounded load run.
type scenario struct {
	name     string
	cfg      api.Config // MaxUpload is always maxUpload
	mix      []kind
	duration time.Duration
	requests int
	minGood  int    // good uploads that must get a report
	maxRSS   uint64 // bound of VmHWM during the run
	// maxGrowth, when set, bounds VmHWM over the RSS at the start.
	maxGrowth uint64
	// maxGoodP99, when set, bounds the p99 latency of good uploads served.
	maxGoodP99 time.Duration
}

// stats are a run's figures.
type stats struct {
	n, good        int
	elapsed        time.Duration
	lat, goodLat   []time.Duration
	byStatus       map[int]int
	shed503, s429  int
	resets         int
	rssStart, hwm  uint64
	peakRSS        uint64
	health         []time.Duration
	healthFailures int
	slowLat        []time.Duration // slow bodies cut with 408
}

func TestLoad(t *testing.T) {
	runLoad(t, scenario{
		name: "mixed",
		cfg:  api.Config{MaxQueue: maxQueue, QueueTimeout: queueTimeout, RequestTimeout: 30 * time.Second},
		mix:  mix, duration: loadDuration, requests: maxRequests, minGood: minGood, maxRSS: maxRSS,
	})
}

// TestLoadOversizeBurst sends nothing but uploads over MaxUpload, with a
// Content-Length saying so, from 64 clients with the production queue
// defaults. Such an upload can be refused from its header: it must cost
// the server no memory (burstGrowth), not MaxUpload of buffer per request.
func TestLoadOversizeBurst(t *testing.T) {
	runLoad(t, scenario{
		name: "oversize burst",
		cfg:  api.Config{RequestTimeout: 30 * time.Second},
		mix:  []kind{oversize}, duration: 4 * time.Second, requests: 1000, maxRSS: maxRSS, maxGrowth: burstGrowth,
	})
}

// TestLoadHostile runs good uploads alongside attackers (issue 15): a
// third of the requests trickle their body one byte every 100 ms, and one
// in ten posts the 227 KiB nested zip bomb (a 228 MiB stored zip of
// zero-filled entries; half of them with the entries out of order) to
// /api/v1/batch. Bodies are read before a work slot is taken and must keep
// 16 KiB/s after a 1 s grace: the slow ones get 408 within 4 s and hold no
// slot. The bombs are refused from their directory entries (413). Good
// uploads wait up to 2 s for a slot; they must be served (at least
// minGood, p99 under 4 s) and the process stays under maxRSS.
func TestLoadHostile(t *testing.T) {
	runLoad(t, scenario{
		name: "hostile",
		cfg: api.Config{MaxQueue: maxQueue, QueueTimeout: 2 * time.Second, RequestTimeout: 30 * time.Second,
			BodyGrace: time.Second, MemoryBudget: 320 << 20},
		mix: []kind{good, slowBody, goodJSON, slowBody, good, nestedBomb, good, slowBody, goodJSON, good,
			good, slowBody, goodJSON, slowBody, good, heldBomb, good, slowBody, goodJSON, good},
		duration: loadDuration, requests: maxRequests, minGood: minGood, maxRSS: maxRSS, maxGoodP99: 4 * time.Second,
	})
}

// trickle sends Case A's headers to addr and then one byte every slowGap
// until the server answers; the answer is read like any other.
func trickle(ctx context.Context, addr string, body []byte) (*http.Response, []byte, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := fmt.Fprintf(conn, "POST /api/v1/check HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nX-Juesuan-Client: loadtest-slow\r\n\r\n",
		addr, api.XLSXType, len(body)); err != nil {
		return nil, nil, err
	}
	type answer struct {
		resp *http.Response
		body []byte
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			got <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- answer{resp, b, err}
	}()
	tick := time.NewTicker(slowGap)
	defer tick.Stop()
	for i := 0; ; {
		select {
		case a := <-got:
			return a.resp, a.body, a.err
		case <-tick.C:
			if i < len(body) {
				if _, err := conn.Write(body[i : i+1]); err == nil {
					i++
				}
			}
		case <-ctx.Done():
			// The run is over: wait for the answer the guard owes us.
			a := <-got
			return a.resp, a.body, a.err
		}
	}
}

func runLoad(t *testing.T, sc scenario) stats {
	gin.SetMode(gin.ReleaseMode)
	ref := caseAReport(t)
	bodies := map[kind][]byte{
		good:     hostile.Good(),
		goodJSON: hostile.Good(),
		broken:   corpusBytes(t, "truncated_zip"),
		notXLSX:  corpusBytes(t, "not_a_zip"),
		bomb:     corpusBytes(t, "zip_bomb"),
		slowBody: hostile.Good(),
		oversize: bytes.Repeat([]byte("PK\x03\x04 oversized upload "), maxUpload/8)[:maxUpload+1<<10],
	}
	if slices.Contains(sc.mix, nestedBomb) || slices.Contains(sc.mix, heldBomb) {
		bodies[nestedBomb] = hostile.ArchiveCorpus()[0].Bytes()
		bodies[heldBomb] = hostile.ArchiveCorpus()[1].Bytes()
	}
	if len(bodies[oversize]) <= maxUpload {
		t.Fatal("oversized body is not over the limit")
	}

	cfg := sc.cfg
	cfg.MaxUpload = maxUpload
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(api.New(cfg)) // 127.0.0.1, loopback only
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("server not on loopback: %s", srv.URL)
	}
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}

	runtime.GC()
	// Reset VmHWM to the current RSS (Linux: "5" to clear_refs), so each
	// scenario's peak is its own.
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	st := stats{byStatus: map[int]int{}}
	var err error
	if st.rssStart, err = procStatus("VmRSS"); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), sc.duration)
	defer cancel()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		results  []result
		peakRSS  atomic.Uint64
		healthKO []string
		wg       sync.WaitGroup
	)
	start := time.Now()

	// /healthz answers throughout: polled every 100 ms while the load runs.
	wg.Go(func() {
		hc := &http.Client{Timeout: healthzMax}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			t0 := time.Now()
			resp, err := hc.Get(srv.URL + "/healthz")
			d := time.Since(t0)
			mu.Lock()
			st.health = append(st.health, d)
			switch {
			case err != nil:
				healthKO = append(healthKO, err.Error())
			case resp.StatusCode != http.StatusOK:
				healthKO = append(healthKO, resp.Status)
			}
			mu.Unlock()
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	})
	// RSS sampler.
	wg.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss, err := procStatus("VmRSS"); err == nil && rss > peakRSS.Load() {
				peakRSS.Store(rss)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})

	for range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(sc.requests) {
					return
				}
				k := sc.mix[i%int64(len(sc.mix))]
				url := srv.URL + "/api/v1/fill"
				ctype := api.XLSXType
				switch k {
				case goodJSON:
					url += "?format=json"
				case nestedBomb, heldBomb:
					url, ctype = srv.URL+"/api/v1/batch?report_only=true", api.ZipType
				}
				req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[k]))
				if err != nil {
					panic(err)
				}
				req.Header.Set("Content-Type", ctype)
				req.Header.Set("X-Juesuan-Client", "loadtest")
				r := result{kind: k}
				t0 := time.Now()
				var resp *http.Response
				var body []byte
				if k == slowBody {
					resp, body, err = trickle(ctx, strings.TrimPrefix(srv.URL, "http://"), bodies[k])
				} else if resp, err = client.Do(req); err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				r.latency = time.Since(t0)
				if k == slowBody && err == nil && r.latency > sc.cfg.BodyGrace+slowSlack {
					r.bad = fmt.Sprintf("slow body answered after %v, bound %v", r.latency, sc.cfg.BodyGrace+slowSlack)
				}
				if err != nil {
					r.err = err
					if k != oversize || !isResetByPeer(err) {
						r.bad = "transport error: " + err.Error()
					}
				} else {
					r.status = resp.StatusCode
					if bad := judge(k, resp, body, ref, &r); bad != "" {
						r.bad = bad
					}
				}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				switch r.status {
				case http.StatusTooManyRequests, http.StatusServiceUnavailable:
					// A polite client backs off (Retry-After says seconds;
					// a tenth of it keeps the pressure on), with jitter.
					time.Sleep(time.Duration(100+i%100) * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	if st.hwm, err = procStatus("VmHWM"); err != nil {
		t.Fatal(err)
	}
	st.peakRSS = peakRSS.Load()
	st.healthFailures = len(healthKO)

	// Figures.
	var (
		bad                []string
		fiveXX             int
		perKind, perKindOK [nKinds]int
		kindStatus         [nKinds]map[int]int
	)
	for _, r := range results {
		perKind[r.kind]++
		if kindStatus[r.kind] == nil {
			kindStatus[r.kind] = map[int]int{}
		}
		kindStatus[r.kind][r.status]++
		st.lat = append(st.lat, r.latency)
		if r.err != nil {
			st.resets++
		} else {
			st.byStatus[r.status]++
		}
		switch {
		case r.status == http.StatusServiceUnavailable:
			st.shed503++
		case r.status == http.StatusTooManyRequests:
			st.s429++
		case r.status >= 500:
			fiveXX++
		}
		if r.bad != "" {
			if len(bad) < 20 {
				bad = append(bad, fmt.Sprintf("%s: status %d: %s", kindNames[r.kind], r.status, r.bad))
			}
			continue
		}
		if r.status == wantStatus[r.kind] {
			perKindOK[r.kind]++
			if r.kind == good || r.kind == goodJSON {
				st.goodLat = append(st.goodLat, r.latency)
				st.good++
			}
			if r.kind == slowBody {
				st.slowLat = append(st.slowLat, r.latency)
			}
		}
	}
	st.n = len(results)
	t.Logf("%s: %d clients, %d requests in %.1f s = %.1f req/s (GOMAXPROCS %d)", sc.name, clients, st.n, st.elapsed.Seconds(),
		float64(st.n)/st.elapsed.Seconds(), runtime.GOMAXPROCS(0))
	t.Logf("latency all: p50 %v p99 %v; good uploads with a report: %d, p50 %v p99 %v", percentile(st.lat, .5).Round(time.Millisecond),
		percentile(st.lat, .99).Round(time.Millisecond), st.good, percentile(st.goodLat, .5).Round(time.Millisecond),
		percentile(st.goodLat, .99).Round(time.Millisecond))
	t.Logf("status counts: %v; 503 (queue timeout) %d, 429 (queue full) %d, oversize connection resets %d", st.byStatus, st.shed503, st.s429, st.resets)
	for k := range nKinds {
		if perKind[k] > 0 {
			t.Logf("  %-9s sent %4d, answered as expected %4d, by status %v", kindNames[k], perKind[k], perKindOK[k], kindStatus[k])
		}
	}
	if len(st.slowLat) > 0 {
		t.Logf("slow bodies cut with 408: %d, p50 %v, max %v", len(st.slowLat), percentile(st.slowLat, .5).Round(time.Millisecond),
			percentile(st.slowLat, 1).Round(time.Millisecond))
	}
	t.Logf("RSS: start %d MiB, peak sampled %d MiB, VmHWM %d MiB (bound %d MiB)", st.rssStart>>20, st.peakRSS>>20, st.hwm>>20, sc.maxRSS>>20)
	t.Logf("/healthz: %d polls, p50 %v, max %v, failures %d", len(st.health), percentile(st.health, .5).Round(time.Millisecond),
		percentile(st.health, 1).Round(time.Millisecond), st.healthFailures)

	// Assertions.
	if st.n == 0 {
		t.Fatal("no requests completed")
	}
	if st.elapsed > sc.duration+30*time.Second {
		t.Errorf("the load ran %v, beyond its bound", st.elapsed)
	}
	for _, b := range bad {
		t.Error(b)
	}
	if fiveXX > 0 {
		t.Errorf("%d answers were 5xx other than 503", fiveXX)
	}
	// Every kind of the mix was exercised, and enough good uploads were
	// served (not shed): a server shedding everything passes the rest.
	for _, k := range sc.mix {
		if perKind[k] == 0 {
			t.Errorf("no %s requests were sent", kindNames[k])
		}
	}
	if st.good < sc.minGood {
		t.Errorf("only %d good uploads got a report, want at least %d", st.good, sc.minGood)
	}
	if p := percentile(st.goodLat, .99); sc.maxGoodP99 > 0 && p > sc.maxGoodP99 {
		t.Errorf("good uploads p99 %v, bound %v", p, sc.maxGoodP99)
	}
	switch {
	case raceEnabled && st.hwm > st.rssStart+sc.maxRSS:
		t.Errorf("under -race: VmHWM grew by %d MiB over the start (%d MiB), bound %d MiB", (st.hwm-st.rssStart)>>20, st.rssStart>>20, sc.maxRSS>>20)
	case !raceEnabled && st.hwm > sc.maxRSS:
		t.Errorf("VmHWM %d MiB beyond the bound %d MiB", st.hwm>>20, sc.maxRSS>>20)
	}
	if sc.maxGrowth > 0 && st.hwm > st.rssStart+sc.maxGrowth {
		t.Errorf("VmHWM grew by %d MiB over the start, bound %d MiB", (st.hwm-st.rssStart)>>20, sc.maxGrowth>>20)
	}
	if len(st.health) < int(sc.duration/(100*time.Millisecond))/4 {
		t.Errorf("/healthz polled only %d times", len(st.health))
	}
	if len(healthKO) > 0 {
		t.Errorf("/healthz failed %d times, first: %s", len(healthKO), healthKO[0])
	}
	if m := percentile(st.health, 1); m > healthzMax {
		t.Errorf("/healthz took %v", m)
	}
	return st
}

// judge checks one answer; it returns "" when right. Shed answers (503 and
// 429) are right when they carry Retry-After and a problem body.
func judge(k kind, resp *http.Response, body []byte, ref model.Report, r *result) string {
	st := resp.StatusCode
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		var p api.Problem
		if err := json.Unmarshal(body, &p); err != nil {
			return "problem body: " + err.Error()
		}
		r.problem = p.Code
		if p.Status != st || p.Detail == "" {
			return fmt.Sprintf("problem %+v", p)
		}
	}
	switch {
	case st == http.StatusServiceUnavailable || st == http.StatusTooManyRequests:
		if resp.Header.Get("Retry-After") == "" {
			return "shed without Retry-After"
		}
		if r.problem != model.EUnavailable {
			return "shed with code " + r.problem
		}
		return ""
	case st != wantStatus[k]:
		return fmt.Sprintf("status %d, want %d (%s)", st, wantStatus[k], r.problem)
	case k == good || k == goodJSON:
		return checkGood(k, resp, body, ref)
	case r.problem != wantCode[k]:
		return fmt.Sprintf("code %q, want %q", r.problem, wantCode[k])
	}
	return ""
}
