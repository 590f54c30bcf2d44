package xlsx

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// sameTree checks that parseTree (scanner first) gives exactly what
// encoding/xml gives: the same element index, or an error both ways. It
// reports whether the scanner read raw itself.
func sameTree(t *testing.T, name string, raw []byte) (fast bool) {
	t.Helper()
	got, err1 := parseTree(raw)
	want, err2 := parseTreeXML(raw)
	if (err1 == nil) != (err2 == nil) {
		t.Fatalf("%s: parseTree error %v, encoding/xml error %v\n%q", name, err1, err2, raw)
	}
	if err1 != nil {
		return false
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got.nodes), len(want.nodes)) {
			if !reflect.DeepEqual(got.nodes[i], want.nodes[i]) {
				t.Fatalf("%s: node %d differs\nscanner %+v\nxml     %+v", name, i, got.nodes[i], want.nodes[i])
			}
		}
		t.Fatalf("%s: %d nodes, encoding/xml %d", name, len(got.nodes), len(want.nodes))
	}
	return parseTreeFast(raw) != nil
}

// treeParts are the XML parts parseTree reads in the fixtures (workbooks
// written by Excel-like programs, LibreOffice, openpyxl, WPS exports).
func treeParts(t *testing.T) map[string][]byte {
	t.Helper()
	names, data := deflateCorpus(t)
	out := map[string][]byte{}
	for i, n := range names {
		if strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".rels") || strings.HasSuffix(n, ".vml") {
			out[n] = data[i]
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d XML parts in the fixtures", len(out))
	}
	return out
}

func TestParseTreeMatchesXML(t *testing.T) {
	fast := 0
	parts := treeParts(t)
	for name, raw := range parts {
		if sameTree(t, name, raw) {
			fast++
		}
	}
	t.Logf("%d of %d fixture parts read by the scanner", fast, len(parts))
	if fast < len(parts)/2 {
		t.Errorf("the scanner read only %d of %d parts", fast, len(parts))
	}
	head := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	for _, c := range []struct {
		name, xml string
		fast      bool
	}{
		{"prefixes and text", head + `<x:a xmlns:x="urn:x" xmlns:r="urn:r"> t&amp;1 <x:b r:id="rId1" q='&quot;'/>mid<c>in</c> end </x:a>`, true},
		{"self-closing root", `<a b="1"/>`, true},
		{"spaces in tags", `<a  b = "1" ><c /></a >`, true},
		{"mismatched local", `<a><b></c></a>`, false},
		{"mismatched prefix", `<x:a xmlns:x="u" xmlns:y="v"></y:a>`, false},
		{"unprefixed end of prefixed start", `<x:a xmlns:x="u"></a>`, false},
		{"extra end tag", `<a></a></b>`, false},
		{"unterminated", `<a><b></b>`, false},
		{"empty", ``, false},
		{"text only", `hello`, false},
		{"two roots", `<a/><b>x</b>`, true},
		{"comment", `<a><!-- c --><b/></a>`, false},
		{"processing instruction", `<a><?pi x?><b/></a>`, false},
		{"cdata", `<a><![CDATA[<x>]]></a>`, false},
		{"carriage return", "<a>x\r\ny</a>", false},
		{"BOM", "\xef\xbb\xbf" + head + `<a/>`, false},
		{"GBK", strings.Replace(head, "UTF-8", "GBK", 1) + `<a/>`, false},
		{"references", `<a v="&#20013;&#x6587;&lt;">&gt;&#9;&apos;</a>`, true},
		{"two colons", `<a:b:c/>`, false},
	} {
		if got := sameTree(t, c.name, []byte(c.xml)); got != c.fast {
			t.Errorf("%s: scanner read it = %v, want %v", c.name, got, c.fast)
		}
	}
}

// TestParseTreeMutations flips, inserts and deletes bytes of fixture
// parts (styles, workbook, relationships, comments, VML, content types)
// and checks both readers agree on every mutant.
func TestParseTreeMutations(t *testing.T) {
	parts := treeParts(t)
	var picked [][]byte
	for _, want := range []string{"styles.xml", "workbook.xml", "workbook.xml.rels", "[Content_Types].xml", "comments", ".vml"} {
		for name, raw := range parts {
			if strings.Contains(name, want) && len(raw) < 20000 {
				picked = append(picked, raw)
				break
			}
		}
	}
	if len(picked) < 5 {
		t.Fatalf("picked %d parts", len(picked))
	}
	alphabet := []byte(`<>/="' &;#x:!?[]-abrs0123456789` + "\t\n\r\x00\xff")
	rng := rand.New(rand.NewPCG(3, 4))
	n := 2000
	if testing.Short() {
		n = 200
	}
	fast := 0
	for i := range n {
		m := mutate(rng, picked[i%len(picked)], alphabet)
		if sameTree(t, "mutant", m) {
			fast++
		}
	}
	if fast == 0 {
		t.Error("the scanner read no mutant: the test compares nothing")
	}
}

func FuzzParseTree(f *testing.F) {
	f.Add([]byte(`<x:a xmlns:x="urn:x"><x:b r:id="rId1"/>t&amp;</x:a>`))
	f.Add([]byte(`<a><b></c></a>`))
	f.Fuzz(func(t *testing.T, raw []byte) { sameTree(t, "fuzz", raw) })
}

// plainXMLText's byte loop answers as the rune loop does.
func TestPlainXMLText(t *testing.T) {
	for _, s := range []string{"", "abc", "中文说明", "a&b", "a<b", "x>y", "a\rb", "a\nb", "a\tb", `q"`, "\x01", "\x7f",
		"\xff", "中\xe4", "\uFFFD", "\uFFFE", "\uFFFF", "\uFFFC", "\uE000", "\U0001F600", "审核：补填\n123"} {
		for _, attr := range []bool{false, true} {
			if got, want := plainXMLText(s, attr), plainXMLRunes(s, attr); got != want {
				t.Errorf("%q attr=%v: %v, rune loop %v", s, attr, got, want)
			}
		}
	}
}

func FuzzPlainXMLText(f *testing.F) {
	f.Add("中文\uFFFE", false)
	f.Fuzz(func(t *testing.T, s string, attr bool) {
		if got, want := plainXMLText(s, attr), plainXMLRunes(s, attr); got != want {
			t.Fatalf("%q attr=%v: %v, rune loop %v", s, attr, got, want)
		}
	})
}
