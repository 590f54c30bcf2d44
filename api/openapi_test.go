package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/juesuan/juesuan/hostile"
)

// oaDoc is the part of an OpenAPI 3.0 document the contract test reads.
type oaDoc struct {
	Paths      map[string]map[string]*oaOperation `json:"paths"`
	Components struct {
		Schemas   map[string]*oaSchema   `json:"schemas"`
		Responses map[string]*oaResponse `json:"responses"`
		Headers   map[string]*oaHeader   `json:"headers"`
	} `json:"components"`
}

type oaOperation struct {
	Parameters []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	Responses map[string]*oaResponse `json:"responses"`
}

type oaResponse struct {
	Ref     string                `json:"$ref"`
	Headers map[string]*oaHeader  `json:"headers"`
	Content map[string]*oaContent `json:"content"`
}

type oaHeader struct {
	Ref    string    `json:"$ref"`
	Schema *oaSchema `json:"schema"`
}

type oaContent struct {
	Schema *oaSchema `json:"schema"`
}

type oaSchema struct {
	Ref        string               `json:"$ref"`
	Type       string               `json:"type"`
	Required   []string             `json:"required"`
	Properties map[string]*oaSchema `json:"properties"`
	Items      *oaSchema            `json:"items"`
	Enum       []any                `json:"enum"`
}

