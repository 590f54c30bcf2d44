package consolidate

// messages.go holds the Chinese text of this package that users read.

const (
	// msgDifference: where, table, row, column, department, sum, difference, unit, tolerance.
	msgDifference = "%s %s %s/%s：部门表 %s，单位合计 %s，差额 %s %s（允许 %s）"
	// msgDeptDefault names a department whose units share no name.
	msgDeptDefault = "部门汇总"
)
