package draft

// User-facing messages (Chinese), one place.
const (
	msgNoWorkbook = "没有可用于起草说明的工作簿。"
	msgTemplate   = "内部错误：说明句子模板无法使用。"
	msgWrite      = "写出说明草稿失败。"
)
