package annotate

// messages.go holds the Chinese words of this package that users read:
// the results sheet's layout, the notes and the summary of an annotated
// workbook, and the texts of the annotated narrative.

import "github.com/juesuan/juesuan/xlsx"

// ResultsSheet is the name of the findings sheet added to annotated
// workbooks (审核结果(2)… when the user has a sheet of that name).
const ResultsSheet = "审核结果"

// NoteAuthor is the author of the notes juesuan writes; NoteMarker starts
// juesuan's part of a note so a re-upload can strip it without touching
// the user's own note text.
const (
	NoteAuthor = "决算审核助手"
	NoteMarker = "【决算审核助手】"
)

// Layout is the results sheet's texts, written by both write paths. Its
// title and column titles are how an earlier results sheet is recognised
// (ReadExplanations), so explanations typed into a sheet written by either
// path are read back.
var Layout = xlsx.ResultsLayout{
	Name:  ResultsSheet,
	Title: "决算公开表审核结果",
	Columns: xlsx.ResultColumns{
		Seq: "序号", Level: "级别", Rule: "规则", Table: "表", Cell: "单元格", Message: "说明",
		Explanation: "审核说明", Expected: "应为", Actual: "实为", Difference: "差额", Tolerance: "容差",
		Fingerprint: "指纹", MarkCell: "标记单元格", MarkStyle: "原样式",
	},
	LegendLabel: "图例：",
	Legend: []xlsx.LegendItem{
		{Kind: xlsx.MarkError, Text: "错误（强制性审核不通过）"},
		{Kind: xlsx.MarkWarning, Text: "提示（请核实，可在“审核说明”列填写说明）"},
		{Kind: xlsx.MarkFilled, Text: "补填（由审核助手计算填入）"},
		{Kind: xlsx.MarkInfo, Text: "尾差（四舍五入差异，允许）"},
		{Kind: xlsx.MarkRelated, Text: "相关（与错误单元格同属一个不成立的关系）"},
	},
	LinkTip: "转到 ",
}

// texts are what both write paths write and recognise: juesuan's part of
// a note starts with the marker line (either path clears the other's
// notes).
var texts = xlsx.DirectOptions{
	NoteAuthor: NoteAuthor,
	NoteMarker: NoteMarker,
	Results:    Layout,
}

// The summary line of the results sheet (Summary): the verdict, the
// counts, and the explained warnings when there are any.
const (
	msgSummary   = "审核%s：错误 %d 条，提示 %d 条%s，尾差 %d 条，补填 %d 个单元格"
	msgExplained = "（已说明 %d 条）"
)

// The results sheet's rows of fills (Rows): the level word, the message
// of a blank cell filled and of a value replaced (--overwrite), and the
// cell's row and column labels.
const (
	levelFilled    = "补填"
	msgFilledBlank = "空白单元格已按%s计算填入"
	msgFilledOld   = "原值 %s 与公式不符，已按%s替换"
	msgLabelRow    = "（%s）"
	msgLabelRowCol = "（%s / %s）"
)

// Notes on cells (fillNote, findingNote).
const (
	noteFill        = "补填 %s：%s"
	noteFillOld     = "补填 %s：原值 %s 已替换为 %s"
	noteAlternative = "\n另："
	noteFinding     = "[%s] %s %s"
	noteExpected    = "应为 "
	noteActual      = "实为 "
	noteDifference  = "差额 "
	noteTolerance   = "容差 "
	noteSep         = "，"
	noteExplanation = "\n审核说明："
)

// Wrapping of the errors of clearing an earlier run's marks.
const msgClearing = "清除上次审核标记: %w"

// msgStyleLimit is the message for a workbook whose cell styles are full.
const msgStyleLimit = "工作簿中的单元格样式已达 Excel 的上限（%d 个），无法再添加审核标记。请在 Excel/WPS 中清理未使用的样式（或另存为新文件）后重新上传。"

// msgCleanUnsupported is the message for a workbook whose clean copy for
// 报送 cannot be written part for part (CleanCopy).
const msgCleanUnsupported = "这个工作簿的格式（如 Strict Open XML 电子表格，或缺少样式部件）无法生成报送版：请在 Excel/WPS 中另存为普通的 .xlsx 工作簿后再试。"

// Texts of the annotated narrative (docx.go).
const (
	docxInitials    = "审核"
	msgDocxTooLarge = "说明文件过大，无法标注。"
	msgDocxCorrupt  = "说明文件（.docx）已损坏，无法标注：请用 Word/WPS 打开后另存为 .docx 再试。"
	msgDocxNotWord  = "这不是 Word 文档（缺少 word/document.xml），无法标注。"
)
