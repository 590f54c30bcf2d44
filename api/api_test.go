package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/consolidate"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
	"github.com/juesuan/juesuan/xlsx"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}

// Workbooks used by the tests, generated from the spec by code.
type fixtureSet struct {
	sample   []byte // Case A, MOF style
	shanghai []byte // Case A, Shanghai style
	blank    []byte // blank MOF template
	noTables []byte // a valid .xlsx with none of the nine tables
	broken   []byte // the sample with a byte flipped inside a sheet part
}

var (
	fixOnce sync.Once
	fix     fixtureSet
	fixErr  error
)

func fixtures(t testing.TB) *fixtureSet {
	t.Helper()
	fixOnce.Do(func() {
		write := func(d *templates.Data, style model.Style) []byte {
			if fixErr != nil {
				return nil
			}
			var b bytes.Buffer
			if _, err := templates.Write(&b, d, templates.Options{Style: style}); err != nil {
				fixErr = err
			}
			return b.Bytes()
		}
		fix.sample = write(templates.CaseA(), model.StyleMOF)
		fix.shanghai = write(templates.CaseA(), model.StyleShanghai)
		fix.blank = write(nil, model.StyleMOF)
		if fixErr != nil {
			return
		}
		b := xlsx.NewBuilder()
		defer b.Close()
		if err := b.AddSheet("人员名单"); err != nil {
			fixErr = err
			return
		}
		for i, s := range []string{"姓名", "张三", "李四"} {
			if err := b.SetString(i+1, 1, s, xlsx.BuildStyle{}); err != nil {
				fixErr = err
				return
			}
		}
		var buf bytes.Buffer
		if _, err := b.WriteTo(&buf); err != nil {
			fixErr = err
			return
		}
		fix.noTables = buf.Bytes()
		fix.broken = corruptZip(fix.sample)
	})
	if fixErr != nil {
		t.Fatalf("generate fixtures: %v", fixErr)
	}
	return &fix
}

// corruptZip keeps the archive's directory but damages the central
// directory signature, so the file still starts with PK but is no zip.
func corruptZip(data []byte) []byte {
	out := append([]byte(nil), data...)
	i := bytes.LastIndex(out, []byte("PK\x05\x06"))
	if i >= 0 {
		out = out[:i+len(out[i:])/2] // cut the end-of-directory record in half
	}
	return out[:len(out)*2/3]
}

// oleXLS is the start of a legacy .xls (OLE2 compound file) and encrypted
// is an OLE2 file carrying an EncryptionInfo stream name, as Excel writes a
// password-protected workbook.
func oleXLS() []byte {
	b := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	return append(b, bytes.Repeat([]byte{0}, 1024)...)
}

func encryptedOLE() []byte {
	b := oleXLS()
	for _, r := range "EncryptionInfo" {
		b = append(b, byte(r), 0)
	}
	return append(b, bytes.Repeat([]byte{0}, 64)...)
}

func newTestServer(t testing.TB, cfg Config) (*gin.Engine, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(&syncWriter{w: &logs}, nil))
	}
	return New(cfg), &logs
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// multipartBody builds a form with the given files (field -> name, bytes)
// and fields.
func multipartBody(t testing.TB, files map[string]namedFile, fields map[string]string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for field, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": field, "filename": f.name}))
		h.Set("Content-Type", XLSXType)
		p, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = p.Write(f.data)
	}
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, w.FormDataContentType()
}

type namedFile struct {
	name string
	data []byte
}

func do(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, rec.Body.String())
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, rec.Body.String())
	}
	if p.Status != rec.Code || p.Code == "" || p.Detail == "" || p.Title == "" || p.RequestID == "" ||
		p.Type != ProblemType+p.Code || p.RequestID != rec.Header().Get(HeaderRequestID) {
		t.Errorf("incomplete problem %+v (status %d, X-Request-ID %q)", p, rec.Code, rec.Header().Get(HeaderRequestID))
	}
	if !hasHan(p.Detail) {
		t.Errorf("detail %q is not Chinese", p.Detail)
	}
	return p
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func decodeReport(t *testing.T, body []byte) model.Report {
	t.Helper()
	var r model.Report
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("report: %v: %.300s", err, body)
	}
	return r
}

