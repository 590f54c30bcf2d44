package narrative

import (
	"os"
	"path/filepath"
	"testing"
)

const seedPath = "../../shared/seeds/000_a0b1eb271cefa8f5.txt"

func seedBytes(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(seedPath))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("seed not available: %v", err)
		}
		t.Skipf("seed not available: %v", err)
	}
	return data
}

func seedDoc(t testing.TB) *Document {
	t.Helper()
	doc, err := ReadBytes(seedBytes(t), "seed.txt", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestReadSeedText(t *testing.T) {
	doc := seedDoc(t)
	if doc.Encoding != "utf-8" || doc.Format != FormatText {
		t.Fatalf("format %s %s", doc.Format, doc.Encoding)
	}
	if testing.Verbose() {
		t.Logf("%d paragraphs, %d tables", len(doc.Paragraphs), len(doc.Tables))
		for _, tb := range doc.Tables {
			t.Logf("table %d after %d: %d rows, first %q", tb.Index, tb.After, len(tb.Rows), tb.Rows[0])
		}
	}
}
