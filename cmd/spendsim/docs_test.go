package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/scenarios/trace"
)

// The docs are tested, as benchstat's are: every example in every command's --help and
// every command in the README's code blocks runs here, in a sandbox folder holding the
// files the examples name (testdata/examples), and must exit 0. What an example or a
// README command shows as its output is checked against what it prints.
//
// Conventions the docs follow so that they can be run:
//   - An example is a line after "Examples:" that starts with "spendsim"; "a && b" runs
//     a then b; VAR=value before "spendsim" sets an environment variable for it;
//     "> FILE" at the end writes its output there, "cat FILE |" or "zcat FILE |" before
//     it feeds FILE to standard input; a trailing "# comment" is prose.
//   - An absolute path in an example (/shared/out) is taken inside the sandbox: the
//     examples show where a cluster would put things, the test keeps them in its folder.
//   - "my.yaml" stands for the reader's own scenario: testdata/examples/<command>/ holds
//     the one each command's examples need (a sweep for run, a single plan with a bot
//     for optimize), beside the files every command shares (testdata/examples/common).
//   - In the README, a code block right after <!-- output of: CMD --> is exactly what CMD
//     prints (-update rewrites it); after <!-- excerpt of: CMD -->, its lines appear in
//     CMD's output in that order; a "$ CMD" line is followed by an excerpt of what CMD
//     prints. Synopsis lines (with [optional] parts, a|b or PLACEHOLDERS) are not run;
//     every --flag they name must exist on that command.

// example is one command line of the docs, split into words.
type example struct {
	where string   // "run --help", "README.md:123"
	env   []string // VAR=value
	args  []string // after "spendsim"
	out   string   // "> FILE": stdout goes there
	stdin string   // "cat FILE |" or "zcat FILE |": standard input is FILE (gunzipped)
	unzip bool
}

func (x example) String() string { return strings.Join(append(x.env, x.args...), " ") }

// splitWords splits a command line as a POSIX shell would for the simple lines the docs
// use: single and double quotes, backslash-newline continuations joined beforehand.
func splitWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed %c quote in %q", quote, line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// parseCommands reads one docs line ("spendsim run x # note", "A=1 spendsim ... && spendsim ...")
// into the spendsim commands it runs; ok is false when the line is not a spendsim command.
func parseCommands(where, line string) ([]example, bool, error) {
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	var out []example
	for _, part := range strings.Split(line, "&&") {
		x := example{where: where}
		if src, cmd, ok := strings.Cut(part, " | "); ok {
			w := strings.Fields(src)
			if len(w) != 2 || (w[0] != "cat" && w[0] != "zcat") {
				return nil, false, fmt.Errorf("%s: only cat FILE | or zcat FILE | may feed a command, not %q", where, src)
			}
			x.stdin, x.unzip, part = w[1], w[0] == "zcat", cmd
		}
		words, err := splitWords(strings.TrimSpace(part))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", where, err)
		}
		if n := len(words); n >= 2 && words[n-2] == ">" {
			x.out, words = words[n-1], words[:n-2]
		}
		for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
			x.env, words = append(x.env, words[0]), words[1:]
		}
		switch {
		case len(words) >= 1 && words[0] == "spendsim":
			x.args = words[1:]
		case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/spendsim":
			x.args = words[3:]
		default:
			return nil, false, nil
		}
		out = append(out, x)
	}
	return out, true, nil
}

// helpOutput is what `spendsim [CMD] --help` prints.
func helpOutput(t *testing.T, cmd string) string {
	t.Helper()
	args := []string{"--help"}
	if cmd != "" {
		args = []string{cmd, "--help"}
	}
	code, stdout, stderr := spendsim(t, args...)
	if code != 0 {
		t.Fatalf("spendsim %s --help: exit %d: %s", cmd, code, stderr)
	}
	return stdout
}

// helpExamples are the example lines of a help text, as printed.
func helpExamples(help string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(help, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "Examples:":
			in = true
		case in && trimmed == "":
			continue
		case in && !strings.HasPrefix(line, " "):
			in = false // the next section (OPTIONS:, …)
		case in && (strings.HasPrefix(trimmed, "spendsim ") || strings.Contains(trimmed, " spendsim ")):
			out = append(out, trimmed)
		}
	}
	return out
}

// commandNames lists the app's commands, "" for the app itself.
func helpCommands() []string {
	names := []string{""}
	for _, c := range newApp(&env{}).Commands {
		names = append(names, c.Name)
	}
	return names
}

