package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/reconcile"
	"github.com/spendsim/spendsim/internal/sharedtest"
	"github.com/spendsim/spendsim/reports"
)

const (
	webhookShapes = "../../../shared/datasets/webhooks/shapes/"
	twitterCare   = "../../../shared/datasets/customer_care_twitter.csv"
	allAsIs       = "../../../shared/datasets/webhooks/logs/all_asis.jsonl"
)

// needShared skips (or fails, see sharedtest) where the shared datasets are missing.
func needShared(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			sharedtest.Missing(t, "the shared datasets", err)
		}
	}
}

// TestReconcileNothingCompared: a trace whose messages carry no word of Meta's, with no
// analytics, is not agreement: exit 1, verdict nothing_compared, and no "Meta 0.000000"
// as if Meta had charged nothing. The first 19 rows of the Twitter customer-care trace,
// and the webhook shapes with no pricing object (A2), no business message (D9, B1f).
func TestReconcileNothingCompared(t *testing.T) {
	needShared(t, twitterCare, webhookShapes)
	dir := t.TempDir()
	f, err := os.Open(twitterCare)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var head strings.Builder
	sc := bufio.NewScanner(f)
	for i := 0; i < 20 && sc.Scan(); i++ {
		head.WriteString(sc.Text() + "\n")
	}
	traces := []string{writeFile(t, dir, "first19.csv", head.String())}
	for _, s := range []string{"A2_meta_status_v24_no_conversation_no_pricing", "D9_pywa_image", "B1f_meta_inbound_text_fixed"} {
		traces = append(traces, webhookShapes+s+".jsonl")
	}
	for _, tr := range traces {
		out := filepath.Join(dir, "rec", filepath.Base(tr))
		code, stdout, stderr := spendsim(t, "reconcile", "--trace", tr, "--out", out)
		if code != 1 || !strings.Contains(stderr, "nothing compared") {
			t.Errorf("%s: exit %d, want 1 (nothing compared): %s", tr, code, stderr)
			continue
		}
		rep := readReport(t, out)
		if rep.Agrees || rep.Verdict != string(reconcile.NothingCompared) || rep.MetaTotal != nil {
			t.Errorf("%s: agrees %v, verdict %q, Meta's total %v; want nothing_compared, Meta's total null", tr, rep.Agrees, rep.Verdict, rep.MetaTotal)
		}
		if strings.Contains(stdout, "Meta 0.000000") || strings.Contains(stdout, "agree:") || !strings.Contains(stdout, "NOTHING COMPARED") {
			t.Errorf("%s: the terminal says Meta charged nothing, or agreement:\n%s", tr, stdout)
		}
	}
}

