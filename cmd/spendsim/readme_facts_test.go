package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model/money"
)

// TestReadmeFacts keeps the README's figures true: the amount it quotes from the
// default run's summary.json, the count of billing timeline cases and the counts of the
// malformed-trace corpus. A figure that changes with the code fails here, naming the
// figure to write.
func TestReadmeFacts(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(readmeRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	mustSay := func(want string) {
		t.Helper()
		if !strings.Contains(readme, want) {
			t.Errorf("README does not say %q", want)
		}
	}

	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := spendsim(t, "run", "--out", out, "-q"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	var sum struct {
		Points []struct {
			TotalMicros int64  `json:"total_micros"`
			Total       string `json:"total"`
		} `json:"points"`
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil || len(sum.Points) == 0 {
		t.Fatalf("summary.json: %v", err)
	}
	p := sum.Points[0]
	mustSay(`"total": "` + p.Total + `"` + "` in `summary.json`, reads " + money.Cents(money.Micros(p.TotalMicros)) + " in the terminal")

	cases := 0
	files, _ := filepath.Glob("../../model/billing/testdata/*.txt")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases += len(regexp.MustCompile(`(?m)^case `).FindAll(b, -1))
	}
	mustSay("(`model/billing/testdata/*.txt`, " + strconv.Itoa(cases) + " cases)")

	bad, err := os.ReadDir(badCorpus)
	if err != nil {
		t.Fatal(err)
	}
	// Each file once, four generated oversize files, two files again with --sort.
	mustSay("runs the " + strconv.Itoa(len(bad)+4+2) + " cases of the malformed-trace corpus (the " + strconv.Itoa(len(bad)) + " files of")
}

// TestCompareTitleQuoted keeps the compare.png title that the README and compare --help
// quote true: it is the title of the command they name (the help's first example), read
// from compare.svg, each of its lines said by both.
func TestCompareTitleQuoted(t *testing.T) {
	files := filepath.Join("testdata", "examples", "common")
	out := filepath.Join(t.TempDir(), "cmp")
	if code, _, stderr := spendsim(t, "compare", filepath.Join(files, "three-agents.yaml"), filepath.Join(files, "four-agents.yaml"),
		"--replications", "20", "--out", out, "-q"); code != 0 {
		t.Fatalf("compare: exit %d: %s", code, stderr)
	}
	svg, err := os.ReadFile(filepath.Join(out, "compare.svg"))
	if err != nil {
		t.Fatal(err)
	}
	verdict := regexp.MustCompile(`B costs [^<]* in total`).Find(svg)
	interval := regexp.MustCompile(`paired 95% interval [^<]* 0`).Find(svg)
	if verdict == nil || interval == nil {
		t.Fatalf("compare.svg has no title of the form 'B costs … in total' / 'paired 95%% interval …': %.300s", svg)
	}
	want := string(verdict) + " / " + string(interval)
	b, err := os.ReadFile(filepath.Join(readmeRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if !strings.Contains(oneLine(string(b)), `"`+want+`"`) {
		t.Errorf("README does not quote the compare title %q", want)
	}
	if !strings.Contains(oneLine(helpText("compare")), `"`+want+`"`) {
		t.Errorf("compare --help does not quote the compare title %q", want)
	}
	if !strings.Contains(helpText("compare"), "spendsim compare three-agents.yaml four-agents.yaml --replications 20") {
		t.Errorf("compare --help no longer has the example whose title it quotes")
	}
}

// TestReadmeNamesTempFolders: every folder spendsim makes in the temporary folder
// (safefile.TempDir) is one a SIGKILL leaves behind, and the README says so by name: it
// named the --passes folder but not the --sort one, which a killed sort left there
// (35 MB) with nothing to say what it was.
func TestReadmeNamesTempFolders(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(readmeRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	pattern := regexp.MustCompile(`safefile\.TempDir\([^,]+, "([^"]+)"\)`)
	found := 0
	err = filepath.WalkDir(readmeRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range pattern.FindAllSubmatch(src, -1) {
			found++
			if !strings.Contains(readme, "`"+string(m[1])+"`") {
				t.Errorf("%s makes %s in the temporary folder, which a killed command leaves; the README does not name it", p, m[1])
			}
		}
		return nil
	})
	if err != nil || found == 0 {
		t.Fatalf("no safefile.TempDir call found (%v): the pattern is out of date", err)
	}
}
