package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/reconcile"
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
