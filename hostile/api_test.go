package hostile

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/juesuan/juesuan/api"
	"github.com/juesuan/juesuan/model"
)

// apiStatus is the HTTP status issue 5 assigns to each error code.
var apiStatus = map[string]int{
	model.ENotXLSX:   http.StatusUnsupportedMediaType,
	model.EXLS:       http.StatusUnsupportedMediaType,
	model.EEncrypted: http.StatusUnsupportedMediaType,
	model.ECorrupt:   http.StatusBadRequest,
	model.ETooLarge:  http.StatusRequestEntityTooLarge,
	model.ETooMany:   http.StatusRequestEntityTooLarge,
}

// TestCorpusAPI sends every case to POST /api/v1/check as a raw body (the
// way the macros send it) and asserts the status, the problem+json code and
// its Chinese detail, or the report with the case's finding.
func TestCorpusAPI(t *testing.T) {
	gin.SetMode(gin.TestMode)
	h := api.New(api.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, c := range Corpus() {
		t.Run(c.Name, func(t *testing.T) {
			data := c.Bytes()
			req := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(data))
			req.Header.Set("Content-Type", api.XLSXType)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)

			code, status := c.Want.Code, apiStatus[c.Want.Code]
			if len(data) == 0 {
				// An empty body never reaches the pipeline: no file was sent.
				code, status = model.EInvalid, http.StatusBadRequest
			}
			if code == "" {
				status = http.StatusOK
			}
			if w.Code != status {
				t.Fatalf("status %d, want %d; body %.300s", w.Code, status, w.Body.String())
			}
			if code != "" {
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
					t.Errorf("Content-Type %q, want application/problem+json", ct)
				}
				var p api.Problem
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
					t.Fatalf("problem body: %v", err)
				}
				if p.Code != code || p.Status != status || !hasHan(p.Detail) || p.RequestID == "" {
					t.Errorf("problem %+v, want code %s status %d with a Chinese detail and a request id", p, code, status)
				}
				return
			}
			var rep model.Report
			if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
				t.Fatalf("report body: %v", err)
			}
			if got := w.Header().Get(api.HeaderStatus); got != string(rep.Status) || got == "" {
				t.Errorf("%s header %q, report status %q", api.HeaderStatus, got, rep.Status)
			}
			if r := c.Want.Rule; r != "" && !slices.ContainsFunc(rep.Findings, func(f model.Finding) bool {
				return f.Rule == r && (c.Want.Cell == "" || f.Sheet+"!"+f.Cell == c.Want.Cell)
			}) {
				t.Errorf("report lacks %s at %q", r, c.Want.Cell)
			}
		})
	}
}
