package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/reconcile"
	"github.com/spendsim/spendsim/reports"
)

const cbpSwitchProbe = "../../../shared/datasets/webhooks/logs/probe_cbp_pmp_switch.jsonl"

// TestReconcileCBPRiderOnce: a CBP conversation's second message, whose statuses carry
// the conversation.id of the first and billable true (as every message of a billable
// conversation does), rides it: Meta's side counts the conversation once, in its
// opening month. The reviewer's log (testdata/reconcile/cbp_ride.jsonl) was set at
// Meta 0.070 against 0.035 (conversation_differs, exit 1); the corpus's probe of a
// conversation riding across the switch to PMP (opened 2025-06-30, the second message
// on 2025-07-01) at Meta 0.016 against 0.008.
func TestReconcileCBPRiderOnce(t *testing.T) {
	needShared(t, cbpSwitchProbe)
	for _, tc := range []struct {
		log, total string
		months     []string
	}{
		{filepath.Join("testdata", "reconcile", "cbp_ride.jsonl"), "0.035000", []string{"2024-03"}},
		{cbpSwitchProbe, "0.008000", []string{"2025-06", "2025-07"}},
	} {
		out := filepath.Join(t.TempDir(), "rec")
		code, stdout, stderr := spendsim(t, "reconcile", "--trace", tc.log, "--out", out)
		if code != 0 {
			t.Errorf("%s: exit %d, want 0 (agree)\n%s%s", tc.log, code, stdout, stderr)
			continue
		}
		rep := readReport(t, out)
		if rep.Verdict != string(reconcile.Agree) || rep.Total != tc.total || rep.MetaTotal == nil || *rep.MetaTotal != tc.total ||
			rep.Messages.Agree != 2 || len(rep.Rows) != len(tc.months) {
			t.Errorf("%s: verdict %s, spendsim %s, Meta %v, messages %+v, %d rows; want agree at %s", tc.log, rep.Verdict, rep.Total,
				rep.MetaTotal, rep.Messages, len(rep.Rows), tc.total)
			continue
		}
		for i, r := range rep.Rows {
			// The conversation's charge is in its opening month's row, on both sides.
			want := "0.000000"
			if i == 0 {
				want = tc.total
			}
			if r.Month != tc.months[i] || r.Amount != want || r.MetaAmount == nil || *r.MetaAmount != want {
				t.Errorf("%s: row %s: spendsim %s, Meta %v; want %s %s on both sides", tc.log, r.Month, r.Amount, r.MetaAmount, tc.months[i], want)
			}
		}
		if !strings.Contains(stdout, "total: spendsim "+tc.total+", Meta "+tc.total+" USD") {
			t.Errorf("%s: stdout:\n%s", tc.log, stdout)
		}
	}
}

// TestReconcileCountsOnly: Meta's analytics without cost (as Meta gives them to
// partner-billed accounts) verify counts, not money. A reviewer's pa3.json printed
// "Meta unknown", then "agree: every compared message and row agrees within 0.000000
// USD", and exited 0. The verdict is counts_only, exit 1 (README: the exit status is 0
// only when everything agrees within --tolerance), and the terminal does not say agree.
func TestReconcileCountsOnly(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "pmp.csv", reconcileTrace)
	rp := filepath.Join(dir, "replay")
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--out", rp, "--quiet"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	withCost := analyticsFromMessages(t, filepath.Join(rp, reports.MessagesFile), "")
	noCost := writeFile(t, dir, "nocost.json", regexp.MustCompile(`,"cost":[0-9.]+`).ReplaceAllString(withCost, ""))
	out := filepath.Join(dir, "rec")
	code, stdout, stderr := spendsim(t, "reconcile", "--replay", rp, "--analytics", noCost, "--out", out)
	if code != 1 || !strings.Contains(stderr, "counts only") {
		t.Fatalf("exit %d, want 1 (counts only)\n%s%s", code, stdout, stderr)
	}
	rep := readReport(t, out)
	if rep.Agrees || rep.Verdict != string(reconcile.CountsOnly) || rep.MetaTotal != nil || rep.AnalyticsRows.Differ != 0 ||
		rep.AnalyticsRows.CountsOnly != rep.AnalyticsRows.Rows || rep.CountsOnly != rep.Total {
		t.Errorf("verdict %s (agrees %v), Meta's total %v, rows %+v, counts-only total %s of %s", rep.Verdict, rep.Agrees, rep.MetaTotal,
			rep.AnalyticsRows, rep.CountsOnly, rep.Total)
	}
	if strings.Contains(stdout, "agree:") || !strings.Contains(stdout, "COUNTS ONLY: every compared count agrees, but Meta's analytics give no cost for") {
		t.Errorf("the terminal:\n%s", stdout)
	}
	if page, err := os.ReadFile(filepath.Join(out, reports.ReconcileHTMLFile)); err != nil || !strings.Contains(string(page), "Counts only:") {
		t.Errorf("reconcile.html does not say counts only (%v)", err)
	}
}

