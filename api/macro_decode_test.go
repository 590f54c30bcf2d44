package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWPSMacroReadsChineseDetail replays the WPS macro's failing request and
// runs the macro's own problemDetail (node) on the body as WPS hands it over
// under overrideMimeType("text/plain; charset=x-user-defined"): one char per
// byte, bytes ≥ 0x80 at U+F780…U+F7FF. The Chinese detail must come out.
func TestWPSMacroReadsChineseDetail(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node not installed")
		}
		t.Skip("node not installed")
	}
	h, _ := newTestServer(t, Config{})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/fill?name=x.xlsx", strings.NewReader("这不是工作簿"))
	req.Header.Set("Content-Type", XLSXType)
	req.Header.Set("X-Juesuan-Client", "wps-js/1")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code < 400 {
		t.Fatalf("status %d", w.Code)
	}
	var p struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Detail == "" {
		t.Fatalf("problem %q: %v", w.Body, err)
	}
	// The body as x-user-defined chars, written as JS escapes.
	var js strings.Builder
	for _, b := range w.Body.Bytes() {
		code := int(b)
		if b >= 0x80 {
			code = 0xF700 + int(b)
		}
		js.WriteString(`\u` + itoaHex(code))
	}
	macro, err := filepath.Abs("../examples/macros/juesuan-wps.js")
	if err != nil {
		t.Fatal(err)
	}
	prog := `const fs = require("fs"); eval(fs.readFileSync(process.argv[1], "utf8")); process.stdout.write(problemDetail("` + js.String() + `"));`
	out, err := exec.Command(node, "-e", prog, macro).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	if got := string(bytes.TrimSpace(out)); got != p.Detail {
		t.Errorf("the macro shows %q, want %q", got, p.Detail)
	}
}

func itoaHex(n int) string {
	const digits = "0123456789ABCDEF"
	s := ""
	for i := 0; i < 4; i++ {
		s = string(digits[n&0xF]) + s
		n >>= 4
	}
	return s
}
