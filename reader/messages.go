package reader

// Rule IDs of the reader's structural findings. Severities follow spec
// §5.0a. S03 is the structural half of R02.4 (and its analogues in every
// coded table); it is reported here once, so check need not repeat it.
const (
	RuleMissingTable   = "S01" // a table of the nine not found (error; T07/T08 warning)
	RuleDuplicateRow   = "S02" // the same code or row label twice in one table (error)
	RuleOrphanCode     = "S03" // a 项 without its 款, a 款 without its 类 (error; R02.4)
	RuleUnknownColumn  = "S04" // a headed column that matches no column of the table (warning)
	RuleNonNumeric     = "S05" // an amount cell that is not a number or is out of range (error)
	RuleNumberMismatch = "S06" // 公开0N表 number disagrees with the title (warning)
	RuleTitleVariant   = "S07" // a title of another year or region (warning)
	RuleCatalog        = "S08" // code not in the catalog / name differs (warning; info if unconfirmed)
	RuleNegative       = "S09" // a negative amount (warning)
	RuleUnknownRow     = "S10" // a row with amounts whose code or label is not recognised (warning)
	RuleMissingColumn  = "S11" // a required column of the table not found (error)
	RuleDuplicateTable = "S12" // a second table with the same meaning; the first is used (warning)
)

// All user-facing texts of the reader. Arguments are noted per message.
const (
	// table name
	msgMissingTable = "未找到%s%s。"
	// table name
	msgMissingOptional = "未找到%s%s；若本单位无此类收支，请保留空表并加说明。"
	// table number (公开03表), only where the workbook prints numbers
	msgNumberCited = "（%s）"
	// code or label, first address, second address
	msgDuplicateRow = "“%s”重复出现：%s 与 %s。"
	// child code, level name, parent code
	msgOrphanCode = "科目编码 %s 所属的%s %s 不在本表中（R02.4）。"
	// header path, address
	msgUnknownColumn = "无法识别的栏目“%s”（%s），该列未读取。"
	// raw text, address
	msgNonNumeric = "金额单元格 %[2]s 的内容“%[1]s”不是数字。"
	// raw text, address
	msgTooLarge = "金额单元格 %[2]s 的数值“%[1]s”超出合理范围。"
	// error value as shown (#DIV/0!), address
	msgExcelError = "金额单元格 %[2]s 是公式错误值“%[1]s”，不是金额，请修正公式或改填数字。"
	// raw text, address, maximum decimals
	msgTooPrecise = "金额单元格 %[2]s 的数值“%[1]s”小数位数超过 %[3]d 位，不是有效金额。"
	// printed number, table name, expected number
	msgNumberMismatch = "表号“%s”与标题“%s”不符（按九张表顺序应为%s），已按标题识别。"
	// printed title, note
	msgTitleVariant = "标题“%s”为其他年度或地区的写法%s，已按%s识别。"
	// code, year, address
	msgUnknownCode = "科目编码 %s 不在 %s 年度科目目录中（%s）。"
	// code, printed (former) name, current name, address
	msgRenamed = "科目编码 %s 的名称“%s”是旧称，现行名称为“%s”（%s）。"
	// code, printed name, catalog name, address
	msgNameMismatch = "科目编码 %s 的名称“%s”与科目目录“%s”不一致（%s）。"
	// raw text, address
	msgNegative = "金额单元格 %[2]s 为负数（%[1]s），请确认。"
	// label, address
	msgUnknownRow = "无法识别的行“%s”（%s），该行金额未读取。"
	// column key, table name
	msgMissingColumn = "%[2]s缺少“%[1]s”栏。"
	// table name, first sheet, second sheet
	msgDuplicateTable = "%s出现两次（工作表“%s”与“%s”），只读取第一个。"
	// no arguments
	msgNoTables = "文件中没有找到九张表中的任何一张（按标题识别，例如“收入支出决算总表”）。"
)
