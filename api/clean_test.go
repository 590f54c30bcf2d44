package api

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/templates"
)

// TestFillClean: ?clean=true answers the copy for 报送 (no 审核结果 sheet,
// named …-报送.xlsx); while errors remain it is a 422 errors_remain unless
// force=true.
func TestFillClean(t *testing.T) {
	good := func() []byte {
		var b bytes.Buffer
		if _, err := templates.Write(&b, templates.CaseC(), templates.Options{OmitDerived: true}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()
	bad := func() []byte {
		d := templates.CaseC()
		d.Values["T06"]["30201"]["决算数"] = "13.78"
		var b bytes.Buffer
		if _, err := templates.Write(&b, d, templates.Options{}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()
	h, _ := newTestServer(t, Config{})
	for _, tc := range []struct {
		name   string
		body   []byte
		query  string
		status int
		want   string
	}{
		{"clean", good, "?clean=true&name=单位.xlsx", 200, "单位-报送.xlsx"},
		{"errors remain", bad, "?clean=true", 422, "errors_remain"},
		{"forced", bad, "?clean=true&force=true", 200, "-报送.xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/fill"+tc.query, bytes.NewReader(tc.body))
			req.Header.Set("Content-Type", XLSXType)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body.String()[:min(300, w.Body.Len())])
			}
			if tc.status != 200 {
				if !strings.Contains(w.Body.String(), tc.want) || !strings.Contains(w.Body.String(), "报送版") {
					t.Errorf("problem lacks %q: %s", tc.want, w.Body)
				}
				return
			}
			if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "%E6%8A%A5%E9%80%81") {
				t.Errorf("Content-Disposition %q does not name the 报送 copy", cd)
			}
			zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				if strings.Contains(f.Name, "comments") || strings.Contains(f.Name, "vmlDrawing") {
					t.Errorf("clean copy has %s", f.Name)
				}
			}
			wbx := readPart(t, zr, "xl/workbook.xml")
			if strings.Contains(wbx, "审核结果") {
				t.Error("clean copy has the 审核结果 sheet")
			}
		})
	}
}

func readPart(t *testing.T, zr *zip.Reader, name string) string {
	t.Helper()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			var b bytes.Buffer
			if _, err := b.ReadFrom(rc); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}
