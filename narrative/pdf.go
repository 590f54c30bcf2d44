package narrative

import "github.com/juesuan/juesuan/model"

// readPDF is replaced by the text-layer reader in pdftext.go when present.
var readPDF = func(data []byte, name string, lim Limits) (*Document, error) {
	return nil, model.Errorf(model.EUnsupported, nil, "暂不支持 PDF 说明，请提供 Word（.docx）或文本版。")
}
