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

// The words of the coded errors of opening and reading an .xlsx package:
// package xlsx raises them with these texts and says nothing to users
// itself. The reference words (MsgRef…) fill MsgBadRef's second verb.
const (
	MsgTooLarge               = "文件超过大小上限（%s）。"
	MsgReadFailed             = "读取上传文件失败。"
	MsgEmpty                  = "文件为空，请上传 .xlsx 格式的决算公开表。"
	MsgEncrypted              = "文件设置了打开密码，请在 Excel/WPS 中取消密码后再上传。"
	MsgXLS                    = "这是旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后再上传"
	MsgNotXLSX                = "不是 .xlsx 文件，请上传 Excel/WPS 保存的 .xlsx 格式决算公开表。"
	MsgZipBroken              = "文件已损坏（压缩包结构不完整），请在 Excel/WPS 中重新保存后上传。"
	MsgPartTooLarge           = "文件中的部件 %s 解压后超过大小上限（%s）。"
	MsgUnzipTooLarge          = "文件解压后超过大小上限（%s）。"
	MsgTooManySheets          = "工作表数量（%d）超过上限（%d）。"
	MsgTooManyParts           = "文件包含的部件过多（%d 个）。"
	MsgPartBroken             = "文件已损坏（部件 %s 无法解压），请在 Excel/WPS 中重新保存后上传。"
	MsgNoWorkbookPart         = "文件缺少工作簿部件（%s），不是有效的 .xlsx 文件。"
	MsgWorkbookBroken         = "工作簿部件（%s）已损坏。"
	MsgWorkbookRelsBroken     = "工作簿关系部件已损坏。"
	MsgSheetNameTooLong       = "工作表名称过长（%d 个字符，Excel 最多允许 31 个），文件可能已损坏。"
	MsgNotOpenable            = "文件已损坏，无法作为 .xlsx 打开，请在 Excel/WPS 中重新保存后上传。"
	MsgDuplicatePart          = "文件已损坏：压缩包中有两个同名部件（%s 与 %s），请在 Excel/WPS 中重新保存后上传。"
	MsgContentTypesBroken     = "文件已损坏（部件 [Content_Types].xml 无法解压），请在 Excel/WPS 中重新保存后上传。"
	MsgContentTypesNotXML     = "文件已损坏：内容类型部件 [Content_Types].xml 不是有效的 XML，请在 Excel/WPS 中重新保存后上传。"
	MsgNoSheet                = "没有名为“%s”的工作表。"
	MsgSheetPartMissing       = "工作表“%s”的数据部件（%s）缺失，文件已损坏。"
	MsgSharedStringsTruncated = "共享字符串部件不完整，文件已损坏。"
	MsgSharedStringsBroken    = "共享字符串部件已损坏。"
	MsgStylesBroken           = "样式部件（xl/styles.xml）已损坏。"
	MsgNoStyles               = "文件缺少样式部件（xl/styles.xml），无法写入审核标记，请在 Excel/WPS 中重新保存后上传。"
	MsgSheetBroken            = "工作表“%s”的数据已损坏（XML 不完整或格式错误），请在 Excel/WPS 中重新保存后上传。"
	MsgBadRef                 = "工作表“%s”中有无效的%s“%s”，文件可能已损坏。"
	MsgRefRow                 = "行号"
	MsgRefCell                = "单元格地址"
	MsgRefMerge               = "合并单元格区域"
	MsgTooManyMerges          = "工作表“%s”的合并单元格过多（超过 %d 个）。"
	MsgBadSharedString        = "工作表“%s”单元格 %s 引用了不存在的共享字符串，文件已损坏。"
	MsgTooManyRows            = "工作表“%s”的数据超过 %d 行（单元格 %s），超出读取上限。"
	MsgTooManyCols            = "工作表“%s”的数据超过 %d 列（单元格 %s），超出读取上限。"
	MsgTooManyCells           = "工作表“%s”的非空单元格超过 %d 个，超出读取上限。"
	MsgMergesTooLarge         = "工作表“%s”的合并单元格覆盖范围过大，超出读取上限。"
	MsgBytes                  = "%d 字节"
)

// StageRead is the stage of reading the uploaded workbook, as a timeout's
// message names it (msgDeadline).
const StageRead = "读取"