func loadOpenAPI(t *testing.T) *oaDoc {
	t.Helper()
	var d oaDoc
	if err := json.Unmarshal(OpenAPI(), &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &d
}

func (d *oaDoc) response(r *oaResponse) *oaResponse {
	if r != nil && r.Ref != "" {
		return d.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	return r
}

func (d *oaDoc) schema(s *oaSchema) *oaSchema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// validate checks v (decoded JSON) against s: types, required properties,
// enums, items, and properties recursively. Enough for this API's schemas.
func (d *oaDoc) validate(path string, s *oaSchema, v any) []string {
	s = d.schema(s)
	if s == nil {
		return []string{path + ": unresolved schema"}
	}
	var errs []string
	if len(s.Enum) > 0 {
		ok := false
		for _, e := range s.Enum {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				ok = true
			}
		}
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: %v not in enum %v", path, v, s.Enum))
		}
	}
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want object", path, v))
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				errs = append(errs, path+": missing required "+r)
			}
		}
		for k, sub := range s.Properties {
			if val, ok := m[k]; ok {
				errs = append(errs, d.validate(path+"."+k, sub, val)...)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want array", path, v))
		}
		for i, it := range a {
			errs = append(errs, d.validate(fmt.Sprintf("%s[%d]", path, i), s.Items, it)...)
		}
	case "string":
		if _, ok := v.(string); !ok {
			errs = append(errs, fmt.Sprintf("%s: %T, want string", path, v))
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			errs = append(errs, fmt.Sprintf("%s: %v, want integer", path, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: %T, want boolean", path, v))
		}
	}
	return errs
}

// TestOpenAPIRoutes: every documented path and method is served, and every
// served route is documented.
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	served := map[string]bool{}
	for _, r := range New(Config{}).Routes() {
		served[r.Method+" "+r.Path] = true
	}
	var missing, undocumented []string
	for k := range documented {
		if !served[k] {
			missing = append(missing, k)
		}
	}
	for k := range served {
		// HEAD is GET without the body (RFC 9110 §9.3.2): documented with it.
		if m, p, _ := strings.Cut(k, " "); m == http.MethodHead && documented["GET "+p] {
			continue
		}
		if !documented[k] {
			undocumented = append(undocumented, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(undocumented)
	if len(missing) > 0 {
		t.Errorf("documented but not served: %v", missing)
	}
	if len(undocumented) > 0 {
		t.Errorf("served but not documented: %v", undocumented)
	}
}

// TestOpenAPIResponses sends real requests (successes and every error
// class) and validates each response against the document: the status is
// documented for the operation, the media type is documented for that
// status, JSON bodies match the schema, documented summary headers are set.
func TestOpenAPIResponses(t *testing.T) {
	doc := loadOpenAPI(t)
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{MaxUpload: int64(len(fx.sample)) + 64<<10})
	small, _ := newTestServer(t, Config{MaxUpload: 1 << 10})
	slow, _ := newTestServer(t, Config{BodyGrace: 50 * time.Millisecond})
	def, _ := newTestServer(t, Config{})
	crossSite := func(r *http.Request) *http.Request {
		r.Header.Set("Origin", "https://evil.example.com")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		return r
	}
	trickle := func(path, ctype string, body []byte) *http.Request {
		r := httptest.NewRequest(http.MethodPost, path, &slowReader{data: body, gap: 20 * time.Millisecond})
		r.Header.Set("Content-Type", ctype)
		return r
	}
	raw := func(method, path, ctype string, body []byte) *http.Request {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		return r
	}
	form := func(path string, data []byte) *http.Request {
		body, ct := multipartBody(t, map[string]namedFile{"file": {"单位.xlsx", data}}, nil)
		r := httptest.NewRequest(http.MethodPost, path, body)
		r.Header.Set("Content-Type", ct)
		return r
	}
	cases := []struct {
		handler http.Handler
		req     *http.Request
		status  int
	}{
		{h, raw("GET", "/", "", nil), 200},
		{h, raw("GET", "/index.html", "", nil), 200},
		{h, raw("GET", "/app.js", "", nil), 200},
		{h, raw("GET", "/style.css", "", nil), 200},
		{h, raw("GET", "/openapi.json", "", nil), 200},
		{h, raw("GET", "/healthz", "", nil), 200},
		{h, raw("GET", "/readyz", "", nil), 200},
		{h, raw("GET", "/metrics", "", nil), 200},
		{h, raw("GET", "/api/v1/rules", "", nil), 200},
		{h, raw("GET", "/api/v1/rules/narrative", "", nil), 200},
		{h, raw("GET", "/api/v1/template.xlsx?style=shanghai", "", nil), 200},
		{h, raw("GET", "/api/v1/template.xlsx?style=yunnan", "", nil), 200},
		{h, raw("GET", "/api/v1/template.xlsx?style=word", "", nil), 400},
		{h, raw("GET", "/api/v1/sample.xlsx", "", nil), 200},
		{h, raw("GET", "/api/v1/sample.docx", "", nil), 200},
		{h, raw("GET", "/api/v1/draft", "", nil), 200},
		{h, raw("GET", "/api/v1/draft?format=txt", "", nil), 200},
		{h, raw("GET", "/api/v1/draft?format=pdf", "", nil), 400},
		{h, form("/api/v1/draft", fx.sample), 200},
		{h, raw("POST", "/api/v1/draft?format=txt", XLSXType, fx.sample), 200},
		{h, raw("POST", "/api/v1/draft?format=xlsx", XLSXType, fx.sample), 400},
		{h, raw("POST", "/api/v1/draft", XLSXType, fx.noTables), 422},
		{h, form("/api/v1/check", fx.sample), 200},
		{h, raw("POST", "/api/v1/check", XLSXType, fx.sample), 200},
		{h, raw("POST", "/api/v1/check?exact=yes", XLSXType, fx.sample), 400},
		{h, raw("POST", "/api/v1/check?parts=2", XLSXType, fx.sample), 200},
		{h, raw("POST", "/api/v1/check?parts=0", XLSXType, fx.sample), 400},
		{h, raw("POST", "/api/v1/check?parts=abc", XLSXType, fx.sample), 400},
		{h, raw("POST", "/api/v1/check", XLSXType, fx.sample[:len(fx.sample)/3]), 400},
		{small, raw("POST", "/api/v1/check", XLSXType, fx.sample), 413},
		{h, raw("POST", "/api/v1/check", XLSXType, oleXLS()), 415},
		{h, raw("POST", "/api/v1/check", "text/csv", []byte("a,b")), 415},
		{h, raw("POST", "/api/v1/check", XLSXType, fx.noTables), 422},
		{h, form("/api/v1/fill", fx.sample), 200},
		{h, raw("POST", "/api/v1/fill?format=json", XLSXType, fx.sample), 200},
		{h, raw("POST", "/api/v1/check?grid=true", XLSXType, changedFixture(t)), 200},
		{h, raw("POST", "/api/v1/fill?format=json&grid=true&mark_rounding=true", XLSXType, fx.sample), 200},
		{h, raw("POST", "/api/v1/check?grid=maybe", XLSXType, fx.sample), 400},
		{h, raw("POST", "/api/v1/fill?format=xml", XLSXType, fx.sample), 400},
		{h, raw("POST", "/api/v1/fill", XLSXType, encryptedOLE()), 415},
		{small, form("/api/v1/fill", fx.sample), 413},
		{h, raw("POST", "/api/v1/fill", XLSXType, fx.noTables), 422},
		{h, raw("GET", "/api/v1/fill", "", nil), 405},
		{h, raw("POST", "/api/v1/batch?report_only=true", ZipType, zipOf(t, map[string][]byte{"a.xlsx": fx.sample})), 200},
		{h, raw("POST", "/api/v1/batch", ZipType, []byte("not a zip")), 400},
		{def, form("/api/v1/round", roundFixture(t)), 200},
		{def, raw("POST", "/api/v1/round?format=json", XLSXType, roundFixture(t)), 200},
		{h, raw("POST", "/api/v1/round", XLSXType, fx.sample), 422},
		{h, raw("POST", "/api/v1/round?format=csv", XLSXType, fx.sample), 400},
		{h, crossSite(raw("POST", "/api/v1/round", XLSXType, fx.sample)), 403},
		{h, raw("GET", "/no/such/page", "", nil), 404},
		{h, raw("POST", "/api/v1/check?parts=00", XLSXType, fx.sample), 400},
		{h, crossSite(raw("POST", "/api/v1/check", XLSXType, fx.sample)), 403},
		{h, crossSite(raw("POST", "/api/v1/fill", XLSXType, fx.sample)), 403},
		{h, crossSite(raw("POST", "/api/v1/batch", ZipType, fx.sample)), 403},
		{slow, trickle("/api/v1/check", XLSXType, fx.sample), 408},
		{slow, trickle("/api/v1/fill", XLSXType, fx.sample), 408},
		{slow, trickle("/api/v1/batch", ZipType, fx.sample), 408},
		{h, raw("POST", "/api/v1/fill", XLSXType, hostileCase(t, "xlsm")), 200},
		{def, raw("POST", "/api/v1/fill", XLSXType, hostile.ManyStyles(66000)), 422},
		{def, narrativeForm(t, "/api/v1/check", fx.sample, "说明.txt", []byte("本年收入合计4,113.55万元。")), 200},
		{def, narrativeForm(t, "/api/v1/check", fx.sample, "说明.pdf", noTextPDF), 422},
		{def, narrativeForm(t, "/api/v1/check", fx.sample, "说明.doc", oleXLS()), 415},
		{def, narrativeForm(t, "/api/v1/fill", fx.sample, "说明.docx", []byte("PK\x03\x04junk")), 400},
		{def, narrativeForm(t, "/api/v1/fill?format=json", fx.sample, "说明.txt", []byte("本年收入合计4,113.55万元。")), 200},
		{def, narrativeForm(t, "/api/v1/fill", fx.sample, "说明.docx", docxOfText(t, []byte("本年收入合计4,213.55万元。"))), 200},
		{def, narrativeForm(t, "/api/v1/fill?part=narrative", fx.sample, "说明.docx", docxOfText(t, []byte("本年收入合计4,213.55万元。"))), 200},
		{def, narrativeForm(t, "/api/v1/fill?part=narrative", fx.sample, "说明.txt", []byte("本年收入合计4,213.55万元。")), 422},
		{def, narrativeForm(t, "/api/v1/fill?part=all", fx.sample, "说明.txt", []byte("本年收入合计4,213.55万元。")), 400},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		name := tc.req.Method + " " + tc.req.URL.String()
		rec := do(tc.handler, tc.req)
		if rec.Code != tc.status {
			t.Errorf("%s: status %d, want %d: %.200s", name, rec.Code, tc.status, rec.Body.String())
			continue
		}
		var resp *oaResponse
		op := doc.Paths[tc.req.URL.Path][strings.ToLower(tc.req.Method)]
		switch {
		case op != nil:
			resp = doc.response(op.Responses[fmt.Sprint(rec.Code)])
			if resp == nil {
				t.Errorf("%s: status %d not documented", name, rec.Code)
				continue
			}
		case rec.Code == http.StatusNotFound && doc.Paths[tc.req.URL.Path] == nil:
			resp = doc.Components.Responses["NotFound"]
		case rec.Code == http.StatusMethodNotAllowed && doc.Paths[tc.req.URL.Path] != nil:
			resp = doc.Components.Responses["MethodNotAllowed"]
		default:
			t.Errorf("%s: path not documented", name)
			continue
		}
		seen[tc.req.URL.Path+" "+fmt.Sprint(rec.Code)] = true
		mt, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
		if err != nil {
			t.Errorf("%s: Content-Type %q: %v", name, rec.Header().Get("Content-Type"), err)
			continue
		}
		content, ok := resp.Content[mt]
		for k, v := range resp.Content { // media types compare case-insensitively
			if !ok && strings.EqualFold(k, mt) {
				content, ok = v, true
			}
		}
		if !ok {
			t.Errorf("%s: media type %s not documented for %d", name, mt, rec.Code)
			continue
		}
		for hname := range resp.Headers {
			if strings.HasPrefix(hname, "X-Juesuan-") || hname == "Retry-After" || hname == "X-Request-ID" {
				if rec.Header().Get(hname) == "" {
					t.Errorf("%s: documented header %s missing", name, hname)
				}
			}
		}
		if strings.HasSuffix(mt, "json") && content.Schema != nil {
			var v any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Errorf("%s: body is not JSON: %v", name, err)
				continue
			}
			for _, e := range doc.validate("body", content.Schema, v) {
				t.Errorf("%s: %s", name, e)
			}
		}
	}
	// Every operation had at least its success response exercised.
	for p, ops := range doc.Paths {
		for m, op := range ops {
			for status := range op.Responses {
				if strings.HasPrefix(status, "2") && !seen[p+" "+status] {
					t.Errorf("%s %s: documented %s never exercised", strings.ToUpper(m), p, status)
				}
			}
		}
	}
}

// slowReader yields one byte every gap.
type slowReader struct {
	data []byte
	gap  time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	time.Sleep(r.gap)
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}
