package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/reader"
	"github.com/juesuan/juesuan/templates"
)

// TestTemplateYunnan: `template --style yunnan` and `sample --style yunnan`
// write the Yunnan set, which reads 11/11 in the set's order with its
// titles and no warning; the sample checks with no error.
func TestTemplateYunnan(t *testing.T) {
	set := templates.MustLoad().Set("yunnan")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"blank template", []string{"template", "--style", "yunnan", "-o", "-"}},
		{"sample a", []string{"sample", "--style", "yunnan", "-o", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			wb, _, err := reader.Read(bytes.NewReader(stdout.Bytes()), reader.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(wb.Located()) != 11 || len(wb.Sheets) != 11 {
				t.Fatalf("located %d tables on %d sheets, want 11", len(wb.Located()), len(wb.Sheets))
			}
			for i, id := range set.Tables {
				tb := wb.Table(id)
				want := templates.MustLoad().Table(id).Name
				if s := set.Titles[id]; s != "" {
					want = s
				}
				if tb == nil || tb.Sheet != wb.Sheets[i] || templates.NormalizeText(tb.Title) != templates.NormalizeText(want) {
					t.Errorf("table %d: want %s %q on sheet %s, got %+v", i+1, id, want, wb.Sheets[i], tb)
				}
			}
			for _, f := range wb.Findings {
				if f.Severity != model.SevInfo {
					t.Errorf("reader: %s %s %s", f.Severity, f.Rule, f.Message)
				}
			}
			if tc.name != "sample a" {
				return
			}
			res, err := audit.Check(context.Background(), bytes.NewReader(stdout.Bytes()), audit.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Report.Summary.Errors != 0 {
				t.Errorf("sample --style yunnan: %+v", res.Report.Summary)
			}
		})
	}
}
