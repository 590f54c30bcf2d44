package check

// Every Chinese text check prints outside the rule files, in one place.
const (
	msgFail       = "%s：%s %s %s，差额 %s，超出允许尾差 %s"
	msgFailExact  = "%s：%s %s %s，差额 %s（精确比较）"
	msgResidue    = "%s（尾差）：%s 与 %s，相差 %s，在允许尾差 %s 以内"
	msgMissing    = "（未列示，按0计）"
	msgMore       = "… 等共%d项"
	msgRowTotal   = "合计行"
	msgRestZero   = "（其余各项为0）"
	msgOrphan     = "%s：%s 代码 %s 的上级代码 %s 未列示"
	msgNotSubset  = "%s：%s 的科目 %s 未出现在 %s 中"
	msgZeroVsData = "%s：%s%s，而%s%s"
	msgAllZero    = "全为0"
	msgHasData    = "有数据（%s %s）"
	msgIsEmpty    = "为空表"
	msgEmptyNote  = "%s：%s为空表，但表下没有“无数据/为空表”的说明"
	msgNoteData   = "%s：%s有数据（%s %s），但表下注明为空表：%s"
	msgWrongSide  = "%s：%s 科目 %s 列在%s一侧"
	msgChange     = "%s：%s 本年 %s，上年 %s，%s"
	msgChangeBy   = "%s %s（%s）"
	msgChangeNA   = "上年为0，无法计算比例"
	msgIncrease   = "增加"
	msgDecrease   = "减少"
	msgNoChange   = "持平"
	msgNotLocated = "未找到"
)

// Human report texts (juesuan check).
const (
	msgReportHead  = "审核结果：%s（错误 %d 条，提示 %d 条，尾差 %d 条）\n"
	msgStatusPass  = "通过"
	msgStatusWarn  = "通过（有提示）"
	msgStatusFail  = "未通过"
	msgNoFindings  = "未发现问题。"
	msgOtherGroup  = "其他"
	msgCellsHeader = "    涉及单元格："
)

// Not checked is not wrong (issue 10): what the rules needed and did not find.
const (
	msgUnchecked   = "未找到%s，以下审核未进行（不按0计）：%s"
	msgColumnNamed = "%s“%s”栏"
)
