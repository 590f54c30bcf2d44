package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

const xssName = `安全监管<img src=x onerror="window.__xss=1">`

// findBrowser returns a Chrome/Chromium binary: $JUESUAN_CHROME, then the
// usual names on PATH (Debian's chromium first).
func findBrowser() string {
	if p := os.Getenv("JUESUAN_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser drives the real page in headless Chromium: it uploads the
// sample and a broken copy through the file input, waits for both results,
// checks the rendered findings and filters, downloads the annotated
// workbook through the page's button and checks it opens as .xlsx, and
// saves a screenshot of the results view to testdata/artifacts/results.png.
func TestBrowser(t *testing.T) {
	bin := findBrowser()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but no Chromium/Chrome is installed (apt-get install chromium)")
		}
		t.Skip("no Chromium/Chrome installed; set CI=1 to make this a failure")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	fx := fixtures(t)
	srv := httptest.NewServer(New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()

	// The browser reads uploads from disk and writes downloads there.
	dir := t.TempDir()
	samplePath := filepath.Join(dir, "2024年应急管理局决算.xlsx")
	brokenPath := filepath.Join(dir, "损坏的副本.xlsx")
	downloads := filepath.Join(dir, "downloads")
	// A workbook whose 科目名称 is markup: the page must show it as text.
	hostile := templates.CaseA()
	hostile.Names["2240106"] = xssName
	var hb bytes.Buffer
	if _, err := templates.Write(&hb, hostile, templates.Options{Style: model.StyleMOF}); err != nil {
		t.Fatal(err)
	}
	hostilePath := filepath.Join(dir, "hostile.xlsx")
	changed, _ := changedSample(t)
	changedPath := filepath.Join(dir, "有错误的副本.xlsx")
	for p, b := range map[string][]byte{samplePath: fx.sample, brokenPath: fx.sample[:len(fx.sample)/2],
		hostilePath: hb.Bytes(), changedPath: changed} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(downloads, 0o755); err != nil {
		t.Fatal(err)
	}

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1366, 768),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	// A 1366x768 laptop screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768), chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("drop"))); err != nil {
		t.Fatalf("open page: %v", err)
	}
	// Collect script errors from here on (the page itself has none of this).
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__pageErrors = [];
		window.addEventListener('error', e => window.__pageErrors.push(String(e.message)));
		window.addEventListener('unhandledrejection', e => window.__pageErrors.push(String(e.reason)));
	})()`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath:  downloads,
		EventsEnabled: new(true),
	}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}

	// Upload both files at once through the (visually hidden) file input.
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{samplePath, brokenPath, changedPath}, chromedp.NodeReady)); err != nil {
		t.Fatalf("set files: %v", err)
	}
	// Files are processed one after the other; wait until neither is busy.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelectorAll('#files .card').length === 3 && !document.querySelector('#files .card[data-state="busy"]')`,
		chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("results never rendered: %v", err)
	}

	type cardInfo struct {
		Name     string `json:"name"`
		State    string `json:"state"`
		Badge    string `json:"badge"`
		Findings int    `json:"findings"`
		Groups   int    `json:"groups"`
		Problem  string `json:"problem"`
		Nums     int    `json:"nums"`
		Errors   int    `json:"errors"`
		First    string `json:"first"`
		Text     string `json:"text"`
	}
	cards, err := chromedp.Run(ctx, chromedp.Evaluate[[]cardInfo](`[...document.querySelectorAll('#files .card')].map(c => ({
		name: c.querySelector('.fname').textContent,
		state: c.dataset.state,
		badge: c.querySelector('.state').textContent,
		findings: c.querySelectorAll('.finding').length,
		groups: c.querySelectorAll('.group').length,
		problem: (c.querySelector('.problem') || {}).textContent || '',
		nums: c.querySelectorAll('.finding .nums').length,
		errors: c.querySelectorAll('.finding.error').length,
		first: (c.querySelector('.finding') || {}).dataset?.sev || '',
		text: c.textContent,
	}))`))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]cardInfo{}
	for _, c := range cards {
		byName[c.Name] = c
	}
	good, bad, wrong := byName[filepath.Base(samplePath)], byName[filepath.Base(brokenPath)], byName[filepath.Base(changedPath)]
	// What an accountant reads: no "null" from an empty part, tables named
	// by their titles, never by internal ids.
	for _, c := range cards {
		if strings.Contains(c.Text, "null") || regexp.MustCompile(`\bT0[1-9]\b`).MatchString(c.Text) {
			t.Errorf("card %s shows null or an internal table id: %.300s", c.Name, c.Text)
		}
	}
	// The changed copy fails, and its errors come first.
	if wrong.State != "fail" || wrong.Errors == 0 || wrong.First != "error" {
		t.Errorf("changed card %+v: want fail with errors first", wrong)
	}
	if good.State != "pass" && good.State != "warn" {
		t.Errorf("sample card %+v: want pass or warn", good)
	}
	// Case A has 尾差 infos: they must be rendered, grouped by table, each
	// with both sides and the difference.
	if good.Findings == 0 || good.Groups == 0 || good.Nums == 0 {
		t.Errorf("sample card shows no findings: %+v", good)
	}
	if bad.State != "error" || !strings.Contains(bad.Problem, "损坏") || !strings.Contains(bad.Problem, "corrupt") {
		t.Errorf("broken card %+v: want the corrupt problem", bad)
	}

	// The severity filter hides the 尾差 findings and shows them again.
	visible := func() int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('.finding')].filter(f => f.offsetParent !== null).length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := visible()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#filters input[value="info"]`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if after := visible(); after >= before {
		t.Errorf("unticking 尾差 left %d of %d findings visible", after, before)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#filters input[value="info"]`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if again := visible(); again != before {
		t.Errorf("re-ticking 尾差 shows %d findings, want %d", again, before)
	}

	// Every form control has an accessible name; the file input takes focus.
	unlabeled, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input, select, button')]
		.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !e.textContent.trim())
		.map(e => e.outerHTML)`))
	if err != nil || len(unlabeled) > 0 {
		t.Errorf("controls without a label: %v %v", unlabeled, err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const f = document.getElementById('file'); f.focus(); return document.activeElement.id; })()`))
	if err != nil || focused != "file" {
		t.Errorf("file input cannot take focus: %q %v", focused, err)
	}

	// Markup in workbook text stays text.
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{hostilePath}, chromedp.NodeReady)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelectorAll('#files .card').length === 4 && !document.querySelector('#files .card[data-state="busy"]')`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("hostile workbook never checked: %v", err)
	}
	type xssInfo struct {
		Fired  bool `json:"fired"`
		Images int  `json:"images"`
		AsText bool `json:"asText"`
	}
	xss, err := chromedp.Run(ctx, chromedp.Evaluate[xssInfo](`({
		fired: !!window.__xss,
		images: document.querySelectorAll('#files img').length,
		asText: document.getElementById('files').textContent.includes('<img src=x'),
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if xss.Fired || xss.Images > 0 || !xss.AsText {
		t.Errorf("workbook markup was not escaped: %+v", xss)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#files .card').remove()`)); err != nil {
		t.Fatal(err)
	}

	// Download the annotated workbook through the page's button.
	begins := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#files .card[data-state="pass"] .dl button, #files .card[data-state="warn"] .dl button`), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click download: %v", err)
	}
	var suggested, guid string
	for ev, err := range begins {
		if err != nil {
			t.Fatalf("download never began: %v", err)
		}
		suggested, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download never finished: %v", err)
		}
		if ev.GUID == guid && ev.State == browser.DownloadProgressStateCompleted {
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download canceled")
		}
	}
	if suggested != "昌吉回族自治州应急管理局（2024年应急管理局决算）.审核.xlsx" {
		t.Errorf("download named %q", suggested)
	}
	data, err := os.ReadFile(filepath.Join(downloads, guid))
	if err != nil {
		t.Fatalf("downloaded file: %v", err)
	}
	assertWorkbook(t, data)

	// The sample button adds the embedded sample and checks it.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("sample"), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelectorAll('#files .card').length === 4 && !document.querySelector('#files .card[data-state="busy"]')`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("sample never checked: %v", err)
	}
	// The rule list loads when opened.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#rules-box summary"), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#rules-table tbody tr').length > 10`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("rule list never loaded: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#rules-box summary"), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}

	// Screenshot of the results view: remove the extra sample card and open
	// one finding's cells, as a user would look at it.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const cards = document.querySelectorAll('#files .card');
		cards[0].remove();
		const d = document.querySelector('#files .finding details');
		if (d) d.open = true;
		document.getElementById('results').scrollIntoView();
	})()`)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("testdata/artifacts", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/artifacts/results.png", png, 0o644); err != nil {
		t.Fatal(err)
	}
	viewport, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		_ = os.WriteFile("testdata/artifacts/results-1366x768.png", viewport, 0o644)
	}

	// The page must not have thrown.
	errs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__pageErrors || []`))
	if err != nil || len(errs) > 0 {
		t.Errorf("page errors: %v %v", errs, err)
	}
}
