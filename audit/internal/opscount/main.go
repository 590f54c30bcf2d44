// Command opscount runs one audit stage on the generated department
// workbook for audit's TestPerCellOps: built with -cover -covermode=atomic,
// it runs the stage once to pay the one-time costs (rules, catalog), clears
// the coverage counters, runs it again and exits, so that the counters
// written to GOCOVERDIR count the statements of that one run. It prints
// the workbook's located cells and fills as JSON.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/coverage"

	"github.com/juesuan/juesuan/audit"
	"github.com/juesuan/juesuan/canceltest"
)

func main() {
	mode := flag.String("mode", "check", "check, annotate (fill + annotate + write) or fallback (annotate on the excelize path)")
	k := flag.Int("k", 1, "every k-th 款 of the catalog (canceltest.DepartmentPart)")
	flag.Parse()
	if err := run(*mode, *k); err != nil {
		fmt.Fprintln(os.Stderr, "opscount:", err)
		os.Exit(1)
	}
}

func run(mode string, k int) error {
	data, err := canceltest.DepartmentWorkbook(k, false)
	if err == nil && mode == "fallback" {
		data, err = canceltest.ForceFallback(data)
	}
	if err != nil {
		return err
	}
	stage := func() (*audit.Result, error) {
		if mode == "check" {
			return audit.Check(context.Background(), bytes.NewReader(data), audit.Options{})
		}
		return audit.Fill(context.Background(), bytes.NewReader(data), io.Discard, audit.Options{})
	}
	if mode != "check" && mode != "annotate" && mode != "fallback" {
		return fmt.Errorf("unknown mode %q", mode)
	}
	if _, err := stage(); err != nil {
		return err
	}
	if err := coverage.ClearCounters(); err != nil {
		return err
	}
	res, err := stage()
	if err != nil {
		return err
	}
	cells := 0
	for _, t := range res.Workbook.Located() {
		cells += len(t.Cells())
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]int{"cells": cells, "fills": len(res.Report.Fills)})
}
