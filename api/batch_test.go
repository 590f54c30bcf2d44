package api

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/batch"
	"github.com/juesuan/juesuan/model"
)

// zipOf builds an archive of named workbooks.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("answer is not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = b
	}
	return out
}

func TestBatchEndpoint(t *testing.T) {
	fx := fixtures(t)
	in := zipOf(t, map[string][]byte{
		"甲/单位一.xlsx":    fx.sample,
		"../../逃逸.xlsx": fx.sample, // zip-slip name: cleaned, never a path out
		"坏文件.xlsx":      fx.sample[:len(fx.sample)/2],
		"说明.txt":        []byte("不是工作簿"),
	})
	h, _ := newTestServer(t, Config{})
	srv := httptest.NewServer(h)
	defer srv.Close()

	// Raw zip body, report only: summary and ndjson.
	resp, err := http.Post(srv.URL+"/api/v1/batch?report_only=true", ZipType, bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ZipType {
		t.Fatalf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	files := unzip(t, body)
	if len(files) != 2 || files[batch.SummaryName] == nil || files[batch.ResultsName] == nil {
		t.Fatalf("report-only answer holds %d entries", len(files))
	}
	lines := strings.Split(strings.TrimSpace(string(files[batch.ResultsName])), "\n")
	var ok, bad, stray int
	for _, l := range lines {
		var rec struct {
			Report *model.Report `json:"report"`
			Error  *struct {
				Code string `json:"code"`
			} `json:"error"`
			Narrative *struct {
				Status string `json:"status"`
			} `json:"narrative"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("ndjson line %q: %v", l, err)
		}
		switch {
		case rec.Report != nil && rec.Report.Summary.Errors == 0:
			ok++
		case rec.Error != nil:
			bad++
		case rec.Narrative != nil && rec.Narrative.Status == batch.NarrUnpaired:
			stray++ // 说明.txt: a narrative of no unit in the zip
		}
	}
	if stray != 1 {
		t.Errorf("results.ndjson: %d unpaired narratives, want 说明.txt: %s", stray, files[batch.ResultsName])
	}
	if ok != 2 || bad < 1 {
		t.Errorf("results.ndjson: %d good, %d unreadable, want 2 and ≥1: %s", ok, bad, files[batch.ResultsName])
	}

	// Multipart with annotated copies; no entry may escape the archive root.
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	fw, _ := mw.CreateFormFile("file", "上传.zip")
	fw.Write(in)
	mw.Close()
	resp, err = http.Post(srv.URL+"/api/v1/batch", mw.FormDataContentType(), &mp)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("multipart: status %d: %s", resp.StatusCode, body)
	}
	files = unzip(t, body)
	annotated := 0
	for name := range files {
		if strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
			t.Errorf("unsafe entry name %q", name)
		}
		if strings.HasSuffix(name, ".xlsx") && name != batch.SummaryName {
			annotated++
		}
	}
	if annotated != 2 {
		t.Errorf("annotated copies = %d, want 2 (%v)", annotated, keys(files))
	}
}

func TestBatchEndpointErrors(t *testing.T) {
	fx := fixtures(t)
	in := zipOf(t, map[string][]byte{"a.xlsx": fx.sample})
	h, _ := newTestServer(t, Config{})
	small, _ := newTestServer(t, Config{MaxBatchUpload: 1000})
	cases := []struct {
		name   string
		h      http.Handler
		req    func() *http.Request
		status int
		code   string
	}{
		{"get", h, func() *http.Request { return httptest.NewRequest("GET", "/api/v1/batch", nil) }, 405, model.EInvalid},
		{"not a zip", h, func() *http.Request {
			r := httptest.NewRequest("POST", "/api/v1/batch", strings.NewReader("not a zip"))
			r.Header.Set("Content-Type", ZipType)
			return r
		}, 400, model.ECorrupt},
		{"bad flag", h, func() *http.Request {
			r := httptest.NewRequest("POST", "/api/v1/batch?report_only=maybe", bytes.NewReader(in))
			r.Header.Set("Content-Type", ZipType)
			return r
		}, 400, model.EInvalid},
		{"bad mark_rounding", h, func() *http.Request {
			r := httptest.NewRequest("POST", "/api/v1/batch?mark_rounding=maybe", bytes.NewReader(in))
			r.Header.Set("Content-Type", ZipType)
			return r
		}, 400, model.EInvalid},
		{"empty archive", h, func() *http.Request {
			r := httptest.NewRequest("POST", "/api/v1/batch", bytes.NewReader(zipOf(t, nil)))
			r.Header.Set("Content-Type", ZipType)
			return r
		}, 422, model.ENoTables},
		{"wrong media type", h, func() *http.Request {
			r := httptest.NewRequest("POST", "/api/v1/batch", bytes.NewReader(in))
			r.Header.Set("Content-Type", "text/csv")
			return r
		}, 415, model.EUnsupported},
		{"a single workbook, not a zip of them", h, func() *http.Request {
			r := httptest.NewRequest("POST", "/api/v1/batch", bytes.NewReader(fx.sample))
			r.Header.Set("Content-Type", ZipType)
			return r
		}, 415, model.EUnsupported},
		{"declared too large", small, func() *http.Request {
			r := httptest.NewRequest("POST", "/api/v1/batch", bytes.NewReader(in))
			r.Header.Set("Content-Type", ZipType)
			return r
		}, 413, model.ETooLarge},
		{"streamed too large", small, func() *http.Request {
			r := httptest.NewRequest("POST", "/api/v1/batch", io.MultiReader(bytes.NewReader(in)))
			r.Header.Set("Content-Type", ZipType)
			r.ContentLength = -1
			return r
		}, 413, model.ETooLarge},
	}
	for _, c := range cases {
		rec := do(c.h, c.req())
		if rec.Code != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, rec.Code, c.status, rec.Body.String())
			continue
		}
		if p := decodeProblem(t, rec); p.Code != c.code || p.Detail == "" {
			t.Errorf("%s: problem %+v, want code %s", c.name, p, c.code)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
