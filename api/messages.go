package api

import "github.com/juesuan/juesuan/model"

// messages.go holds the Chinese texts of the answers added for issue 15
// (bounded bodies, memory admission, cross-site refusal) and their stable
// codes, which are not pipeline codes (package model) but the service's own.

// msgNoFile: an upload without a file, or an empty one. Said for the
// accountant; the API's field names are in the OpenAPI document.
const msgNoFile = "没有收到文件，或上传的文件是空的：请选择要审核的 .xlsx 工作簿后重新上传。"

const (
	// CodeSlowBody: the body arrived slower than the minimum rate (408).
	CodeSlowBody = "slow_body"
	// CodeTooManyStyles: the workbook has so many cell styles that no
	// mark can be added (422); the pipeline's code.
	CodeTooManyStyles = model.ETooManyStyles
	// CodeCrossSite: a browser request from another site (403).
	CodeCrossSite = "cross_site"
	// CodeNarrativeNotDocx: fill was asked for the annotated narrative
	// alone (part=narrative) and the narrative is text or PDF (422).
	CodeNarrativeNotDocx = "narrative_not_docx"
)

const (
	msgSlowBody      = "上传速度过慢（低于 %s/秒），连接已断开；请检查网络后重新上传。"
	msgBodyTimeout   = "上传未在 %s 内完成，连接已断开；请检查网络后重新上传。"
	msgMemoryFull    = "服务当前正在处理的上传过多，请稍后重试。"
	msgMemoryTooBig  = "本次上传（含压缩包内层解压）需要约 %s 内存，超过服务允许的 %s；请拆分后分批上传。"
	msgCrossSite     = "拒绝来自其他网站（%s）的请求：请在本服务的网页中上传，或由管理员用 --cors 允许该来源。"
	msgTooManyStyles = "工作簿中的单元格样式过多（%d 个，上限约 64000 个），无法再添加标注样式：请在 Excel/WPS 中清理多余的单元格样式（如“开始 → 单元格样式”中的重复样式）后重新上传；只需审核报告时可用 /api/v1/check。"
	// msgNarrativePrefix names the narrative in a reader error that does
	// not say which file it is about.
	msgNarrativePrefix    = "说明文件："
	msgNarrativeTooLarge  = "说明文件（narrative）超过 %s 的上限，请删去图片等附件后重试。"
	msgPartNoNarrative    = "part=narrative 需要同时上传决算公开说明（multipart 字段 narrative）。"
	msgPartNarrativeClean = "part=narrative（只要标注后的说明）不能与 clean=true（报送版工作簿）同时使用：报送版只有工作簿。"
	msgNarrativeNotDocx   = "说明文件是%s，只有 Word（.docx）说明才能加批注标注；说明的审核结果见报告（/api/v1/check 或 format=json），或上传 .docx 版本。"
	msgNarrativeNotMarked = "说明：上传的决算公开说明是%s，无法在其中加批注标注；说明的审核结果列在本报告中（“说明第 N 段”）。如需标注版，请上传 Word（.docx）版本。"
	// reportName is the report's name inside fill's zip.
	reportName = "审核报告.txt"
)

// Texts of the explanations field of check and fill (审核说明 typed on the
// page, by finding fingerprint).
const (
	msgExplNotJSON = "explanations 字段应为 JSON 对象：{\"指纹\": \"审核说明\"}，指纹见审核结果的 fingerprint。"
	msgExplTooBig  = "explanations 字段过大（上限 %d KB）。"
	msgExplTooMany = "explanations 字段中的审核说明过多（%d 条，上限 %d 条）。"
	msgExplBadKey  = "explanations 字段中的 %q 不是审核结果的指纹（应为 16 位十六进制字符）。"
	msgExplTooLong = "指纹 %s 的审核说明过长（%d 个字，上限 %d 个字）。"
	msgExplControl = "指纹 %s 的审核说明含有控制字符，请只填写文字。"
	msgDraftFormat = "format 只能是 docx 或 txt（收到 %q）。"
)
