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
	msgReportHead     = "审核结果：%s（错误 %d 条，提示 %d 条，尾差 %d 条）\n"
	msgNoFindings     = "未发现问题。"
	msgOtherGroup     = "其他"
	msgNarrativeGroup = "决算公开说明"
	msgNarrativePara  = "说明第 %d 段"
	msgNarrativeTable = "说明表格 %d 第 %d 行"
	msgCellsHeader    = "    涉及单元格："
)

// Not checked is not wrong (issue 10): what the rules needed and did not find.
const (
	msgUnchecked   = "未找到%s，以下审核未进行（不按0计）：%s"
	msgColumnNamed = "%s“%s”栏"
)

// Naming the wrong cell (suspects).
const (
	msgSuspect     = "。可能有误的单元格：%s"
	msgSuspectsTie = "。以下单元格之一可能有误（无法区分）：%s"
	msgMoreCells   = "等共%d处"
)

// Rule-file diagnostics (Parse, Load, juesuan rules --file), printed as
// 文件:行:列: 规则编号: 说明.
const (
	msgDiagDupRule        = "规则 %s 重复定义（首次定义于 %s）"
	msgDiagNoBody         = "没有公式"
	msgDiagNoHeader       = "公式行前缺少规则首行"
	msgDiagRead           = "无法读取: %v"
	msgDiagUnknownTable   = "未知的表 %q（应为 T01–T11）"
	msgDiagUnknownPred    = "未知的谓词 %s"
	msgDiagRow            = "行"
	msgDiagCol            = "列"
	msgDiagNoKey          = "%s 没有%s“%s”"
	msgDiagDidYouMean     = "（是否为“%s”？）"
	msgDiagSwapped        = "（“%s”是 %s 的%s，行与列是否写反？）"
	msgDiagUnbound        = "%s 不是已绑定的循环变量，%s 也没有名为 %[1]s 的%[3]s"
	msgDiagUnboundVar     = "%s 不是已绑定的循环变量"
	msgDiagVarValue       = "（循环变量 %s 的取值，用于 %d:%d）"
	msgDiagWordValue      = "（%s 取 %s，用于 %d:%d）"
	msgDiagNoShape        = "%s 没有形如“%s”的%s"
	msgDiagLoopVar        = "循环变量 %s"
	msgDiagSumRows        = "Σ 的行集合"
	msgDiagKind           = "%s 取自 %s，是%s，不能用作%s"
	msgDiagFromOther      = "%s 取自 %s，其中的%s“%s”在 %s 中不存在"
	msgDiagCatalog        = "%s 取自 %s（%s代码），%s 的代码行是%s代码"
	msgDiagNoCodes        = "%s 取自 %s，但 %s 没有代码行"
	msgDiagClassesOnly    = "%s 取自 %s，但 %s 只有类级代码行"
	msgDiagFunction       = "支出功能分类"
	msgDiagEconomic       = "经济分类"
	msgDiagEmptySet       = "%s(%s) 总为空：%s 没有%s"
	msgDiagCodeRows       = "代码行"
	msgDiagLevel2         = "款级代码"
	msgDiagLevel3         = "项级代码"
	msgDiagLower          = "上下级代码"
	msgDiagChildrenNoSum  = "children(%s) 只能用在 Σ 表[…] 的行集合中"
	msgDiagMixedSet       = "集合中混合了行与列"
	msgDiagPatternUse     = "通配符“%s”只能用在“- {…}”中"
	msgDiagBadPattern     = "通配符“%s”应为“*代码后缀”或“代码前缀*”"
	msgDiagUselessFilter  = "去除的“%s”不可能在集合中，去除无效"
	msgDiagUnusedVar      = "循环变量 %s 未使用"
	msgDiagDupVar         = "循环变量 %s 重复定义"
	msgDiagConst          = "常数只能为 0（绑定时常数被忽略，%s 会按 0 计）"
	msgDiagNoCells        = "公式没有引用任何单元格"
	msgDiagSideMismatch   = "%s 的行“%s”在%s一侧，列“%s”在%s一侧，没有这个单元格"
	msgDiagNarrativeCol   = "说明[…] 只能写一个名称"
	msgDiagNarrativePrior = "没有上年的决算说明"
	msgDiagPredFor        = "谓词 %s 不能用在 for 循环中（循环变量不会代入）"
	msgDiagPredArity      = "%s 需要 %s 个参数（%s），实为 %d 个"
	msgDiagOneOrMore      = "1 个或多"
	msgDiagPredArg        = "%s 的第 %d 个参数应为%s，实为“%s”"
	msgDiagPredNotStmt    = "%s 不能单独作为公式，它不审核任何内容（应写作 %s）"
	msgDiagPredPair       = "%s %s %s 不审核任何内容（可用：%s）"
	msgDiagPredNotCond    = "%s 不能用作条件（条件永不成立，规则不会审核）"
	msgDiagNone           = "无"
	msgDiagArgTable       = "表（T01–T11）"
	msgDiagArgTables      = "表（%s）"
	msgDiagArgCol         = "列名"
	msgDiagArgSet         = "代码集合（如 codes(T05)）"
	msgDiagArgCell        = "本年工作簿的单元格（如 T01[本年收入合计]）"
	msgDiagArgName        = "决算说明的项目名称"
	msgDiagASet           = "集合"
	msgDiagACell          = "单元格"
	msgDiagNoCond         = "CONDITIONAL 规则的公式没有 when 条件"
	msgDiagFillNoEq       = "标 fill 的规则没有等式，不能用于填充"
	msgDiagNarrNoGuard    = "说明[%s] 需要条件 when stated(%s)（工作簿不一定附决算说明）"
	msgDiagGuardNoNarr    = "stated(%s) 没有对应的 说明[%s]"
	msgDiagSubsetCatalog  = "%s 的代码是%s代码，%s 的是%s代码，不可能互为子集"
	msgDiagNarrUnknown    = "决算说明中没有“%s”这一项（说明的项目见 narrative/bindings.txt 的名称）"
)