func TestCheckSample(t *testing.T) {
	fx := fixtures(t)
	h, logs := newTestServer(t, Config{})
	for _, tc := range []struct {
		name string
		req  func() *http.Request
	}{
		{"multipart", func() *http.Request {
			body, ct := multipartBody(t, map[string]namedFile{"file": {"示例.xlsx", fx.sample}}, nil)
			r := httptest.NewRequest(http.MethodPost, "/api/v1/check", body)
			r.Header.Set("Content-Type", ct)
			return r
		}},
		{"raw body", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(fx.sample))
			r.Header.Set("Content-Type", XLSXType)
			return r
		}},
		{"shanghai style", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/check?exact=0", bytes.NewReader(fx.shanghai))
			r.Header.Set("Content-Type", XLSXType)
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, tc.req())
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			rep := decodeReport(t, rec.Body.Bytes())
			if rep.Summary.Errors != 0 || rep.Status == "fail" {
				t.Errorf("sample: status %s, %d errors, first %+v", rep.Status, rep.Summary.Errors, rep.Findings[0])
			}
			if len(rep.Tables) != 9 {
				t.Errorf("sample: %d tables located, want 9: %+v", len(rep.Tables), rep.Tables)
			}
			if rep.Summary.Filled != len(rep.Fills) {
				t.Errorf("summary.filled %d != %d fills", rep.Summary.Filled, len(rep.Fills))
			}
			if got := rec.Header().Get(HeaderStatus); got != string(rep.Status) {
				t.Errorf("%s = %q, report status %q", HeaderStatus, got, rep.Status)
			}
		})
	}
	// The log names the upload by size and hash, never by content.
	line := logs.String()
	if !strings.Contains(line, `"route":"/api/v1/check"`) || !strings.Contains(line, `"sha256":"`) ||
		!strings.Contains(line, `"size":`+strconv.Itoa(len(fx.sample))) {
		t.Errorf("request log lacks route/size/sha256: %s", line)
	}
	if strings.Contains(line, "示例") || strings.Contains(line, "收入") {
		t.Errorf("request log leaks workbook data: %s", line)
	}
}

// TestCheckPrior sends the sample as its own prior year: 年初结转和结余 of
// this year then differs from 年末 of the "prior" year, so the cross-year
// rule must fire, which proves the prior part reached the pipeline.
func TestCheckPrior(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{})
	body, ct := multipartBody(t, map[string]namedFile{"file": {"2024.xlsx", fx.sample}, "prior": {"2023.xlsx", fx.sample}},
		map[string]string{"exact": "false"})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/check", body)
	r.Header.Set("Content-Type", ct)
	rec := do(h, r)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	rep := decodeReport(t, rec.Body.Bytes())
	var crossYear int
	for _, f := range rep.Findings {
		for _, c := range f.Cells {
			if strings.HasPrefix(c.Label, "上年") {
				crossYear++
				break
			}
		}
	}
	if crossYear == 0 {
		t.Fatalf("no finding compares with the prior year; %d findings", len(rep.Findings))
	}
	// Without the prior part there is no such finding.
	r = httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(fx.sample))
	r.Header.Set("Content-Type", XLSXType)
	for _, f := range decodeReport(t, do(h, r).Body.Bytes()).Findings {
		for _, c := range f.Cells {
			if strings.HasPrefix(c.Label, "上年") {
				t.Fatalf("cross-year finding without prior: %+v", f)
			}
		}
	}
}

