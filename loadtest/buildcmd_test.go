package loadtest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// docker build cannot run on the CI machines, so .ci/run builds the binary
// with the Dockerfile's command instead. This test keeps the two commands
// equal: same environment, same flags, same package; only the output path
// (-o) may differ.

// goBuild is one parsed `go build` command line.
type goBuild struct {
	env  []string // VAR=value assignments before `go`, sorted
	args []string // arguments after `go build`, without -o and its value
	out  string   // the -o value
	line string
}

func (b goBuild) String() string {
	return fmt.Sprintf("env=%q args=%q", b.env, b.args)
}

// shellWords splits a shell command into words, honouring single and
// double quotes and backslash escapes (enough for a build line).
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case ch == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case ch == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated \" in %q", s)
			}
			inWord = true
		case ch == ' ' || ch == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == '#' && !inWord:
			i = len(s)
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// parseGoBuild parses a shell command that runs `go build`; ok is false
// for any other command.
func parseGoBuild(cmd string) (goBuild, bool, error) {
	words, err := shellWords(cmd)
	if err != nil {
		return goBuild{}, false, err
	}
	b := goBuild{line: strings.TrimSpace(cmd)}
	i := 0
	for ; i < len(words) && strings.Contains(words[i], "=") && !strings.HasPrefix(words[i], "-"); i++ {
		b.env = append(b.env, words[i])
	}
	if i+1 >= len(words) || words[i] != "go" || words[i+1] != "build" {
		return goBuild{}, false, nil
	}
	rest := words[i+2:]
	for j := 0; j < len(rest); j++ {
		w := rest[j]
		switch {
		case w == "-o" && j+1 < len(rest):
			b.out = rest[j+1]
			j++
		case strings.HasPrefix(w, "-o="):
			b.out = strings.TrimPrefix(w, "-o=")
		case w == "&&" || w == ";" || w == "|" || w == "||":
			j = len(rest) // a following command is not part of the build
		default:
			b.args = append(b.args, w)
		}
	}
	slices.Sort(b.env)
	return b, true, nil
}