// TestReconcileSkippedRows: a row of the log skipped as invalid may hold Meta's word
// (here a delivered status with its pricing object and a bad timestamp, added to the
// fidelity log less its two differing messages). A reviewer's --skip-invalid run said
// "1 invalid row skipped" on stderr, then agree, exit 0, and reconcile.json had no
// record of it. Now: unverified, exit 1, the count and the row's error in
// reconcile.json; the same from the replay's folder (--replay), which has the count.
// The skip is named as a webhook log's are counted: a status, message or line.
func TestReconcileSkippedRows(t *testing.T) {
	needShared(t, fidelityLog)
	data, err := os.ReadFile(fidelityLog)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if i+1 != 30 && i+1 != 31 && i+1 != 33 { // era_differs (sent, delivered), billable_differs
			lines = append(lines, l)
		}
	}
	dir := t.TempDir()
	ok := writeFile(t, dir, "fid_ok.jsonl", strings.Join(lines, "\n")+"\n")
	if code, stdout, stderr := spendsim(t, "reconcile", "--trace", ok, "--out", filepath.Join(dir, "ok")); code != 0 {
		t.Fatalf("the fidelity log less its differences: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	bad := writeFile(t, dir, "fid_bad.jsonl", strings.Join(lines, "\n")+"\n"+`{"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "111"}, "statuses": [{"id": "wamid.BADTS", "status": "delivered", "timestamp": "17786000xx", "recipient_id": "5511987654321", "pricing": {"billable": true, "pricing_model": "PMP", "category": "marketing", "type": "regular"}}]}}]}]}`+"\n")
	out := filepath.Join(dir, "rec")
	code, stdout, stderr := spendsim(t, "reconcile", "--trace", bad, "--skip-invalid", "--out", out)
	if code != 1 || !strings.Contains(stderr, "unverified: 1 status, message or line of the log was skipped as invalid") {
		t.Fatalf("exit %d, want 1 (unverified)\n%s%s", code, stdout, stderr)
	}
	rep := readReport(t, out)
	if rep.Agrees || rep.Verdict != string(reconcile.Unverified) || rep.Skipped != 1 || len(rep.SkippedRows) != 1 ||
		!strings.Contains(rep.SkippedRows[0], "fid_bad.jsonl:") || !strings.Contains(rep.SkippedRows[0], "17786000xx") {
		t.Errorf("verdict %s (agrees %v), skipped %d %q", rep.Verdict, rep.Agrees, rep.Skipped, rep.SkippedRows)
	}
	if strings.Contains(stdout, "agree:") || !strings.Contains(stdout, "UNVERIFIED: every compared message and row agrees within 0.000000 USD, but 1 status, message or line of the log was skipped") {
		t.Errorf("the terminal:\n%s", stdout)
	}
	rp := filepath.Join(dir, "replay")
	if code, _, stderr := spendsim(t, "replay", "--trace", bad, "--skip-invalid", "--out", rp, "--quiet"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	code, _, stderr = spendsim(t, "reconcile", "--replay", rp, "--out", filepath.Join(dir, "again"))
	if rep := readReport(t, filepath.Join(dir, "again")); code != 1 || rep.Verdict != string(reconcile.Unverified) || rep.Skipped != 1 {
		t.Errorf("--replay: exit %d, verdict %s, skipped %d; want 1, unverified, 1: %s", code, rep.Verdict, rep.Skipped, stderr)
	}
}

// TestReconcileStraddleNote: Meta's analytics points start at the account's midnight.
// Counted in another time zone, a month's point crosses a month boundary; reconcile.json
// counted such points (points_straddling_months) but the terminal said nothing, and a
// reviewer (a replay made in America/Sao_Paulo, reconciled in the default UTC) saw only
// differences. The note says so on stderr, and what to do: give --timezone (with
// --trace), or replay with it (with --replay, whose zone is the replay's).
func TestReconcileStraddleNote(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "pmp.csv", reconcileTrace)
	// July 2025 in America/Sao_Paulo (UTC−3): 03:00 UTC to 03:00 UTC.
	pa := writeFile(t, dir, "pa.json", `{"pricing_analytics":{"data":[{"data_points":[`+
		`{"start":1751338800,"end":1754017200,"country":"BR","pricing_category":"MARKETING","pricing_type":"REGULAR","volume":1,"cost":0.0625}]}]},"id":"1"}`)
	const note = "1 point of Meta's analytics crosses a month boundary in UTC"
	_, _, stderr := spendsim(t, "reconcile", "--trace", tr, "--analytics", pa, "--out", filepath.Join(dir, "utc"))
	if !strings.Contains(stderr, note) || !strings.Contains(stderr, "Give the account's time zone with --timezone ZONE") {
		t.Errorf("--trace in UTC: stderr lacks the note:\n%s", stderr)
	}
	if rep := readReport(t, filepath.Join(dir, "utc")); rep.AnalyticsRows.StraddlePoints != 1 {
		t.Errorf("points_straddling_months %d, want 1", rep.AnalyticsRows.StraddlePoints)
	}
	_, _, stderr = spendsim(t, "reconcile", "--trace", tr, "--analytics", pa, "--timezone", "America/Sao_Paulo", "--out", filepath.Join(dir, "sp"))
	if strings.Contains(stderr, "month boundary") {
		t.Errorf("in the account's zone: a note all the same:\n%s", stderr)
	}
	rp := filepath.Join(dir, "replay")
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--out", rp, "--quiet"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	_, _, stderr = spendsim(t, "reconcile", "--replay", rp, "--analytics", pa, "--out", filepath.Join(dir, "rp"))
	if !strings.Contains(stderr, note) || !strings.Contains(stderr, "Replay the trace again with the account's time zone (--timezone ZONE)") {
		t.Errorf("--replay made in UTC: stderr lacks the note:\n%s", stderr)
	}
}

// TestReconcileReplaySettings: reconcile --replay DIR prices and counts in the
// replay's currency and time zone, read from its folder (summary.json, the command
// line manifest.json records), and refuses a flag that says otherwise, or rate files
// other than the replay's (exit 2, naming what the replay used). A reviewer's
// `reconcile --replay rpok --currency INR` of a USD replay printed agree in INR beside
// USD amounts and exited 0; --timezone likewise. Zones are compared by their clocks,
// not their names.
func TestReconcileReplaySettings(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "in.csv", "ts,user,direction,type,category\n"+
		"2025-07-02T10:00:00Z,919876500001,business,template,marketing\n2025-07-03T10:00:00Z,919876500002,business,template,utility\n")
	usd, inr := filepath.Join(dir, "usd"), filepath.Join(dir, "inr")
	for _, args := range [][]string{{"--out", usd}, {"--currency", "INR", "--timezone", "Asia/Kolkata", "--out", inr}} {
		if code, _, stderr := spendsim(t, append([]string{"replay", "--trace", tr, "-q"}, args...)...); code != 0 {
			t.Fatalf("replay %v: exit %d: %s", args, code, stderr)
		}
	}
	rates := filepath.Join("testdata", "examples", "common", "my-oct-2026-rates.csv")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--replay", usd, "--currency", "INR"}, "--currency INR contradicts the replay in " + usd + ", billed in USD"},
		{[]string{"--replay", usd, "--timezone", "America/Sao_Paulo"}, "--timezone America/Sao_Paulo contradicts the replay in " + usd + ", whose months are UTC's"},
		{[]string{"--replay", inr, "--currency", "USD"}, "billed in INR"},
		{[]string{"--replay", inr, "--timezone", "UTC"}, "whose months are Asia/Kolkata's"},
		{[]string{"--replay", usd, "--rates", rates}, "the replay in " + usd + " priced with the built-in cards alone"},
	} {
		out := filepath.Join(dir, "rec")
		code, _, stderr := spendsim(t, append(append([]string{"reconcile"}, c.args...), "--out", out)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q: %s", c.args, code, c.want, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: left %s", c.args, out)
		}
	}
	// The replay's own settings, given or left out: accepted, and used.
	for _, c := range []struct {
		dir, currency, zone string
		args                []string
	}{
		{usd, "USD", "UTC", nil},
		{usd, "USD", "UTC", []string{"--currency", "USD", "--timezone", "UTC"}},
		{inr, "INR", "Asia/Kolkata", nil},
		{inr, "INR", "Asia/Kolkata", []string{"--timezone", "Asia/Kolkata"}},
		// Another name of the replay's zone is its zone: Etc/UTC was refused as not UTC.
		{usd, "USD", "UTC", []string{"--timezone", "Etc/UTC"}},
		{inr, "INR", "Asia/Kolkata", []string{"--timezone", "Asia/Calcutta"}},
	} {
		pa := writeFile(t, dir, "pa.json", analyticsFromMessages(t, filepath.Join(c.dir, reports.MessagesFile), ""))
		out := filepath.Join(dir, "ok")
		code, stdout, stderr := spendsim(t, append([]string{"reconcile", "--replay", c.dir, "--analytics", pa, "--out", out}, c.args...)...)
		if code != 0 {
			t.Errorf("%s %v: exit %d, want 0\n%s%s", c.dir, c.args, code, stdout, stderr)
			continue
		}
		rep := readReport(t, out)
		if rep.Currency != c.currency || rep.Timezone != c.zone || !strings.Contains(stdout, "agrees within 0.000000 "+c.currency) {
			t.Errorf("%s %v: currency %s, zone %s; want %s, %s\n%s", c.dir, c.args, rep.Currency, rep.Timezone, c.currency, c.zone, stdout)
		}
		if err := os.RemoveAll(out); err != nil {
			t.Fatal(err)
		}
	}
	// A replay priced with a rate file: reconcile wants the same file, and takes it.
	withRates := filepath.Join(dir, "rates")
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--rates", rates, "--out", withRates, "-q"); code != 0 {
		t.Fatalf("replay --rates: exit %d: %s", code, stderr)
	}
	pa := writeFile(t, dir, "pa.json", analyticsFromMessages(t, filepath.Join(withRates, reports.MessagesFile), ""))
	code, _, stderr := spendsim(t, "reconcile", "--replay", withRates, "--analytics", pa, "--out", filepath.Join(dir, "r1"))
	if want := "priced with --rates " + rates + " (sha256 "; code != 2 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "given the built-in cards alone") {
		t.Errorf("without the replay's --rates: exit %d, want 2 and %q: %s", code, want, stderr)
	}
	if code, _, stderr := spendsim(t, "reconcile", "--replay", withRates, "--analytics", pa, "--rates", rates, "--out", filepath.Join(dir, "r2")); code != 0 {
		t.Errorf("with the replay's --rates: exit %d, want 0: %s", code, stderr)
	}
}
