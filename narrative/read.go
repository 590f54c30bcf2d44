package narrative

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"

	"github.com/juesuan/juesuan/model"
)

// Read reads a narrative from r. The format is detected from the content
// (a zip is .docx, %PDF is a PDF, anything else is text in UTF-8, UTF-16 or
// GB18030); name is used for messages and to tell an old .doc apart. Every
// error is a *model.Error with a Chinese message.
func Read(r io.Reader, name string, lim Limits) (*Document, error) {
	return ReadContext(context.Background(), r, name, lim)
}

// ReadContext is Read whose loops end with the coded ETimeout error of the
// 读取说明 stage once ctx is done: never a partial document.
func ReadContext(ctx context.Context, r io.Reader, name string, lim Limits) (*Document, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, model.Errorf(model.EInvalid, err, "无法读取说明文件。")
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, model.Errorf(model.ETooLarge, nil, msgTooLarge, sizeText(lim.MaxBytes))
	}
	return ReadBytesContext(ctx, data, name, lim)
}

// ReadBytes is Read on a file already in memory.
func ReadBytes(data []byte, name string, lim Limits) (*Document, error) {
	return ReadBytesContext(context.Background(), data, name, lim)
}

// ReadBytesContext is ReadContext on a file already in memory.
func ReadBytesContext(ctx context.Context, data []byte, name string, lim Limits) (*Document, error) {
	lim = lim.withDefaults()
	lim.stop = model.NewStop(ctx, "读取说明")
	if int64(len(data)) > lim.MaxBytes {
		return nil, model.Errorf(model.ETooLarge, nil, msgTooLarge, sizeText(lim.MaxBytes))
	}
	var (
		doc *Document
		err error
	)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		doc, err = readDOCX(data, name, lim)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		// OLE2: a legacy .doc, or an encrypted .docx (which is OLE2 too).
		if strings.EqualFold(filepath.Ext(name), ".docx") {
			return nil, model.Errorf(model.EEncrypted, nil, msgEncrypted)
		}
		return nil, model.Errorf(model.EUnsupported, nil, msgDOC)
	case bytes.HasPrefix(data, []byte("{\\rtf")):
		return nil, model.Errorf(model.EUnsupported, nil, msgRTF)
	case looksHTML(data):
		return nil, model.Errorf(model.EUnsupported, nil, msgHTML)
	case bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\r\n "), []byte("%PDF-")):
		doc, err = readPDF(data, name, lim)
	default:
		doc, err = readText(data, name, lim)
	}
	if err := lim.stop.Err(); err != nil {
		return nil, err // whatever a loop made of the error, the cancel is the cause
	}
	if err != nil {
		return nil, err
	}
	if len(doc.Paragraphs) == 0 && len(doc.Tables) == 0 {
		if doc.Format == FormatPDF {
			return nil, model.Errorf(ENoText, nil, msgPDFNoText)
		}
		return nil, model.Errorf(model.EInvalid, nil, msgEmpty)
	}
	return doc, nil
}

// looksHTML: a web page (Word's "save as web page", .mht).
func looksHTML(data []byte) bool {
	head := bytes.ToLower(bytes.TrimLeft(data[:min(len(data), 512)], "\xef\xbb\xbf\t\r\n "))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) || bytes.HasPrefix(head, []byte("mime-version:"))
}
