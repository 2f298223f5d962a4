package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// manifestArgsOf reads manifest.json's args in dir.
func manifestArgsOf(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Args []string `json:"args"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s/manifest.json: %v", dir, err)
	}
	return m.Args
}

// TestManifestArgs: every command that writes manifest.json records the command line
// as given after the program's name, flags included (--timezone, --primary-country,
// --service-allowance, --seed, --sla, the rate flags…), so that the manifest can
// reproduce the result: it used to hold only the arguments that are not flags ("args":
// [] for a replay). The flags that change no output file are left out (--out, --workers,
// --quiet, --show, the profiles), so the set is the same bytes whatever they were.
func TestManifestArgs(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join("testdata", "examples", "reconcile", "webhooks.jsonl")
	plan := filepath.Join("testdata", "examples", "optimize", "my.yaml")
	sweep := writeFile(t, dir, "sweep.yaml", sweepScenario)
	for _, c := range []struct {
		args, unrecorded []string // unrecorded: flags the manifest leaves out, added to args
		code             int
	}{
		{[]string{"replay", "--trace", log, "--format", "webhook", "--timezone", "Asia/Kolkata", "--primary-country", "in",
			"--auth-intl-from", "2025-01-01", "--service-allowance", "0", "--rates", "builtin"}, []string{"--workers", "2", "-q"}, 0},
		{[]string{"replay", "--trace", log, "--pricing", "cbp-2023,pmp-2025"}, []string{"--quiet"}, 0},
		{[]string{"replay", "--trace", log, "--restaff", plan}, []string{"-q"}, 0},
		{[]string{"reconcile", "--trace", log, "--tolerance", "0.01", "--timezone", "Asia/Kolkata"}, []string{"--show", "3", "-w", "1"}, 0},
		{[]string{"run", sweep, "--seed", "5", "--sla", "p90<=1h"}, []string{"--workers", "1", "--quiet"}, 0},
		{[]string{"forecast", plan, "--months", "1", "--replications", "2", "--growth", "0.1"}, []string{"-q"}, 0},
		{[]string{"compare", plan, "--pricing-b", "cbp-2023", "-r", "2"}, []string{"-q", "--max-memory", "8GiB"}, 0},
		{[]string{"optimize", plan, "--sla", "p90<=24h", "--max-headcount", "1", "-r", "1"}, []string{"-q"}, 0},
	} {
		out := filepath.Join(dir, c.args[0]+"-"+filepath.Base(c.args[len(c.args)-1]))
		given := append([]string{"--cpuprofile", filepath.Join(dir, "cpu.out")}, c.args...)
		given = append(append(given, "--out", out), c.unrecorded...)
		if code, _, stderr := spendsim(t, given...); code != c.code {
			t.Fatalf("%q: exit %d, want %d: %s", given, code, c.code, stderr)
		}
		if got := manifestArgsOf(t, out); !slices.Equal(got, c.args) {
			t.Errorf("%s: manifest args %q, want %q", c.args[0], got, c.args)
		}
	}

	// A merge records the shards' command line and its own --sla, as the unsharded
	// run with that --sla does: the two manifests are the same bytes.
	whole, parts := filepath.Join(dir, "whole"), filepath.Join(dir, "parts")
	if code, _, stderr := spendsim(t, "run", sweep, "--sla", "p90<=1h", "--out", whole, "-q"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	for k := range 2 {
		if code, _, stderr := spendsim(t, "run", sweep, "--out", parts, "-q", "--shard", []string{"0/2", "1/2"}[k]); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
	}
	if code, _, stderr := spendsim(t, "merge", parts, "--sla", "p90<=1h", "-q"); code != 0 { // -q as run takes it, and recorded nowhere
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	if got, want := manifestArgsOf(t, parts), []string{"run", sweep, "--sla", "p90<=1h"}; !slices.Equal(got, want) {
		t.Errorf("merge: manifest args %q, want %q", got, want)
	}
	sameFiles(t, whole, parts, "manifest.json", "summary.json")
}
