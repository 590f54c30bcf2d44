package narrative

import (
	"fmt"
	"strings"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

// RuleInfo is one narrative check: its id, the severities it reports and
// what it checks (Chinese).
type RuleInfo struct {
	ID         string           `json:"id"`
	Severities []model.Severity `json:"severities"`
	Message    string           `json:"message"`
}

// Rules lists the narrative checks N01–N26.
func Rules() []RuleInfo { return append([]RuleInfo(nil), ruleTexts...) }

// Catalogue is bindings.txt and the checks in the form people read:
// tables by their printed names, never T05.
type Catalogue struct {
	Sections []SectionInfo `json:"sections"`
	Bindings []BindingInfo `json:"bindings"`
	Roles    []RoleInfo    `json:"roles"`
	Sums     []string      `json:"sums"`
	Rules    []RuleInfo    `json:"rules"`
}

// SectionInfo is a section and the heading text (a regular expression)
// that opens it.
type SectionInfo struct {
	Name    string `json:"name"`
	Heading string `json:"heading"`
}

// BindingInfo is one bind line of bindings.txt.
type BindingInfo struct {
	Line     int    `json:"line"`
	Section  string `json:"section"`  // "*": any section
	Pattern  string `json:"pattern"`  // the words before the figure (regular expression, matched at their end)
	Unit     string `json:"unit"`     // 万元, %, 人 …
	Quantity string `json:"quantity"` // the figure's name in bindings.txt; {类} {款} {项} stand for the names the text gives
	Words    string `json:"words"`    // the same in words, as findings name it
	// Table, Row and Column name the cell: the table's printed name, the
	// row and column as tables.yaml keys them; empty when the nine tables
	// do not carry the figure.
	Table    string `json:"table,omitempty"`
	Row      string `json:"row,omitempty"`
	Column   string `json:"column,omitempty"`
	Cell     string `json:"cell"`     // the three in one readable phrase
	Relation string `json:"relation"` // =, ≤, ≈ ("" without a cell)
	// Denominator is the quantity a following 占% divides by.
	Denominator string `json:"denominator,omitempty"`
	// After is the quantity the previous figure of the sentence must be.
	After string `json:"after,omitempty"`
}

// RoleInfo is a figure that names no subject of its own.
type RoleInfo struct {
	Role    string `json:"role"`
	Pattern string `json:"pattern"`
	Unit    string `json:"unit"`
}

// Listing returns the catalogue of the embedded bindings.
func Listing() (*Catalogue, error) {
	b, err := LoadBindings()
	if err != nil {
		return nil, err
	}
	spec := templates.MustLoad()
	c := &Catalogue{Rules: Rules()}
	for _, s := range b.Sections {
		c.Sections = append(c.Sections, SectionInfo{Name: s.Name, Heading: s.re.String()})
	}
	for _, bd := range b.Binds {
		bi := BindingInfo{Line: bd.Line, Section: bd.Section, Pattern: bd.Pattern, Unit: bd.Unit, Quantity: bd.Name, Words: display(bd.Name),
			Denominator: bd.Denom, After: bd.After, Cell: msgNoCell}
		if cs := bd.Cell; cs != nil {
			bi.Table, bi.Row, bi.Column = string(cs.Table), cs.Row, cs.Col
			if ts := spec.Table(cs.Table); ts != nil {
				bi.Table = ts.Name
			}
			row := "「" + cs.Row + "」行"
			if strings.Contains(cs.Row, "{") {
				row = "「" + cs.Row + "」行（" + msgRowItem + "）"
			}
			bi.Cell = bi.Table + " " + row + "「" + cs.Col + "」列"
			bi.Relation = string(bd.Rel)
		}
		c.Bindings = append(c.Bindings, bi)
	}
	for _, r := range b.Roles {
		c.Roles = append(c.Roles, RoleInfo{Role: r.Name, Pattern: r.Pattern, Unit: r.Unit})
	}
	for _, s := range b.Sums {
		if s.Prefix != "" {
			c.Sums = append(c.Sums, display(s.Total)+" = "+prefixText(s.Prefix))
			continue
		}
		parts := make([]string, len(s.Parts))
		for i, p := range s.Parts {
			parts[i] = display(p)
		}
		c.Sums = append(c.Sums, display(s.Total)+" = "+strings.Join(parts, " + "))
	}
	return c, nil
}

// RelationText is a relation in words.
func RelationText(r string) string { return relTexts[Relation(r)] }

// SectionText names a section as the listing prints it ("*": any).
func SectionText(s string) string {
	if s == "*" {
		return msgAnySectn
	}
	return s
}

// RolesHeading introduces the roles in the listing.
const RolesHeading = msgRoleNames

// prefixText says which figures a Σ sum adds.
func prefixText(p string) string {
	switch {
	case p == "类:":
		return msgSumClasses
	case strings.HasPrefix(p, "项:"):
		return fmt.Sprintf(msgSumItems, display("类:"+strings.TrimSuffix(strings.TrimPrefix(p, "项:"), "/")))
	}
	return fmt.Sprintf(msgSumPrefix, strings.TrimSuffix(p, ":"))
}
