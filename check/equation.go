// Package check evaluates the consistency rules (审核公式) of the nine
// tables against a model.Workbook. Rules are data (templates/rules/*.rules):
// they are parsed once (Load), bound to one workbook's cells (Bind) and
// evaluated with the rounding tolerance of spec §5.0 (Check). Parsing,
// binding and evaluation are separate so that fill can reuse the bound
// equations as 运算公式.
package check

import (
	"github.com/juesuan/juesuan/model"
)

// Rule classes (spec §5.0).
const (
	ClassCertain     = "CERTAIN"
	ClassCertainIneq = "CERTAIN-INEQ"
	ClassConditional = "CONDITIONAL"
	ClassUsual       = "USUAL"
	ClassStructure   = "STRUCTURE"
)

// Rule is one declaration of the rule files.
type Rule struct {
	ID       string         `json:"id"`
	Severity model.Severity `json:"severity"`
	Class    string         `json:"class"`          // CERTAIN | CERTAIN-INEQ | CONDITIONAL | USUAL | STRUCTURE
	Message  string         `json:"message"`        // Chinese
	Expr     string         `json:"expr"`           // source text, accountant-readable
	When     string         `json:"when,omitempty"` // condition source, "" if none
	Fill     bool           `json:"fill"`           // usable as 运算公式 by the fill stage
	// Since is the first year (决算年度) the rule applies to, from the year
	// packs (templates/packs.yaml); 0: every year.
	Since int `json:"since,omitempty"`

	file string // the rule file it was declared in

	clauses []*clause
}

// Term is one operand of an equation.
type Term struct {
	Key  model.Key
	Sign int // +1 or -1

	prior bool // the cell is in the prior year's workbook
	// wb and cell: the workbook the term was bound to and its cell there
	// (nil: a row the table does not print), resolved once at binding.
	wb   *model.Workbook
	cell *model.Cell
}

// CellIn returns the term's cell in wb (nil when the table does not print
// it): the one resolved at binding when wb is the workbook bound.
func (t Term) CellIn(wb *model.Workbook) *model.Cell {
	if t.wb == wb && wb != nil {
		return t.cell
	}
	return wb.Cell(t.Key)
}

// Prior reports whether the term refers to the prior year's workbook.
func (t Term) Prior() bool { return t.prior }

// Equation is one rule bound to concrete cells: Left Op Right. For "="
// rules whose Left is a single term, Left is the total (a fill target).
type Equation struct {
	Rule        *Rule
	Op          string // "=", "<=", ">="
	Left, Right []Term
	Where       string // readable binding, e.g. "201" or "基本支出"
}

// Load returns the embedded rule set, parsed.
func Load() ([]*Rule, error) { return loadEmbedded() }

// Bind binds rules to the workbook's cells once. CONDITIONAL rules whose
// condition fails produce no equations; predicate (STRUCTURE) rules and
// rules that need the prior year's workbook produce none either. A
// Binding (NewBinding) gives the same equations and is shared by fill and
// check (Options.Binding), so the workbook is bound once.
func Bind(rules []*Rule, wb *model.Workbook) []Equation {
	year := 0
	if wb != nil {
		year = wb.Year
	}
	return bind(ForYear(rules, year), wb, nil)
}
