package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/sharedtest"

	"github.com/spendsim/spendsim/internal/reconcile"
	"github.com/spendsim/spendsim/reports"
)

const fidelityLog = "../../../shared/datasets/webhooks/logs/fidelity_ctx.jsonl"

func readReport(t *testing.T, dir string) reports.ReconcileReport {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, reports.ReconcileJSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var rep reports.ReconcileReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestReconcileFidelityLog: every pricing-bearing message of the real corpus's
// fidelity log (the shapes with the inbound messages Meta saw) agrees with Meta's
// pricing object, or reconcile names its reason. The two that differ, and why (the
// README, "Reconciling with Meta"):
//   - line 30, Meta's own PMP marketing example dated 2025-06-15, before PMP began:
//     spendsim bills the date under CBP 2023 (era_differs);
//   - line 33, Meta's CBP service example dated 2025-06-18: service conversations are
//     free from 2024-11-01, and Meta's webhook still says billable (billable_differs).
func TestReconcileFidelityLog(t *testing.T) {
	if _, err := os.Stat(fidelityLog); err != nil {
		sharedtest.Missing(t, "the webhook corpus", err)
	}
	out := filepath.Join(t.TempDir(), "rec")
	code, stdout, stderr := spendsim(t, "reconcile", "--trace", fidelityLog, "--out", out)
	if code != 1 || !strings.Contains(stderr, "spendsim and Meta differ") {
		t.Fatalf("exit %d, want 1 (differences); stderr %s", code, stderr)
	}
	rep := readReport(t, out)
	m := rep.Messages
	if m.Business != 24 || m.Compared != 24 || m.Agree != 22 || m.Differ != 2 || rep.Agrees {
		t.Errorf("messages %+v, agrees %v; want 24 compared, 22 agree, 2 differ", m, rep.Agrees)
	}
	got := map[int64]string{}
	for _, d := range rep.Differences {
		got[d.Line] = d.Reason
	}
	want := map[int64]string{30: string(reconcile.EraDiffers), 33: string(reconcile.BillableDiffers)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("differing messages %v, want %v", got, want)
	}
	for _, r := range reconcile.Reasons {
		if rep.Reasons[string(r.Reason)] == "" {
			t.Errorf("reason %s has no text in reconcile.json", r.Reason)
		}
	}
	if rep.Total != "0.311200" || rep.MetaTotal == nil || *rep.MetaTotal != "0.311200" {
		t.Errorf("totals %s vs %v", rep.Total, rep.MetaTotal)
	}
	for _, s := range []string{"era_differs", "billable_differs", "line 30", "DIFFER:"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("the terminal table lacks %q:\n%s", s, stdout)
		}
	}
	for _, f := range []string{reports.ReconcileFile, reports.ReconcileHTMLFile, reports.MessagesFile, reports.SummaryFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	// The log's facts won: India's authentication-international at its own rate, the
	// delivered US marketing template charged, marketing_lite its own category.
	data, err := os.ReadFile(filepath.Join(out, reports.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"us_marketing_delivered": 1`, `"authentication_international": 2`, `"marketing_lite": 1`} {
		if !strings.Contains(string(data), s) {
			t.Errorf("summary.json lacks %s", s)
		}
	}
	// --replay reads the same folder back: the same verdict.
	code, _, _ = spendsim(t, "reconcile", "--replay", out, "--out", filepath.Join(t.TempDir(), "again"))
	if code != 1 {
		t.Errorf("--replay: exit %d, want 1", code)
	}
}

// reconcileTrace is a small PMP trace without Meta's pricing: marketing, utility and
// authentication templates to Brazil and India over two months, a utility reply inside
// the window.
const reconcileTrace = `ts,user,direction,type,category
2025-07-02T10:00:00Z,5511987650001,business,template,marketing
2025-07-02T11:00:00Z,919876500001,business,template,authentication
2025-07-03T09:00:00Z,5511987650002,user,,
2025-07-03T09:05:00Z,5511987650002,business,template,utility
2025-07-20T10:00:00Z,5511987650002,business,template,utility
2025-08-05T10:00:00Z,919876500002,business,template,marketing
2025-08-05T10:01:00Z,919876500001,business,template,utility
`

// analyticsFromMessages builds a pricing_analytics response, in two pages, from a
// replay's messages: what Meta would report for the same bill, by day, country,
// category and type. change, when not empty, adds 0.01 to the cost of the point of
// that category.
func analyticsFromMessages(t *testing.T, messages, change string) string {
	t.Helper()
	type key struct {
		day            int64
		country, c, ty string
	}
	vol := map[key]int64{}
	cost := map[key]int64{}
	err := reports.ReadMessages(messages, func(m *reconcile.Message) error {
		if !m.Delivered {
			return nil
		}
		day := m.At.Std().Truncate(24 * time.Hour).Unix()
		k := key{day, m.Country, strings.ToUpper(m.Category), strings.ToUpper(m.Type)}
		vol[k]++
		cost[k] += int64(m.Amount)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []key
	for k := range vol {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	var points []string
	for _, k := range keys {
		c := cost[k]
		if change != "" && strings.EqualFold(k.c, change) {
			c += 10000
			change = ""
		}
		points = append(points, fmt.Sprintf(`{"start":%d,"end":%d,"country":%q,"pricing_type":%q,"pricing_category":%q,"volume":%d,"cost":%d.%06d}`,
			k.day, k.day+86400, k.country, k.ty, k.c, vol[k], c/1e6, c%1e6))
	}
	half := len(points) / 2
	return fmt.Sprintf(`{"pricing_analytics":{"data":[{"data_points":[%s]}],"paging":{"cursors":{"after":"MjQZD"},"next":"https://graph"}},"id":"1"}`+"\n"+
		`{"data":[{"data_points":[%s]}],"paging":{"cursors":{"before":"MjQZD"}}}`+"\n",
		strings.Join(points[:half], ","), strings.Join(points[half:], ","))
}

// TestReconcileAnalyticsFromBill: a pricing_analytics response built from a replay's
// own bill reconciles with no difference (exit 0); the same with one amount changed
// exits 1 and names the row.
func TestReconcileAnalyticsFromBill(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "pmp.csv", reconcileTrace)
	rep := filepath.Join(dir, "replay")
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--out", rep, "--quiet"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	same := writeFile(t, dir, "same.json", analyticsFromMessages(t, filepath.Join(rep, reports.MessagesFile), ""))
	code, stdout, stderr := spendsim(t, "reconcile", "--replay", rep, "--analytics", same, "--out", filepath.Join(dir, "a"))
	if code != 0 {
		t.Fatalf("the bill's own analytics: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	r := readReport(t, filepath.Join(dir, "a"))
	if !r.Agrees || r.AnalyticsRows.Differ != 0 || r.AnalyticsRows.Rows == 0 || r.AnalyticsRows.Points == 0 {
		t.Errorf("analytics rows %+v, agrees %v", r.AnalyticsRows, r.Agrees)
	}
	if !strings.Contains(stdout, "agree: every compared message and row agrees") {
		t.Errorf("stdout:\n%s", stdout)
	}

	changed := writeFile(t, dir, "changed.json", analyticsFromMessages(t, filepath.Join(rep, reports.MessagesFile), "authentication"))
	code, stdout, _ = spendsim(t, "reconcile", "--replay", rep, "--analytics", changed, "--out", filepath.Join(dir, "b"))
	if code != 1 {
		t.Fatalf("a changed amount: exit %d, want 1\n%s", code, stdout)
	}
	r = readReport(t, filepath.Join(dir, "b"))
	var differ []reports.ReconcileRow
	for _, row := range r.Rows {
		if !row.Agrees {
			differ = append(differ, row)
		}
	}
	if len(differ) != 1 || differ[0].Month != "2025-07" || differ[0].Market != "India" || differ[0].PricingCategory != "authentication" ||
		differ[0].Reason != string(reconcile.AmountDiffers) {
		t.Fatalf("differing rows %+v, want India authentication 2025-07 amount_differs", differ)
	}
	if !strings.Contains(stdout, "amount_differs") || !strings.Contains(stdout, "India") {
		t.Errorf("the table does not name the row:\n%s", stdout)
	}
	// Within a tolerance of a cent, the change agrees.
	if code, _, _ := spendsim(t, "reconcile", "--replay", rep, "--analytics", changed, "--tolerance", "0.01", "--out", filepath.Join(dir, "c")); code != 0 {
		t.Errorf("--tolerance 0.01: exit %d, want 0", code)
	}
}

func TestReconcileUsage(t *testing.T) {
	for _, args := range [][]string{
		{"reconcile"},
		{"reconcile", "--trace", "a.jsonl", "--replay", "dir"},
		{"reconcile", "--trace", "a.jsonl", "--tolerance", "a cent"},
		{"reconcile", "--trace", "a.jsonl", "extra"},
		// Replay flags reconcile does not honour are refused, not ignored.
		{"reconcile", "--trace", "a.jsonl", "--shard", "0/2"},
		{"reconcile", "--trace", "a.jsonl", "--shards", "2"},
		{"reconcile", "--trace", "a.jsonl", "--passes", "2"},
		{"reconcile", "--trace", "a.jsonl", "--point", "weekday=4"},
		// reconcile writes the replay's files in full (it reads messages.parquet's
		// meta_ columns): --outputs bill,summary was accepted and ignored.
		{"reconcile", "--trace", "a.jsonl", "--outputs", "bill,summary"},
		{"reconcile", "--trace", "a.jsonl", "--max-memory", "1GiB"},
		// One bill beside Meta's.
		{"reconcile", "--trace", "a.jsonl", "--pricing", "all"},
		// With --replay DIR the bill is made: how to read and bill a log changes nothing.
		{"reconcile", "--replay", "dir", "--pricing", "cbp-2023"},
		{"reconcile", "--replay", "dir", "--format", "webhook"},
		{"reconcile", "--replay", "dir", "--service-allowance", "0"},
	} {
		if code, _, stderr := spendsim(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}

// TestReconcileHelp: reconcile's help offers what reconcile accepts. It offered
// --pricing all or a list (refused: one bill is set beside Meta's), marked --trace
// required (--replay DIR is the other way), and read "(0.01) (default: "0")" for
// --tolerance, as if the default were a cent.
func TestReconcileHelp(t *testing.T) {
	help := helpOutput(t, "reconcile")
	line := func(flag string) string {
		for _, l := range strings.Split(help, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), flag+" ") {
				return l
			}
		}
		t.Fatalf("no %s in reconcile --help:\n%s", flag, help)
		return ""
	}
	if l := line("--pricing"); strings.Contains(l, "all") || strings.Contains(l, "list") {
		t.Errorf("--pricing offers several eras: %s", l)
	}
	if l := line("--trace"); strings.Contains(l, "(required)") || !strings.Contains(l, "--replay DIR") {
		t.Errorf("--trace: %s", l)
	}
	if l := line("--tolerance"); strings.Contains(l, "(0.01)") || !strings.Contains(l, "(default: 0, to the micro)") {
		t.Errorf("--tolerance: %s", l)
	}
	_, options, _ := strings.Cut(help, "OPTIONS:")
	for _, flag := range []string{"--outputs", "--max-memory", "--passes", "--shard", "--restaff"} {
		if strings.Contains(options, flag+" ") {
			t.Errorf("reconcile --help offers %s, which reconcile refuses", flag)
		}
	}
}
