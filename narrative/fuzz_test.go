package narrative

import (
	"testing"
	"time"
)

// FuzzNarrativeRead: any input is read or refused with a coded error, and checked
// without panicking, quickly.
func FuzzNarrativeRead(f *testing.F) {
	f.Add([]byte("收入总计4,126.63万元，其中：本年收入合计4,113.55万元。"), "a.txt")
	f.Add(zipDocx(f, "<w:p><w:r><w:t>占98.91%</w:t></w:r></w:p>", ""), "a.docx")
	f.Add(makePDF(f, []string{"一、收入支出决算总体情况说明", "2024年度收入总计4,126.63万元，增加10.00万元，增长1.00%。"}, 30, false), "a.pdf")
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "b.pdf")
	// every role word without what it refers to
	f.Add([]byte("一、收入支出决算总体情况说明\n决算数5.00万元，占1.00%，增长2.00%，预决算差异率3.00%，完成年初预算的4.00%，价值1.00万元，减少1.00万元。"), "c.txt")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		start := time.Now()
		doc, err := ReadBytes(data, name, Limits{MaxBytes: 1 << 20, UnzipSize: 4 << 20, UnzipXMLSize: 2 << 20})
		if err != nil {
			if codeOf(err) == "not a model.Error" {
				t.Fatalf("uncoded error: %v", err)
			}
			return
		}
		Check(doc, nil)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
