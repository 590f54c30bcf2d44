package narrative

import "golang.org/x/text/unicode/norm"

// Some PDF writers (Chromium's, among others) map a CJK font's glyphs back
// through its cmap to the first code point that uses the glyph, which for
// many common characters is a radical: KANGXI RADICAL SELF (U+2F83) for
// 自, C-SIMPLIFIED GATE (U+2ED4) for 门. A narrative never means the
// radical, so ToUnicode text is mapped back to the unified ideograph: the
// Kangxi radicals by their compatibility decomposition, the supplement's
// radicals (most without one) by this table.
var pdfRadicals = map[rune]rune{
	0x2E9F: 0x6BCD, 0x2EA0: 0x6C11, 0x2EA9: 0x738B, 0x2EBC: 0x6708, 0x2EBE: 0x8279,
	0x2EC4: 0x897F, 0x2EC5: 0x89C1, 0x2EC6: 0x89D2, 0x2EC8: 0x8BA0, 0x2EC9: 0x8D1D,
	0x2ECB: 0x8F66, 0x2ECF: 0x961D, 0x2ED0: 0x9485, 0x2ED3: 0x957F, 0x2ED4: 0x95E8,
	0x2ED6: 0x961D, 0x2ED7: 0x96E8, 0x2EDA: 0x9875, 0x2EDB: 0x98CE, 0x2EDC: 0x98DE,
	0x2EDD: 0x98DF, 0x2EDF: 0x98E0, 0x2EE0: 0x9963, 0x2EE2: 0x9A6C, 0x2EE3: 0x9AA8,
	0x2EE4: 0x9B3C, 0x2EE5: 0x9C7C, 0x2EE6: 0x9E1F, 0x2EE7: 0x5364, 0x2EE8: 0x9EA6,
	0x2EE9: 0x9EC4, 0x2EEA: 0x9EFE, 0x2EEB: 0x6589, 0x2EEC: 0x9F50, 0x2EED: 0x6B6F,
	0x2EEE: 0x9F7F, 0x2EEF: 0x7ADC, 0x2EF0: 0x9F99, 0x2EF2: 0x4E80, 0x2EF3: 0x9F9F,
}

// unradical replaces radicals in s by their ideographs.
func unradical(s string) string {
	has := false
	for _, r := range s {
		if r >= 0x2E80 && r <= 0x2FDF {
			has = true
			break
		}
	}
	if !has {
		return s
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 0x2F00 && r <= 0x2FD5:
			if d := []rune(norm.NFKC.String(string(r))); len(d) == 1 {
				r = d[0]
			}
		case pdfRadicals[r] != 0:
			r = pdfRadicals[r]
		}
		out = append(out, r)
	}
	return string(out)
}
