package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/templates"
)

// TestYearParameter: ?year= chooses the rule pack (named in the report's
// pack) and a bad year is a 400 with a Chinese detail naming the field.
func TestYearParameter(t *testing.T) {
	var wb bytes.Buffer
	if _, err := templates.Write(&wb, templates.CaseC(), templates.Options{}); err != nil {
		t.Fatal(err)
	}
	h, _ := newTestServer(t, Config{})
	for _, tc := range []struct {
		query      string
		status     int
		year       int
		source     string
		detailPart string
	}{
		{"", 200, 2024, "default", ""},
		{"?year=2025", 200, 2025, "asked", ""},
		{"?year=2026", 200, 2026, "asked", ""},
		{"?year=25", 400, 0, "", "year（决算年度）"},
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/check"+tc.query, bytes.NewReader(wb.Bytes()))
		req.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.status {
			t.Fatalf("%q: status %d, want %d: %s", tc.query, w.Code, tc.status, w.Body)
		}
		if tc.status != 200 {
			if !strings.Contains(w.Body.String(), tc.detailPart) {
				t.Errorf("%q: detail lacks %q: %s", tc.query, tc.detailPart, w.Body)
			}
			continue
		}
		var rep struct {
			Pack struct {
				Year   int    `json:"year"`
				Source string `json:"source"`
			} `json:"pack"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Pack.Year != tc.year || rep.Pack.Source != tc.source {
			t.Errorf("%q: pack %+v, want %d %s", tc.query, rep.Pack, tc.year, tc.source)
		}
	}
}
