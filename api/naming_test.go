package api

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// TestResultDownloadName: /fill names its result as the CLI and batch do
// (单位名（文件名）.审核.xlsx, model.ResultName), and its ASCII fallback
// differs from the upload's name, so `curl -OJ` beside the upload writes a
// new file instead of refusing to overwrite.
func TestResultDownloadName(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{})
	const unit = "昌吉回族自治州应急管理局"
	for _, tc := range []struct {
		name, upload, query string
		data                []byte
		want, wantASCII     string
	}{
		{"unit and file", "report.xlsx", "", fx.sample, unit + "（report）.审核.xlsx", "report.audited.xlsx"},
		{"chinese file", "2024年部门决算.xlsx", "", fx.sample, unit + "（2024年部门决算）.审核.xlsx", "2024.audited.xlsx"},
		{"file holds the unit", unit + "2024.xlsx", "", fx.sample, unit + "2024.审核.xlsx", "2024.audited.xlsx"},
		{"windows path", `C:\Users\会计\Desktop\决算.XLSX`, "", fx.sample, unit + "（决算）.审核.xlsx", "juesuan.audited.xlsx"},
		{"clean copy", "report.xlsx", "?clean=true&force=true", fx.sample, unit + "（report）.报送.xlsx", "report.clean.xlsx"},
		{"no unit printed", "blank.xlsx", "", fx.blank, "blank.审核.xlsx", "blank.audited.xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartBody(t, map[string]namedFile{"file": {tc.upload, tc.data}}, nil)
			r := httptest.NewRequest(http.MethodPost, "/api/v1/fill"+tc.query, body)
			r.Header.Set("Content-Type", ct)
			rec := do(h, r)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			cd := rec.Header().Get("Content-Disposition")
			_, params, err := mime.ParseMediaType(cd)
			if err != nil || params["filename"] != tc.want {
				t.Errorf("filename* of %q: %q (%v), want %q", tc.upload, params["filename"], err, tc.want)
			}
			// The plain filename= is what curl -OJ and old clients use.
			plain := between(cd, `filename="`, `"`)
			if plain != tc.wantASCII {
				t.Errorf("ASCII fallback of %q: %q, want %q", tc.upload, plain, tc.wantASCII)
			}
			if plain == tc.upload {
				t.Errorf("ASCII fallback equals the upload's name %q", tc.upload)
			}
		})
	}
	// A raw body has no name: the unit alone names the result.
	r := httptest.NewRequest(http.MethodPost, "/api/v1/fill", bytes.NewReader(fx.sample))
	r.Header.Set("Content-Type", XLSXType)
	assertDisposition(t, do(h, r), unit+".审核.xlsx")
}

// between is the text of s after a and before the next b.
func between(s, a, b string) string {
	_, s, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	s, _, _ = strings.Cut(s, b)
	return s
}

// TestNoFileMessage: an upload without a workbook is told so in the
// accountant's words (no field names, no code in the text).
func TestNoFileMessage(t *testing.T) {
	h, _ := newTestServer(t, Config{})
	empty := httptest.NewRequest(http.MethodPost, "/api/v1/check", strings.NewReader(""))
	empty.Header.Set("Content-Type", XLSXType)
	body, ct := multipartBody(t, map[string]namedFile{"file": {"空.xlsx", nil}}, nil)
	form := httptest.NewRequest(http.MethodPost, "/api/v1/fill", body)
	form.Header.Set("Content-Type", ct)
	for name, r := range map[string]*http.Request{"empty body": empty, "empty file part": form} {
		rec := do(h, r)
		var p Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", name, rec.Code, rec.Body.String())
		}
		const want = "没有收到文件，或上传的文件是空的：请选择要审核的 .xlsx 工作簿后重新上传。"
		if p.Detail != want || p.Code != model.EInvalid {
			t.Errorf("%s: detail %q code %q, want %q invalid", name, p.Detail, p.Code, want)
		}
	}
}
