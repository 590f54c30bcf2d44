package model

// Grid is the part of one located table around a finding's cells, as the
// table prints it: the 现场数据 view of the official software. Rows are
// sheet rows (code and name as printed), columns value columns (header as
// printed); each cell carries its value after filling and its part in the
// finding. Reports carry grids only when asked (?grid=true, Options.Grid).
type Grid struct {
	Table   TableID      `json:"table"`
	Title   string       `json:"title"`            // the table's title as printed
	Number  string       `json:"number,omitempty"` // e.g. 公开05表, when printed
	Sheet   string       `json:"sheet"`
	Unit    Unit         `json:"unit,omitempty"`
	Columns []GridColumn `json:"columns"`
	Rows    []GridRow    `json:"rows"`
}

// GridColumn is one value column of a grid.
type GridColumn struct {
	Key    string `json:"key"`
	Header string `json:"header"` // header path as printed, joined with "/"
	Letter string `json:"letter"` // the sheet column, e.g. "C"
}

// GridRow is one sheet row of a grid. Gap marks that rows of the table
// between the previous grid row and this one are left out.
type GridRow struct {
	Key   string     `json:"key"`
	Code  string     `json:"code,omitempty"`
	Label string     `json:"label"`
	Row   int        `json:"row"` // 1-based sheet row
	Gap   bool       `json:"gap,omitempty"`
	Cells []GridCell `json:"cells"` // one per grid column, in column order
}

// GridCell is one amount cell of a grid. Value is the amount after filling
// as a plain decimal ("" when blank or unreadable, Raw then says what was
// typed); Role is its part in the finding.
type GridCell struct {
	Cell   string   `json:"cell,omitempty"` // A1 address; "" where the table has no cell
	Value  string   `json:"value"`
	Raw    string   `json:"raw,omitempty"`
	Blank  bool     `json:"blank,omitempty"`
	Filled bool     `json:"filled,omitempty"`
	Role   GridRole `json:"role,omitempty"`
}

// GridRole is a grid cell's part in its finding.
type GridRole string

const (
	// RoleSuspect: the cell the finding names (its cell or a named suspect).
	RoleSuspect GridRole = "suspect"
	// RoleOperand: another cell of the broken identity.
	RoleOperand GridRole = "operand"
)
