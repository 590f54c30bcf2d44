package model

// Status is a report's verdict, a public value of the JSON report, the
// X-Juesuan-Status header and results.ndjson: one definition, its Chinese
// words in messages.go.
type Status string

const (
	StatusPass Status = "pass" // no error; every warning explained or none
	StatusWarn Status = "warn" // no error; unexplained warnings
	StatusFail Status = "fail" // at least one error
)

// Chinese is the verdict as users read it (通过, 通过（有提示）, 未通过); an
// unknown value is returned as it is.
func (s Status) Chinese() string {
	switch s {
	case StatusPass:
		return msgStatusPass
	case StatusWarn:
		return msgStatusWarn
	case StatusFail:
		return msgStatusFail
	}
	return string(s)
}