// TestHelpExamplesGolden fixes the list of examples: deleting an example from a help
// text (or adding one) changes testdata/help_examples.golden, which -update rewrites.
// Every command must have at least two examples.
func TestHelpExamplesGolden(t *testing.T) {
	var b strings.Builder
	for _, cmd := range helpCommands() {
		xs := helpExamples(helpOutput(t, cmd))
		name := cmd
		if name == "" {
			name = "(spendsim)"
		}
		if len(xs) < 2 {
			t.Errorf("spendsim %s --help has %d examples, want at least 2", cmd, len(xs))
		}
		for _, x := range xs {
			fmt.Fprintf(&b, "%s: %s\n", name, x)
		}
	}
	golden(t, filepath.Join("testdata", "help_examples.golden"), b.String())
}

// TestHelpExamplesRun runs every example of every help text in a sandbox per command.
func TestHelpExamplesRun(t *testing.T) {
	for _, cmd := range helpCommands() {
		name := cmd
		if name == "" {
			name = "spendsim"
		}
		t.Run(name, func(t *testing.T) {
			dir := sandbox(t, "common", name)
			for _, line := range helpExamples(helpOutput(t, cmd)) {
				xs, ok, err := parseCommands(name+" --help", line)
				if err != nil || !ok {
					t.Fatalf("%s --help: example %q: not a spendsim command (%v)", name, line, err)
				}
				for _, x := range xs {
					runExample(t, dir, x)
				}
			}
		})
	}
}

