package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestResultName(t *testing.T) {
	long := strings.Repeat("新疆维吾尔自治区", 20) // 480 bytes
	for _, tc := range []struct {
		name, unit, file, tag, want string
	}{
		{"unit and file", "昌吉回族自治州应急管理局", "决算2024.xlsx", TagAudit, "昌吉回族自治州应急管理局（决算2024）.审核.xlsx"},
		{"unit unknown", "", "决算2024.xlsx", TagAudit, "决算2024.审核.xlsx"},
		{"unit blank", "  \t", "决算2024.xlsx", TagAudit, "决算2024.审核.xlsx"},
		{"unit equals stem", "昌吉州应急管理局", "昌吉州应急管理局.xlsx", TagAudit, "昌吉州应急管理局.审核.xlsx"},
		{"unit equals stem but case", "Unit A", "unit a.xlsx", TagAudit, "Unit A.审核.xlsx"},
		{"stem holds unit", "昌吉州应急管理局", "2024年昌吉州应急管理局决算.xlsx", TagAudit, "2024年昌吉州应急管理局决算.审核.xlsx"},
		{"clean copy", "甲单位", "a.xlsx", TagClean, "甲单位（a）.报送.xlsx"},
		{"xlsm stays xlsm", "甲单位", "宏.XLSM", TagAudit, "甲单位（宏）.审核.xlsm"},
		{"docx stays docx", "甲单位", "说明.docx", TagAudit, "甲单位（说明）.审核.docx"},
		{"xls becomes xlsx", "", "旧表.xls", TagAudit, "旧表.审核.xlsx"},
		{"no extension", "", "stdin", TagAudit, "stdin.审核.xlsx"},
		{"dotted name kept", "", "单位.2024", TagAudit, "单位.2024.审核.xlsx"},
		{"windows path", "", `C:\Users\会计\Desktop\决算.XLSX`, TagAudit, "决算.审核.xlsx"},
		{"unix path", "", "../../etc/passwd", TagAudit, "passwd.审核.xlsx"},
		{"nothing usable", "", ".xlsx", TagAudit, "决算表.审核.xlsx"},
		{"empty", "", "", TagAudit, "决算表.审核.xlsx"},
		{"illegal characters", `甲/乙\丙:丁*?"<>|`, `a:b?.xlsx`, TagAudit, "甲_乙_丙_丁______（a_b_）.审核.xlsx"},
		{"controls and bidi", "单位\u202Exslx.exe", "a\r\n\u200b.xlsx", TagAudit, "单位xslx.exe（a）.审核.xlsx"},
		{"formula and option", "@SUM(1)", "--help.xlsx", TagAudit, "SUM(1)（help）.审核.xlsx"},
		{"leading dots", "  ..隐藏单位.  ", "", TagAudit, "隐藏单位.审核.xlsx"},
		{"inner spaces folded", "甲  单\t位", "", TagAudit, "甲 单 位.审核.xlsx"},
		{"dos device", "", "con.xlsx", TagAudit, "_con.审核.xlsx"},
		{"empty tag", "", "a.xlsx", "", "a.审核.xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ResultName(tc.unit, tc.file, tc.tag); got != tc.want {
				t.Errorf("ResultName(%q, %q, %q) = %q, want %q", tc.unit, tc.file, tc.tag, got, tc.want)
			}
		})
	}
	t.Run("very long", func(t *testing.T) {
		for _, in := range [][2]string{{long, "a.xlsx"}, {"甲单位", long + ".xlsx"}, {long, long + ".xlsm"}, {long, ""}} {
			got := ResultName(in[0], in[1], TagAudit)
			if len(got) > 230 || !utf8.ValidString(got) {
				t.Errorf("ResultName(%d bytes, %d bytes) = %d bytes %q", len(in[0]), len(in[1]), len(got), got)
			}
			if !strings.HasSuffix(got, ".审核"+outputExt(in[1][max(0, len(in[1])-5):])) {
				t.Errorf("%q lost its tag or extension", got)
			}
			if !strings.HasPrefix(got, in[0][:min(30, len(in[0]))]) {
				t.Errorf("%q does not start with the unit", got)
			}
		}
		// Both parts survive: the shorter one whole.
		if got := ResultName(long, "a.xlsx", TagAudit); !strings.HasSuffix(got, "（a）.审核.xlsx") {
			t.Errorf("the file name was cut before the unit: %q", got)
		}
	})
}

