package narrative

import (
	"strings"
	"testing"

	"github.com/juesuan/juesuan/model"
)

// TestPendingCount: a count left as a placeholder where its number goes
// (as a draft leaves it) is reported once, as a placeholder (N08), not
// also as a missing statement (N09); a count that is not there at all is.
func TestPendingCount(t *testing.T) {
	head := "九、财政拨款“三公”经费支出决算情况说明\n2024年度财政拨款“三公”经费支出18.40万元。其中：因公出国（境）费7.26万元，公务用车购置及运行维护费10.90万元，公务接待费0.24万元。\n"
	for _, c := range []struct {
		name, text string
		n09, n08   int
	}{
		{"placeholders", "全年安排因公出国（境）团组【请填写】个，因公出国（境）【请填写】人次。公务用车购置数0辆，公务用车保有量【请填写】辆。国内公务接待【请填写】批次，【请填写】人次。", 0, 5},
		{"numbers", "全年安排因公出国（境）团组1个，因公出国（境）1人次。公务用车购置数0辆，公务用车保有量8辆。国内公务接待2批次，23人次。", 0, 0},
		{"missing", "开支内容：【请填写】。", 3, 1},
		{"one missing", "全年安排因公出国（境）团组【请填写】个，因公出国（境）【请填写】人次。公务用车购置数0辆。国内公务接待2批次，23人次。", 1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := ReadBytes([]byte(head+c.text+"\n"), "s.txt", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			n08, n09 := 0, 0
			var msgs []string
			for _, f := range Check(doc, nil) {
				switch f.Rule {
				case "N08":
					n08++
				case "N09":
					n09++
				}
				if f.Severity != model.SevInfo {
					msgs = append(msgs, f.Rule+" "+f.Message)
				}
			}
			if n08 != c.n08 || n09 != c.n09 {
				t.Errorf("N08 %d (want %d), N09 %d (want %d):\n%s", n08, c.n08, n09, c.n09, strings.Join(msgs, "\n"))
			}
		})
	}
}
