package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/table/tabletest"
)

// TestHeldTemplatesBilled is the review's repro: the notifications example over 7 days
// from 2025-09-01, one replication, with high block rates and a fresh 250 number. Of
// its 24,964 templates 23,559 wait for the limit and 17,465 of them are still waiting
// at the horizon end. They once vanished: never sent, never billed (325.97 USD against
// 823.70 with no limit). Now they go in the drain as the limit lets them, on 7 days
// after the horizon, and the bill covers them (823.77 USD, 499.40 of it after the
// horizon); the run table says so.
func TestHeldTemplatesBilled(t *testing.T) {
	dir := t.TempDir()
	code, example, stderr := spendsim(t, "scenarios", "--show", "notifications")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, r := range []struct{ old, new string }{
		{"name: notifications", "name: nl"}, {"start: 2025-09-29", "start: 2025-09-01"},
		{"days: 21", "days: 7"}, {"replications: 3", "replications: 1"},
		{"initial_tier: 1000 ", "initial_tier: 250 "},
		{"per_template: {marketing: 0.003, utility: 0.0005", "per_template: {marketing: 0.05, utility: 0.02"},
	} {
		if !strings.Contains(example, r.old) {
			t.Fatalf("the notifications example has no %q", r.old)
		}
		example = strings.Replace(example, r.old, r.new, 1)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "run", writeFile(t, dir, "nl.yaml", example), "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	runs := tabletest.Read(t, filepath.Join(out, "runs.parquet"))
	for col, want := range map[string]int64{
		"templates_sent": 24_964, "limit_delayed": 23_559, "limit_after_horizon": 17_465, "limit_held_at_end": 0,
		"messaging_micros": 823_771_000, "drain_messaging_micros": 499_402_300, "drain_days": 7,
	} {
		if got := runs.Value(t, 0, col).Int64(); got != want {
			t.Errorf("%s = %d, want %d", col, got, want)
		}
	}
	days := tabletest.Read(t, filepath.Join(out, "daily.parquet"))
	var after int64
	for i := range days.Rows {
		if days.Value(t, i, "after_horizon").Boolean() {
			after += days.Value(t, i, "templates").Int64()
		}
	}
	if after < 17_465 {
		t.Errorf("%d templates on the days after the horizon, want the 17,465 held at least", after)
	}
	if want := "17,465 templates the messaging limit held went after the horizon"; !strings.Contains(stdout, want) {
		t.Errorf("the run table does not say %q:\n%s", want, stdout)
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "17,465 templates the messaging limit held") {
		t.Error("report.html does not say the held templates went after the horizon")
	}
}
