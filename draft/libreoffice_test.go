package draft

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/juesuan/juesuan/narrative"
)

// TestLibreOfficePDF: LibreOffice opens the draft (a docx juesuan wrote,
// read by a program that is not juesuan), exports it to PDF with Debian's
// CJK fonts, and the narrative PDF reader finds in that PDF the same
// paragraphs and the same findings as in the docx. CI installs soffice;
// there a missing one fails.
func TestLibreOfficePDF(t *testing.T) {
	lo, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("soffice not installed: CI installs libreoffice-writer-nogui and fonts-noto-cjk")
		}
		t.Skip("soffice not installed (CI installs it)")
	}
	for _, c := range []draftCase{draftCases[0], draftCases[3], draftCases[4]} {
		t.Run(c.name, func(t *testing.T) {
			doc, wb := c.draft(t)
			data, err := doc.DOCX()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "draft.docx"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(lo, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
				"--convert-to", "pdf", "--outdir", dir, filepath.Join(dir, "draft.docx"))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("soffice: %v\n%s", err, out)
			}
			pdf, err := os.ReadFile(filepath.Join(dir, "draft.pdf"))
			if err != nil {
				t.Fatalf("LibreOffice wrote no PDF (is Writer installed?): %v", err)
			}
			pd := readBack(t, pdf, "draft.pdf")
			if pd.Format != narrative.FormatPDF {
				t.Fatalf("format %s", pd.Format)
			}
			dd := readBack(t, data, "draft.docx")
			for i := 0; i < min(len(pd.Paragraphs), len(dd.Paragraphs)); i++ {
				if pd.Paragraphs[i].Text != dd.Paragraphs[i].Text {
					t.Errorf("paragraph %d differs:\n pdf  %q\n docx %q", i+1, pd.Paragraphs[i].Text, dd.Paragraphs[i].Text)
					break
				}
			}
			if len(pd.Paragraphs) != len(dd.Paragraphs) {
				t.Errorf("%d paragraphs in the PDF, %d in the docx", len(pd.Paragraphs), len(dd.Paragraphs))
			}
			pa := narrative.Analyze(pd, wb)
			if u := pa.Unbound(); len(u) > 0 {
				t.Errorf("%d figures unbound in the PDF", len(u))
			}
			if got, want := keys(pa.Findings), keys(narrative.Check(dd, wb)); got != want {
				t.Errorf("PDF findings differ from the docx's:\n pdf %s\ndocx %s", got, want)
			}
		})
	}
}
