package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/api"
)

func init() {
	register(&command{name: "serve", summary: "启动网页与 HTTP 接口服务（默认 :8080）", run: runServe})
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8080", "监听地址")
	maxUpload := fs.String("max-upload", "20MiB", "单个上传文件的大小上限（如 20MiB、512KiB）")
	cors := fs.String("cors", "", "允许跨域调用的来源，逗号分隔（如 WPS 加载项的地址；* 表示任意）")
	concurrent := fs.Int("concurrency", 0, "同时处理的工作簿数（默认 CPU 数）")
	timeout := fs.Duration("timeout", 60*time.Second, "单个请求的处理时限")
	drain := fs.Duration("drain", 0, "收到停止信号后先报告未就绪（/readyz 返回 503）并继续服务这么久，再停止接收新连接（供负载均衡摘除本实例）")
	fs.Usage = func() {
		fmt.Fprint(stderr, joinLines(
			"用法: juesuan serve [--addr :8080] [--max-upload 20MiB] [--cors 来源,...] [--drain 5s]",
			"",
			"启动网页（/）与 HTTP 接口（/api/v1/...，文档见 /openapi.json）。",
			"收到 SIGINT/SIGTERM 后停止接收新请求，等待进行中的请求完成后退出。",
			""))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitInput
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "juesuan serve: 多余的参数 %q\n", fs.Args())
		return exitInput
	}
	limit, err := parseSize(*maxUpload)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan serve: --max-upload: %v\n", err)
		return exitInput
	}
	var origins []string
	for _, o := range strings.Split(*cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	gin.SetMode(gin.ReleaseMode)
	var draining atomic.Bool
	handler := api.New(api.Config{
		MaxUpload:      limit,
		MaxConcurrent:  *concurrent,
		RequestTimeout: *timeout,
		CORSOrigins:    origins,
		Logger:         logger,
		Ready: func() error {
			if draining.Load() {
				return errors.New("draining")
			}
			return nil
		},
	})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// A slow upload must not hold a worker slot forever.
		ReadTimeout:  2 * time.Minute,
		WriteTimeout: *timeout + 30*time.Second,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "juesuan serve: %s\n", listenMessage(*addr, err))
		return exitInput
	}
	// Signals are caught before the start line, so whoever waits for that
	// line may stop the server at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "决算审核助手已启动：http://%s/ （按 Ctrl+C 停止）\n", displayAddr(ln.Addr()))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		logger.Error("server stopped", "error", err)
		return exitInput
	case <-ctx.Done():
	}
	stop() // a second signal kills at once
	draining.Store(true)
	if *drain > 0 {
		logger.Info("draining", "for", drain.String())
		time.Sleep(*drain)
	}
	logger.Info("shutting down", "grace", (*timeout + 5*time.Second).String())
	sctx, cancel := context.WithTimeout(context.Background(), *timeout+5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown", "error", err)
		return exitInput
	}
	logger.Info("stopped")
	return exitOK
}

// parseSize reads 20MiB, 20MB, 512KiB, 1048576 (bytes).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("无效的大小 %q（示例：20MiB）", s)
	}
	return n * mult, nil
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if host == "::" || host == "0.0.0.0" || host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// listenMessage says in Chinese why the address cannot be listened on.
func listenMessage(addr string, err error) string {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Sprintf("地址 %s 已被其他程序占用，请关闭占用该端口的程序，或用 --addr 指定其他端口（如 --addr :8081）。", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Sprintf("没有权限监听 %s（1024 以下的端口需要管理员权限），请用 --addr 指定其他端口（如 --addr :8080）。", addr)
	}
	return fmt.Sprintf("无法监听 %s，请检查 --addr 的写法（如 :8080 或 127.0.0.1:8080）。", addr)
}