func TestCheckFindsBrokenIdentity(t *testing.T) {
	data, where := changedSample(t)
	h, _ := newTestServer(t, Config{})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(data))
	r.Header.Set("Content-Type", XLSXType)
	rec := do(h, r)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	rep := decodeReport(t, rec.Body.Bytes())
	if rep.Status != "fail" || rep.Summary.Errors == 0 || rec.Header().Get(HeaderStatus) != "fail" ||
		rec.Header().Get(HeaderErrors) != strconv.Itoa(rep.Summary.Errors) {
		t.Fatalf("changed %s: status %s errors %d headers %v", where, rep.Status, rep.Summary.Errors, rec.Header())
	}
	f := rep.Findings[0]
	if f.Severity != model.SevError || f.Sheet == "" || f.Cell == "" || f.Expected == "" || f.Actual == "" || f.Difference == "" {
		t.Errorf("first finding lacks its sides: %+v", f)
	}
}

// changedSample is Case A with one 项-level amount tripled: its 款
// subtotal no longer adds up, so the pipeline must report an error.
func changedSample(t testing.TB) ([]byte, string) {
	t.Helper()
	d := templates.CaseA()
	var where string
	for _, id := range []model.TableID{model.T03, model.T02, model.T05} {
		for _, code := range d.Codes(id) {
			if len(code) != 7 || where != "" {
				continue
			}
			cols := make([]string, 0, len(d.Values[id][code]))
			for col := range d.Values[id][code] {
				cols = append(cols, col)
			}
			sort.Strings(cols)
			for _, col := range cols {
				if v, ok := d.Value(id, code, col); ok && v.IsPositive() && where == "" {
					d.Values[id][code][col] = v.Mul(decimal.NewFromInt(3)).String()
					where = string(id) + " " + code + " " + col
				}
			}
		}
	}
	if where == "" {
		t.Fatal("Case A has no positive 项-level amount to change")
	}
	var b bytes.Buffer
	if _, err := templates.Write(&b, d, templates.Options{Style: model.StyleMOF}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), where
}

func TestFill(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{})

	t.Run("xlsx", func(t *testing.T) {
		body, ct := multipartBody(t, map[string]namedFile{"file": {`C:\决算\2024年部门决算.xlsx`, fx.sample}}, nil)
		r := httptest.NewRequest(http.MethodPost, "/api/v1/fill", body)
		r.Header.Set("Content-Type", ct)
		rec := do(h, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		if ct := rec.Header().Get("Content-Type"); ct != XLSXType {
			t.Errorf("Content-Type %q", ct)
		}
		cd := rec.Header().Get("Content-Disposition")
		_, params, err := mime.ParseMediaType(cd)
		if err != nil || params["filename"] != "昌吉回族自治州应急管理局（2024年部门决算）.审核.xlsx" {
			t.Errorf("Content-Disposition %q: %v %v", cd, params, err)
		}
		if !strings.Contains(cd, `filename="2024.audited.xlsx"`) || !strings.Contains(cd, "filename*=UTF-8''%E6%98%8C%E5%90%89") {
			t.Errorf("Content-Disposition %q lacks ASCII fallback or RFC 5987 name", cd)
		}
		for _, hd := range []string{HeaderStatus, HeaderErrors, HeaderWarnings, HeaderFilled} {
			if rec.Header().Get(hd) == "" {
				t.Errorf("missing %s", hd)
			}
		}
		if rec.Header().Get(HeaderErrors) != "0" {
			t.Errorf("sample has %s errors", rec.Header().Get(HeaderErrors))
		}
		assertWorkbook(t, rec.Body.Bytes())
	})

	t.Run("json", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/fill?format=json&overwrite=true", bytes.NewReader(fx.blank))
		r.Header.Set("Content-Type", XLSXType)
		rec := do(h, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		rep := decodeReport(t, rec.Body.Bytes())
		if rec.Header().Get(HeaderFilled) != strconv.Itoa(rep.Summary.Filled) {
			t.Errorf("%s %q, report %d", HeaderFilled, rec.Header().Get(HeaderFilled), rep.Summary.Filled)
		}
		if len(rep.Tables) != 9 {
			t.Errorf("blank template: %d tables", len(rep.Tables))
		}
	})

	t.Run("form field format", func(t *testing.T) {
		body, ct := multipartBody(t, map[string]namedFile{"file": {"a.xlsx", fx.sample}}, map[string]string{"format": "json"})
		r := httptest.NewRequest(http.MethodPost, "/api/v1/fill", body)
		r.Header.Set("Content-Type", ct)
		rec := do(h, r)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
		}
	})
}

// assertWorkbook checks that b opens as .xlsx, still holds the nine tables
// and passes the pipeline again (the annotated workbook is a valid input).
func assertWorkbook(t *testing.T, b []byte) {
	t.Helper()
	book, err := xlsx.OpenBytes(b, xlsx.Limits{})
	if err != nil {
		t.Fatalf("annotated workbook does not open: %v", err)
	}
	defer book.Close()
	if sheets := book.Sheets(); len(sheets) < 10 || sheets[len(sheets)-1] != "审核结果" {
		t.Errorf("annotated workbook has sheets %v, want the nine tables and 审核结果", sheets)
	}
	res, err := audit.Check(context.Background(), bytes.NewReader(b), audit.Options{})
	if err != nil {
		t.Fatalf("annotated workbook does not check: %v", err)
	}
	if len(res.Report.Tables) != 9 || res.Report.Summary.Errors != 0 {
		t.Errorf("annotated workbook: %d tables, %d errors", len(res.Report.Tables), res.Report.Summary.Errors)
	}
}

func TestWorkbookErrors(t *testing.T) {
	fx := fixtures(t)
	for _, tc := range []struct {
		name   string
		cfg    Config
		path   string
		ctype  string
		body   []byte
		status int
		code   string
		detail string // substring of the Chinese detail
	}{
		{"not a zip", Config{}, "/api/v1/check", XLSXType, []byte("姓名,金额\n张三,100\n"), 415, model.ENotXLSX, ""},
		{"legacy xls", Config{}, "/api/v1/fill", XLSXType, oleXLS(), 415, model.EXLS, "另存为 .xlsx"},
		{"xls media type", Config{}, "/api/v1/check", "application/vnd.ms-excel", oleXLS(), 415, model.EXLS, ".xls"},
		{"encrypted", Config{}, "/api/v1/check", XLSXType, encryptedOLE(), 415, model.EEncrypted, "密码"},
		{"truncated", Config{}, "/api/v1/check", XLSXType, fx.sample[:len(fx.sample)/2], 400, model.ECorrupt, "损坏"},
		{"broken directory", Config{}, "/api/v1/fill", "application/octet-stream", fx.broken, 400, model.ECorrupt, ""},
		{"no tables", Config{}, "/api/v1/check", XLSXType, fx.noTables, 422, model.ENoTables, ""},
		{"no tables fill", Config{}, "/api/v1/fill", XLSXType, fx.noTables, 422, model.ENoTables, ""},
		{"too large raw", Config{MaxUpload: 4 << 10}, "/api/v1/check", XLSXType, fx.sample, 413, model.ETooLarge, "上限"},
		{"too large fill", Config{MaxUpload: 4 << 10}, "/api/v1/fill", XLSXType, fx.sample, 413, model.ETooLarge, "上限"},
		{"empty body", Config{}, "/api/v1/check", XLSXType, nil, 400, model.EInvalid, "没有收到文件"},
		{"json body", Config{}, "/api/v1/check", "application/json", []byte(`{"file":"x"}`), 415, model.EUnsupported, "不支持"},
		{"bad content type", Config{}, "/api/v1/fill", "multipart/form-data; boundary=", []byte("x"), 415, model.EUnsupported, ""},
		{"bad format", Config{}, "/api/v1/fill?format=pdf", XLSXType, fx.sample, 400, model.EInvalid, "format"},
		{"bad bool", Config{}, "/api/v1/check?exact=maybe", XLSXType, fx.sample, 400, model.EInvalid, "exact"},
		{"long name", Config{}, "/api/v1/fill?name=" + strings.Repeat("a", 300), XLSXType, fx.sample, 400, model.EInvalid, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newTestServer(t, tc.cfg)
			r := httptest.NewRequest(http.MethodPost, tc.path, bytes.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.ctype)
			rec := do(h, r)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body.String())
			}
			p := decodeProblem(t, rec)
			if p.Code != tc.code {
				t.Errorf("code %q, want %q (%s)", p.Code, tc.code, p.Detail)
			}
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q lacks %q", p.Detail, tc.detail)
			}
		})
	}
}

func TestMultipartErrors(t *testing.T) {
	fx := fixtures(t)
	limit := int64(len(fx.sample)) + 1024
	h, _ := newTestServer(t, Config{MaxUpload: limit})
	for _, tc := range []struct {
		name   string
		files  map[string]namedFile
		fields map[string]string
		status int
		code   string
	}{
		{"no file field", map[string]namedFile{"upload": {"a.xlsx", fx.sample}}, nil, 400, model.EInvalid},
		{"oversized part", map[string]namedFile{"file": {"a.xlsx", bytes.Repeat([]byte("PK"), int(limit))}}, nil, 413, model.ETooLarge},
		{"xls in form", map[string]namedFile{"file": {"a.xls", oleXLS()}}, nil, 415, model.EXLS},
		{"bad overwrite field", map[string]namedFile{"file": {"a.xlsx", fx.sample}}, map[string]string{"overwrite": "yes please"}, 400, model.EInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartBody(t, tc.files, tc.fields)
			r := httptest.NewRequest(http.MethodPost, "/api/v1/check", body)
			r.Header.Set("Content-Type", ct)
			rec := do(h, r)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body.String())
			}
			if p := decodeProblem(t, rec); p.Code != tc.code {
				t.Errorf("code %q, want %q", p.Code, tc.code)
			}
		})
	}
	t.Run("field errors listed", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/fill?format=csv&exact=2", bytes.NewReader(fx.sample))
		r.Header.Set("Content-Type", XLSXType)
		rec := do(h, r)
		p := decodeProblem(t, rec)
		if len(p.Errors) != 2 || p.Errors[0].Field != "format" || p.Errors[1].Field != "exact" {
			t.Errorf("errors %+v", p.Errors)
		}
	})
}

func TestRoutingProblems(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodGet, "/api/v1/nothing", 404, model.ENotFound},
		{http.MethodGet, "/api/v1/check", 405, model.EInvalid},
		{http.MethodDelete, "/api/v1/fill", 405, model.EInvalid},
		{http.MethodPost, "/api/v1/rules", 405, model.EInvalid},
		{http.MethodGet, "/api/v1/template.xlsx?style=excel", 400, model.EInvalid},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := do(h, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if p := decodeProblem(t, rec); p.Code != tc.code {
				t.Errorf("code %q, want %q", p.Code, tc.code)
			}
		})
	}
}

