package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
)

// roundFixture is a generated 元 workbook whose balance moves 7 figures
// (rounding/testdata/adjusted.golden says which).
func roundFixture(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "rounding", "testdata", "golden-yuan.xlsx"))
	if err != nil {
		t.Fatalf("round fixture: %v", err)
	}
	return data
}

// TestRound pins the contract of POST /api/v1/round the page's button
// calls: the 万元 workbook named <stem>.万元.xlsx with the adjusted count
// in a header, or with format=json the adjustments; problem+json with a
// stable code otherwise.
func TestRound(t *testing.T) {
	fx := fixtures(t)
	yuan := roundFixture(t)
	h, _ := newTestServer(t, Config{})
	form := func(q string, name string, data []byte, fields map[string]string) *http.Request {
		body, ct := multipartBody(t, map[string]namedFile{"file": {name, data}}, fields)
		r := httptest.NewRequest(http.MethodPost, "/api/v1/round"+q, body)
		r.Header.Set("Content-Type", ct)
		return r
	}
	raw := func(q string, data []byte) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/round"+q, bytes.NewReader(data))
		r.Header.Set("Content-Type", XLSXType)
		return r
	}
	tests := []struct {
		name     string
		req      *http.Request
		status   int
		code     string // problem code
		detail   string // in the problem's detail
		filename string // decoded RFC 5987 file name of an xlsx answer
		json     bool
	}{
		{name: "multipart xlsx", req: form("", "单位_元.xlsx", yuan, nil), status: 200, filename: "单位_元.万元.xlsx"},
		{name: "raw body with name", req: raw("?name=%E7%94%B2%E5%8D%95%E4%BD%8D.xlsx", yuan), status: 200, filename: "甲单位.万元.xlsx"},
		{name: "raw body, no name", req: raw("", yuan), status: 200, filename: "决算表.万元.xlsx"},
		{name: "json", req: raw("?format=json", yuan), status: 200, json: true},
		{name: "json as a form field", req: form("", "a.xlsx", yuan, map[string]string{"format": "json"}), status: 200, json: true},
		{name: "already 万元", req: raw("", fx.sample), status: 422, code: model.ENotYuan, detail: "以元为单位"},
		{name: "no tables", req: raw("", fx.noTables), status: 422, code: model.ENoTables},
		{name: "bad format", req: raw("?format=xml", yuan), status: 400, code: model.EInvalid},
		{name: "not a workbook", req: raw("", []byte("hello")), status: 415},
		{name: "empty", req: raw("", nil), status: 400, code: model.EInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, tc.req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tc.status, rec.Body.String())
			}
			if tc.status != 200 {
				p := decodeProblem(t, rec)
				if tc.code != "" && p.Code != tc.code {
					t.Errorf("code %s, want %s (%s)", p.Code, tc.code, p.Detail)
				}
				if !strings.Contains(p.Detail, tc.detail) || p.Detail == "" {
					t.Errorf("detail %q lacks %q", p.Detail, tc.detail)
				}
				return
			}
			adjusted, err := strconv.Atoi(rec.Header().Get(HeaderAdjusted))
			if err != nil || adjusted != 7 {
				t.Errorf("%s: %q, want 7", HeaderAdjusted, rec.Header().Get(HeaderAdjusted))
			}
			if got := rec.Header().Get(HeaderResidual); got != "0" {
				t.Errorf("%s: %q", HeaderResidual, got)
			}
			if tc.json {
				var rep RoundReport
				if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
					t.Fatal(err)
				}
				if len(rep.Adjusted) != adjusted || rep.Residual == nil || rep.Unbalanced == nil || rep.Check.Errors != 0 || rep.Figures == 0 {
					t.Errorf("report %+v", rep)
				}
				for _, a := range rep.Adjusted {
					if len(a.Cells) == 0 || a.Exact == "" || (a.Delta != "0.01" && a.Delta != "-0.01") {
						t.Errorf("adjustment %+v", a)
					}
				}
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != XLSXType {
				t.Errorf("Content-Type %q", ct)
			}
			cd := rec.Header().Get("Content-Disposition")
			if want := "filename*=UTF-8''" + percent(tc.filename); !strings.Contains(cd, want) {
				t.Errorf("Content-Disposition %q lacks %q", cd, want)
			}
			// The ASCII name is never the upload's own (curl -OJ refuses to
			// overwrite it): 单位_元.xlsx → juesuan.wanyuan.xlsx.
			if !strings.Contains(cd, `.wanyuan.xlsx"`) {
				t.Errorf("Content-Disposition %q: the ASCII name should end .wanyuan.xlsx", cd)
			}
			// The answer is a 万元 workbook that checks with no error and no 尾差.
			res, err := audit.Check(context.Background(), bytes.NewReader(rec.Body.Bytes()), audit.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Workbook.Unit != model.Wan || res.Report.Summary.Errors != 0 || res.Report.Summary.Infos != 0 {
				t.Errorf("万元 workbook: unit %s, summary %+v", res.Workbook.Unit, res.Report.Summary)
			}
		})
	}
}

// percent is RFC 5987 percent-encoding of a UTF-8 name (attr-char kept).
func percent(s string) string {
	var b strings.Builder
	for _, ch := range []byte(s) {
		if isAttrChar(ch) {
			b.WriteByte(ch)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(ch)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

// TestRoundHonoursMaxUpload: the server's upload limit, not the default,
// bounds round's reading (a 21 MiB 元 workbook under a 40 MiB limit was
// refused as over 20 MiB).
func TestRoundHonoursMaxUpload(t *testing.T) {
	zr, err := zip.NewReader(bytes.NewReader(roundFixture(t)), int64(len(roundFixture(t))))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	// Two photo-sized parts, stored: the file grows past the default limit.
	rng := rand.New(rand.NewSource(1))
	for _, name := range []string{"xl/media/photo1.bin", "xl/media/photo2.bin"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		junk := make([]byte, 21<<19)
		rng.Read(junk)
		w.Write(junk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	h, _ := newTestServer(t, Config{MaxUpload: 40 << 20})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/round?format=json", bytes.NewReader(buf.Bytes()))
	r.Header.Set("Content-Type", XLSXType)
	rec := do(h, r)
	if rec.Code != http.StatusOK {
		t.Fatalf("a %d MiB 元 workbook under a 40 MiB limit: %d %.300s", buf.Len()>>20, rec.Code, rec.Body.String())
	}
}
