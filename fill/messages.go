package fill

// Every Chinese text fill produces, in one place.
const (
	// A filled cell's note: how it was derived.
	msgNote         = "按 %s 由 %s 计算得 %s"
	msgNoteAdjusted = "按 %s 由 %s 计算为 %s；取 %s（相差 %s，在该式允许尾差 %s 以内）"
	msgNoteFor      = "，以使 %s 成立"
	msgNoteNothing  = "按 %s 计算得 %s"
	msgAlternative  = "按 %s 为 %s"
	msgAltSep       = "；"
	msgOperandSep   = "、"
	msgMoreOperands = " 等 %d 项"
	msgRowTotal     = "合计行"

	// F01: no value satisfies every identity.
	msgConflict  = "%s 未补填：%s（%s）按已填列的数据无法在允许尾差内成立：%s %s %s，差额 %s，允许尾差 %s。请核对已填列的 %s"
	msgWouldBe   = "（计算得 %s，未填）"
	msgNoTyped   = "相关单元格"
	msgSources   = "，以及据以计算的 %s"
	msgMoreCells = "等共%d处"
	msgOpEq      = "应等于"
	msgOpLe      = "应不大于"
	msgOpGe      = "应不小于"
)
