package annotate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/xlsx"
)

// A full style table is a clear, coded message, not a corrupt file.
func TestDirectStyleLimitMessage(t *testing.T) {
	err := directErr(fmt.Errorf("mark: %w", &xlsx.StyleLimitError{Count: xlsx.MaxCellXfs, Limit: xlsx.MaxCellXfs}))
	if model.ErrorCode(err) != model.ETooManyStyles || !strings.Contains(model.ErrorMessage(err), "64000") {
		t.Errorf("%v: code %s, message %q", err, model.ErrorCode(err), model.ErrorMessage(err))
	}
	if directErr(nil) != nil {
		t.Error("nil error changed")
	}
}
