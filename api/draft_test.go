package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

// TestDraftAPI: POST /api/v1/draft answers the draft of the uploaded
// workbook (docx named <stem>.说明草稿.docx, or txt), with and without a
// prior year; GET drafts the sample; a bad format is 400 naming the field.
func TestDraftAPI(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{})
	post := func(path string, files map[string]namedFile) *http.Request {
		body, ct := multipartBody(t, files, nil)
		r := httptest.NewRequest(http.MethodPost, path, body)
		r.Header.Set("Content-Type", ct)
		return r
	}
	tests := []struct {
		name        string
		req         *http.Request
		status      int
		ctype       string
		file        string // RFC 5987 name
		contains    string
		placeholder bool
	}{
		{"docx", post("/api/v1/draft", map[string]namedFile{"file": {"单位决算.xlsx", fx.sample}}), 200, DOCXType, "单位决算.说明草稿.docx", "收入总计4,126.63万元", true},
		{"txt", post("/api/v1/draft?format=txt", map[string]namedFile{"file": {"单位决算.xlsx", fx.sample}}), 200, "text/plain", "单位决算.说明草稿.txt", "收入总计4,126.63万元", true},
		{"prior", post("/api/v1/draft?format=txt", map[string]namedFile{"file": {"a.xlsx", fx.sample}, "prior": {"p.xlsx", fx.sample}}), 200, "text/plain", "a.说明草稿.txt", "收入支出总计与上年持平", true},
		{"shanghai", post("/api/v1/draft?format=txt", map[string]namedFile{"file": {"b.xlsx", fx.shanghai}}), 200, "text/plain", "b.说明草稿.txt", "一般公共预算财政拨款支出4,068.52万元", true},
		{"sample draft", httptest.NewRequest(http.MethodGet, "/api/v1/draft?format=txt", nil), 200, "text/plain", "示例.说明草稿.txt", "昌吉回族自治州应急管理局2024年度部门决算公开说明", true},
		{"sample narrative", httptest.NewRequest(http.MethodGet, "/api/v1/sample.docx", nil), 200, DOCXType, "示例-决算公开说明.docx", "机关运行经费支出121.25万元", false},
		// A bidi override in the upload's name never reaches the download's.
		{"bidi name", post("/api/v1/draft?format=txt", map[string]namedFile{"file": {"a\u202excod.xlsx", fx.sample}}), 200, "text/plain", "axcod.说明草稿.txt", "收入总计4,126.63万元", true},
		{"bad format", post("/api/v1/draft?format=pdf", map[string]namedFile{"file": {"a.xlsx", fx.sample}}), 400, "application/problem+json", "", "format", false},
		{"bad prior", post("/api/v1/draft", map[string]namedFile{"file": {"a.xlsx", fx.sample}, "prior": {"p.xlsx", []byte("PK\x03\x04junk")}}), 400, "application/problem+json", "", "上年决算工作簿", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tt.status, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q", ct)
			}
			text := rec.Body.String()
			if tt.status == 200 {
				if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape(tt.file)) {
					t.Errorf("Content-Disposition %q, want the name %s", cd, tt.file)
				}
				if tt.ctype == DOCXType {
					doc, err := narrative.ReadBytes(rec.Body.Bytes(), tt.file, narrative.Limits{})
					if err != nil {
						t.Fatal(err)
					}
					text = doc.Text()
				}
				if got := strings.Contains(text, "【请填写】"); got != tt.placeholder {
					t.Errorf("placeholder present: %v, want %v", got, tt.placeholder)
				}
			}
			if !strings.Contains(text, tt.contains) {
				t.Errorf("answer lacks %q:\n%.600s", tt.contains, text)
			}
		})
	}
}

// TestSampleBothFiles is what 试用示例 does: fetch sample.xlsx and
// sample.docx and send both to /check: no error, no placeholder, no
// unbound figure; only 尾差 from the narrative.
func TestSampleBothFiles(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	xl := do(h, httptest.NewRequest(http.MethodGet, "/api/v1/sample.xlsx", nil))
	dx := do(h, httptest.NewRequest(http.MethodGet, "/api/v1/sample.docx", nil))
	if xl.Code != 200 || dx.Code != 200 {
		t.Fatalf("sample.xlsx %d, sample.docx %d", xl.Code, dx.Code)
	}
	rec := do(h, narrativeForm(t, "/api/v1/check", xl.Body.Bytes(), "示例-决算公开说明.docx", dx.Body.Bytes()))
	if rec.Code != 200 {
		t.Fatalf("check: %d %.300s", rec.Code, rec.Body.String())
	}
	var rep model.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Errors != 0 {
		t.Errorf("%d errors", rep.Summary.Errors)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Narrative == nil {
			continue
		}
		n++
		if f.Severity != model.SevInfo || !strings.Contains(f.Message, "尾差") {
			t.Errorf("%s %s %s", f.Rule, f.Severity, f.Message)
		}
	}
	if n == 0 {
		t.Error("the narrative was not checked")
	}
}
