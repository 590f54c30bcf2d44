package check_test

// An external test: package narrative knows the narrative's figures (the
// names of narrative/bindings.txt); check does not import it.

import (
	"testing"

	"github.com/juesuan/juesuan/check"
	"github.com/juesuan/juesuan/narrative"
)

func TestEmbeddedNarrativeItemsExist(t *testing.T) {
	rules, err := check.Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := narrative.LoadBindings()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, x := range b.Binds {
		names[x.Name] = true
	}
	if len(check.Narratives(rules)) == 0 {
		t.Fatal("no narrative item found in the embedded rules (R06.5 reads 机关运行经费)")
	}
	if ds := check.CheckNarratives(rules, func(k string) bool { return names[k] }); len(ds) > 0 {
		t.Errorf("narrative items the narrative does not have:\n%v", ds)
	}
}