// logicalLines joins backslash-continued lines.
func logicalLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(strings.TrimRight(line, " \t"), `\`) {
			cur.WriteString(strings.TrimSuffix(strings.TrimRight(line, " \t"), `\`))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, sc.Err()
}

// dockerfileBuilds returns the `go build` commands of RUN instructions,
// splitting RUN a && b into its commands.
func dockerfileBuilds(path string) ([]goBuild, []string, error) {
	lines, err := logicalLines(path)
	if err != nil {
		return nil, nil, err
	}
	var builds []goBuild
	for _, l := range lines {
		t := strings.TrimSpace(l)
		kw, rest, _ := strings.Cut(t, " ")
		if !strings.EqualFold(kw, "RUN") {
			continue
		}
		for _, cmd := range splitCommands(rest) {
			b, ok, err := parseGoBuild(cmd)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				builds = append(builds, b)
			}
		}
	}
	return builds, lines, nil
}

// splitCommands splits a shell line at && and ; outside quotes.
func splitCommands(s string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == ';':
			out = append(out, cur.String())
			cur.Reset()
			continue
		case ch == '&' && i+1 < len(s) && s[i+1] == '&':
			out = append(out, cur.String())
			cur.Reset()
			i++
			continue
		}
		cur.WriteByte(ch)
	}
	return append(out, cur.String())
}

func scriptBuilds(path string) ([]goBuild, error) {
	lines, err := logicalLines(path)
	if err != nil {
		return nil, err
	}
	var builds []goBuild
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		for _, cmd := range splitCommands(l) {
			b, ok, err := parseGoBuild(cmd)
			if err != nil {
				return nil, err
			}
			if ok {
				builds = append(builds, b)
			}
		}
	}
	return builds, nil
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repository root not found at %s: %v", dir, err)
	}
	return dir
}

func TestDockerfileBuildMatchesCI(t *testing.T) {
	root := repoRoot(t)
	dBuilds, dLines, err := dockerfileBuilds(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ciBuilds, err := scriptBuilds(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dBuilds) != 1 {
		t.Fatalf("Dockerfile has %d go build commands, want exactly 1: %v", len(dBuilds), dBuilds)
	}
	d := dBuilds[0]
	found := false
	for _, b := range ciBuilds {
		if slices.Equal(b.env, d.env) && slices.Equal(b.args, d.args) {
			found = true
		}
	}
	if !found {
		t.Errorf(".ci/run has no go build equal to the Dockerfile's\n Dockerfile: %s\n .ci/run:    %v", d, ciBuilds)
	}
	// The properties issue 7 asks of the image's binary.
	if !slices.Contains(d.env, "CGO_ENABLED=0") {
		t.Errorf("Dockerfile build is not static: env %q lacks CGO_ENABLED=0", d.env)
	}
	if !slices.Contains(d.args, "./cmd/juesuan") {
		t.Errorf("Dockerfile builds %q, want ./cmd/juesuan", d.args)
	}
	if d.out == "" {
		t.Fatal("Dockerfile build has no -o output")
	}

	// The image: multi-stage, final stage copies that binary, runs as a
	// non-root user on a distroless or scratch base, with a HEALTHCHECK.
	var froms []string
	var copied, user, health bool
	for _, l := range dLines {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			froms = append(froms, f[1])
		case "COPY":
			if len(froms) >= 2 && strings.Contains(l, "--from=") && slices.Contains(f, d.out) {
				copied = true
			}
		case "USER":
			if len(froms) >= 2 && len(f) > 1 && !strings.HasPrefix(f[1], "root") && f[1] != "0" && !strings.HasPrefix(f[1], "0:") {
				user = true
			}
		case "HEALTHCHECK":
			health = len(froms) >= 2 && strings.Contains(l, "CMD")
		}
	}
	if len(froms) < 2 {
		t.Errorf("Dockerfile has %d stages, want a multi-stage build", len(froms))
	} else if last := froms[len(froms)-1]; !strings.Contains(last, "distroless") && last != "scratch" {
		t.Errorf("final base %q is neither distroless nor scratch", last)
	}
	if !copied {
		t.Errorf("final stage does not COPY --from the built binary %s", d.out)
	}
	if !user {
		t.Error("final stage has no non-root USER")
	}
	if !health {
		t.Error("final stage has no HEALTHCHECK CMD")
	}
}

func TestParseGoBuild(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		env  []string
		args []string
		out  string
	}{
		{`CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/juesuan ./cmd/juesuan`, true,
			[]string{"CGO_ENABLED=0"}, []string{"-trimpath", "-ldflags=-s -w", "./cmd/juesuan"}, "/out/juesuan"},
		{`GOOS=linux CGO_ENABLED=0 go build -ldflags '-s -w' -o=/x ./cmd/juesuan # note`, true,
			[]string{"CGO_ENABLED=0", "GOOS=linux"}, []string{"-ldflags", "-s -w", "./cmd/juesuan"}, "/x"},
		{`go vet ./...`, false, nil, nil, ""},
		{`go build ./... && go test ./...`, true, nil, []string{"./..."}, ""},
	}
	for _, tc := range tests {
		b, ok, err := parseGoBuild(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if ok != tc.ok {
			t.Errorf("%q: ok = %v", tc.in, ok)
			continue
		}
		if !ok {
			continue
		}
		if !slices.Equal(b.env, tc.env) || !slices.Equal(b.args, tc.args) || b.out != tc.out {
			t.Errorf("%q: got env %q args %q out %q; want %q %q %q", tc.in, b.env, b.args, b.out, tc.env, tc.args, tc.out)
		}
	}
	// A different flag set must not compare equal.
	a, _, _ := parseGoBuild(`CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /a ./cmd/juesuan`)
	c, _, _ := parseGoBuild(`CGO_ENABLED=0 go build -ldflags="-s -w" -o /a ./cmd/juesuan`)
	if slices.Equal(a.args, c.args) {
		t.Error("missing -trimpath compared equal")
	}
}
