package audit

// The rule pack a workbook is checked with (info findings P01).
const (
	// printed year, pack year
	msgPackNearest = "%d 年度没有专门的规则包，按 %d 年度规则包审核。"
	// printed year, asked year
	msgPackAsked = "工作簿标明 %d 年度，按指定的 %d 年度规则包审核。"
)

// The copy for 报送 (Options.Clean).
const (
	// error findings
	msgErrorsRemain = "仍有 %d 条错误未修正，未生成报送版：请先按审核结果修正；确需报送当前数据时可强制生成（命令行 --force，接口 force=true）。"
)
