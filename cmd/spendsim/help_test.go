package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// helpExamples are the example command lines of the help texts (the app's and every
// command's), as the user would type them after "spendsim", comments dropped.
func helpExamples() [][]string {
	app := newApp(&env{stdout: io.Discard, stderr: io.Discard, version: "test"})
	texts := []string{app.Description}
	for _, c := range app.Commands {
		texts = append(texts, c.Description)
	}
	var out [][]string
	for _, text := range texts {
		for _, line := range strings.Split(text, "\n") {
			rest, ok := strings.CutPrefix(strings.TrimSpace(line), "spendsim ")
			if !ok || !strings.HasPrefix(line, "   ") {
				continue
			}
			if i := strings.Index(rest, " #"); i >= 0 {
				rest = rest[:i]
			}
			out = append(out, shellWords(rest))
		}
	}
	return out
}

// shellWords splits a command line as a shell would, for the quoting help examples use
// (single or double quotes, no escapes).
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	var quote rune // the open quote, or 0
	in := false
	for _, r := range s {
		switch {
		case quote == 0 && (r == '\'' || r == '"'):
			quote, in = r, true
		case r == quote:
			quote = 0
		case r == ' ' && quote == 0:
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// needsUserFiles says whether an example reads something only its user has (a
// scenario file, a trace, a rate file, a shared folder) or is a shell pipeline: such
// examples are shown, not run.
func needsUserFiles(args []string) bool {
	for i, a := range args {
		if a == "&&" || a == "|" || a == ">" {
			return true
		}
		if i > 0 && (args[i-1] == "-o" || args[i-1] == "--out") {
			continue // an output: written in the test's folder
		}
		for _, ext := range []string{".yaml", ".yml", ".csv", ".parquet", ".jsonl", ".json", ".ndjson"} {
			if strings.HasSuffix(a, ext) {
				return true
			}
		}
		if !strings.HasPrefix(a, "-") && strings.Contains(a, "/") {
			return true
		}
	}
	return false
}

// TestHelpExamples runs every help example that needs nothing but the embedded
// scenarios; each must succeed (issue 11: the first optimize example used to fail).
// Outputs go to a fresh folder.
func TestHelpExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the embedded scenarios")
	}
	ran := 0
	for _, args := range helpExamples() {
		if needsUserFiles(args) {
			continue
		}
		dir := t.TempDir()
		t.Chdir(dir)
		for i := range args {
			if i > 0 && (args[i-1] == "-o" || args[i-1] == "--out") && filepath.IsAbs(args[i]) {
				args[i] = filepath.Join(dir, filepath.Base(args[i]))
			}
		}
		if code, _, stderr := spendsim(t, args...); code != 0 {
			t.Errorf("spendsim %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		ran++
	}
	if ran < 10 {
		t.Errorf("ran %d help examples; the help texts have more that need no file of the user's", ran)
	}
}
