package templates

import _ "embed"

// caseANarrative is the embedded 决算公开说明 of Case A: drafted by
// `juesuan draft` from the Case A workbook, its placeholders (reasons,
// counts, 机关运行经费, 政府采购, 国有资产, 绩效) filled in by hand. Plain
// text, one paragraph a line, the first line the title; draft.Sample
// renders it as .docx.
//
//go:embed samples/case_a_narrative.txt
var caseANarrative string

// CaseANarrative returns the embedded Case A narrative (UTF-8 text).
func CaseANarrative() string { return caseANarrative }
