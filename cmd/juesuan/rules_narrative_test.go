package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGoldens = flag.Bool("update", false, "rewrite the goldens under testdata")

// TestRulesNarrative: rules --narrative lists bindings.txt readably (the
// golden is the listing itself) and --json gives the same catalogue.
func TestRulesNarrative(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"rules", "--narrative"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	golden := filepath.Join("testdata", "rules_narrative.golden")
	if *updateGoldens {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("rules --narrative differs from %s (rerun with -update and review the diff)", golden)
	}
	text := out.String()
	for _, s := range []string{
		"【一般】", "一般公共预算财政拨款支出决算表 「{项}」行", "机关运行经费（万元）",
		"一般公共预算财政拨款基本支出决算表 「公用经费合计」行「决算数」列；关系：不大于（大于为错误）",
		"N01  错误/提示/信息", "N26  提示", "共 87 个数字对应、22 条说明核对规则。",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("listing lacks %q", s)
		}
	}
	if strings.Contains(text, "T05") || strings.Contains(text, "T06[") {
		t.Errorf("listing names a table by its id")
	}

	out.Reset()
	if code := run([]string{"rules", "--narrative", "--json"}, &out, &errb); code != exitOK {
		t.Fatalf("json: exit %d: %s", code, errb.String())
	}
	var c struct {
		Bindings []struct {
			Quantity, Table, Relation string
		}
		Rules []struct {
			ID         string
			Severities []string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Bindings) != 87 || len(c.Rules) != 22 || c.Rules[0].ID != "N01" {
		t.Fatalf("json: %d bindings, %d rules", len(c.Bindings), len(c.Rules))
	}

	errb.Reset()
	if code := run([]string{"rules", "--narrative", "--file", "x.rules"}, &out, &errb); code != exitInput || !strings.Contains(errb.String(), "用法") {
		t.Errorf("--narrative with --file: exit %d, %q", code, errb.String())
	}
}
