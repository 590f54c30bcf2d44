package api

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrativetest"
)

func seedNarrative(t testing.TB) []byte { return narrativetest.Seed(t) }

// docxOfText writes text as a .docx (narrativetest.DOCXOfText).
func docxOfText(t testing.TB, text []byte) []byte { return narrativetest.DOCXOfText(t, text) }

// workbookFindings counts the findings of the workbook's rules (the
// narrative's are N01…N26).
func workbookFindings(rep model.Report) int {
	n := 0
	for _, f := range rep.Findings {
		if len(f.Rule) < 2 || f.Rule[0] != 'N' || f.Rule[1] < '0' || f.Rule[1] > '9' {
			n++
		}
	}
	return n
}

// plantedSeed is the seed with 本年收入 4,113.55 restated as 4,213.55.
func plantedSeed(t testing.TB) []byte {
	seed := seedNarrative(t)
	bad := bytes.Replace(seed, []byte("本年收入4,113.55"), []byte("本年收入4,213.55"), 1)
	if bytes.Equal(bad, seed) {
		t.Fatal("the planted figure is not in the seed")
	}
	return bad
}

func narrativeForm(t testing.TB, path string, workbook []byte, narrativeName string, narrative []byte) *http.Request {
	files := map[string]namedFile{"file": {"单位.xlsx", workbook}}
	if narrative != nil {
		files["narrative"] = namedFile{narrativeName, narrative}
	}
	body, ct := multipartBody(t, files, nil)
	r := httptest.NewRequest(http.MethodPost, path, body)
	r.Header.Set("Content-Type", ct)
	return r
}

func narrativeFindings(rep model.Report) (n, errs int) {
	for _, f := range rep.Findings {
		if f.Narrative != nil {
			n++
			if f.Severity == model.SevError {
				errs++
			}
		}
	}
	return n, errs
}

// TestCheckNarrativePart: POST /api/v1/check with a narrative part answers
// one report covering both documents: the narrative's findings with their
// paragraph, status, counts and summary headers over both.
func TestCheckNarrativePart(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{})
	seed := seedNarrative(t)
	bad := plantedSeed(t)

	alone := do(h, narrativeForm(t, "/api/v1/check", fx.sample, "", nil))
	var base model.Report
	if alone.Code != 200 || json.Unmarshal(alone.Body.Bytes(), &base) != nil {
		t.Fatalf("workbook alone: %d %.200s", alone.Code, alone.Body.String())
	}
	cases := []struct {
		name       string
		narr       []byte
		file       string
		status     string
		narrErrors int
	}{
		{"seed txt", seed, "说明.txt", "warn", 0},
		{"seed docx", docxOfText(t, seed), "说明.docx", "warn", 0},
		{"planted txt", bad, "说明.txt", "fail", 1},
		{"planted docx", docxOfText(t, bad), "说明.docx", "fail", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, narrativeForm(t, "/api/v1/check", fx.sample, tc.file, tc.narr))
			if rec.Code != 200 {
				t.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
			}
			var rep model.Report
			if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
				t.Fatal(err)
			}
			n, errs := narrativeFindings(rep)
			if n == 0 || (errs == 0) != (tc.narrErrors == 0) {
				t.Fatalf("narrative findings %d, errors %d, want errors %d", n, errs, tc.narrErrors)
			}
			if string(rep.Status) != tc.status || rep.Summary.Errors != base.Summary.Errors+errs {
				t.Errorf("status %s errors %d; want %s, %d", rep.Status, rep.Summary.Errors, tc.status, base.Summary.Errors+errs)
			}
			if got := rec.Header().Get(HeaderStatus); got != string(rep.Status) {
				t.Errorf("%s %s, report %s", HeaderStatus, got, rep.Status)
			}
			if got := rec.Header().Get(HeaderErrors); got != strconv.Itoa(rep.Summary.Errors) {
				t.Errorf("%s %s, report %d", HeaderErrors, got, rep.Summary.Errors)
			}
			if workbookFindings(rep) != len(base.Findings) || rep.Pack != base.Pack || len(rep.Unchecked) != len(base.Unchecked) {
				t.Errorf("the workbook's part of the report changed: %d findings (workbook %d + narrative %d), pack %+v vs %+v",
					workbookFindings(rep), len(base.Findings), n, rep.Pack, base.Pack)
			}
			if tc.narrErrors > 0 {
				found := false
				for _, f := range rep.Findings {
					if f.Narrative != nil && f.Severity == model.SevError && f.Rule == "N01" {
						found = found || strings.Contains(f.Narrative.Quote, "4,213.55") && f.Narrative.Paragraph == 32
					}
				}
				if !found {
					t.Errorf("the planted figure is not the error's quote")
				}
			}
		})
	}
}

// noTextPDF is a one-page PDF without a text layer (as a scan is).
var noTextPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n4 0 obj<</Length 0>>stream\n\nendstream endobj\n" +
	"trailer<</Root 1 0 R>>\n%%EOF\n")

