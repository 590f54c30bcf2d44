package annotate

import "github.com/juesuan/juesuan/xlsx"

// The texts the direct write path puts into the workbook. The results
// sheet's title and column titles are what xlsx.Book.ReadExplanations
// looks for, so explanations typed into a sheet written by either path
// are read back.
var directLayout = xlsx.ResultsLayout{
	Name:  xlsx.ResultsSheet,
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

// directOptions are the note texts: juesuan's part of a note starts with
// the marker line (the same marker the excelize path writes, so either
// path clears the other's notes).
var directOptions = xlsx.DirectOptions{
	NoteAuthor: xlsx.NoteAuthor,
	NoteMarker: xlsx.NoteMarker,
	Results:    directLayout,
}

// msgStyleLimit is the message for a workbook whose cell styles are full.
const msgStyleLimit = "工作簿中的单元格样式已达 Excel 的上限（%d 个），无法再添加审核标记。请在 Excel/WPS 中清理未使用的样式（或另存为新文件）后重新上传。"

// Texts of the annotated narrative (docx.go).
const (
	docxInitials    = "审核"
	msgDocxTooLarge = "说明文件过大，无法标注。"
	msgDocxCorrupt  = "说明文件（.docx）已损坏，无法标注：请用 Word/WPS 打开后另存为 .docx 再试。"
	msgDocxNotWord  = "这不是 Word 文档（缺少 word/document.xml），无法标注。"
)
