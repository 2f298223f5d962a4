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