func TestGetEndpoints(t *testing.T) {
	h, _ := newTestServer(t, Config{MaxUpload: 5 << 20})
	for _, tc := range []struct {
		path, ctype string
		check       func(t *testing.T, rec *httptest.ResponseRecorder)
	}{
		{"/", "text/html", func(t *testing.T, rec *httptest.ResponseRecorder) {
			body := rec.Body.String()
			if !strings.Contains(body, "决算审核助手") || !strings.Contains(body, `content="5242880"`) {
				t.Errorf("page lacks title or upload limit")
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
			// No external resources: the page must work offline.
			for _, bad := range []string{"http://", "https://", "//cdn"} {
				if strings.Contains(body, bad) {
					t.Errorf("page references %s", bad)
				}
			}
		}},
		{"/app.js", "text/javascript", func(t *testing.T, rec *httptest.ResponseRecorder) {
			if strings.Contains(rec.Body.String(), "innerHTML") {
				t.Error("app.js uses innerHTML; workbook text must go through textContent")
			}
		}},
		{"/style.css", "text/css", nil},
		{"/openapi.json", "application/json", func(t *testing.T, rec *httptest.ResponseRecorder) {
			var doc map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc["openapi"] != "3.0.3" {
				t.Errorf("openapi: %v %v", err, doc["openapi"])
			}
		}},
		{"/healthz", "application/json", nil},
		{"/readyz", "application/json", nil},
		{"/api/v1/rules", "application/json", func(t *testing.T, rec *httptest.ResponseRecorder) {
			var out struct {
				Count int        `json:"count"`
				Rules []ruleJSON `json:"rules"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if out.Count == 0 || out.Count != len(out.Rules) {
				t.Fatalf("count %d, %d rules", out.Count, len(out.Rules))
			}
			seen := map[string]bool{}
			for _, r := range out.Rules {
				if r.ID == "" || r.Message == "" || (r.Severity != "error" && r.Severity != "warning" && r.Severity != "info") {
					t.Errorf("rule %+v incomplete", r)
				}
				seen[r.ID] = true
			}
			for _, id := range []string{"X12"} {
				if !seen[id] {
					t.Errorf("rule %s missing", id)
				}
			}
		}},
		{"/api/v1/template.xlsx", XLSXType, func(t *testing.T, rec *httptest.ResponseRecorder) {
			assertDisposition(t, rec, "决算公开九张表模板-财政部格式.xlsx")
			assertTables(t, rec.Body.Bytes(), 9)
		}},
		{"/api/v1/template.xlsx?style=shanghai", XLSXType, func(t *testing.T, rec *httptest.ResponseRecorder) {
			assertDisposition(t, rec, "决算公开九张表模板-上海格式.xlsx")
			assertTables(t, rec.Body.Bytes(), 9)
		}},
		{"/api/v1/sample.xlsx", XLSXType, func(t *testing.T, rec *httptest.ResponseRecorder) {
			assertDisposition(t, rec, "示例-部门决算公开九张表.xlsx")
			if !bytes.Equal(rec.Body.Bytes(), fixtures(t).sample) {
				// Generated from the same data; byte equality would be too
				// strict only if the writer were not deterministic.
				assertTables(t, rec.Body.Bytes(), 9)
			}
		}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := do(h, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
				t.Errorf("Content-Type %q, want %q", ct, tc.ctype)
			}
			if rec.Header().Get(HeaderRequestID) == "" {
				t.Error("no X-Request-ID")
			}
			if tc.check != nil {
				tc.check(t, rec)
			}
		})
	}
}

func assertDisposition(t *testing.T, rec *httptest.ResponseRecorder, name string) {
	t.Helper()
	_, params, err := mime.ParseMediaType(rec.Header().Get("Content-Disposition"))
	if err != nil || params["filename"] != name {
		t.Errorf("Content-Disposition %q: %v, want %s", rec.Header().Get("Content-Disposition"), err, name)
	}
}

func assertTables(t *testing.T, b []byte, n int) {
	t.Helper()
	res, err := audit.Check(context.Background(), bytes.NewReader(b), audit.Options{})
	if err != nil {
		t.Fatalf("generated workbook does not check: %v", err)
	}
	if len(res.Report.Tables) != n {
		t.Errorf("%d tables, want %d", len(res.Report.Tables), n)
	}
}

func TestReadyz(t *testing.T) {
	var draining bool
	h, _ := newTestServer(t, Config{Ready: func() error {
		if draining {
			return errors.New("draining")
		}
		return nil
	}})
	if rec := do(h, httptest.NewRequest(http.MethodGet, "/readyz", nil)); rec.Code != 200 {
		t.Fatalf("ready: %d", rec.Code)
	}
	draining = true
	rec := do(h, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("draining: %d %v", rec.Code, rec.Header())
	}
	decodeProblem(t, rec)
	if rec := do(h, httptest.NewRequest(http.MethodGet, "/healthz", nil)); rec.Code != 200 {
		t.Fatalf("healthz while draining: %d", rec.Code)
	}
}

// blockingPipeline holds every request inside the limiter until release.
type blockingPipeline struct {
	entered chan struct{}
	release chan struct{}
}

func newBlocking() *blockingPipeline {
	return &blockingPipeline{entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (b *blockingPipeline) check(ctx context.Context, r io.Reader, opt audit.Options) (*audit.Result, error) {
	b.entered <- struct{}{}
	<-b.release
	return audit.Check(ctx, r, opt)
}

func TestConcurrencyLimit(t *testing.T) {
	fx := fixtures(t)
	bp := newBlocking()
	s, srv := newServer(Config{MaxConcurrent: 1, MaxQueue: 1, QueueTimeout: 300 * time.Millisecond, check: bp.check,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	post := func() *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(fx.sample))
		r.Header.Set("Content-Type", XLSXType)
		return do(srv, r)
	}
	first := make(chan *httptest.ResponseRecorder)
	go func() { first <- post() }()
	<-bp.entered // the only slot is taken

	second := make(chan *httptest.ResponseRecorder)
	go func() { second <- post() }()
	for deadline := time.Now().Add(2 * time.Second); s.limit.waiting.Load() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("second request never queued")
		}
		time.Sleep(time.Millisecond)
	}
	third := post() // the queue (1) is full: refused at once
	if third.Code != http.StatusTooManyRequests || third.Header().Get("Retry-After") == "" {
		t.Fatalf("third request: %d %v, want 429 with Retry-After", third.Code, third.Header())
	}
	if p := decodeProblem(t, third); p.Code != model.EUnavailable {
		t.Errorf("429 code %q", p.Code)
	}
	// A declared oversize upload is refused with 413 before it queues: it
	// costs neither a slot nor memory, even while the queue is full.
	big := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(fx.sample))
	big.Header.Set("Content-Type", XLSXType)
	big.ContentLength = s.cfg.MaxUpload + 1
	if rec := do(srv, big); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize while busy: %d, want 413", rec.Code)
	} else if p := decodeProblem(t, rec); p.Code != model.ETooLarge {
		t.Errorf("oversize code %q", p.Code)
	}
	rec := <-second // waited QueueTimeout for the slot
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("queued request: %d %v, want 503 with Retry-After", rec.Code, rec.Header())
	}
	decodeProblem(t, rec)
	close(bp.release)
	if rec := <-first; rec.Code != http.StatusOK {
		t.Fatalf("first request: %d %s", rec.Code, rec.Body.String())
	}
	// The slot is free again.
	if rec := post(); rec.Code != http.StatusOK {
		t.Fatalf("after release: %d", rec.Code)
	}
}

func TestRequestTimeout(t *testing.T) {
	fx := fixtures(t)
	bp := newBlocking()
	defer close(bp.release)
	srv := New(Config{RequestTimeout: 100 * time.Millisecond, check: bp.check,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(fx.sample))
	r.Header.Set("Content-Type", XLSXType)
	start := time.Now()
	rec := do(srv, r)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if p := decodeProblem(t, rec); p.Code != model.ETimeout {
		t.Errorf("code %q", p.Code)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timeout answered after %v", d)
	}
}

func TestPanicIsProblem(t *testing.T) {
	fx := fixtures(t)
	var logs bytes.Buffer
	srv := New(Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		check: func(context.Context, io.Reader, audit.Options) (*audit.Result, error) { panic("boom") }})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(fx.sample))
	r.Header.Set("Content-Type", XLSXType)
	rec := do(srv, r)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	p := decodeProblem(t, rec)
	if p.Code != model.EInternal || strings.Contains(p.Detail, "boom") {
		t.Errorf("problem %+v leaks or lacks code", p)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("log lacks the panic: %s", logs.String())
	}
}

func TestCORS(t *testing.T) {
	h, _ := newTestServer(t, Config{CORSOrigins: []string{"https://addin.example.gov.cn"}})
	pre := httptest.NewRequest(http.MethodOptions, "/api/v1/fill", nil)
	pre.Header.Set("Origin", "https://addin.example.gov.cn")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "content-type")
	rec := do(h, pre)
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "https://addin.example.gov.cn" ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
	}
	get := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	get.Header.Set("Origin", "https://addin.example.gov.cn")
	rec = do(h, get)
	if !strings.Contains(rec.Header().Get("Access-Control-Expose-Headers"), HeaderStatus) {
		t.Errorf("summary headers not exposed: %v", rec.Header())
	}
	bad := httptest.NewRequest(http.MethodOptions, "/api/v1/fill", nil)
	bad.Header.Set("Origin", "https://evil.example.com")
	bad.Header.Set("Access-Control-Request-Method", "POST")
	rec = do(h, bad)
	if rec.Code != http.StatusForbidden || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("foreign preflight: %d %v", rec.Code, rec.Header())
	}
	decodeProblem(t, rec)
}

func TestRequestIDEcho(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	r.Header.Set(HeaderRequestID, "lb-7f3a.1")
	if got := do(h, r).Header().Get(HeaderRequestID); got != "lb-7f3a.1" {
		t.Errorf("X-Request-ID %q", got)
	}
	r.Header.Set(HeaderRequestID, "<script>")
	if got := do(h, r).Header().Get(HeaderRequestID); got == "<script>" || len(got) != 16 {
		t.Errorf("unsafe X-Request-ID echoed: %q", got)
	}
}

// TestContentDisposition: names the API builds itself (the sample, the
// batch zip) keep their fallback rule.
func TestContentDisposition(t *testing.T) {
	cd := contentDisposition("收支 表(1).xlsx")
	_, params, err := mime.ParseMediaType(cd)
	if err != nil || params["filename"] != "收支 表(1).xlsx" {
		t.Errorf("%s -> %v %v", cd, params, err)
	}
	if !strings.Contains(cd, `filename="juesuan-1.xlsx"`) {
		t.Errorf("fallback in %s", cd)
	}
	if u, _ := url.PathUnescape(strings.SplitN(cd, "UTF-8''", 2)[1]); u != "收支 表(1).xlsx" {
		t.Errorf("filename* decodes to %q", u)
	}
}

// TestPartsWidensTolerance: a department summed from two units carries both
// units' 尾差, so it passes only when the request says parts=2.
func TestPartsWidensTolerance(t *testing.T) {
	fx := fixtures(t)
	unit, _, err := reader.Read(bytes.NewReader(fx.sample), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := consolidate.Sum("两单位汇总", []*model.Workbook{unit, unit})
	if err != nil {
		t.Fatal(err)
	}
	var dept bytes.Buffer
	if _, err := templates.Write(&dept, sum, templates.Options{}); err != nil {
		t.Fatal(err)
	}
	h, _ := newTestServer(t, Config{})
	errorsFor := func(query string) string {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/check"+query, bytes.NewReader(dept.Bytes()))
		r.Header.Set("Content-Type", XLSXType)
		rec := do(h, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d %s", query, rec.Code, rec.Body.String())
		}
		return rec.Header().Get(HeaderErrors)
	}
	if got := errorsFor("?parts=2"); got != "0" {
		t.Errorf("parts=2: %s errors, want 0", got)
	}
	if got := errorsFor(""); got == "0" {
		t.Errorf("without parts the doubled 尾差 must exceed the one-unit tolerance")
	}
}
