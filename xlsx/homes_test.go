package xlsx

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestNoUserTextInXLSX: package xlsx keeps file-format primitives and says
// nothing to users itself — no string literal of its code has Chinese
// text (the words live in the messages files of model and annotate, and
// reach xlsx as data). Comments may name Chinese sheets in passing.
func TestNoUserTextInXLSX(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		n++
		ast.Inspect(f, func(node ast.Node) bool {
			lit, ok := node.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				s = lit.Value
			}
			for _, r := range s {
				if unicode.Is(unicode.Han, r) {
					t.Errorf("%s: Chinese text in xlsx: %s", fset.Position(lit.Pos()), lit.Value)
					break
				}
			}
			return true
		})
	}
	if n < 10 {
		t.Fatalf("only %d files of package xlsx read", n)
	}
}

// TestOnlyXLSXImportsExcelize: outside its tests, only package xlsx (and
// the test aids of xlsxtest) use excelize; every other package goes
// through xlsx's Book, Builder and SummaryWriter.
func TestOnlyXLSXImportsExcelize(t *testing.T) {
	root := ".."
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if b := d.Name(); p != root && (strings.HasPrefix(b, ".") || b == "testdata" || b == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		n++
		dir := filepath.Base(filepath.Dir(p))
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, "xuri/excelize") && dir != "xlsx" && dir != "xlsxtest" {
				t.Errorf("%s imports excelize", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d Go files read", n)
	}
}
