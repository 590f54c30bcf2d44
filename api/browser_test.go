package api

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
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
	"github.com/xuri/excelize/v2"

	"github.com/juesuan/juesuan/annotate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
	"github.com/juesuan/juesuan/xlsxtest"
)

const xssName = `安全监管<img src=x onerror="window.__xss=1">`

// updateShots makes TestBrowser write its screenshots into the committed
// folder docs/screenshots (the README links them); otherwise they go to
// testdata/artifacts (ignored by git).
var updateShots = flag.Bool("update", false, "rewrite ../docs/screenshots from the browser test")

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

// page drives one headless Chromium tab on the page.
type page struct {
	t         *testing.T
	ctx       context.Context
	downloads string
	shots     string
}

func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	// One step that cannot happen fails at once, not at the test's end.
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

func (p *page) wait(what, js string, d time.Duration) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(d))); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// upload selects files in the page's file input (as a user would) and
// waits until every card is done; the newest card is tagged tag.
func (p *page) upload(tag string, files ...string) {
	p.t.Helper()
	n := eval[int](p, `document.querySelectorAll('#files .card').length`)
	p.do("select "+tag, chromedp.SetUploadFiles(chromedp.ID("file"), files, chromedp.NodeReady))
	p.wait(tag+" never checked", fmt.Sprintf(`document.querySelectorAll('#files .card').length > %d && !document.querySelector('#files .card[data-state="busy"]')`, n), 120*time.Second)
	p.do("tag "+tag, chromedp.Evaluate[chromedp.Void](`document.querySelector('#files .card').dataset.t = `+jsString(tag)))
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// download clicks sel and returns the name the page gave the file and its
// bytes, as the browser saved them.
func (p *page) download(sel string) (string, []byte) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	begins := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	p.do("click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	var name, guid string
	for ev, err := range begins {
		if err != nil {
			p.t.Fatalf("download of %s never began: %v (page says %q)", sel, err, eval[string](p, `(document.querySelector('#files .dl-state')||{}).textContent||''`))
		}
		name, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			p.t.Fatalf("download of %s never finished: %v", sel, err)
		}
		if ev.GUID == guid && ev.State == browser.DownloadProgressStateCompleted {
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			p.t.Fatalf("download of %s canceled", sel)
		}
	}
	data, err := os.ReadFile(filepath.Join(p.downloads, guid))
	if err != nil {
		p.t.Fatalf("downloaded file: %v", err)
	}
	return name, data
}

