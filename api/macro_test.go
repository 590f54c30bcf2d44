package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/juesuan/juesuan/model"
)

// macroSource reads a macro file; the VBA module is GBK with CRLF, as the
// VBA editor of a Chinese Windows imports and exports it.
func macroSource(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../examples/macros/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(name, ".bas") {
		if !bytes.Contains(b, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) {
			t.Errorf("%s: VBA modules need CRLF line ends", name)
		}
		u, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatalf("%s is not GBK: %v", name, err)
		}
		if !strings.Contains(string(u), "决算审核助手") {
			t.Fatalf("%s does not decode as GBK Chinese", name)
		}
		return string(u)
	}
	return string(b)
}

// encodeURL is what Excel's WorksheetFunction.EncodeURL and JavaScript's
// encodeURIComponent produce for a file name: UTF-8, percent-encoded.
func encodeURL(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// vbaProblemDetail is the macro's ProblemDetail: InStr for "detail":" and
// the next quote. The server's JSON must keep that shape.
func vbaProblemDetail(body string) string {
	const key = `"detail":"`
	i := strings.Index(body, key)
	if i < 0 {
		return body
	}
	rest := body[i+len(key):]
	return rest[:strings.IndexByte(rest, '"')]
}

// TestMacroReplay sends exactly the requests the VBA and WPS macros send
// (raw xlsx body, their headers, ?name=) and asserts what the macros read:
// the status code, the four summary headers, the body as the annotated
// workbook, and on failure the problem's detail.
func TestMacroReplay(t *testing.T) {
	fx := fixtures(t)
	h, _ := newTestServer(t, Config{CORSOrigins: []string{"https://wps.example.gov.cn"}})
	const accept = XLSXType + ", application/problem+json"
	for _, m := range []struct {
		file   string
		client string
		// Lines the macro must contain, so this test and the macro agree.
		lines []string
		// Response headers read, as the macro spells them.
		reads *regexp.Regexp
		// The origin of a WPS JS add-in page (CORS); "" for VBA.
		origin string
	}{
		{
			file:   "juesuan.bas",
			client: "excel-vba/1",
			lines: []string{
				`http.Open "POST", JUESUAN_URL & "/api/v1/fill?name=" & EncodeName(baseName & ".xlsx"), False`,
				`http.setRequestHeader "Content-Type", XLSX_TYPE`,
				`http.setRequestHeader "Accept", XLSX_TYPE & ", application/problem+json"`,
				`http.setRequestHeader "X-Juesuan-Client", "excel-vba/1"`,
				`Private Const XLSX_TYPE As String = "` + XLSXType + `"`,
				`http.send body`,
				`WriteBytes outPath, http.responseBody`,
				`i = InStr(body, """detail"":""")`,
			},
			reads: regexp.MustCompile(`getResponseHeader\("([^"]+)"\)`),
		},
		{
			file:   "juesuan-wps.js",
			client: "wps-js/1",
			lines: []string{
				`xhr.open("POST", JUESUAN_URL + "/api/v1/fill?name=" + encodeURIComponent(base + ".xlsx"), false);`,
				`xhr.setRequestHeader("Content-Type", XLSX_TYPE);`,
				`xhr.setRequestHeader("Accept", XLSX_TYPE + ", application/problem+json");`,
				`xhr.setRequestHeader("X-Juesuan-Client", "wps-js/1");`,
				`var XLSX_TYPE = "` + XLSXType + `";`,
				`xhr.send(body);`,
				`var p = JSON.parse(text);`,
			},
			reads:  regexp.MustCompile(`getResponseHeader\("([^"]+)"\)`),
			origin: "https://wps.example.gov.cn",
		},
	} {
		t.Run(m.file, func(t *testing.T) {
			src := macroSource(t, m.file)
			for _, l := range m.lines {
				if !strings.Contains(src, l) {
					t.Errorf("%s no longer contains %q: update the macro or this replay", m.file, l)
				}
			}
			var read []string
			for _, sm := range m.reads.FindAllStringSubmatch(src, -1) {
				read = append(read, sm[1])
			}
			for _, want := range []string{HeaderStatus, HeaderErrors, HeaderWarnings, HeaderFilled} {
				if !strings.Contains(strings.Join(read, ","), want) {
					t.Errorf("%s does not read %s", m.file, want)
				}
			}

			send := func(body []byte) *httptest.ResponseRecorder {
				r := httptest.NewRequest(http.MethodPost, "/api/v1/fill?name="+encodeURL("2024年 应急管理局决算.xlsx"), bytes.NewReader(body))
				r.Header.Set("Content-Type", XLSXType)
				r.Header.Set("Accept", accept)
				r.Header.Set("X-Juesuan-Client", m.client)
				if m.origin != "" {
					r.Header.Set("Origin", m.origin)
				}
				return do(h, r)
			}

			rec := send(fx.sample)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			for _, hd := range read {
				if rec.Header().Get(hd) == "" {
					t.Errorf("macro reads %s, response lacks it", hd)
				}
			}
			if got := rec.Header().Get(HeaderStatus); got != "pass" && got != "warn" {
				t.Errorf("sample status %q", got)
			}
			if m.origin != "" {
				exposed := rec.Header().Get("Access-Control-Expose-Headers")
				for _, hd := range read {
					if !strings.Contains(exposed, hd) {
						t.Errorf("add-in cannot read %s: not exposed (%q)", hd, exposed)
					}
				}
			}
			if _, params, _ := parseDisposition(rec.Header().Get("Content-Disposition")); params != "昌吉回族自治州应急管理局（2024年 应急管理局决算）.审核.xlsx" {
				t.Errorf("result name %q", params)
			}
			assertWorkbook(t, rec.Body.Bytes()) // the macro saves and opens exactly these bytes

			// A legacy .xls: the macro shows detail from the problem body.
			rec = send(oleXLS())
			if rec.Code != http.StatusUnsupportedMediaType {
				t.Fatalf(".xls: status %d", rec.Code)
			}
			p := decodeProblem(t, rec)
			if p.Code != model.EXLS || vbaProblemDetail(rec.Body.String()) != p.Detail {
				t.Errorf(".xls: macro would show %q, detail %q", vbaProblemDetail(rec.Body.String()), p.Detail)
			}
		})
	}
}

func parseDisposition(v string) (string, string, error) {
	const key = "filename*=UTF-8''"
	i := strings.Index(v, key)
	if i < 0 {
		return "", "", fmt.Errorf("no filename* in %q", v)
	}
	name, err := url.PathUnescape(v[i+len(key):])
	return v[:i], name, err
}
