package narrative

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/juesuan/juesuan/model"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// decodeText returns the text of a plain-text file and its encoding:
// UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (a superset of
// GBK and GB2312) when the bytes are not valid UTF-8.
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "", model.Errorf(model.EInvalid, nil, msgEncoding)
		}
		return string(data), "utf-8", nil
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		le := data[0] == 0xff
		data = data[2:]
		u := make([]uint16, len(data)/2)
		for i := range u {
			if le {
				u[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
			} else {
				u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			}
		}
		return string(utf16.Decode(u)), "utf-16", nil
	}
	if utf8.Valid(data) {
		return string(data), "utf-8", nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", "", model.Errorf(model.EInvalid, err, msgEncoding)
	}
	return string(out), "gb18030", nil
}

// readText reads a narrative saved as text. Lines are paragraphs; a line
// starting with a tab is a table cell (the layout Word and converters give
// a table saved as text): the cells of one row are consecutive tab lines,
// rows are separated by one empty line, and two or more empty lines (or a
// prose line) end the table.
func readText(data []byte, name string, lim Limits) (*Document, error) {
	if bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0 && !bytes.HasPrefix(data, []byte("\xff\xfe")) && !bytes.HasPrefix(data, []byte("\xfe\xff")) {
		return nil, model.Errorf(model.EUnsupported, nil, msgBinary)
	}
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	b := newBuilder(name, FormatText, lim)
	b.doc.Encoding = enc
	var row []string
	blanks := 0
	inTable := false
	flush := func() error {
		if len(row) > 0 {
			if err := b.row(row); err != nil {
				return err
			}
			row = row[:0:0]
		}
		return nil
	}
	for len(text) > 0 {
		var line string
		if i := indexNewline(text); i >= 0 {
			line = text[:i]
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				text = text[i+2:]
			} else {
				text = text[i+1:]
			}
		} else {
			line, text = text, ""
		}
		if len(line) > 4*lim.MaxParagraphRunes {
			return nil, errTooLong(len(b.doc.Paragraphs)+1, lim.MaxParagraphRunes)
		}
		switch {
		case len(line) > 0 && line[0] == '\t':
			if !inTable || blanks >= 2 {
				if err := flush(); err != nil {
					return nil, err
				}
				b.endTable()
				inTable = true
			}
			blanks = 0
			row = append(row, line[1:])
			if len(row) > lim.MaxCells {
				return nil, errTooMany(lim.MaxCells)
			}
		case trimSpace(line) == "":
			if inTable {
				if err := flush(); err != nil {
					return nil, err
				}
			}
			blanks++
		default:
			if err := flush(); err != nil {
				return nil, err
			}
			inTable, blanks = false, 0
			// Word's "save as text" leaves bookmarks as [bookmark: _GoBack]:
			// not part of the text.
			if strings.Contains(line, "[bookmark:") {
				line = bookmarkRe.ReplaceAllString(line, "")
			}
			if err := b.paragraph(line); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return b.done(), nil
}

func indexNewline(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\r' {
			return i
		}
	}
	return -1
}
