package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// vbaNarrativeBody is the body the VBA macro's MultipartBody writes: the
// three WriteUtf8 texts around the two files, as the macro spells them.
func vbaNarrativeBody(boundary, bookName string, book []byte, narrName string, narr []byte) []byte {
	const crlf = "\r\n"
	var b bytes.Buffer
	b.WriteString("--" + boundary + crlf + `Content-Disposition: form-data; name="file"; filename="` + bookName + `"` + crlf + "Content-Type: " + XLSXType + crlf + crlf)
	b.Write(book)
	b.WriteString(crlf + "--" + boundary + crlf + `Content-Disposition: form-data; name="narrative"; filename="` + narrName + `"` + crlf + "Content-Type: application/octet-stream" + crlf + crlf)
	b.Write(narr)
	b.WriteString(crlf + "--" + boundary + "--" + crlf)
	return b.Bytes()
}

// vbaJSONString is the macro's JsonString: the string from i up to an
// unescaped quote, with \n \t \uXXXX undone and any other escaped
// character kept.
func vbaJSONString(body []rune, i int) string {
	var out strings.Builder
	for ; i < len(body); i++ {
		c := body[i]
		if c == '"' {
			break
		}
		if c == '\\' {
			i++
			if i >= len(body) {
				break
			}
			c = body[i]
			switch c {
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			case 'u':
				n, _ := strconv.ParseUint(string(body[i+1:i+5]), 16, 16)
				c = rune(n)
				i += 4
			}
		}
		out.WriteRune(c)
	}
	return out.String()
}

// vbaNarrativeMessages is the macro's NarrativeMessages: for every
// "rule":"N…" the next severity and message, errors and warnings only.
func vbaNarrativeMessages(body string, max int) (lines []string, total int) {
	rs := []rune(body)
	find := func(from int, key string) int {
		k := []rune(key)
		for i := from; i+len(k) <= len(rs); i++ {
			if string(rs[i:i+len(k)]) == key {
				return i
			}
		}
		return -1
	}
	for i := find(0, `"rule":"`); i >= 0; i = find(i+1, `"rule":"`) {
		if !strings.HasPrefix(vbaJSONString(rs, i+len(`"rule":"`)), "N") {
			continue
		}
		sev := vbaJSONString(rs, find(i, `"severity":"`)+len(`"severity":"`))
		msg := vbaJSONString(rs, find(i, `"message":"`)+len(`"message":"`))
		if sev != "info" {
			total++
			if len(lines) < max {
				lines = append(lines, msg)
			}
		}
	}
	return lines, total
}

