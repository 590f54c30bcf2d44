package narrative

import (
	"fmt"

	"github.com/juesuan/juesuan/model"
)

// Error codes of this package beyond model's (stable; never rename).
const (
	// ENoText: a PDF without a text layer (scanned pages): nothing to read.
	ENoText = "no_text"
)

// User-facing text (Chinese) of the reader.
const (
	msgTooLarge     = "说明文件过大（超过 %s），请删去图片等附件后重试。"
	msgUnzipTooBig  = "说明文件解压后过大（%s 超过 %s），可能是压缩炸弹，已拒绝。"
	msgTooManyParts = "说明文件包含的压缩条目过多（超过 %d 个），已拒绝。"
	msgTooDeep      = "说明文件的 XML 嵌套过深（超过 %d 层），已拒绝。"
	msgTooLong      = "说明第 %d 段过长（超过 %d 字），已拒绝。"
	msgTooMany      = "说明的段落或表格单元格过多（超过 %d 个），已拒绝。"
	msgCorruptDOCX  = "无法读取 Word 文件：%s。请用 Word/WPS 打开后另存为 .docx 再试。"
	msgNoDocument   = "这不是 Word 文档（缺少 word/document.xml）。"
	msgDOC          = "这是旧版 Word .doc 文件，请另存为 .docx 或 .txt 后再试。"
	msgEncrypted    = "Word 文件已加密，请去除密码后再试。"
	msgEncoding     = "无法识别文本文件的编码（既不是 UTF-8 也不是 GB18030）。"
	msgBinary       = "这不是文本文件，也不是 .docx 或 PDF。"
	msgPDFNoText    = "PDF 没有文字层（可能是扫描件或图片），无法读取数字。请提供 Word（.docx）或文本版说明，或先做文字识别（OCR）。"
	msgPDFCorrupt   = "无法读取 PDF：%s。"
	msgPDFEncrypted = "PDF 已加密，请去除密码后再试。"
	msgRTF          = "这是 RTF 文件，请在 Word/WPS 中另存为 .docx 或 .txt 后再试。"
	msgHTML         = "这是网页文件，请在 Word/WPS 中另存为 .docx 或 .txt 后再试。"
	msgEmpty        = "说明文件没有文字。"
	msgBindings     = "内部错误：数字对应表（bindings.txt）有误：%s"
)

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

func errTooLong(par, max int) error {
	return model.Errorf(model.ETooLarge, nil, msgTooLong, par, max)
}

func errTooMany(max int) error {
	return model.Errorf(model.ETooMany, nil, msgTooMany, max)
}

