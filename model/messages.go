package model

// messages.go holds the Chinese words of this package that users read.

// Tags of a result file's name (ResultName): the annotated copy and the
// clean copy for 报送.
const (
	TagAudit = "审核"
	TagClean = "报送"
	TagSum   = "汇总" // a department consolidated from its units
	TagWan   = "万元" // a workbook kept in 元 rounded to 万元 (juesuan round)
)

// DefaultStem names a result when neither the unit nor the file has a
// usable name.
const DefaultStem = "决算表"

// Messages of the coded error of a cancelled stage (Canceled).
const (
	msgDeadline = "审核超时（%s阶段），请稍后重试或拆分文件。"
	msgCanceled = "审核已取消（%s阶段）。"
)

// A report's verdict (Status.Chinese).
const (
	msgStatusPass = "通过"
	msgStatusWarn = "通过（有提示）"
	msgStatusFail = "未通过"
)