func (p *page) shot(name string, png []byte) {
	p.t.Helper()
	if err := os.WriteFile(filepath.Join(p.shots, name), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// visible counts the elements matching sel a user can see.
func (p *page) visible(sel string) int {
	p.t.Helper()
	// checkVisibility: inside a closed <details> is not visible either.
	return eval[int](p, `[...document.querySelectorAll(`+jsString(sel)+`)].filter(e => e.checkVisibility()).length`)
}

// TestBrowser drives the real page in headless Chromium as a user would:
// a clean workbook (tables named by title, no literal null, 尾差 folded),
// a fault workbook (its table drawn as a grid with the suspect cell red),
// a 审核说明 typed on the page and found in the downloaded workbook's
// 审核结果, the copy for 报送 (refused while errors remain, then forced),
// the round button of a 元 workbook, a workbook with its narrative, markup
// kept as text, a zip of 20 workbooks (progress per file, the unit × rule
// matrix, a cell opening that unit's findings, the result zip downloaded)
// and the phone width. It saves screenshots (see updateShots).
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

	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	book := func(d *templates.Data, opt templates.Options) []byte {
		var b bytes.Buffer
		if _, err := templates.Write(&b, d, opt); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	samplePath := write("2024年应急管理局决算.xlsx", fx.sample)
	brokenPath := write("损坏的副本.xlsx", fx.sample[:len(fx.sample)/2])
	changed, _ := changedSample(t)
	changedPath := write("有错误的副本.xlsx", changed)
	// A workbook whose 科目名称 is markup: the page must show it as text.
	hostile := templates.CaseA()
	hostile.Names["2240106"] = xssName
	hostilePath := write("hostile.xlsx", book(hostile, templates.Options{Style: model.StyleMOF}))
	yuanPath := write("元为单位.xlsx", book(templates.CaseA(), templates.Options{Style: model.StyleMOF, Unit: model.Yuan}))
	// Case A's own narrative, one figure changed: a narrative finding.
	seed, err := os.ReadFile(filepath.Join(sharedDir(t), "seeds", "000_a0b1eb271cefa8f5.txt"))
	if err != nil {
		t.Fatalf("Case A narrative: %v", err)
	}
	narr := strings.Replace(string(seed), "本年收入合计4,113.55万元", "本年收入合计4,118.55万元", 1)
	if narr == string(seed) {
		t.Fatal("the Case A narrative no longer prints 本年收入合计4,113.55万元")
	}
	pairBook := write("应急管理局（带说明）.xlsx", fx.sample)
	pairText := write("应急管理局决算公开说明.txt", []byte(narr))
	zipPath := write("二十个单位.zip", twentyUnits(t, book, []byte(narr)))

	downloads := filepath.Join(dir, "downloads")
	shots := filepath.Join("testdata", "artifacts")
	if *updateShots {
		shots = filepath.Join("..", "docs", "screenshots")
	}
	for _, d := range []string{downloads, shots} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
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
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1400, 900),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelTimeout()
	p := &page{t: t, ctx: ctx, downloads: downloads, shots: shots}

	// The first action starts the browser: on ctx itself, since a browser
	// started under a shorter context ends with it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("drop"))); err != nil {
		t.Fatalf("open page: %v", err)
	}
	// Collect script errors from here on (the page itself has none of this).
	p.do("error hook", chromedp.Evaluate[chromedp.Void](`(() => {
		window.__pageErrors = [];
		window.addEventListener('error', e => window.__pageErrors.push(String(e.message)));
		window.addEventListener('unhandledrejection', e => window.__pageErrors.push(String(e.reason)));
	})()`))
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath:  downloads,
		EventsEnabled: new(true),
	}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}
	landing, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	p.shot("landing.png", landing)

	// Every form control has an accessible name; the file input takes focus.
	unlabeled := eval[[]string](p, `[...document.querySelectorAll('input, select, button, textarea')]
		.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !e.textContent.trim())
		.map(e => e.outerHTML)`)
	if len(unlabeled) > 0 {
		t.Errorf("controls without a label: %v", unlabeled)
	}
	if f := eval[string](p, `(() => { const f = document.getElementById('file'); f.focus(); return document.activeElement.id; })()`); f != "file" {
		t.Errorf("file input cannot take focus: %q", f)
	}

	t.Run("clean", func(t *testing.T) {
		p.t = t
		p.upload("sample", samplePath)
		text := eval[string](p, `document.querySelector('[data-t=sample]').textContent`)
		// No "null" from an empty part, tables by their printed titles and
		// numbers, never internal ids.
		if strings.Contains(text, "null") || regexp.MustCompile(`\bT0[1-9]\b`).MatchString(text) {
			t.Errorf("card shows null or an internal table id: %.400s", text)
		}
		for _, want := range []string{"公开01表", "收入支出决算总表", "公开09表", "单位：", "金额单位：万元"} {
			if !strings.Contains(text, want) {
				t.Errorf("card lacks %q: %.400s", want, text)
			}
		}
		// 尾差 folded: one line per table, its items hidden until opened.
		folds := eval[[]string](p, `[...document.querySelectorAll('[data-t=sample] .rounding > details > summary')].map(s => s.textContent)`)
		if len(folds) == 0 {
			t.Fatalf("no 尾差 line on Case A")
		}
		for _, f := range folds {
			if !regexp.MustCompile(`^尾差 \d+ 处，均在允许范围内$`).MatchString(f) {
				t.Errorf("尾差 line %q", f)
			}
		}
		if n := eval[int](p, `document.querySelectorAll('[data-t=sample] .group').length`); n > 9 || n < len(folds) {
			t.Errorf("%d groups for %d 尾差 lines: one group per table", n, len(folds))
		}
		if n := p.visible(`[data-t=sample] .finding.info`); n != 0 {
			t.Errorf("%d 尾差 items visible before the line is opened", n)
		}
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(`[data-t=sample]`), chromedp.NodeVisible))
		if err != nil {
			t.Fatal(err)
		}
		p.shot("clean-folded.png", png)
		p.do("open 尾差", chromedp.Click(chromedp.CSS(`[data-t=sample] .rounding > details > summary`), chromedp.NodeVisible))
		if n := p.visible(`[data-t=sample] .finding.info`); n == 0 {
			t.Errorf("opening the 尾差 line shows nothing")
		}
		// The severity filter hides the 尾差 lines; the search box keeps a
		// rule's findings only.
		p.do("untick 尾差", chromedp.Click(chromedp.CSS(`#filters input[value="info"]`), chromedp.NodeVisible))
		if n := p.visible(`[data-t=sample] .rounding`); n != 0 {
			t.Errorf("unticking 尾差 left %d 尾差 lines", n)
		}
		p.do("tick 尾差", chromedp.Click(chromedp.CSS(`#filters input[value="info"]`), chromedp.NodeVisible))
		p.do("search", chromedp.SendKeys(chromedp.ID("f-q"), "R05.3"))
		rules := eval[[]string](p, `[...document.querySelectorAll('[data-t=sample] .finding')].filter(e => e.checkVisibility()).map(e => e.querySelector('.rule').textContent)`)
		if len(rules) == 0 || strings.Join(rules, ",") != strings.Repeat("R05.3,", len(rules))[:len(rules)*6-1] {
			t.Errorf("search R05.3 shows %v", rules)
		}
		p.do("clear search", chromedp.Evaluate[chromedp.Void](`(() => { const q = document.getElementById('f-q'); q.value = ''; q.dispatchEvent(new Event('input')); })()`))
		if n := p.visible(`[data-t=sample] .finding.warning`); n == 0 {
			t.Errorf("clearing the search left the 提示 hidden")
		}
	})

	t.Run("fault", func(t *testing.T) {
		p.t = t
		p.upload("broken", brokenPath)
		if prob := eval[string](p, `document.querySelector('[data-t=broken] .problem').textContent`); !strings.Contains(prob, "损坏") || strings.Contains(prob, "corrupt") {
			t.Errorf("broken card says %q: want the Chinese problem without its code", prob)
		}
		p.upload("changed", changedPath)
		type gridInfo struct {
			State, First, Suspect, Background, Caption string
			Operands, Headers, Labels                  int
		}
		g := eval[gridInfo](p, `(() => {
			const c = document.querySelector('[data-t=changed]');
			const f = c.querySelector('.finding');
			const s = c.querySelector('.finding.error .grid td.suspect');
			return {
				State: c.dataset.state, First: f ? f.dataset.sev : '',
				Suspect: s ? s.textContent : '', Background: s ? getComputedStyle(s).backgroundColor : '',
				Caption: (c.querySelector('.finding.error .grid-box figcaption') || {}).textContent || '',
				Operands: c.querySelectorAll('.finding.error .grid td.operand').length,
				Headers: c.querySelectorAll('.finding.error .grid thead th').length,
				Labels: c.querySelectorAll('.finding.error .grid tbody th').length,
			};
		})()`)
		if g.State != "fail" || g.First != "error" {
			t.Errorf("changed card %+v: want fail with errors first", g)
		}
		if !regexp.MustCompile(`^可疑：-?[\d,]+\.\d{2}$`).MatchString(g.Suspect) || g.Operands == 0 || g.Headers < 3 || g.Labels == 0 {
			t.Errorf("grid %+v: want a suspect amount as #,##0.00, related cells, headers and row names", g)
		}
		var r, gr, b int
		if _, err := fmt.Sscanf(g.Background, "rgb(%d, %d, %d)", &r, &gr, &b); err != nil || r < gr+40 || r < b+40 {
			t.Errorf("suspect cell background %q is not red", g.Background)
		}
		if !strings.Contains(g.Caption, "表") || regexp.MustCompile(`\bT0[1-9]\b`).MatchString(g.Caption) {
			t.Errorf("grid caption %q: want the printed title", g.Caption)
		}
		p.do("scroll", chromedp.ScrollIntoView(chromedp.CSS(`[data-t=changed] .finding.error`), chromedp.NodeVisible))
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(`[data-t=changed] .finding.error`), chromedp.NodeVisible))
		if err != nil {
			t.Fatal(err)
		}
		p.shot("finding-grid.png", png)

		// The copy for 报送: refused while errors remain, the page says why
		// and offers to download anyway.
		p.do("clean", chromedp.Click(chromedp.CSS(`[data-t=changed] .dl-clean`), chromedp.NodeVisible))
		p.wait("no reason for the refusal", `!!document.querySelector('[data-t=changed] .dl-force')`, 30*time.Second)
		if why := eval[string](p, `document.querySelector('[data-t=changed] .dl-state').textContent`); !strings.Contains(why, "错误") || !strings.Contains(why, "仍要下载") {
			t.Errorf("refusal reads %q", why)
		}
		name, data := p.download(`[data-t=changed] .dl-force`)
		if !strings.Contains(name, "报送") {
			t.Errorf("forced copy named %q", name)
		}
		if sheets := sheetNames(t, data); strings.Contains(strings.Join(sheets, ","), annotate.ResultsSheet) {
			t.Errorf("the copy for 报送 has the results sheet: %v", sheets)
		}
	})

	t.Run("explanation", func(t *testing.T) {
		p.t = t
		const said = "安全监管的基本支出为派驻人员经费，已核实。"
		sel := `[data-t=sample] .finding.warning textarea`
		fp := eval[string](p, `document.querySelector('`+sel+`').closest('.finding').dataset.fp`)
		if fp == "" {
			t.Fatal("the 提示 has no 审核说明 box")
		}
		p.do("type", chromedp.ScrollIntoView(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), said, chromedp.NodeVisible))
		if note := eval[string](p, `document.querySelector('[data-t=sample] .xsum').textContent`); !strings.Contains(note, "已填写审核说明 1 / 1 条") || !strings.Contains(note, "通过") {
			t.Errorf("card note after typing: %q", note)
		}
		name, data := p.download(`[data-t=sample] .dl .btn.primary`)
		if !strings.HasSuffix(name, ".审核.xlsx") || !strings.Contains(name, "2024年应急管理局决算") {
			t.Errorf("download named %q", name)
		}
		assertWorkbook(t, data)
		if got := resultsExplanations(t, data)[fp]; got != said {
			t.Errorf("审核结果 row %s: 审核说明 %q, want %q", fp, got, said)
		}
		// 尾差 are not marked in the workbook unless the box is ticked.
		if n := greenCells(t, data); n != 0 {
			t.Errorf("%d 尾差 cells marked in the download by default", n)
		}
		p.do("tick mark rounding", chromedp.Click(chromedp.ID("opt-rounding"), chromedp.NodeVisible))
		_, marked := p.download(`[data-t=sample] .dl .btn.primary`)
		p.do("untick mark rounding", chromedp.Click(chromedp.ID("opt-rounding"), chromedp.NodeVisible))
		if n := greenCells(t, marked); n == 0 {
			t.Errorf("ticking 在下载的工作簿中也标出尾差 marked no cell")
		}
	})

	t.Run("round", func(t *testing.T) {
		p.t = t
		p.upload("yuan", yuanPath)
		if n := eval[int](p, `document.querySelectorAll('[data-t=sample] .dl-round').length`); n != 0 {
			t.Errorf("a 万元 workbook offers the round button")
		}
		name, data := p.download(`[data-t=yuan] .dl-round`)
		if !strings.Contains(name, "万元") {
			t.Errorf("rounded copy named %q", name)
		}
		// The copy is a workbook in 万元 that checks without errors.
		h, _ := newTestServer(t, Config{})
		req := httptest.NewRequest("POST", "/api/v1/check", bytes.NewReader(data))
		req.Header.Set("Content-Type", XLSXType)
		if rep := decodeReport(t, do(h, req).Body.Bytes()); rep.Unit != model.Wan || rep.Summary.Errors != 0 {
			t.Errorf("rounded copy: unit %q, %d errors", rep.Unit, rep.Summary.Errors)
		}
	})

	t.Run("narrative", func(t *testing.T) {
		p.t = t
		p.upload("pair", pairBook, pairText)
		pair := eval[string](p, `(document.querySelector('[data-t=pair] .pair') || {}).textContent || ''`)
		if !strings.Contains(pair, "工作簿：应急管理局（带说明）.xlsx") || !strings.Contains(pair, "决算公开说明（文本）：应急管理局决算公开说明.txt") {
			t.Errorf("pair line %q: want which file is which", pair)
		}
		type nf struct{ Where, Quote string }
		got := eval[[]nf](p, `[...document.querySelectorAll('[data-t=pair] .group[data-table=narrative] .finding')].map(f => ({
			Where: (f.querySelector('.where') || {}).textContent || '', Quote: (f.querySelector('.quote') || {}).textContent || ''}))`)
		found := false
		for _, f := range got {
			if strings.Contains(f.Quote, "4,118.55") && regexp.MustCompile(`^说明第 \d+ 段`).MatchString(f.Where) {
				found = true
			}
		}
		if !found {
			t.Errorf("narrative findings %+v: want the changed figure quoted with its 第 N 段", got)
		}
	})

	t.Run("markup", func(t *testing.T) {
		p.t = t
		p.upload("hostile", hostilePath)
		type xssInfo struct {
			Fired  bool `json:"fired"`
			Images int  `json:"images"`
			AsText bool `json:"asText"`
		}
		xss := eval[xssInfo](p, `({
			fired: !!window.__xss,
			images: document.querySelectorAll('#files img').length,
			asText: document.getElementById('files').textContent.includes('<img src=x'),
		})`)
		if xss.Fired || xss.Images > 0 || !xss.AsText {
			t.Errorf("workbook markup was not escaped: %+v", xss)
		}
	})

	t.Run("sample", func(t *testing.T) {
		p.t = t
		n := eval[int](p, `document.querySelectorAll('#files .card').length`)
		p.do("sample", chromedp.Click(chromedp.ID("sample"), chromedp.NodeVisible))
		p.wait("sample never checked", fmt.Sprintf(`document.querySelectorAll('#files .card').length > %d && !document.querySelector('#files .card[data-state="busy"]')`, n), 60*time.Second)
		if st := eval[string](p, `document.querySelector('#files .card').dataset.state`); st != "warn" && st != "pass" {
			t.Errorf("sample card %s", st)
		}
		// The sample workbook and the sample narrative, checked together;
		// the download is both annotated, in one zip.
		p.do("tag", chromedp.Evaluate[chromedp.Void](`document.querySelector('#files .card').dataset.t = 'both'`))
		if pair := eval[string](p, `(document.querySelector('[data-t=both] .pair') || {}).textContent || ''`); !strings.Contains(pair, "决算公开说明（Word 文档）：") {
			t.Errorf("试用示例 pair line %q: want the sample narrative beside the workbook", pair)
		}
		name, data := p.download(`[data-t=both] .dl .btn.primary`)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("download %q of workbook and narrative is not a zip: %v", name, err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		all := strings.Join(names, ",")
		if !strings.Contains(all, ".xlsx") || !strings.Contains(all, ".docx") {
			t.Errorf("zip %q holds %v: want the annotated workbook and docx", name, names)
		}
	})

	t.Run("batch", func(t *testing.T) {
		p.t = t
		p.do("clear", chromedp.Click(chromedp.ID("clear"), chromedp.NodeVisible))
		p.upload("batch", zipPath)
		type batchInfo struct {
			Files, Done, Rows, Cells int
			Head                     string
		}
		b := eval[batchInfo](p, `(() => {
			const c = document.querySelector('[data-t=batch]');
			return {
				Files: c.querySelectorAll('.bfile').length,
				Done: [...c.querySelectorAll('.bfile progress')].filter(x => x.value === 100).length,
				Rows: c.querySelectorAll('.matrix tbody tr').length,
				Cells: c.querySelectorAll('.matrix .mcell').length,
				Head: c.querySelector('.matrix thead').textContent,
			};
		})()`)
		if b.Files != 20 || b.Done != 20 || b.Rows != 20 || b.Cells == 0 || !strings.Contains(b.Head, "X") && !strings.Contains(b.Head, "R") {
			t.Errorf("batch %+v: want 20 files done, 20 matrix rows with counts", b)
		}
		if pairs := eval[[]string](p, `[...document.querySelectorAll('[data-t=batch] .bpair')].map(e => e.closest('.bname').firstChild.textContent + e.textContent)`); len(pairs) != 1 || pairs[0] != "第02个单位决算.xlsx ＋ 说明：第02个单位决算公开说明.txt" {
			t.Errorf("narratives paired in the batch: %v", pairs)
		}
		if !regexp.MustCompile(`N\d\d`).MatchString(b.Head) {
			t.Errorf("matrix head %q: want the narrative's rules among the columns", b.Head)
		}
		units := eval[[]string](p, `[...document.querySelectorAll('[data-t=batch] .matrix tbody th')].map(th => th.firstChild.textContent)`)
		if len(units) != 20 || units[0] != "测试单位01" {
			t.Errorf("matrix units %v: want the unit names the workbooks print", units)
		}
		p.do("open cell", chromedp.Click(chromedp.CSS(`[data-t=batch] .mcell.error`), chromedp.NodeVisible))
		if n := p.visible(`[data-t=batch] .unit-detail .finding.error`); n == 0 {
			t.Errorf("the matrix cell opened no findings")
		}
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(`[data-t=batch]`), chromedp.NodeVisible))
		if err != nil {
			t.Fatal(err)
		}
		p.shot("batch-matrix.png", png)
		name, data := p.download(`[data-t=batch] .batch-dl`)
		if !strings.HasSuffix(name, ".zip") {
			t.Errorf("result zip named %q", name)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("result zip: %v", err)
		}
		books, ndjson := 0, false
		for _, f := range zr.File {
			books += map[bool]int{true: 1}[strings.HasSuffix(f.Name, ".xlsx")]
			ndjson = ndjson || f.Name == "results.ndjson"
		}
		if books < 20 || !ndjson {
			t.Errorf("result zip: %d workbooks, results.ndjson %v", books, ndjson)
		}
	})

	t.Run("phone", func(t *testing.T) {
		p.t = t
		p.upload("phone", changedPath)
		p.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
		p.do("scroll", chromedp.ScrollIntoView(chromedp.CSS(`[data-t=phone] .finding.error`), chromedp.NodeVisible))
		if w := eval[int](p, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("the page overflows the phone by %d px", w)
		}
		// A grid wider than the phone is scrolled to its suspect cell.
		p.wait("suspect cell out of view", `(() => {
			const td = document.querySelector('[data-t=phone] .finding.error td.suspect');
			const box = td.closest('.grid-scroll').getBoundingClientRect(), r = td.getBoundingClientRect();
			return r.left >= box.left - 1 && r.right <= box.right + 1;
		})()`, 5*time.Second)
		png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		p.shot("phone-390.png", png)
		p.do("desktop", chromedp.EmulateViewport(1400, 900))
	})

	// The page must not have thrown.
	p.t = t
	if errs := eval[[]string](p, `window.__pageErrors || []`); len(errs) > 0 {
		t.Errorf("page errors: %v", errs)
	}
}

