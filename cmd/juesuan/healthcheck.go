package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// healthcheck exists because the distroless image has no curl: the
// Dockerfile's HEALTHCHECK runs the binary itself.
func init() {
	register(&command{
		name:    "healthcheck",
		summary: "探测服务健康状态（供容器 HEALTHCHECK 使用）",
		run:     runHealthcheck,
	})
}

func runHealthcheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/healthz", "健康检查地址")
	timeout := fs.Duration("timeout", 3*time.Second, "超时时间")
	if err := fs.Parse(args); err != nil {
		return exitInput
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "健康检查地址无效：%v\n", err)
		return exitInput
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "服务不可达：%v\n", err)
		return exitFindings
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "服务不健康：HTTP %d\n", resp.StatusCode)
		return exitFindings
	}
	fmt.Fprintln(stdout, "ok")
	return exitOK
}