// User-facing text (Chinese) of the checks.
const (
	msgCellMismatch   = "说明%s与%s（%s）不符，相差 %s。"
	msgCellUsually    = "说明%s与%s（%s）不一致（相差 %s），通常应相等，请核实。"
	msgCellResidue    = "说明%s与%s（%s）有尾差，在四舍五入允许范围内。"
	msgNoItem         = "说明%s所述科目 %s 在一般公共预算财政拨款支出决算表中没有。"
	msgAtMost         = "说明%s：%s不应大于%s（%s）。"
	msgSame           = "说明%s（%s）与第 %d 段所述“%s”不一致。"
	msgShare          = "说明%s：%s ÷ %s %s = %s，与所写占比不符。"
	msgShareResidue   = "说明%s：%s ÷ %s %s = %s，与所写占比有尾差（在四舍五入允许范围内）。"
	msgNegChange      = "说明%s：“%s”后面是负数，自相矛盾。"
	msgDirection      = "说明%s：前面说%s %s，后面却说%s，方向矛盾。"
	msgZeroChange     = "说明%s：增减额为 %s，增减幅度却不为 0。"
	msgZeroBase       = "说明%s：上年数为 0（本年 %s，增加 %s），增长率无从计算，不宜写作百分比，建议写“上年无此项支出”。"
	msgRate           = "说明%s：本年 %s、%s %s，上年应为 %s，增减幅度应为 %s。"
	msgRateResidue    = "说明%s：增减额 %s、上年 %s，增减幅度 %s，有尾差（在四舍五入允许范围内）。"
	msgLevel          = "说明%s：写了“持平”，增减额却不为 0。"
	msgZeroBudget     = "说明%s：预算数为 %s，预决算差异率或完成率无从计算。"
	msgSign           = "说明%s：决算数小于预算数，预决算差异率应为负数（%s）。"
	msgVar            = "说明%s：按预算数 %s、决算数 %s 计算，%s应为 %s。"
	msgVarResidue     = "说明%s：按预算数 %s、决算数 %s 计算为 %s，有尾差（在四舍五入允许范围内）。"
	msgSum            = "说明%s：%s应等于所列各项之和 %s = %s。"
	msgSumExceeds     = "说明%s：所列各项 %s = %s 已超过%s。"
	msgOtherUnit      = "说明的开头部分没有出现工作簿的单位名称“%s”，请确认说明与九张表是同一单位、同一年度的。"
	msgSummary        = "决算公开说明：%d 段、%d 个表格，数字 %d 个；与九张表核对 %d 个（一致或尾差 %d 个），占比、增减等 %d 个，未能对应 %d 个。"
	msgSumResidue     = "说明%s：%s与所列各项之和 %s = %s 有尾差（在四舍五入允许范围内）。"
	msgUnbound        = "说明%s未能对应到九张表或说明中的其他数字（未核对）。"
	msgMoreUnbound    = "另有 %d 个数字未能对应（未核对）。"
	msgTooManyFigures = "说明中的数字过多，只核对了前 %d 个。"
	msgPlaceholder    = "说明第 %d 段留有占位符“%s”，请填写。"
	msgNoEmptyNote    = "%s为空表，说明中应写明“本单位本年度无%s收入、支出及结转和结余，%s为空表”。"
	msgEmptyNotEmpty  = "说明称%s为空表，但工作簿中该表有数。"
	msgMissingCount   = "说明“三公”经费部分缺少%s。"
	msgMissingSection = "说明缺少%s的情况说明。"
	msgMissingItem    = "一般公共预算财政拨款支出决算表中 %s %s（%s 万元）在说明“具体情况”中没有说明。"
	msgMissingSangong = "说明“三公”经费部分没有说明%s。"
	msgNoPercent      = "说明第 %d 段的占比“%s”后缺少“%%”。"
	msgCarPurchase    = "说明%s与%s %s 不相称（数量与金额应同为 0 或同不为 0）。"
)

// User-facing text (Chinese) of the 绩效自评表 checks.
const (
	msgPerfSum          = "绩效自评表%s：%s应等于各项资金之和 %s = %s。"
	msgPerfSumResidue   = "绩效自评表%s：%s与各项资金之和 %s = %s 有尾差（在四舍五入允许范围内）。"
	msgPerfRate         = "绩效自评表%s：执行率应为全年执行数 %s ÷ 全年预算数 %s = %s。"
	msgPerfScore        = "绩效自评表%s：得分通常为分值 %s × 执行率 %s = %s（不超过分值），请核实。"
	msgPerfWhole        = "说明%s与单位整体支出绩效自评表合计行（%s）不一致。"
	msgPerfCount        = "说明%s，但所附项目支出绩效自评表为 %d 个。"
	msgPerfTotal        = "说明%s与所附 %d 个项目支出绩效自评表之和 %s 不符。"
	msgPerfTotalResidue = "说明%s与所附 %d 个项目支出绩效自评表之和 %s 有尾差（在四舍五入允许范围内）。"
	msgPerfDone         = "绩效自评表%s：完成率按业绩值 %s ÷ 目标值 %s 为 %s（评分规则各地不同，仅供参考）。"
	msgPerfTotalScore   = "绩效自评表%s：总分应为各指标得分之和 %s 加预算执行得分 %s = %s，请核实。"
	msgPerfProse        = "项目“%s”的实际完成情况写“%s”，而指标“%s”的业绩值为“%s”，请核实。"
)