// twentyUnits zips 20 workbooks of 20 units (every fourth has a wrong
// figure: errors; the others Case A's 尾差 and 提示) and the second one's
// narrative.
func twentyUnits(t *testing.T, book func(*templates.Data, templates.Options) []byte, narrative []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// The second unit's narrative, paired by its file name.
	w, err := zw.Create("第02个单位决算公开说明.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(narrative); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 20; i++ {
		d := templates.CaseA()
		d.UnitName = fmt.Sprintf("测试单位%02d", i)
		if i%4 == 1 {
			d.Values[model.T01]["本年收入合计"] = map[string]string{"决算数": fmt.Sprintf("%d.00", 5000+i)}
		}
		w, err := zw.Create(fmt.Sprintf("第%02d个单位决算.xlsx", i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(book(d, templates.Options{Style: model.StyleMOF})); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// greenCells counts the table cells (not 审核结果's) with the 尾差 colour.
func greenCells(t *testing.T, data []byte) int {
	t.Helper()
	snap, err := xlsxtest.TakeSnapshot(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for k, c := range snap.Cells {
		if !strings.HasPrefix(k, annotate.ResultsSheet+"!") && strings.Contains(c.Fill, xlsx.MarkColor(xlsx.MarkInfo)) {
			n++
		}
	}
	return n
}

func sheetNames(t *testing.T, data []byte) []string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open download: %v", err)
	}
	defer f.Close()
	return f.GetSheetList()
}

// sharedDir is the reference spec folder (../shared from the repo root).
func sharedDir(t *testing.T) string {
	for _, d := range []string{filepath.Join("..", "..", "shared"), "/tmp/shared", "/work/shared"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	t.Fatal("the reference folder ../shared is missing")
	return ""
}
