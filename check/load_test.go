package check

import (
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
		"X16", "X17", "X18", "X19", "X20", "X21", "Y1", "Y2", "Y3", "Y4", "Y5",
		"K25.1",                                     // 2025 pack (templates/packs.yaml)
		"R10.1", "R10.2", "R11.1", "R11.2", "R11.3"} // the Yunnan set (yunnan.rules)
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
		name, src, want string // want: the whole diagnostic
	}{
		{"bad severity", "A1 fatal CERTAIN \"x\"\n    T01[本年收入合计] = T01[其他收入]\n", `t.rules:1:4: A1: 未知严重程度 "fatal"`},
		{"bad class", "A1 error SURE \"x\"\n    T01[本年收入合计] = T01[其他收入]\n", `t.rules:1:10: A1: 未知类别 "SURE"`},
		{"no message", "A1 error CERTAIN\n    T01[本年收入合计] = T01[其他收入]\n", `t.rules:1:1: 规则首行应以带引号的中文说明结尾: "A1 error CERTAIN"`},
		{"no body", "A1 error CERTAIN \"x\"\n", "t.rules:1:1: A1: 没有公式"},
		{"body first", "    T01[本年收入合计] = T01[其他收入]\n", "t.rules:1:5: 公式行前缺少规则首行"},
		{"unknown table", "A1 error CERTAIN \"x\"\n    T12[合计, 合计] = T01[其他收入]\n", `t.rules:2:5: A1: 未知的表 "T12"（应为 T01–T11）`},
		{"no operator", "A1 error CERTAIN \"x\"\n    T01[本年收入合计] + T01[其他收入]\n", "t.rules:2:28: A1: 公式缺少 = 或 <= 或 >="},
		{"missing column", "A1 error CERTAIN \"x\"\n    T02[合计] = T01[其他收入]\n", "t.rules:2:11: A1: T02[合计] 需要指明列"},
		{"unknown set", "A1 error CERTAIN \"x\"\n    for r in lines(T02): T02[r, 合计] = 0\n", `t.rules:2:14: A1: 未知的集合 "lines"`},
		{"children of non-var", "A1 error CERTAIN \"x\"\n    T02[201, 合计] = Σ T02[children(201), 合计]\n", "t.rules:2:35: A1: children(201): 201 不是循环变量"},
		{"var in condition", "A1 error CERTAIN \"x\"\n    for r in rows(T02): T02[r, 合计] = 0 when T02[r, 合计] = 0\n", "t.rules:2:45: A1: 条件中不能使用循环变量"},
		{"trailing", "A1 error CERTAIN \"x\"\n    T01[本年收入合计] = T01[其他收入] ]\n", `t.rules:2:29: A1: 多余的内容 "]"`},
		// Columns count characters; a tab is one; a byte order mark and CRLF are ignored.
		{"tab, BOM, CRLF", "\ufeffA1 error CERTAIN \"x\"\r\n\tT01[本年收入合计] = T01[其他收入] ]\r\n", `t.rules:2:26: A1: 多余的内容 "]"`},
		{"lone <", "A1 error CONDITIONAL \"x\"\n    T01[本年收入合计] = T01[其他收入]\n    when T01[其他收入] < 0\n", "t.rules:3:20: A1: 无法识别的符号 '<'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := Parse("t.rules", []byte(tt.src))
			if err == nil || err.Error() != tt.want || rs != nil {
				t.Errorf("error %v, want %s", err, tt.want)
			}
		})
	}
	// A well-formed file parses, with continuation lines joined.
	rs, err := Parse("t.rules", []byte("# c\nA1 warning USUAL fill \"说明\"\n    for r in rows(T02):\n        T02[r, 本年收入合计] = T02[r, 财政拨款收入]\n        + T02[r, 其他收入]\n    when T01[其他收入] = 0\n"))
	if err != nil || len(rs) != 1 || len(rs[0].clauses) != 1 || !rs[0].Fill || rs[0].When == "" {
		t.Fatalf("parse: %v %+v", err, rs)
	}
}

// Several rule-level when lines are one condition: Rule.When shows them
// all (joined by and), and printing it back parses to the same rule.
func TestRuleWhenLines(t *testing.T) {
	src := "A1 warning CONDITIONAL \"说明\"\n    T06[公用经费合计] = 说明[机关运行经费]\n    when stated(机关运行经费)\n    when T01[其他收入] = 0\n"
	rs, err := Parse("t.rules", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rs[0].When, "stated(机关运行经费) and T01[其他收入] = 0"; got != want {
		t.Errorf("When %q, want %q", got, want)
	}
	if n := len(rs[0].clauses[0].when); n != 2 {
		t.Errorf("%d conditions, want 2", n)
	}
	again, err := Parse("again.rules", []byte(fuzzFormat(rs)))
	if err != nil || again[0].When != rs[0].When || again[0].Expr != rs[0].Expr {
		t.Errorf("round trip: %v %+v", err, again)
	}
}

// TestPackRulesHaveSince: the rules of a pack's files carry its year.
func TestPackRulesHaveSince(t *testing.T) {
	rules, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		want := 0
		if r.ID == "K25.1" {
			want = 2025
		}
		if r.Since != want {
			t.Errorf("%s: since %d, want %d", r.ID, r.Since, want)
		}
	}
}