func TestResultNameASCII(t *testing.T) {
	for _, tc := range []struct{ file, tag, want string }{
		{"report.xlsx", TagAudit, "report.audited.xlsx"},
		{"2024年部门决算.xlsx", TagAudit, "2024.audited.xlsx"},
		{"单位决算.xlsx", TagAudit, "juesuan.audited.xlsx"},
		{"my report v2.xlsm", TagAudit, "my_report_v2.audited.xlsm"},
		{"a.xlsx", TagClean, "a.clean.xlsx"},
		{`C:\x\a"b.xlsx`, TagAudit, "ab.audited.xlsx"},
		{"x.audited.xlsx", TagAudit, "x_audited.audited.xlsx"},
		{"说明.docx", TagAudit, "juesuan.audited.docx"},
	} {
		got := ResultNameASCII(tc.file, tc.tag)
		if got != tc.want {
			t.Errorf("ResultNameASCII(%q) = %q, want %q", tc.file, got, tc.want)
		}
		if got == baseName(tc.file) {
			t.Errorf("%q: the fallback equals the upload's name", tc.file)
		}
		for i := 0; i < len(got); i++ {
			if got[i] >= 0x80 || got[i] == '"' {
				t.Errorf("%q is not a plain ASCII name", got)
			}
		}
	}
}

func TestNameSet(t *testing.T) {
	s := NewNameSet("汇总.xlsx", "results.ndjson")
	for i, tc := range []struct{ unit, file, want string }{
		{"甲单位", "a.xlsx", "甲单位（a）.审核.xlsx"},
		{"甲单位", "sub/a.xlsx", "甲单位（a）（2）.审核.xlsx"},
		{"甲单位", "A.xlsx", "甲单位（A）（3）.审核.xlsx"}, // case-insensitive file systems
		{"甲单位（a）（4）", "", "甲单位（a）（4）.审核.xlsx"},
		{"甲单位", "a.xlsx", "甲单位（a）（5）.审核.xlsx"}, // （4） was taken literally
		{"甲单位", "a.xlsm", "甲单位（a）.审核.xlsm"},
		{"汇总", "", "汇总.审核.xlsx"},
		{"", "汇总.xlsx", "汇总（2）.审核.xlsx"},
	} {
		if got := s.Name(tc.unit, tc.file, TagAudit); got != tc.want {
			t.Errorf("%d: Name(%q, %q) = %q, want %q", i, tc.unit, tc.file, got, tc.want)
		}
	}
	r := NewNameSet("A.审核.xlsx")
	if got := r.Name("", "a.xlsx", TagAudit); got != "a（2）.审核.xlsx" {
		t.Errorf("a reserved name was handed out: %q", got)
	}
}

// TestNameSetLinear: n files of one unit and one file name cost O(n) names
// tried, not O(n²) (a search from （2） for each).
func TestNameSetLinear(t *testing.T) {
	const n = 5000
	s := NewNameSet()
	seen := map[string]bool{}
	for range n {
		got := s.Name("甲单位", "决算.xlsx", TagAudit)
		if seen[got] {
			t.Fatalf("%q handed out twice", got)
		}
		seen[got] = true
	}
	if s.probes > 2*n {
		t.Errorf("%d names tried for %d files, want at most %d", s.probes, n, 2*n)
	}
	if !seen["甲单位（决算）（5000）.审核.xlsx"] {
		t.Errorf("the numbering has a gap")
	}
}