// sandbox makes a folder holding the files of testdata/examples/<part>/ for each part, a
// later part's file replacing an earlier one's of the same name, then runs the parts'
// prepare hooks (files better made than kept, such as compressed or partitioned
// copies), and changes the test's working directory to it.
func sandbox(t *testing.T, parts ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range parts {
		src := filepath.Join("testdata", "examples", p)
		if _, err := os.Stat(src); os.IsNotExist(err) {
			continue
		}
		err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(src, path)
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range parts {
		if prepare := prepareSandbox[p]; prepare != nil {
			prepare(t, dir)
		}
	}
	t.Chdir(dir)
	return dir
}

// prepareSandbox makes the files an example folder names but does not keep: replay's
// examples read the shared messages.csv as compressed files split by user
// (logs/*.csv.gz), as a Hive-partitioned Parquet dataset (events/) and as a
// semicolon-separated gzipped export.
var prepareSandbox = map[string]func(t *testing.T, dir string){
	"replay": func(t *testing.T, dir string) {
		recs := readRecords(t, filepath.Join(dir, "messages.csv"))
		var a, b []trace.Record
		for _, r := range recs {
			if strings.HasPrefix(r.User, "55") {
				a = append(a, r)
			} else {
				b = append(b, r)
			}
		}
		writeCompressed(t, filepath.Join(dir, "logs", "brazil.csv.gz"), traceCSV(t, dir, a))
		writeCompressed(t, filepath.Join(dir, "logs", "others.csv.gz"), traceCSV(t, dir, b))
		writeHiveDataset(t, filepath.Join(dir, "events"), recs)
		semi := strings.ReplaceAll(string(traceCSV(t, dir, recs)), ",", ";")
		writeCompressed(t, filepath.Join(dir, "export.csv.gz"), []byte(semi))
	},
}

// traceCSV is recs as a trace CSV.
func traceCSV(t *testing.T, dir string, recs []trace.Record) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.csv")
	w, err := trace.NewWriter(p, trace.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runExample runs x in the current (sandbox) folder and returns its stdout.
func runExample(t *testing.T, dir string, x example) string {
	t.Helper()
	args := slices.Clone(x.args)
	for i, a := range args {
		if filepath.IsAbs(a) && !strings.HasPrefix(a, dir) {
			args[i] = filepath.Join(dir, a)
		}
	}
	for _, kv := range x.env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v) // for the rest of this (sub)test: examples run in order
	}
	if x.stdin != "" {
		restore := feedStdin(t, x.stdin, x.unzip)
		defer restore()
	}
	code, stdout, stderr := spendsim(t, args...)
	if code != 0 {
		t.Errorf("%s: spendsim %s: exit %d\n%s", x.where, x, code, stderr)
	}
	if x.out != "" {
		if err := os.WriteFile(x.out, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return stdout
}

// feedStdin makes standard input the content of path (gunzipped with unzip) until the
// returned function restores it.
func feedStdin(t *testing.T, path string, unzip bool) func() {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if unzip {
		if r, err = gzip.NewReader(f); err != nil {
			t.Fatal(err)
		}
	}
	tmp, err := os.CreateTemp(t.TempDir(), "stdin-")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(tmp, r); err != nil {
		t.Fatal(err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = tmp
	return func() { os.Stdin = old; tmp.Close() }
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to write it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from what the code prints (go test -run %s -update rewrites it):\n--- want\n%s\n--- got\n%s", path, t.Name(), want, got)
	}
}

// readmeNotRun are the commands of the README's code blocks that are not spendsim
// commands, each with why this test does not run it. A new kind of command in the README
// must be added here (or be a spendsim command), so none is forgotten.
var readmeNotRun = map[string]string{
	"go test ./...": "the test suite itself",
	"duckdb":        "DuckDB is not part of the build; docs/bench and reports' tests read the Parquet files with it where it is installed",
}

// readmeBlock is one fenced code block of the README.
type readmeBlock struct {
	line   int      // of the opening fence
	marker string   // "output of: CMD" or "excerpt of: CMD" from the comment before it
	lines  []string // the block's content
}

func readmeBlocks(t *testing.T, path string) []readmeBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	marker := ""
	markerRE := regexp.MustCompile(`^<!-- ((?:output|excerpt) of: .*) -->$`)
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			if cur == nil {
				cur = &readmeBlock{line: n, marker: marker}
				marker = ""
			} else {
				blocks = append(blocks, *cur)
				cur = nil
			}
			continue
		}
		if cur != nil {
			cur.lines = append(cur.lines, line)
			continue
		}
		if m := markerRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			marker = m[1]
		} else if strings.TrimSpace(line) != "" {
			marker = ""
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// readmeRoot is the repository's top, where the README's paths are relative to.
const readmeRoot = "../.."

// TestReadmeCommands runs every spendsim command in the README's code blocks, in the
// order the README gives them, in a sandbox that sees the repository's folders (the
// README names repository paths) and testdata/examples/readme; checks the blocks marked
// as a command's output; and checks that every flag a synopsis line names exists.
func TestReadmeCommands(t *testing.T) {
	root, err := filepath.Abs(readmeRoot)
	if err != nil {
		t.Fatal(err)
	}
	readme := filepath.Join(root, "README.md")
	blocks := readmeBlocks(t, readme)
	flags := commandFlags()
	dir := sandbox(t, "common", "reconcile", "readme")
	for _, name := range []string{"cmd", "scenarios", "docs", "model", "reports", "sim", "internal"} {
		if err := os.Symlink(filepath.Join(root, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	ran := 0
	lastOf := map[string]string{}
	for _, b := range blocks {
		if b.marker != "" {
			continue // checked below, once every command has run
		}
		for i := 0; i < len(b.lines); i++ {
			raw := strings.TrimSpace(b.lines[i])
			prompt := strings.HasPrefix(raw, "$ ")
			line := strings.TrimPrefix(raw, "$ ")
			for strings.HasSuffix(line, `\`) && i+1 < len(b.lines) {
				i++
				line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(b.lines[i])
			}
			where := fmt.Sprintf("README.md:%d", b.line+1+i)
			if line == "" || !startsCommand(line) {
				continue
			}
			if !strings.HasPrefix(line, "spendsim") && !strings.HasPrefix(line, "go run ./cmd/spendsim") {
				if !notRunKnown(line) {
					t.Errorf("%s: %q is neither a spendsim command nor in readmeNotRun", where, line)
				}
				continue
			}
			if synopsisRE.MatchString(line) {
				checkSynopsis(t, where, line, flags)
				continue
			}
			xs, ok, err := parseCommands(where, line)
			if err != nil || !ok {
				t.Fatalf("%s: %q: %v", where, line, err)
			}
			var out string
			for _, x := range xs {
				out = runExample(t, dir, x)
				lastOf[strings.Join(x.args, " ")] = out
				ran++
			}
			if !prompt {
				continue
			}
			// "$ CMD" then what it printed (an excerpt), up to the next prompt.
			var shown []string
			for i+1 < len(b.lines) && !strings.HasPrefix(strings.TrimSpace(b.lines[i+1]), "$ ") {
				i++
				shown = append(shown, b.lines[i])
			}
			if !inOrder(shown, strings.Split(out, "\n")) {
				t.Errorf("%s: the lines shown under %q are not, in order, lines it prints:\n--- README\n%s\n--- prints\n%s",
					where, line, strings.Join(shown, "\n"), out)
			}
		}
	}
	if ran < 5 {
		t.Fatalf("ran %d README commands; the parser lost them", ran)
	}
	// Blocks that show a command's output: run the command (again, if the README ran it
	// already: the same seed prints the same) and compare.
	rewrite := map[int][]string{}
	for _, b := range blocks {
		if b.marker == "" {
			continue
		}
		kind, cmd, _ := strings.Cut(b.marker, " of: ")
		xs, ok, err := parseCommands(fmt.Sprintf("README.md:%d", b.line), cmd)
		if err != nil || !ok || len(xs) != 1 {
			t.Fatalf("README.md:%d: marker %q does not name one spendsim command", b.line, b.marker)
		}
		out, seen := lastOf[strings.Join(xs[0].args, " ")]
		if !seen {
			out = runExample(t, dir, xs[0])
		}
		got := strings.Split(strings.TrimRight(out, "\n"), "\n")
		switch kind {
		case "output":
			if !slices.Equal(got, b.lines) {
				if *update {
					rewrite[b.line] = got
					continue
				}
				t.Errorf("README.md:%d: the block is not what %q prints (go test -run TestReadmeCommands -update rewrites it):\n--- README\n%s\n--- prints\n%s",
					b.line, cmd, strings.Join(b.lines, "\n"), out)
			}
		case "excerpt":
			if !inOrder(b.lines, got) {
				t.Errorf("README.md:%d: the excerpt's lines are not, in order, lines %q prints:\n--- README\n%s\n--- prints\n%s",
					b.line, cmd, strings.Join(b.lines, "\n"), out)
			}
		}
	}
	if len(rewrite) > 0 {
		rewriteBlocks(t, readme, rewrite)
	}
}

func startsCommand(line string) bool {
	for _, p := range []string{"spendsim", "go ", "duckdb", "NODE_PATH"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return regexp.MustCompile(`^[A-Z_]+=\S* spendsim `).MatchString(line)
}

func notRunKnown(line string) bool {
	for k := range readmeNotRun {
		if strings.HasPrefix(line, k) {
			return true
		}
	}
	return false
}

// inOrder says whether every line of want is a line of got (ignoring trailing spaces),
// in the same order.
func inOrder(want, got []string) bool {
	j := 0
	for _, w := range want {
		w = strings.TrimRight(w, " ")
		for j < len(got) && strings.TrimRight(got[j], " ") != w {
			j++
		}
		if j == len(got) {
			return false
		}
		j++
	}
	return true
}

// commandFlags lists each command's flag names (with "--"), "" for the app's own.
func commandFlags() map[string][]string {
	app := newApp(&env{})
	out := map[string][]string{}
	for _, f := range app.Flags {
		for _, n := range f.Names() {
			out[""] = append(out[""], "--"+n)
		}
	}
	for _, c := range app.Commands {
		out[c.Name] = append(out[c.Name], "--help")
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				out[c.Name] = append(out[c.Name], "--"+n)
			}
		}
	}
	return out
}

var flagRE = regexp.MustCompile(`--[a-z][a-z0-9-]*`)

// synopsisRE tells a usage line ("spendsim merge OUT [--sla 'p90<=1h']", "spendsim
// validate FILE...") from a command: optional parts, alternatives or placeholders.
var synopsisRE = regexp.MustCompile(`\[|\||\.\.\.|\s[A-Z][A-Z0-9_]*(\s|$)`)

// checkSynopsis checks a usage line like "spendsim run [SCENARIO] [--out DIR] ...": the
// command exists and has every flag it names (the app's own flags are allowed too).
func checkSynopsis(t *testing.T, where, line string, flags map[string][]string) {
	t.Helper()
	words := strings.Fields(line)
	cmd := ""
	if len(words) > 1 && !strings.HasPrefix(words[1], "[") {
		cmd = words[1]
	}
	known, ok := flags[cmd]
	if !ok {
		t.Errorf("%s: synopsis of an unknown command %q", where, cmd)
		return
	}
	for _, f := range flagRE.FindAllString(line, -1) {
		if !slices.Contains(known, f) && !slices.Contains(flags[""], f) {
			t.Errorf("%s: synopsis names %s, which spendsim %s does not have", where, f, cmd)
		}
	}
}

// rewriteBlocks replaces the content of the README's code blocks that open at the given
// lines (for -update).
func rewriteBlocks(t *testing.T, path string, blocks map[int][]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		if repl, ok := blocks[i+1]; ok {
			out = append(out, repl...)
			for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "```") {
				i++
			}
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote %d README block(s)", len(blocks))
}

// TestSplitWords pins the shell-like splitting the docs tests rely on.
func TestSplitWords(t *testing.T) {
	got, err := splitWords(`run my.yaml --sla 'p90 <= 30m' --point "weekday=3,sunday=0"`)
	want := []string{"run", "my.yaml", "--sla", "p90 <= 30m", "--point", "weekday=3,sunday=0"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := splitWords(`--sla 'p90`); err == nil {
		t.Error("an unclosed quote was accepted")
	}
	xs, ok, err := parseCommands("x", `JOB_COMPLETION_INDEX=1 spendsim run a.yaml --shards 2 && spendsim scenarios --show small > b.yaml   # note`)
	if err != nil || !ok || len(xs) != 2 || !slices.Equal(xs[0].env, []string{"JOB_COMPLETION_INDEX=1"}) ||
		!slices.Equal(xs[1].args, []string{"scenarios", "--show", "small"}) || xs[1].out != "b.yaml" {
		t.Errorf("parseCommands: %+v, %v, %v", xs, ok, err)
	}
	if !inOrder([]string{"b", "d"}, []string{"a", "b", "c", "d"}) || inOrder([]string{"d", "b"}, []string{"a", "b", "c", "d"}) {
		t.Error("inOrder")
	}
}