// TestNarrativeProblems: a narrative that cannot be read fails the request
// with the reader's stable code, a Chinese detail that names the narrative
// and the status of that code.
func TestNarrativeProblems(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{})
	small, _ := newTestServer(t, Config{MaxUpload: int64(len(fx.sample)) + 1<<10})
	ole := oleXLS()
	manyEntries := map[string][]byte{}
	for i := range 2100 { // the reader takes 2,000
		manyEntries[fmt.Sprintf("word/media/%d.png", i)] = nil
	}
	cases := []struct {
		name   string
		h      http.Handler
		file   string
		data   []byte
		status int
		code   string
	}{
		{"broken zip", h, "说明.docx", []byte("PK\x03\x04junk"), 400, model.ECorrupt},
		{"legacy doc", h, "说明.doc", ole, 415, model.EUnsupported},
		{"encrypted docx", h, "说明.docx", ole, 415, model.EEncrypted},
		{"zip without document", h, "说明.docx", zipOf(t, map[string][]byte{"a.txt": []byte("x")}), 415, model.EUnsupported},
		{"binary", h, "说明.bin", append([]byte("abc"), make([]byte, 64)...), 415, model.EUnsupported},
		{"empty text", h, "说明.txt", []byte(" \n\n "), 400, model.EInvalid},
		{"bad encoding", h, "说明.txt", []byte{0xff, 0xff, 0xff, 0x81}, 400, model.EInvalid},
		{"scanned pdf", h, "说明.pdf", noTextPDF, 422, "no_text"},
		{"too large", small, "说明.txt", bytes.Repeat([]byte("说"), len(fx.sample)/3+1<<10), 413, model.ETooLarge},
		{"too many entries", h, "说明.docx", zipOf(t, manyEntries), 413, model.ETooMany},
	}
	for _, tc := range cases {
		for _, path := range []string{"/api/v1/check", "/api/v1/fill"} {
			t.Run(tc.name+path, func(t *testing.T) {
				rec := do(tc.h, narrativeForm(t, path, fx.sample, tc.file, tc.data))
				if rec.Code != tc.status {
					t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body.String())
				}
				p := decodeProblem(t, rec)
				if p.Code != tc.code || !strings.Contains(p.Detail, "说明") {
					t.Errorf("code %s detail %q; want code %s and a Chinese detail naming the narrative", p.Code, p.Detail, tc.code)
				}
			})
		}
	}
}

// TestNarrativeAdmission: the narrative's bytes count in memory admission
// (the request reserves its whole declared body) and in the multipart body
// limit (three files of MaxUpload each).
func TestNarrativeAdmission(t *testing.T) {
	fx := fixtures(t)
	n := len(fx.sample)
	narr := bytes.Repeat([]byte("本年收入合计4,113.55万元。\n"), n/36+1)[:n/36*36]
	tight, _ := newTestServer(t, Config{MemoryBudget: int64(n) + int64(len(narr))/2})
	if rec := do(tight, narrativeForm(t, "/api/v1/check", fx.sample, "", nil)); rec.Code != 200 {
		t.Fatalf("workbook alone within the budget: %d %s", rec.Code, rec.Body.String())
	}
	rec := do(tight, narrativeForm(t, "/api/v1/check", fx.sample, "说明.txt", narr))
	if rec.Code != http.StatusRequestEntityTooLarge || decodeProblem(t, rec).Code != model.ETooLarge {
		t.Fatalf("workbook and narrative beyond the budget: %d %s", rec.Code, rec.Body.String())
	}
	// Workbook, prior and narrative, each within MaxUpload, fit one
	// multipart body; the memory floor holds such a body.
	srv, _ := newServer(Config{MaxUpload: 1 << 20})
	if got, want := srv.limitFor("/api/v1/check", "multipart/form-data"), int64(3<<20+64<<10); got != want {
		t.Errorf("multipart limit %d, want %d", got, want)
	}
	if got := defaultMemoryBudget(1, 200<<20); got < 3*200<<20 {
		t.Errorf("memory floor %d holds less than three uploads", got)
	}
	h, _ := newTestServer(t, Config{})
	files := map[string]namedFile{"file": {"a.xlsx", fx.sample}, "prior": {"b.xlsx", fx.sample}, "narrative": {"说明.txt", narr}}
	body, ct := multipartBody(t, files, nil)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/check", body)
	req.Header.Set("Content-Type", ct)
	if rec := do(h, req); rec.Code != 200 {
		t.Fatalf("workbook, prior and narrative: %d %s", rec.Code, rec.Body.String())
	}
}

func unzipAll(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = b
	}
	return out
}

// juesuanComments counts the comments juesuan wrote into a docx.
func juesuanComments(t *testing.T, docx []byte) int {
	t.Helper()
	c := unzipAll(t, docx)["word/comments.xml"]
	return strings.Count(string(c), `w:author="决算审核助手"`)
}

