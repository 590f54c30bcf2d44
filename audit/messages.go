package audit

// The rule pack a workbook is checked with (info findings P01).
const (
	// printed year, pack year
	msgPackNearest = "%d 年度没有专门的规则包，按 %d 年度规则包审核。"
	// printed year, asked year
	msgPackAsked = "工作簿标明 %d 年度，按指定的 %d 年度规则包审核。"
)
