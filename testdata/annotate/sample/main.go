// Command sample writes the embedded Case A sample (MOF style) with its
// derived cells blank, the input of make_fixtures.sh.
package main

import (
	"log"
	"os"

	"github.com/juesuan/juesuan/model"
	"github.com/juesuan/juesuan/templates"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	if _, err := templates.Write(f, templates.CaseA(), templates.Options{Style: model.StyleMOF, OmitDerived: true}); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