// TestFillNarrativePart: POST /api/v1/fill with a narrative answers a zip
// of the annotated workbook, the annotated docx and the report of both;
// part=narrative the docx alone; a text narrative cannot be annotated
// (the zip's report says so; alone it is 422 narrative_not_docx).
func TestFillNarrativePart(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{})
	bad := plantedSeed(t)
	docx := docxOfText(t, bad)

	rec := do(h, narrativeForm(t, "/api/v1/fill", fx.sample, "单位说明.docx", docx))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != ZipType {
		t.Fatalf("fill with docx: %d %s %.300s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	if rec.Header().Get(HeaderStatus) != "fail" || rec.Header().Get(HeaderErrors) == "0" {
		t.Errorf("status %s errors %s: the planted fault is an error", rec.Header().Get(HeaderStatus), rec.Header().Get(HeaderErrors))
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, ".zip") {
		t.Errorf("Content-Disposition %q", cd)
	}
	files := unzipAll(t, rec.Body.Bytes())
	const unit = "昌吉回族自治州应急管理局"
	bookName, docName := model.ResultName(unit, "单位.xlsx", model.TagAudit), model.ResultName(unit, "单位说明.docx", model.TagAudit)
	if docName != unit+"（单位说明）.审核.docx" {
		t.Errorf("docx named %s", docName)
	}
	book, doc, report := files[bookName], files[docName], files["审核报告.txt"]
	if book == nil || doc == nil || report == nil || len(files) != 3 {
		names := []string{}
		for n := range files {
			names = append(names, n)
		}
		t.Fatalf("zip holds %q", names)
	}
	if n := juesuanComments(t, doc); n == 0 {
		t.Errorf("the annotated docx has no comments")
	}
	if !strings.Contains(string(report), "说明第 33 段") {
		t.Errorf("the report does not cite the narrative:\n%s", report)
	}
	if _, err := zip.NewReader(bytes.NewReader(book), int64(len(book))); err != nil {
		t.Errorf("workbook in the zip: %v", err)
	}

	rec = do(h, narrativeForm(t, "/api/v1/fill?part=narrative", fx.sample, "单位说明.docx", docx))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != DOCXType || !bytes.Equal(rec.Body.Bytes(), doc) {
		t.Fatalf("part=narrative: %d %s (same docx as in the zip: %v)", rec.Code, rec.Header().Get("Content-Type"), bytes.Equal(rec.Body.Bytes(), doc))
	}
	rec = do(h, narrativeForm(t, "/api/v1/fill?part=workbook", fx.sample, "单位说明.docx", docx))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != XLSXType || rec.Header().Get(HeaderStatus) != "fail" {
		t.Fatalf("part=workbook: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get(HeaderStatus))
	}
	rec = do(h, narrativeForm(t, "/api/v1/fill?format=json", fx.sample, "单位说明.docx", docx))
	var rep model.Report
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &rep) != nil || rep.Status != "fail" {
		t.Fatalf("format=json: %d %.200s", rec.Code, rec.Body.String())
	}
	if n, errs := narrativeFindings(rep); n == 0 || errs == 0 {
		t.Errorf("format=json: narrative findings %d, errors %d", n, errs)
	}

	// a text narrative: the zip has the workbook and the report with the note
	rec = do(h, narrativeForm(t, "/api/v1/fill", fx.sample, "说明.txt", bad))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != ZipType {
		t.Fatalf("fill with txt: %d %.300s", rec.Code, rec.Body.String())
	}
	files = unzipAll(t, rec.Body.Bytes())
	if len(files) != 2 || files[bookName] == nil || !strings.Contains(string(files["审核报告.txt"]), "无法在其中加批注") {
		t.Errorf("txt zip: %d files, report %.300s", len(files), files["审核报告.txt"])
	}
	rec = do(h, narrativeForm(t, "/api/v1/fill?part=narrative", fx.sample, "说明.txt", bad))
	if rec.Code != 422 || decodeProblem(t, rec).Code != CodeNarrativeNotDocx {
		t.Fatalf("part=narrative with txt: %d %s", rec.Code, rec.Body.String())
	}
	rec = do(h, narrativeForm(t, "/api/v1/fill?part=narrative", fx.sample, "", nil))
	if rec.Code != 400 || decodeProblem(t, rec).Code != model.EInvalid {
		t.Fatalf("part=narrative without one: %d %s", rec.Code, rec.Body.String())
	}
	// The 报送版 is a workbook: part=narrative with clean=true is refused,
	// never answered with the workbook.
	for _, name := range []string{"单位说明.docx", "说明.txt"} {
		body := docx
		if name == "说明.txt" {
			body = bad
		}
		rec = do(h, narrativeForm(t, "/api/v1/fill?part=narrative&clean=true&force=true", fx.sample, name, body))
		if p := decodeProblem(t, rec); rec.Code != 400 || p.Code != model.EInvalid || !strings.Contains(p.Detail, "clean=true") {
			t.Fatalf("part=narrative with clean, %s: %d %s", name, rec.Code, rec.Body.String())
		}
	}
	rec = do(h, narrativeForm(t, "/api/v1/fill?part=both", fx.sample, "说明.txt", bad))
	if rec.Code != 400 {
		t.Fatalf("part=both: %d", rec.Code)
	}
}
