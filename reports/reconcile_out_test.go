package reports

import (
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/reconcile"
)

// TestReconcileSkippedWording: the verdict names what --skip-invalid skipped as the
// read notes do (WriteReadNotes): rows, or in a webhook log statuses, messages and
// lines. A reviewer's run printed "2 invalid statuses, messages or lines skipped", then
// "UNVERIFIED: … 2 rows of the log were skipped as invalid"; reconcile.html said
// "1 rows".
func TestReconcileSkippedWording(t *testing.T) {
	for _, c := range []struct {
		skipped int64
		webhook bool
		want    string
	}{
		{1, false, "1 row of the log was skipped as invalid (--skip-invalid)"},
		{3, false, "3 rows of the log were skipped as invalid (--skip-invalid)"},
		{1, true, "1 status, message or line of the log was skipped as invalid (--skip-invalid)"},
		{2, true, "2 statuses, messages or lines of the log were skipped as invalid (--skip-invalid)"},
	} {
		rep := &ReconcileReport{Replay: "log", Currency: "USD", Tolerance: "0.000000", Verdict: string(reconcile.Unverified),
			Skipped: c.skipped, SkippedWebhook: c.webhook}
		var b strings.Builder
		WriteReconcileTable(&b, rep, 20)
		if !strings.Contains(b.String(), "\nUNVERIFIED: every compared message and row agrees within 0.000000 USD, but "+c.want+": whatever Meta said in") {
			t.Errorf("%d skipped (webhook %v): the terminal lacks %q:\n%s", c.skipped, c.webhook, c.want, b.String())
		}
		if err := rep.Err(); err == nil || err.Error() != "unverified: "+c.want {
			t.Errorf("%d skipped (webhook %v): error %v, want unverified: %s", c.skipped, c.webhook, err, c.want)
		}
		page, err := ReconcileHTML(rep)
		if err != nil || !strings.Contains(string(page), "Unverified: everything compared agrees, but "+c.want+", whose word") {
			t.Errorf("%d skipped (webhook %v): reconcile.html lacks %q (%v)", c.skipped, c.webhook, c.want, err)
		}
	}
}
