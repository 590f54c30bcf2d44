// Package xlsxtest holds the test aids of package xlsx's users: editing a
// generated workbook (Edit), reading one back (Inspect, ReadSheets)
// without importing excelize, which only xlsx and xlsxtest use. Nothing
// in the program imports it.
package xlsxtest
