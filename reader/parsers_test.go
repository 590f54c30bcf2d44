package reader

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juesuan/juesuan/xlsx"
)

// TestParsersMatchReference: the amount and code parsers with their fast
// paths give exactly what they gave before (amount_ref_test.go): the same
// status, value, exponent and coefficient (a decimal's representation, not
// only its value), decimals and marks, on every cell text of the
// repository's workbooks and on random texts of number-like pieces.
func TestParsersMatchReference(t *testing.T) {
	texts := fixtureTexts(t)
	rng := rand.New(rand.NewPCG(11, 12))
	pieces := []string{"0", "1", "2", "5", "9", "00", "000", "123", "4126.63", "0.00", ".", ".", ",", ",", "-", "+", "(", ")",
		"e", "E", "e-", "E+", " ", "\t", "\u3000", "\u00a0", "\u200b", "１", "０", "．", "，", "（", "）", "。", "−", "—", "–", "/", "|",
		"201", "06", "01", "2010601", "类", "合计", "\xff", "\xe4\xb8", "NaN", "Inf", "0000000000", "999999999999999", "4126.6300000000001",
		"1e15", "5.551115123125783e-17", "12345678901234567890", "0.0000000001", "0.00000000001"}
	n := 60000
	if testing.Short() {
		n = 6000
	}
	for range n {
		var b strings.Builder
		for range 1 + rng.IntN(5) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	fastTyped := 0
	for _, s := range texts {
		if got, want := foldNumber(s), foldNumberRef(s); got != want {
			t.Fatalf("foldNumber(%q) = %q, was %q", s, got, want)
		}
		c1, ok1 := ParseCode(s)
		c2, ok2 := parseCodeRef(s)
		if c1 != c2 || ok1 != ok2 {
			t.Fatalf("ParseCode(%q) = %q %v, was %q %v", s, c1, ok1, c2, ok2)
		}
		d1, ok1 := digits(s)
		d2, ok2 := digitsRef(s)
		if d1 != d2 || ok1 != ok2 {
			t.Fatalf("digits(%q) = %q %v, was %q %v", s, d1, ok1, d2, ok2)
		}
		for _, typed := range []bool{false, true} {
			for _, fd := range []int{-1, 0, 2, 4} {
				a, st := parseAmount(s, typed, fd)
				r, rst := parseAmountRef(s, typed, fd)
				if st != rst || a.Blank != r.Blank || a.Dash != r.Dash || a.Decimals != r.Decimals ||
					a.Value.String() != r.Value.String() || a.Value.Exponent() != r.Value.Exponent() ||
					a.Value.Coefficient().Cmp(r.Value.Coefficient()) != 0 {
					t.Fatalf("parseAmount(%q, %v, %d) = %+v %d (exp %d), was %+v %d (exp %d)", s, typed, fd,
						a, st, a.Value.Exponent(), r, rst, r.Value.Exponent())
				}
			}
			if typed && plainTyped(strings.TrimLeft(foldNumber(s), "-+")) {
				fastTyped++
			}
		}
	}
	if fastTyped < 1000 {
		t.Errorf("only %d texts took the typed fast path: the test compares little", fastTyped)
	}
}

// fixtureTexts returns the text of every cell of the repository's .xlsx
// files.
func fixtureTexts(t *testing.T) []string {
	var out []string
	err := filepath.Walk("..", func(p string, info os.FileInfo, err error) error {
		if err != nil || !strings.HasSuffix(p, ".xlsx") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b, err := xlsx.OpenBytes(data, xlsx.Limits{})
		if err != nil {
			return nil // a hostile fixture
		}
		for _, s := range b.Sheets() {
			g, err := b.Grid(s)
			if err != nil {
				continue
			}
			for r := 1; r <= g.MaxRow; r++ {
				for c := 1; c <= g.MaxCol; c++ {
					if x := g.Text(r, c); x != "" {
						out = append(out, x)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 1000 {
		t.Fatalf("only %d cell texts in the fixtures", len(out))
	}
	return out
}
