package rounding

// User-facing text (Chinese).
const (
	msgNoTables = "工作簿中没有识别到九张表，无法舍位。"
	msgNotYuan  = "“%s”的金额单位是%s，舍位平衡只接受以元为单位的工作簿。"
)

const (
	msgWorkbookNotYuan = "工作簿的金额单位是%s：舍位平衡把以元为单位的工作簿换算为万元，请提供以元为单位的工作簿。"
	msgWrite           = "生成万元工作簿失败。"
)