// TestMacroNarrativeReplay sends exactly the requests the macros'
// "workbook and narrative" entry points send — parts file and narrative
// to /api/v1/check — and asserts what they show: the summary headers and
// the narrative's messages, among them the planted fault's. The VBA body is
// rebuilt from the macro's lines (checked present); the WPS body is made by
// the macro's own multipartBody in node, and its narrativeMessages reads
// the answer.
func TestMacroNarrativeReplay(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{})
	narr := plantedSeed(t)
	const bookName, narrName = "2024年 应急管理局决算.xlsx", "应急管理局决算公开说明.txt"
	const planted = "4,213.55"

	check := func(t *testing.T, ctype, client string, body []byte) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest(http.MethodPost, "/api/v1/check", bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		r.Header.Set("Accept", "application/json, application/problem+json")
		r.Header.Set("X-Juesuan-Client", client)
		rec := do(h, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		var rep model.Report
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rec.Header().Get(HeaderStatus) != "fail" || rec.Header().Get(HeaderErrors) != strconv.Itoa(rep.Summary.Errors) ||
			rec.Header().Get(HeaderWarnings) != strconv.Itoa(rep.Summary.Warnings) {
			t.Errorf("summary headers %v, report %+v", rec.Header(), rep.Summary)
		}
		n, errs := narrativeFindings(rep)
		if n == 0 || errs == 0 {
			t.Errorf("narrative findings %d, errors %d: the narrative part was not checked", n, errs)
		}
		return rec
	}

	t.Run("juesuan.bas", func(t *testing.T) {
		src := macroSource(t, "juesuan.bas")
		for _, l := range []string{
			`Public Sub JuesuanAuditWithNarrative()`,
			`boundary = "----juesuan-" & Format$(Now, "yyyymmddhhnnss")`,
			`body = MultipartBody(boundary, baseName & ".xlsx", book, Mid$(narrPath, InStrRev(narrPath, "\") + 1), narr)`,
			`http.Open "POST", JUESUAN_URL & "/api/v1/check", False`,
			`http.setRequestHeader "Content-Type", "multipart/form-data; boundary=" & boundary`,
			`http.setRequestHeader "Accept", "application/json, application/problem+json"`,
			`http.setRequestHeader "X-Juesuan-Client", "excel-vba/1"`,
			`WriteUtf8 st, "--" & boundary & vbCrLf & "Content-Disposition: form-data; name=""file""; filename=""" & bookName & """" & vbCrLf & "Content-Type: " & XLSX_TYPE & vbCrLf & vbCrLf`,
			`st.Write book`,
			`WriteUtf8 st, vbCrLf & "--" & boundary & vbCrLf & "Content-Disposition: form-data; name=""narrative""; filename=""" & narrName & """" & vbCrLf & "Content-Type: application/octet-stream" & vbCrLf & vbCrLf`,
			`st.Write narr`,
			`WriteUtf8 st, vbCrLf & "--" & boundary & "--" & vbCrLf`,
			`t.Position = 3`, // the UTF-8 BOM ADODB writes is left out
			`i = InStr(body, """rule"":""")`,
			`If Left$(rule, 1) = "N" Then`,
			`sev = JsonString(body, InStr(i, body, """severity"":""") + Len("""severity"":"""))`,
			`msg = JsonString(body, InStr(i, body, """message"":""") + Len("""message"":"""))`,
			`NarrativeMessages(http.responseText, 10)`,
		} {
			if !strings.Contains(src, l) {
				t.Errorf("juesuan.bas no longer contains %q: update the macro or this replay", l)
			}
		}
		boundary := "----juesuan-20261203153000"
		rec := check(t, "multipart/form-data; boundary="+boundary, "excel-vba/1", vbaNarrativeBody(boundary, bookName, fx.sample, narrName, narr))
		lines, total := vbaNarrativeMessages(rec.Body.String(), 10)
		if total == 0 || len(lines) == 0 || !strings.Contains(strings.Join(lines, "\n"), planted) {
			t.Errorf("the macro would show %d of %d messages, without the planted %s:\n%s", len(lines), total, planted, strings.Join(lines, "\n"))
		}
		// Its unescaping gives the report's own text (quotes in quoted narrative text included).
		var rep model.Report
		json.Unmarshal(rec.Body.Bytes(), &rep)
		var want []string
		for _, f := range rep.Findings {
			if strings.HasPrefix(f.Rule, "N") && f.Severity != model.SevInfo && len(want) < 10 {
				want = append(want, f.Message)
			}
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("the macro reads\n%s\nthe report says\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("juesuan-wps.js", func(t *testing.T) {
		src := macroSource(t, "juesuan-wps.js")
		for _, l := range []string{
			`function 决算审核含说明() {`,
			`var boundary = "----juesuan-" + Date.now();`,
			`{ name: "file", filename: base + ".xlsx", type: XLSX_TYPE, data: book },`,
			`{ name: "narrative", filename: String(narrPath).replace(/^.*[\\/]/, ""), type: "application/octet-stream", data: narr }`,
			`xhr.open("POST", JUESUAN_URL + "/api/v1/check", false);`,
			`xhr.setRequestHeader("Content-Type", "multipart/form-data; boundary=" + boundary);`,
			`xhr.setRequestHeader("Accept", "application/json, application/problem+json");`,
			`xhr.setRequestHeader("X-Juesuan-Client", "wps-js/1");`,
			`xhr.send(body);`,
			`narrativeMessages(xhr.responseText, 10)`,
		} {
			if !strings.Contains(src, l) {
				t.Errorf("juesuan-wps.js no longer contains %q: update the macro or this replay", l)
			}
		}
		node, err := exec.LookPath("node")
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("node not installed")
			}
			t.Skip("node not installed")
		}
		macro, err := filepath.Abs("../examples/macros/juesuan-wps.js")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		bookPath, narrPath, bodyPath, answer := filepath.Join(dir, "book.xlsx"), filepath.Join(dir, "narr.txt"), filepath.Join(dir, "body"), filepath.Join(dir, "answer.json")
		os.WriteFile(bookPath, fx.sample, 0o644)
		os.WriteFile(narrPath, narr, 0o644)
		const boundary = "----juesuan-1764775800000"
		// The macro's own multipartBody, with the parts 决算审核含说明 passes.
		prog := `const fs = require("fs"); eval(fs.readFileSync(process.argv[1], "utf8"));
var a = process.argv;
var body = multipartBody(a[2], [
  { name: "file", filename: a[3], type: XLSX_TYPE, data: new Uint8Array(fs.readFileSync(a[4])) },
  { name: "narrative", filename: a[5], type: "application/octet-stream", data: new Uint8Array(fs.readFileSync(a[6])) }
]);
fs.writeFileSync(a[7], Buffer.from(body));`
		if out, err := exec.Command(node, "-e", prog, macro, boundary, bookName, bookPath, narrName, narrPath, bodyPath).CombinedOutput(); err != nil {
			t.Fatalf("node: %v\n%s", err, out)
		}
		body, err := os.ReadFile(bodyPath)
		if err != nil {
			t.Fatal(err)
		}
		if want := vbaNarrativeBody(boundary, bookName, fx.sample, narrName, narr); !bytes.Equal(body, want) {
			t.Errorf("the WPS body (%d bytes) is not the VBA body (%d bytes)", len(body), len(want))
		}
		rec := check(t, "multipart/form-data; boundary="+boundary, "wps-js/1", body)
		os.WriteFile(answer, rec.Body.Bytes(), 0o644)
		show := `const fs = require("fs"); eval(fs.readFileSync(process.argv[1], "utf8")); process.stdout.write(narrativeMessages(fs.readFileSync(process.argv[2], "utf8"), 10));`
		out, err := exec.Command(node, "-e", show, macro, answer).CombinedOutput()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, out)
		}
		if !strings.HasPrefix(string(out), "说明中的问题") || !strings.Contains(string(out), planted) {
			t.Errorf("the WPS macro would show:\n%s", out)
		}
	})
}