// The narrative checks as `juesuan rules --narrative` and
// GET /api/v1/rules/narrative list them: what each rule checks, with the
// severities it reports (several when the verdict decides: 尾差 is info).
var ruleTexts = []RuleInfo{
	{"N01", []model.Severity{model.SevError, model.SevWarning, model.SevInfo}, "说明中的数字与九张表的单元格相等（超出尾差为错误；“通常相等”的对应不等为提示；尾差为信息）；说明所述科目在一般公共预算财政拨款支出决算表中没有"},
	{"N02", []model.Severity{model.SevError, model.SevInfo}, "占比 = 该项 ÷ 其分母（按各数的印刷精度计算区间）"},
	{"N03", []model.Severity{model.SevError, model.SevInfo}, "增减幅度 = 增减额 ÷（本年数 − 增减额）"},
	{"N04", []model.Severity{model.SevError, model.SevWarning, model.SevInfo}, "预决算差异率 =（决算数 − 预算数）÷ 预算数，完成年初预算的百分比；符号与决算、预算的大小一致（不一致为提示）"},
	{"N05", []model.Severity{model.SevError, model.SevInfo}, "说明中列出的各部分之和等于所写的合计"},
	{"N06", []model.Severity{model.SevError, model.SevWarning}, "自相矛盾：“增加”后是负数、前说增加后说下降（错误）；写“持平”却有增减额（提示）"},
	{"N07", []model.Severity{model.SevWarning}, "上年为 0 仍写增长百分比、增减额为 0 却有增减幅度、预算数为 0 仍写差异率或完成率"},
	{"N08", []model.Severity{model.SevWarning}, "留有占位符（【请填写】、XX、××、X.XX、“202 年”）"},
	{"N09", []model.Severity{model.SevWarning}, "必备表述：空表（政府性基金、国有资本经营预算）应写明为空表且不说有数的表为空；“三公”经费各项及数量；机关运行经费、政府采购、国有资产占用情况；一般公共预算财政拨款支出中每个不为 0 的项都有说明"},
	{"N10", []model.Severity{model.SevError}, "机关运行经费不大于一般公共预算财政拨款基本支出决算表的公用经费合计"},
	{"N11", []model.Severity{model.SevError}, "同一数字在说明中两处写法不一"},
	{"N12", []model.Severity{model.SevInfo}, "未能对应到九张表或说明中其他数字的数字（列出，未核对；不猜测）"},
	{"N13", []model.Severity{model.SevWarning}, "占比后缺少“%”"},
	{"N14", []model.Severity{model.SevWarning}, "数量与金额应同为 0 或同不为 0（公务用车购置数与购置费、出国团组和人次与出国费、国内接待批次与接待费）"},
	{"N15", []model.Severity{model.SevWarning}, "说明开头出现工作簿的单位名称（说明与九张表是同一单位）"},
	{"N20", []model.Severity{model.SevError, model.SevInfo}, "绩效自评表：年度资金总额（合计）= 各项资金之和，逐列"},
	{"N21", []model.Severity{model.SevError, model.SevInfo}, "绩效自评表：执行率 = 全年执行数 ÷ 全年预算数（错误）；得分 = 分值 × 执行率（信息，各地评分规则不同）"},
	{"N22", []model.Severity{model.SevError}, "说明的全年预算总额、实际执行总额与单位整体支出绩效自评表合计行一致"},
	{"N23", []model.Severity{model.SevError, model.SevWarning, model.SevInfo}, "说明的预算绩效评价项目个数（不符为提示）及全年预算数、执行数之和与所附项目支出绩效自评表一致"},
	{"N24", []model.Severity{model.SevInfo}, "绩效自评表：完成率 = 业绩值 ÷ 目标值（上限型指标、截断的印刷值不算错）"},
	{"N25", []model.Severity{model.SevWarning}, "绩效自评表：总分 = 各指标得分之和 + 预算执行得分"},
	{"N26", []model.Severity{model.SevWarning}, "实际完成情况中的数量与同名指标的业绩值一致"},
}

// Labels of the bindings listing.
var relTexts = map[Relation]string{
	RelEqual:   "相等（超出尾差为错误）",
	RelAtMost:  "不大于（大于为错误）",
	RelUsually: "通常相等（不等为提示）",
}

const (
	msgNoCell     = "九张表中没有（只在说明内部核对）"
	msgAnySectn   = "任何一节"
	msgRowItem    = "按说明所写的类、款、项名称在工作簿中找到的科目"
	msgRoleNames  = "不指明对象的数字（依附于同一句中前面的数字）"
	msgSumClasses = "Σ 各类(类)"
	msgSumItems   = "Σ %s下的各项(项)"
	msgSumPrefix  = "Σ 各项%s"
)
