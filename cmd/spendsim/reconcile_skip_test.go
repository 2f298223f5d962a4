package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/reconcile"
)

const statusOrderProbe = "../../../shared/datasets/webhooks/logs/probe_status_order.jsonl"

// skipLog is the corpus's probe of statuses logged out of order (two PMP marketing
// templates whose pricing agrees with spendsim's) and two lines --skip-invalid skips: a
// delivered status with a placeholder timestamp, as published examples carry, and a
// line that is no JSON.
func skipLog(t *testing.T, dir string) string {
	t.Helper()
	needShared(t, statusOrderProbe)
	data, err := os.ReadFile(statusOrderProbe)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, "skip.jsonl", string(data)+
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"id":"wamid.X","status":"delivered","timestamp":"TIMESTAMP","recipient_id":"15551234567"}]}}]}]}`+"\n"+
		"not json\n")
}

// TestReconcileReplaySkipsUncounted: a replay that skipped rows and wrote no
// summary.json (--outputs messages) has no record of how many: a reviewer's
// `replay --trace skip.jsonl --skip-invalid --outputs messages --out r3` skipped 2
// lines, and `reconcile --replay r3` said agree, exit 0, where `reconcile --trace
// skip.jsonl --skip-invalid` says unverified. Such a folder is refused with what to
// do; replayed with summary.json it is unverified, with the count; a replay that did
// not run with --skip-invalid skipped nothing, summary.json or not.
func TestReconcileReplaySkipsUncounted(t *testing.T) {
	dir := t.TempDir()
	log := skipLog(t, dir)
	replay := func(name string, args ...string) string {
		t.Helper()
		out := filepath.Join(dir, name)
		if code, _, stderr := spendsim(t, append([]string{"replay", "--out", out, "--quiet"}, args...)...); code != 0 {
			t.Fatalf("replay %s: exit %d: %s", name, code, stderr)
		}
		return out
	}
	r3 := replay("r3", "--trace", log, "--skip-invalid", "--outputs", "messages")
	code, stdout, stderr := spendsim(t, "reconcile", "--replay", r3)
	for _, want := range []string{r3 + ": the replay ran with --skip-invalid and wrote no summary.json",
		"--outputs messages,summary", "spendsim reconcile --trace LOG --skip-invalid"} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("reconcile --replay (--skip-invalid, no summary.json): exit %d, want 1 and %q\n%s%s", code, want, stdout, stderr)
		}
	}
	if _, err := os.Stat(r3 + "-reconcile"); !os.IsNotExist(err) {
		t.Errorf("the refused reconciliation left %s-reconcile: %v", r3, err)
	}

	// What the refusal says to do: the count, and the verdict --trace gives.
	withSummary := replay("r4", "--trace", log, "--skip-invalid", "--outputs", "messages,summary")
	code, _, stderr = spendsim(t, "reconcile", "--replay", withSummary, "--out", filepath.Join(dir, "rec4"))
	if rep := readReport(t, filepath.Join(dir, "rec4")); code != 1 || rep.Verdict != string(reconcile.Unverified) || rep.Skipped != 2 {
		t.Errorf("--replay with summary.json: exit %d, verdict %s, skipped %d; want 1, unverified, 2: %s", code, rep.Verdict, rep.Skipped, stderr)
	}
	code, _, stderr = spendsim(t, "reconcile", "--trace", log, "--skip-invalid", "--out", filepath.Join(dir, "rect"))
	if rep := readReport(t, filepath.Join(dir, "rect")); code != 1 || rep.Verdict != string(reconcile.Unverified) || rep.Skipped != 2 {
		t.Errorf("--trace: exit %d, verdict %s, skipped %d; want 1, unverified, 2: %s", code, rep.Verdict, rep.Skipped, stderr)
	}

	// Without --skip-invalid (or with it turned off) a replay stops at an invalid row:
	// it skipped none, and its messages alone reconcile.
	for i, args := range [][]string{{"--trace", statusOrderProbe}, {"--trace", statusOrderProbe, "--skip-invalid=false"}} {
		rp := replay("clean"+string(rune('0'+i)), append(args, "--outputs", "messages")...)
		if code, stdout, stderr := spendsim(t, "reconcile", "--replay", rp); code != 0 || !strings.Contains(stdout, "\nagree:") {
			t.Errorf("reconcile --replay of %v --outputs messages: exit %d, want 0 (agree)\n%s%s", args, code, stdout, stderr)
		}
	}
}

// TestReconcileSkippedNamedAsRead: the verdict names a webhook log's skips as the read
// notes above it do (statuses, messages or lines; a reviewer's run said "2 invalid
// statuses, messages or lines skipped", then "2 rows of the log were skipped"), with
// --trace and from a replay's folder, whose summary.json keeps that it read a webhook
// log (webhook_log).
func TestReconcileSkippedNamedAsRead(t *testing.T) {
	dir := t.TempDir()
	log := skipLog(t, dir)
	const verdict = "2 statuses, messages or lines of the log were skipped as invalid (--skip-invalid)"
	code, stdout, stderr := spendsim(t, "reconcile", "--trace", log, "--skip-invalid", "--out", filepath.Join(dir, "rec"))
	if code != 1 || !strings.Contains(stderr, "2 invalid statuses, messages or lines skipped (--skip-invalid)") ||
		!strings.Contains(stdout, "UNVERIFIED: every compared message and row agrees within 0.000000 USD, but "+verdict) ||
		!strings.Contains(stderr, "unverified: "+verdict) || strings.Contains(stdout+stderr, "rows of the log") {
		t.Errorf("--trace: exit %d, want 1 and the skips named as read:\n%s%s", code, stdout, stderr)
	}
	rp := filepath.Join(dir, "replay")
	if code, _, stderr := spendsim(t, "replay", "--trace", log, "--skip-invalid", "--out", rp, "--quiet"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	if s, err := os.ReadFile(filepath.Join(rp, "summary.json")); err != nil || !strings.Contains(string(s), `"webhook_log": true`) {
		t.Errorf("summary.json does not say it read a webhook log (%v):\n%s", err, s)
	}
	code, stdout, stderr = spendsim(t, "reconcile", "--replay", rp, "--out", filepath.Join(dir, "again"))
	if code != 1 || !strings.Contains(stdout, "but "+verdict) || !strings.Contains(stderr, "unverified: "+verdict) {
		t.Errorf("--replay: exit %d, want 1 and the skips named as read:\n%s%s", code, stdout, stderr)
	}
	page, err := os.ReadFile(filepath.Join(dir, "again", "reconcile.html"))
	if err != nil || !strings.Contains(string(page), "but "+verdict+", whose word") {
		t.Errorf("reconcile.html lacks %q (%v)", verdict, err)
	}
}
