package api

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/hostile"
	"github.com/juesuan/juesuan/model"
)

func hostileCase(t *testing.T, name string) []byte {
	t.Helper()
	for _, c := range hostile.Corpus() {
		if c.Name == name {
			return c.Bytes()
		}
	}
	t.Fatalf("no corpus case %s", name)
	return nil
}

// TestHardening: the smaller holes of issue 15, one request each. Every
// row failed before the fix it names.
func TestHardening(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{CORSOrigins: []string{"https://wps.example.gov.cn"}})
	raw := func(method, target string, body []byte, hdr ...string) *http.Request {
		r := httptest.NewRequest(method, target, bytes.NewReader(body))
		r.Header.Set("Content-Type", XLSXType)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r
	}
	form := func(target, name string, data []byte, hdr ...string) *http.Request {
		body, ct := multipartBody(t, map[string]namedFile{"file": {name, data}}, nil)
		r := httptest.NewRequest(http.MethodPost, target, body)
		r.Header.Set("Content-Type", ct)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r
	}
	cases := []struct {
		name   string
		req    *http.Request
		status int
		code   string
		check  func(t *testing.T, rec *httptest.ResponseRecorder)
	}{
		{name: "undecodable content types is corrupt (fill)", req: raw("POST", "/api/v1/fill", hostileCase(t, "content_types_undefined_entity")),
			status: 400, code: model.ECorrupt},
		{name: "duplicate part with a backslash is corrupt (fill)", req: raw("POST", "/api/v1/fill", hostileCase(t, "duplicate_part_backslash")),
			status: 400, code: model.ECorrupt},
		{name: "xlsm stays xlsm", req: form("/api/v1/fill", "单位决算.xlsm", hostileCase(t, "xlsm")), status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if ct := rec.Header().Get("Content-Type"); ct != XLSMType {
					t.Errorf("Content-Type %q, want %q", ct, XLSMType)
				}
				assertDisposition(t, rec, "昌吉回族自治州应急管理局（单位决算）.审核.xlsm")
			}},
		{name: "xlsm sent raw without a name stays xlsm", req: raw("POST", "/api/v1/fill", hostileCase(t, "xlsm")), status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				assertDisposition(t, rec, "昌吉回族自治州应急管理局.审核.xlsm")
			}},
		{name: "xlsx stays xlsx", req: form("/api/v1/fill", "单位.xlsx", fx.sample), status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if ct := rec.Header().Get("Content-Type"); ct != XLSXType {
					t.Errorf("Content-Type %q", ct)
				}
			}},
		{name: "bidi override never reaches the download name", req: form("/api/v1/fill", "单位\u202Exslx.exe\u200b.xlsx", fx.sample), status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				cd := rec.Header().Get("Content-Disposition")
				if strings.Contains(cd, "%E2%80%AE") || strings.Contains(cd, "%E2%80%8B") || strings.ContainsRune(cd, '\u202E') {
					t.Errorf("Content-Disposition keeps a format character: %s", cd)
				}
				assertDisposition(t, rec, "昌吉回族自治州应急管理局（单位xslx.exe）.审核.xlsx")
			}},
		{name: "parts=00 refused", req: raw("POST", "/api/v1/check?parts=00", fx.sample), status: 400, code: model.EInvalid},
		{name: "parts=0009 refused", req: raw("POST", "/api/v1/check?parts=0009", fx.sample), status: 400, code: model.EInvalid},
		{name: "parts=12345 refused", req: raw("POST", "/api/v1/check?parts=12345", fx.sample), status: 400, code: model.EInvalid},
		{name: "parts=9999 accepted", req: raw("POST", "/api/v1/check?parts=9999", fx.sample), status: 200},
		{name: "escaped slashes do not route", req: raw("POST", "/api%2fv1%2fcheck", fx.sample), status: 404, code: model.ENotFound},
		{name: "cross-site form post refused", req: form("/api/v1/fill", "a.xlsx", fx.sample, "Origin", "https://evil.example.com", "Sec-Fetch-Site", "cross-site"),
			status: 403, code: CodeCrossSite},
		{name: "cross-site post from an old browser (Origin only) refused", req: raw("POST", "/api/v1/check", fx.sample, "Origin", "https://evil.example.com"),
			status: 403, code: CodeCrossSite},
		{name: "same-site but other origin refused", req: raw("POST", "/api/v1/batch", fx.sample, "Origin", "https://other.example.com", "Sec-Fetch-Site", "same-site"),
			status: 403, code: CodeCrossSite},
		{name: "the page's own post", req: form("/api/v1/fill", "a.xlsx", fx.sample, "Origin", "http://example.com", "Sec-Fetch-Site", "same-origin"), status: 200},
		{name: "same host without fetch metadata", req: raw("POST", "/api/v1/check", fx.sample, "Origin", "http://example.com"), status: 200},
		{name: "configured CORS origin", req: raw("POST", "/api/v1/check", fx.sample, "Origin", "https://wps.example.gov.cn", "Sec-Fetch-Site", "cross-site"), status: 200},
		{name: "macro or curl: no Origin", req: raw("POST", "/api/v1/check", fx.sample), status: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, tc.req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tc.status, rec.Body.String())
			}
			if tc.code != "" {
				if p := decodeProblem(t, rec); p.Code != tc.code {
					t.Errorf("code %q, want %q", p.Code, tc.code)
				}
			}
			if tc.check != nil {
				tc.check(t, rec)
			}
		})
	}
}

// TestHeadOnGetRoutes: HEAD on every GET route answers like GET (status and
// headers) without a body; it was 405.
func TestHeadOnGetRoutes(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, r := range h.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		resp, err := http.Head(srv.URL + r.Path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		get, err := http.Get(srv.URL + r.Path)
		if err != nil {
			t.Fatal(err)
		}
		get.Body.Close()
		if resp.StatusCode != get.StatusCode || resp.StatusCode != http.StatusOK || len(body) != 0 ||
			resp.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d %q (%d body bytes); GET %d %q", r.Path, resp.StatusCode, resp.Header.Get("Content-Type"),
				len(body), get.StatusCode, get.Header.Get("Content-Type"))
		}
	}
}
