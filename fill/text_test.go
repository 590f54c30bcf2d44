package fill

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// TestTextHelpersMatch: formatAmount, formatAt and msgf give exactly what
// model.FormatAmount and fmt.Sprintf give (notes and reports are public).
func TestTextHelpersMatch(t *testing.T) {
	for _, x := range amtSamples() {
		if got, want := formatAmount(x), model.FormatAmount(x); got != want {
			t.Errorf("formatAmount(%s) = %q, want %q", x, got, want)
		}
		for _, p := range []int32{2, 3, 4, 5} {
			if got, want := formatAt(amtOf(x), p), model.FormatAmount(x.Round(p)); got != want {
				t.Errorf("formatAt(%s, %d) = %q, want %q", x, p, got, want)
			}
		}
	}
	args := []string{"R01.1", "公开01表 一、一般公共预算财政拨款收入 1,234.50、公开02表 合计行 基本支出 7.00", "10.00", "0.01", "0.015", "R02"}
	for _, format := range []string{msgNote, msgNoteAdjusted, msgNoteFor, msgNoteNothing, msgAlternative} {
		var n int
		for i := 0; i+1 < len(format); i++ {
			if format[i] == '%' {
				n++
			}
		}
		as := make([]any, n)
		for i := range as {
			as[i] = args[i]
		}
		if got, want := msgf(format, args[:n]...), fmt.Sprintf(format, as...); got != want {
			t.Errorf("msgf(%q) = %q, want %q", format, got, want)
		}
	}
	for _, k := range []int{4, 12, 1234} {
		if got, want := msgf(msgMoreOperands, strconv.Itoa(k)), fmt.Sprintf(msgMoreOperands, k); got != want {
			t.Errorf("msgf(%q, %d) = %q, want %q", msgMoreOperands, k, got, want)
		}
	}
}
