package narrative

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/juesuan/juesuan/model"
)

func TestHostile(t *testing.T) {
	bomb := func() []byte {
		// 40 MiB of one paragraph's worth of spaces, deflated to ~40 KiB.
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("word/document.xml")
		w.Write([]byte(`<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>`))
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for i := 0; i < 40; i++ {
			w.Write(chunk)
		}
		w.Write([]byte(`</w:t></w:r></w:p></w:body></w:document>`))
		zw.Close()
		return buf.Bytes()
	}()
	deep := zipDocx(t, strings.Repeat("<w:sdt>", 10000)+strings.Repeat("</w:sdt>", 10000), "")
	hugePara := zipDocx(t, "<w:p><w:r><w:t>"+strings.Repeat("数", 200000)+"</w:t></w:r></w:p>", "")
	manyEntries := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := 0; i < 3000; i++ {
			zw.Create("x/" + strings.Repeat("a", 3) + string(rune('a'+i%26)) + "/" + itoa(i))
		}
		zw.Close()
		return buf.Bytes()
	}()
	manyParas := strings.Repeat("一\n", 30000)
	cases := []struct {
		name string
		data []byte
		file string
		code string
	}{
		{"zip bomb docx", bomb, "a.docx", model.ETooLarge},
		{"deep xml", deep, "a.docx", model.ETooLarge},
		{"huge paragraph docx", hugePara, "a.docx", model.ETooLarge},
		{"huge paragraph txt", []byte(strings.Repeat("数", 300000)), "a.txt", model.ETooLarge},
		{"too many zip entries", manyEntries, "a.docx", model.ETooMany},
		{"too many paragraphs", []byte(manyParas), "a.txt", model.ETooMany},
		{"corrupt zip", []byte("PK\x03\x04garbage"), "a.docx", model.ECorrupt},
		{"broken xml", zipDocx(t, "<w:p><w:r><w:t>a</w:r></w:p><", ""), "a.docx", model.ECorrupt},
		{"zip without document", func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			zw.Create("xl/workbook.xml")
			zw.Close()
			return buf.Bytes()
		}(), "a.xlsx", model.EUnsupported},
		{"legacy doc", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 100)...), "a.doc", model.EUnsupported},
		{"encrypted docx", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 100)...), "a.docx", model.EEncrypted},
		{"binary", []byte{0, 1, 2, 3, 0, 0, 0}, "a.bin", model.EUnsupported},
		{"rtf", []byte(`{\rtf1\ansi 收入总计}`), "a.rtf", model.EUnsupported},
		{"html", []byte("<!DOCTYPE html><html><body>收入总计</body></html>"), "a.htm", model.EUnsupported},
		{"not gb18030", []byte{0xff, 0x30, 0x81, 0xff, 0xff}, "a.txt", model.EInvalid},
		{"empty", []byte("  \n\n "), "a.txt", model.EInvalid},
		{"too large", make([]byte, 21<<20), "a.txt", model.ETooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := Read(bytes.NewReader(c.data), c.file, Limits{})
			if err == nil {
				t.Fatal("no error")
			}
			if got := codeOf(err); got != c.code {
				t.Fatalf("code %s, want %s (%v)", got, c.code, err)
			}
			if d := time.Since(start); d > 5*time.Second && !raceEnabled {
				t.Errorf("took %v", d)
			}
			var me *model.Error
			if !asModel(err, &me) || me.Message == "" || !hasHan(me.Message) {
				t.Errorf("message not Chinese: %v", err)
			}
		})
	}
}

func asModel(err error, me **model.Error) bool {
	e, ok := err.(*model.Error)
	if ok {
		*me = e
	}
	return ok
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

func BenchmarkReadCheckSeed(b *testing.B) {
	data := seedBytes(b)
	wb := caseA(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := ReadBytes(data, "seed.txt", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		Check(doc, wb)
	}
}

// TestHostileCheck: documents built to make the checks slow stay bounded.
func TestHostileCheck(t *testing.T) {
	inputs := map[string]string{
		"one long sentence": "一、收入支出决算总体情况说明\n" + strings.Repeat("年初预算数1.00万元，决算数2.00万元，预决算差异率100.00%，", 2000) + "\n",
		"many figures":      "五、一般公共预算财政拨款支出决算情况说明\n" + strings.Repeat("社会保障和就业支出(类)1.00万元,占1.00%。比上年增加0.10万元，增长11.11%，与上年持平。\n", 15000),
		"many classes": "五、一般公共预算财政拨款支出决算情况说明\n" + func() string {
			var b strings.Builder
			for i := 0; i < 5000; i++ {
				b.WriteString("类" + itoa(i) + "(类)1.00万元。类" + itoa(i) + "(类)款(款)项(项):支出决算数为1.00万元。\n")
			}
			return b.String()
		}(),
		"long paragraph figures": strings.Repeat("1万元", 19000) + "\n",
	}
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			doc, err := ReadBytes([]byte(text), "a.txt", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			Check(doc, caseA(t))
			// ~1 s on a loaded 2-core machine; the bound is against
			// quadratic work, not a benchmark
			if d := time.Since(start); d > 10*time.Second && !raceEnabled {
				t.Errorf("took %v", d)
			}
		})
	}
}
