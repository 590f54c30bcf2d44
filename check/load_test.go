package check

import (
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	rules, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"R01.1", "R01.2", "R01.3", "R01.4", "R01.5", "R01.6", "R01.7", "R01.8",
		"R02.1", "R02.2", "R02.3", "R02.4", "R03.1", "R03.2", "R03.3",
		"R04.1", "R04.2", "R04.3", "R04.4", "R04.5", "R04.6", "R04.7", "R04.8", "R04.9",
		"R05.1", "R05.2", "R05.3", "R06.1", "R06.2", "R06.3", "R06.4", "R06.5",
		"R07.1", "R07.2", "R07.3", "R07.4", "R08.1", "R08.2", "R08.3", "R08.4",
		"R09.1", "R09.2", "R09.3", "R09.4", "R09.5", "R09.6",
		"X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8", "X9", "X10", "X11", "X12", "X13", "X14", "X15",
		"X16", "X17", "X18", "X19", "X20", "X21", "Y1", "Y2", "Y3", "Y4", "Y5"}
	got := map[string]*Rule{}
	for _, r := range rules {
		got[r.ID] = r
	}
	for _, id := range want {
		if got[id] == nil {
			t.Errorf("rule %s missing", id)
		}
	}
	if len(rules) != len(want) {
		t.Errorf("%d rules, want %d", len(rules), len(want))
	}
	for _, r := range rules {
		wantSev := map[string]string{ClassCertain: "error", ClassCertainIneq: "error"}[r.Class]
		if wantSev != "" && string(r.Severity) != wantSev {
			t.Errorf("%s: class %s with severity %s", r.ID, r.Class, r.Severity)
		}
		if r.Class == ClassUsual && r.Severity == "error" {
			t.Errorf("%s: USUAL rule with severity error", r.ID)
		}
		if r.Message == "" || r.Expr == "" {
			t.Errorf("%s: empty message or expression", r.ID)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"bad severity", "A1 fatal CERTAIN \"x\"\n    T01[本年收入合计] = T01[其他收入]\n", "严重程度"},
		{"bad class", "A1 error SURE \"x\"\n    T01[本年收入合计] = T01[其他收入]\n", "类别"},
		{"no message", "A1 error CERTAIN\n    T01[本年收入合计] = T01[其他收入]\n", "说明"},
		{"no body", "A1 error CERTAIN \"x\"\n", "没有公式"},
		{"body first", "    T01[本年收入合计] = T01[其他收入]\n", "首行"},
		{"unknown table", "A1 error CERTAIN \"x\"\n    T10[合计, 合计] = T01[其他收入]\n", "未知的表"},
		{"no operator", "A1 error CERTAIN \"x\"\n    T01[本年收入合计] + T01[其他收入]\n", "缺少"},
		{"missing column", "A1 error CERTAIN \"x\"\n    T02[合计] = T01[其他收入]\n", "列"},
		{"unknown set", "A1 error CERTAIN \"x\"\n    for r in lines(T02): T02[r, 合计] = 0\n", "未知的集合"},
		{"children of non-var", "A1 error CERTAIN \"x\"\n    T02[201, 合计] = Σ T02[children(201), 合计]\n", "循环变量"},
		{"var in condition", "A1 error CERTAIN \"x\"\n    for r in rows(T02): T02[r, 合计] = 0 when T02[r, 合计] = 0\n", "循环变量"},
		{"trailing", "A1 error CERTAIN \"x\"\n    T01[本年收入合计] = T01[其他收入] ]\n", "多余"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.rules", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// A well-formed file parses, with continuation lines joined.
	rs, err := Parse("t.rules", []byte("# c\nA1 warning USUAL fill \"说明\"\n    for r in rows(T02):\n        T02[r, 本年收入合计] = T02[r, 财政拨款收入]\n        + T02[r, 其他收入]\n    when T01[其他收入] = 0\n"))
	if err != nil || len(rs) != 1 || len(rs[0].clauses) != 1 || !rs[0].Fill || rs[0].When == "" {
		t.Fatalf("parse: %v %+v", err, rs)
	}
}