// Rule-file syntax errors (parse.go), reported as diagnostics.
const (
	msgSynHeaderQuote  = "规则首行应以带引号的中文说明结尾: %q"
	msgSynHeaderFields = "规则首行应为 编号 严重程度 类别 [fill] \"说明\": %q"
	msgSynSeverity     = "%s: 未知严重程度 %q"
	msgSynClass        = "%s: 未知类别 %q"
	msgSynFlag         = "%s: 未知标记 %q"
	msgSynSymbol       = "无法识别的符号 %q"
	msgSynExpect       = "此处应为 %q，实为 %q"
	msgSynName         = "此处应为名称，实为 %q"
	msgSynNoOp         = "公式缺少 = 或 <= 或 >="
	msgSynVarInCond    = "条件中不能使用循环变量"
	msgSynCondTrailing = "条件中多余的内容 %q"
	msgSynTrailing     = "多余的内容 %q"
	msgSynCondNoOp     = "条件缺少比较符"
	msgSynSumCol       = "%s 需要指明列"
	msgSynRefCol       = "%s[%s] 需要指明列"
	msgSynPredArg      = "%s 的参数有误: %q"
	msgSynSet          = "未知的集合 %q"
	msgSynSetArg       = "%s 需要参数"
	msgSynChildren     = "children(%s): %s 不是循环变量"
)

// Report sections (juesuan check).
const (
	msgSectionErrors    = "错误"
	msgSectionWarnings  = "提示"
	msgSectionResidues  = "尾差"
	msgResiduesFolded   = "尾差 %d 处，均在允许范围内"
	msgResiduesHint     = "  （加 --all 逐条列出尾差）"
	msgSectionUnchecked = "未审核（找不到所需的表、行或栏，相关规则未进行，不按0计）："
	msgUncheckedRules   = "%s"
	// msgExtraNoRules: a regional table beyond the nine that no rule checks.
	msgExtraNoRules = "已识别“%s”（九张表以外的地区表），但没有审核公式核对它，未审核。"
)

// Hints of USUAL rules (no equation, no tolerance).
const (
	msgUsualHint      = "%s：%s，%s %s"
	msgUsuallyEqual   = "通常应为"
	msgUsuallyAtMost  = "通常应不大于"
	msgUsuallyAtLeast = "通常应不小于"
)
