package narrative

import (
	"fmt"
	"os"
	"testing"
)

// TestPDFDump prints the lines of the PDF named by JUESUAN_PDF_DUMP with
// their geometry and each page's measures, to see why the reader joins or
// splits paragraphs: JUESUAN_PDF_DUMP=x.pdf go test ./narrative -run PDFDump -v
func TestPDFDump(t *testing.T) {
	in := os.Getenv("JUESUAN_PDF_DUMP")
	if in == "" {
		t.Skip("JUESUAN_PDF_DUMP not set")
	}
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	d, err := openPDF(data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	pages, err := d.lines()
	if err != nil {
		t.Fatal(err)
	}
	for i, lines := range dropFurniture(pages) {
		pl := layoutPage(lines)
		fmt.Printf("page %d: left %.1f right %.1f size %.1f pitch %.1f justified %v\n", i+1, pl.left, pl.right, pl.size, pl.pitch, pl.justified)
		for _, l := range pl.lines {
			fmt.Printf("  x0 %6.1f x1 %6.1f y %6.1f size %4.1f lead %5.1f  %s\n", l.x0, l.x1, l.y, l.size, l.lead, l.text)
		}
	}
}
