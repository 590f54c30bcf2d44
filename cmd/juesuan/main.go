// Command juesuan reads, fills, checks and annotates 部门决算公开 nine-table
// workbooks. Each subcommand lives in its own file and registers itself.
//
// Exit codes (public contract): 0 success / no error finding; 1 error
// findings present; 2 input cannot be read or bad usage.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitInput    = 2
)

// command is one subcommand. run gets the arguments after the subcommand
// name and returns the exit code.
type command struct {
	name    string
	summary string // one line, Chinese
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("duplicate command " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitInput
		}
		return exitOK
	}
	c := commands[args[0]]
	if c == nil {
		fmt.Fprintf(stderr, "juesuan: 未知命令 %q\n\n", args[0])
		usage(stderr)
		return exitInput
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "juesuan — 部门决算公开九张表审核助手")
	fmt.Fprintln(w, "\n用法: juesuan <命令> [选项] [文件]")
	fmt.Fprintln(w, "\n命令:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\n各命令的选项: juesuan <命令> -h")
}

// joinLines is a small helper for multi-line usage texts.
func joinLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }
