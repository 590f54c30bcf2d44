package fill

import (
	"bytes"
	"testing"

	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// The same as TestFilledRechecksClean on the workbooks as the reader
// reads them back from the written xlsx (derived flags, decimals and
// addresses from the sheet, not from the writer's model).
func TestFilledRechecksCleanReadBack(t *testing.T) {
	for _, sm := range samples {
		t.Run(sm.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := templates.Write(&buf, sm.data(), templates.Options{Style: sm.style, OmitDerived: true}); err != nil {
				t.Fatal(err)
			}
			wb, book, err := reader.Read(bytes.NewReader(buf.Bytes()), reader.Options{})
			if err != nil {
				t.Fatal(err)
			}
			book.Close()
			before := errorKeys(t, wb)
			fills, own := fillRun(t, wb)
			if len(fills) == 0 || len(own) != 0 {
				t.Fatalf("%d fills, findings %+v", len(fills), own)
			}
			for _, f := range errorsOf(t, wb) {
				t.Errorf("after fill: %s %s!%s %s", f.Rule, f.Sheet, f.Cell, f.Message)
			}
			for _, f := range created(t, wb, before, fills, own) {
				t.Errorf("created by fill: %s %s", f.Rule, f.Message)
			}
			for _, f := range fills {
				if f.Note == "" {
					t.Errorf("fill %s!%s without its derivation: %+v", f.Sheet, f.Cell, f)
				}
			}
		})
	}
}
