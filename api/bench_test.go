package api

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"
)

// BenchmarkFillEndpoint posts the sample to POST /api/v1/fill over loopback
// (a real httptest.Server) from GOMAXPROCS clients and reports throughput
// and latency percentiles alongside ns/op.
func BenchmarkFillEndpoint(b *testing.B) {
	fx := fixtures(b)
	srv := httptest.NewServer(New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxQueue: 1024, QueueTimeout: time.Minute}))
	defer srv.Close()
	client := srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	post := func() (time.Duration, error) {
		start := time.Now()
		resp, err := client.Post(srv.URL+"/api/v1/fill", XLSXType, bytes.NewReader(fx.sample))
		if err != nil {
			return 0, err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || n == 0 {
			b.Fatalf("status %d, %d bytes, %v", resp.StatusCode, n, err)
		}
		return time.Since(start), nil
	}
	if _, err := post(); err != nil { // warm the rule cache and connections
		b.Fatal(err)
	}

	workers := runtime.GOMAXPROCS(0)
	lat := make([]time.Duration, 0, b.N)
	var mu sync.Mutex
	jobs := make(chan struct{}, b.N)
	for range b.N {
		jobs <- struct{}{}
	}
	close(jobs)
	b.SetBytes(int64(len(fx.sample)))
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range jobs {
				d, err := post()
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
