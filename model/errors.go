package model

import (
	"errors"
	"fmt"
)

// Error codes: stable identifiers that scripts, macros and the HTTP API
// branch on. Add new ones; never rename.
const (
	ENotXLSX     = "not_xlsx"    // not a zip/xlsx at all
	EXLS         = "xls_format"  // legacy .xls (OLE2)
	EEncrypted   = "encrypted"   // password-protected workbook
	ECorrupt     = "corrupt"     // a zip or XML part is broken
	ETooLarge    = "too_large"   // upload, unzipped size or part beyond its limit
	ETooMany     = "too_many"    // sheets, rows or cells beyond the scan limit
	ENoTables    = "no_tables"   // no table of the nine found
	EInvalid     = "invalid"     // a bad argument or parameter
	EInternal    = "internal"    // a bug; message is generic
	EUnavailable = "unavailable" // overloaded; try again
	ETimeout     = "timeout"     // the work took too long
	ENotFound    = "not_found"   // no such resource
	EUnsupported = "unsupported" // a media type or format we do not read
	// ETooManyStyles: the workbook's cell styles are full (Excel's 64,000),
	// so no mark can be added; check still works.
	ETooManyStyles = "too_many_styles"
	// EErrorsRemain: the clean copy for 报送 was asked for while error
	// findings remain (force overrides).
	EErrorsRemain = "errors_remain"
	// ENotYuan: 舍位平衡 (round) was given a workbook not kept in 元.
	ENotYuan = "not_yuan"
)

// Error is the one coded error type. Message is Chinese and safe to show to
// users; Err keeps the technical cause for logs.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a coded error with a Chinese message.
func Errorf(code string, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EInternal for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-safe Chinese message of err.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "内部错误，请联系管理员。"
}
