// Package xlsxtest holds the test aids of package xlsx and its users:
// editing a generated workbook (Edit, SetInRow), reading one back
// (Inspect, ReadSheets) and picturing a whole workbook to compare two
// (TakeSnapshot, Snapshot.Diff), with excelize as a reader independent of
// package xlsx. Only xlsx and xlsxtest import excelize; nothing in the
// program imports xlsxtest, and xlsxtest does not import xlsx (so xlsx's
// own tests use it too).
package xlsxtest
