package batch

// User-facing text (Chinese) of the narrative pairing.

// narrHeads are the narrative columns of the 汇总 sheet.
var narrHeads = []string{"决算说明文件", "决算说明状态", "决算说明错误", "决算说明提示"}

const (
	msgOnlyNarrative  = "仅有说明"
	msgUnpairedNote   = "未找到与之对应的工作簿（按文件名或单位名称配对），只核对了说明本身（占比、增减、合计等），未与九张表核对"
	msgUnpairedUnread = "说明文件无法读取，也未找到与之对应的工作簿"
	msgNarrTotal      = "已配对 %d，未配对 %d"
	msgNarrPlace      = "说明第 %d 段"
)

// narrStatusText is a narrative's status in the 汇总 sheet.
func narrStatusText(n *NarrativeRecord) string {
	switch n.Status {
	case NarrPass:
		return "通过"
	case NarrWarn:
		return "有提示"
	case NarrFail:
		return "有错误"
	case NarrError:
		if n.Error != nil {
			return "无法读取：" + n.Error.Message
		}
		return "无法读取"
	case NarrUnpaired:
		return "未配对"
	case NarrNoWorkbook:
		return "工作簿无法读取，未核对"
	}
	return n.Status
}
