package model

// naming.go is the one naming scheme of every file juesuan hands back:
// 单位名（文件名）.审核.xlsx. The CLI (fill, batch), the API's
// Content-Disposition and the page (which takes the API's name) all call
// ResultName or a NameSet, so a user finds the same name whichever way the
// file was made.

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxStemBytes bounds the name before its tag and extension: 255 bytes is
// the file name limit of ext4 and of zip tools, and a Chinese character
// takes three bytes; room is left for a （12345） suffix and .审核.xlsx.
const maxStemBytes = 200

// ResultName names the file made from the input file (a name or a path;
// only its base is used) of unit: 单位名（文件名）.<tag>.xlsx. Without a unit
// it is 文件名.<tag>.xlsx; a file name that already holds the unit's name is
// not repeated. tag is TagAudit or TagClean (any short word works). The
// extension follows the input: .xlsm stays .xlsm, .docx stays .docx,
// anything else becomes .xlsx. The result is a safe file name on Windows,
// macOS and Linux and in a zip, at most ~230 bytes.
func ResultName(unit, file, tag string) string {
	stem, suffix := resultParts(unit, file, tag)
	return stem + suffix
}

// ResultNameASCII is the ASCII stand-in of ResultName for clients that do
// not read RFC 5987 names (Content-Disposition filename=): the file name's
// ASCII letters and digits, then .audited (.clean for TagClean) and the
// extension. It never equals the input's own name, so `curl -OJ` next to
// the upload does not refuse to overwrite it.
func ResultNameASCII(file, tag string) string {
	base, ext := splitExt(baseName(file))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '-', r == '_':
			b.WriteRune(r)
		case (r == ' ' || r == '.') && b.Len() > 0:
			b.WriteByte('_')
		}
	}
	stem := strings.Trim(b.String(), "-_")
	if len(stem) > 100 {
		stem = strings.Trim(stem[:100], "-_")
	}
	if stem == "" {
		stem = "juesuan"
	}
	word := "audited"
	switch tag {
	case TagClean:
		word = "clean"
	case TagWan:
		word = "wanyuan"
	}
	return stem + "." + word + outputExt(ext)
}

// resultParts splits a result name where a collision suffix goes:
// 单位名（文件名） | .审核.xlsx.
func resultParts(unit, file, tag string) (stem, suffix string) {
	base, ext := splitExt(baseName(file))
	u, f := cleanStem(unit), cleanStem(base)
	switch {
	case u == "" && f == "":
		stem = DefaultStem
	case u == "":
		stem = f
	case f == "" || strings.EqualFold(u, f):
		stem = u
	case strings.Contains(strings.ToLower(f), strings.ToLower(u)):
		stem = f // 2024年昌吉州应急管理局决算 already says whose it is
	default:
		u, f = fitBytes(u, f, maxStemBytes-len("（）"))
		stem = u + "（" + f + "）"
	}
	if len(stem) > maxStemBytes {
		stem, _ = fitBytes(stem, "", maxStemBytes)
	}
	if reservedDOS(stem) {
		stem = "_" + stem
	}
	tag = cleanStem(tag)
	if tag == "" {
		tag = TagAudit
	}
	return stem, "." + tag + outputExt(ext)
}

// baseName is the last element of a path written with / or \ (a Windows
// browser may send C:\Users\会计\决算.xlsx as the upload's name).
func baseName(file string) string {
	file = strings.ReplaceAll(file, `\`, "/")
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		file = file[i+1:]
	}
	return file
}

// splitExt cuts the extension of a workbook or document; any other dotted
// tail (单位.2024) is part of the name.
func splitExt(name string) (base, ext string) {
	e := path.Ext(name)
	switch strings.ToLower(e) {
	case ".xlsx", ".xlsm", ".xls", ".docx", ".doc", ".zip":
		return name[:len(name)-len(e)], e
	}
	return name, ""
}

// outputExt keeps the kind of the input: a macro workbook stays one (Excel
// refuses macro content under .xlsx), a document stays a document.
func outputExt(ext string) string {
	switch strings.ToLower(ext) {
	case ".xlsm":
		return ".xlsm"
	case ".docx":
		return ".docx"
	}
	return ".xlsx"
}

// cleanStem makes a name usable as part of a file name on every system
// and in a zip: controls, bidi overrides and zero-width marks dropped,
// characters Windows forbids replaced, no leading dots, and no leading
// @ - + = (a formula in a spreadsheet, an option on a command line).
func cleanStem(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' ' // a tab or line break inside a name reads as a space
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		case strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimLeft(strings.Trim(s, ". "), "@-+= ")
	return strings.Trim(s, ". ")
}

// fitBytes shortens a and b, the longer first, until together they take
// at most n bytes, cutting on character boundaries.
func fitBytes(a, b string, n int) (string, string) {
	for len(a)+len(b) > n {
		if len(a) >= len(b) {
			_, w := utf8.DecodeLastRuneInString(a)
			a = a[:len(a)-w]
		} else {
			_, w := utf8.DecodeLastRuneInString(b)
			b = b[:len(b)-w]
		}
	}
	return strings.TrimRight(a, ". "), strings.TrimRight(b, ". ")
}

// reservedDOS tells the device names Windows will not create a file under,
// whatever the extension (CON.审核.xlsx included).
func reservedDOS(stem string) bool {
	switch strings.ToUpper(stem) {
	case "CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return true
	}
	return false
}

// NameSet hands out distinct result names for one output folder or zip:
// the second file of a name gets （2）, the third （3）…, found in O(1) per
// name (a counter per name, not a search from 2). Names compare without
// case, as on Windows and macOS. The zero value is not ready: use
// NewNameSet.
type NameSet struct {
	used map[string]bool
	next map[string]int // stem+suffix key -> next number to try
	// probes counts the names tried, so a test can hold the O(1) bound.
	probes int
}

// NewNameSet returns an empty set holding reserved (names the run writes
// itself, such as 汇总.xlsx).
func NewNameSet(reserved ...string) *NameSet {
	s := &NameSet{used: map[string]bool{}, next: map[string]int{}}
	for _, r := range reserved {
		s.used[strings.ToLower(r)] = true
	}
	return s
}

// Name is ResultName made distinct from every name handed out before.
func (s *NameSet) Name(unit, file, tag string) string {
	stem, suffix := resultParts(unit, file, tag)
	n := stem + suffix
	k := strings.ToLower(n)
	s.probes++
	if !s.used[k] {
		s.used[k] = true
		return n
	}
	// Each number is tried at most once per name: the counter only
	// grows, and a candidate is skipped only when a file literally named
	// so was handed out, which happens once.
	i := max(s.next[k], 2)
	for ; ; i++ {
		c := fmt.Sprintf("%s（%d）%s", stem, i, suffix)
		s.probes++
		if ck := strings.ToLower(c); !s.used[ck] {
			s.used[ck] = true
			s.next[k] = i + 1
			return c
		}
	}
}