// TestReconcileUnverifiedCharge: fidelity_ctx's F3 and F4, F4's pricing object taken
// out. F4 is charged (a CBP marketing conversation, 0.0625) with no word of Meta's: it
// stays in spendsim's total (the replay's, 0.0975), shows as no_meta_pricing in the
// message and group rows with Meta's amount unknown, and the run does not agree.
func TestReconcileUnverifiedCharge(t *testing.T) {
	needShared(t, fidelityLog)
	data, err := os.ReadFile(fidelityLog)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.Contains(l, `"wamid.F3"`):
			lines = append(lines, l)
		case strings.Contains(l, `"wamid.F4"`):
			var p map[string]any
			if err := json.Unmarshal([]byte(l), &p); err != nil {
				t.Fatal(err)
			}
			for _, e := range p["entry"].([]any) {
				for _, c := range e.(map[string]any)["changes"].([]any) {
					for _, st := range c.(map[string]any)["value"].(map[string]any)["statuses"].([]any) {
						delete(st.(map[string]any), "pricing")
					}
				}
			}
			b, _ := json.Marshal(p)
			lines = append(lines, string(b))
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines of F3 and F4 in %s, want 2", len(lines), fidelityLog)
	}
	dir := t.TempDir()
	tr := writeFile(t, dir, "f3f4.jsonl", strings.Join(lines, "\n")+"\n")
	out := filepath.Join(dir, "rec")
	code, stdout, stderr := spendsim(t, "reconcile", "--trace", tr, "--out", out)
	if code != 1 || !strings.Contains(stderr, "unverified") {
		t.Fatalf("exit %d, want 1 (unverified): %s\n%s", code, stderr, stdout)
	}
	rep := readReport(t, out)
	var sum reports.ReplaySummary
	if b, err := os.ReadFile(filepath.Join(out, reports.SummaryFile)); err != nil || json.Unmarshal(b, &sum) != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if rep.Agrees || rep.Verdict != string(reconcile.Unverified) || rep.Total != "0.097500" || rep.TotalMicros != sum.TotalMicros ||
		rep.Compared != "0.035000" || rep.Unverified != "0.062500" || rep.MetaTotal == nil || *rep.MetaTotal != "0.035000" ||
		rep.Messages.Unverified != 1 || rep.ByReason[string(reconcile.NoMetaPricing)] != 1 {
		t.Errorf("verdict %q agrees %v, totals %s (summary.json %d) compared %s unverified %s Meta %v, messages %+v",
			rep.Verdict, rep.Agrees, rep.Total, sum.TotalMicros, rep.Compared, rep.Unverified, rep.MetaTotal, rep.Messages)
	}
	var group *reports.ReconcileRow
	for i, r := range rep.Rows {
		if r.Reason == string(reconcile.NoMetaPricing) {
			group = &rep.Rows[i]
		}
	}
	if group == nil || group.Amount != "0.062500" || group.MetaAmount != nil || group.Messages != 1 || group.MetaMessages != 0 {
		t.Errorf("no no_meta_pricing group row with Meta's amount unknown: %+v", rep.Rows)
	}
	if len(rep.Differences) != 1 || rep.Differences[0].MessageID != "wamid.F4" || rep.Differences[0].Reason != string(reconcile.NoMetaPricing) {
		t.Errorf("message rows %+v, want wamid.F4 no_meta_pricing", rep.Differences)
	}
	for _, s := range []string{"total: spendsim 0.097500 USD: 0.035000 compared (Meta 0.035000), 0.062500 unverified", "wamid.F4  no_meta_pricing", "UNVERIFIED:"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("the terminal lacks %q:\n%s", s, stdout)
		}
	}
}

// TestReconcileFreeTierMetaAmount: on the whole corpus log, the 2023-02 CBP
// conversations to Argentina and North America are each their account's only one that
// month: spendsim puts them in the free tier, and Meta's word (user_initiated,
// billable, as Meta marks free-tier conversations) is priced in the same free tier, 0,
// not at the list rate.
func TestReconcileFreeTierMetaAmount(t *testing.T) {
	needShared(t, allAsIs)
	out := filepath.Join(t.TempDir(), "rec")
	code, stdout, stderr := spendsim(t, "reconcile", "--trace", allAsIs, "--skip-invalid", "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (differences): %s", code, stderr)
	}
	rep := readReport(t, out)
	n := 0
	for _, r := range rep.Rows {
		if r.Month == "2023-02" && (r.Market == "Argentina" || r.Market == "North America") {
			n++
			if r.PricingType != "free_tier" || r.MetaAmount == nil || *r.MetaAmount != "0.000000" {
				t.Errorf("%s %s: type %s, Meta amount %v, want free_tier and 0", r.Month, r.Market, r.PricingType, r.MetaAmount)
			}
		}
	}
	if n != 2 || rep.Total != "0.075200" || rep.MetaTotal == nil || *rep.MetaTotal != "0.071200" {
		t.Errorf("%d free-tier rows; totals spendsim %s, Meta %v, want 0.075200 and 0.071200 (the utility template Meta saw in a window)\n%s",
			n, rep.Total, rep.MetaTotal, stdout)
	}
	// What reading the log left out is said as replay says it (reconcile said nothing),
	// named as a webhook log's skips are counted (it said "invalid rows").
	for _, want := range []string{"invalid statuses, messages or lines skipped (--skip-invalid)", "rows dropped as repeats of a message_id already read"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
