package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/narrative"
)

// TestCheckNarrativeErrors: every code of the narrative reader makes
// check --narrative exit 2 with a Chinese message naming the narrative
// file, never a panic, an English error or the bare code. The inputs are
// made here, one per code; each is first read by the narrative package to
// prove it has the code the case claims.
func TestCheckNarrativeErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	many := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := range 2100 {
			zw.Create(fmt.Sprintf("word/media/%d.png", i))
		}
		zw.Close()
		return buf.Bytes()
	}()
	ole := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 504)...)
	noText := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n4 0 obj<</Length 0>>stream\n\nendstream endobj\n" +
		"trailer<</Root 1 0 R>>\n%%EOF\n")
	cases := []struct {
		code string
		file string
		data []byte
		says string // part of the reader's Chinese message
	}{
		{model.ETooLarge, "大.txt", bytes.Repeat([]byte("说明文字\n"), (21<<20)/13), "过大"},
		{model.ETooMany, "多.docx", many, "过多"},
		{model.ECorrupt, "坏.docx", []byte("PK\x03\x04garbage"), "无法读取 Word 文件"},
		{model.EUnsupported, "旧.doc", ole, ".doc"},
		{model.EEncrypted, "密.docx", ole, "加密"},
		{model.EInvalid, "空.txt", []byte(" \n\n "), "没有文字"},
		{narrative.ENoText, "扫描.pdf", noText, "文字层"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			p := write(tc.file, tc.data)
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			_, rerr := narrative.Read(f, tc.file, narrative.Limits{})
			f.Close()
			if got := model.ErrorCode(rerr); got != tc.code {
				t.Fatalf("the input has code %q (%v), not %q", got, rerr, tc.code)
			}
			var out, errb bytes.Buffer
			code := runCheck([]string{"--narrative", p}, &out, &errb)
			msg := errb.String()
			if code != exitInput {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitInput, msg)
			}
			if !strings.Contains(msg, "说明文件 "+p) || !strings.Contains(msg, tc.says) {
				t.Errorf("stderr %q: want the narrative named and %q", msg, tc.says)
			}
			if strings.Contains(msg, tc.code+":") || strings.Contains(msg, "panic") || !narrHasHan(msg) {
				t.Errorf("stderr %q is not a plain Chinese message", msg)
			}
			if out.Len() > 0 {
				t.Errorf("a report was printed for an unreadable narrative: %.200s", out.String())
			}
		})
	}
}

func narrHasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
