package narrative

import (
	"fmt"

	"github.com/juesuan/juesuan/model"
)

// Error codes of this package beyond model's (stable; never rename).
const (
	// ENoText: a PDF without a text layer (scanned pages): nothing to read.
	ENoText = "no_text"
)

// User-facing text (Chinese) of the reader.
const (
	msgTooLarge     = "说明文件过大（超过 %s），请删去图片等附件后重试。"
	msgUnzipTooBig  = "说明文件解压后过大（%s 超过 %s），可能是压缩炸弹，已拒绝。"
	msgTooManyParts = "说明文件包含的压缩条目过多（超过 %d 个），已拒绝。"
	msgTooDeep      = "说明文件的 XML 嵌套过深（超过 %d 层），已拒绝。"
	msgTooLong      = "说明第 %d 段过长（超过 %d 字），已拒绝。"
	msgTooMany      = "说明的段落或表格单元格过多（超过 %d 个），已拒绝。"
	msgCorruptDOCX  = "无法读取 Word 文件：%s。请用 Word/WPS 打开后另存为 .docx 再试。"
	msgNoDocument   = "这不是 Word 文档（缺少 word/document.xml）。"
	msgDOC          = "这是旧版 Word .doc 文件，请另存为 .docx 或 .txt 后再试。"
	msgEncrypted    = "Word 文件已加密，请去除密码后再试。"
	msgEncoding     = "无法识别文本文件的编码（既不是 UTF-8 也不是 GB18030）。"
	msgBinary       = "这不是文本文件，也不是 .docx 或 PDF。"
	msgPDFNoText    = "PDF 没有文字层（可能是扫描件或图片），无法读取数字。请提供 Word（.docx）或文本版说明，或先做文字识别（OCR）。"
	msgPDFCorrupt   = "无法读取 PDF：%s。"
	msgPDFEncrypted = "PDF 已加密，请去除密码后再试。"
	msgEmpty        = "说明文件没有文字。"
	msgBindings     = "内部错误：数字对应表（bindings.txt）有误：%s"
)

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

func errTooLong(par, max int) error {
	return model.Errorf(model.ETooLarge, nil, msgTooLong, par, max)
}

func errTooMany(max int) error {
	return model.Errorf(model.ETooMany, nil, msgTooMany, max)
}
