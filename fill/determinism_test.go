package fill

import (
	"encoding/json"
	"testing"
)

// TestFillIsDeterministic: the same workbook gives the same fills, rules,
// notes and warnings on every run (Go's map order differs from run to run,
// so twenty runs in one process would show any dependence on it).
func TestFillIsDeterministic(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			var first string
			for i := 0; i < 20; i++ {
				fills, own := fillRun(t, build(t, s, true))
				b, err := json.Marshal(struct {
					F, W any
				}{fills, own})
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = string(b)
				} else if string(b) != first {
					t.Fatalf("run %d differs from run 0", i)
				}
			}
		})
	}
}
