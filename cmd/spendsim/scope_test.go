package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/reports"
)

// The billing decisions a replay's flags set beside the era (docs/billing.md,
// "Options"): --at-send-time, --account-per-number, --accounts FILE and
// --entry-point-hours. The timelines (testdata/timelines) fix their charges case by
// case; these tests fix how they travel: through shards and merge, through reconcile
// --replay, into summary.json and onto stderr.

// scopeTrace is a random trace of three business numbers (phone-a, phone-b, phone-c)
// whose bill each of the four flags changes: more than 1,000 CBP 2022 conversations a
// month among the numbers together (the free tier) but fewer per number, delivery up
// to 90 minutes after sending, and replies to ads.
func scopeTrace(seed uint64, start time.Time) string {
	rng := rand.New(rand.NewPCG(seed, 29))
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category,entry_point,status,delivered_ts,business\n")
	ts := start
	for range 4000 {
		ts = ts.Add(time.Duration(rng.IntN(150)) * time.Second)
		u := fmt.Sprintf([]string{"55119876%05d", "52155123%05d", "9198765%05d"}[rng.IntN(3)], rng.IntN(900))
		num := []string{"phone-a", "phone-b", "phone-c"}[rng.IntN(3)]
		if rng.IntN(3) == 0 {
			ep := ""
			if rng.IntN(3) == 0 {
				ep = "ctwa"
			}
			fmt.Fprintf(&b, "%s,%s,user,,,%s,,,%s\n", ts.Format(time.RFC3339), u, ep, num)
			continue
		}
		delivered := ""
		if rng.IntN(2) == 0 {
			delivered = ts.Add(time.Duration(rng.IntN(90*60)) * time.Second).Format(time.RFC3339)
		}
		kind, cat := "template", []string{"marketing", "utility"}[rng.IntN(2)]
		if rng.IntN(3) == 0 {
			kind, cat = "text", ""
		}
		fmt.Fprintf(&b, "%s,%s,business,%s,%s,,delivered,%s,%s\n", ts.Format(time.RFC3339), u, kind, cat, delivered, num)
	}
	return b.String()
}

// TestReplayScopeShardsMerge: under each of the flags, a replay in 2 shards, merged,
// one on 3 workers and one in 2 passes write the plain replay's files, byte for byte; the flags change
// the bill of the trace (else the test would prove nothing); a shard or a merge given
// other such flags than the rest is refused, an accounts file by its content.
func TestReplayScopeShardsMerge(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", scopeTrace(3, time.Date(2022, 5, 28, 0, 0, 0, 0, time.UTC)))
	card := writeFile(t, dir, "card.csv", scopeTrace(4, time.Date(2025, 9, 30, 12, 0, 0, 0, time.UTC)))
	accounts := writeFile(t, dir, "accounts.csv", "number,account\nphone-a,north\nphone-b,south\nphone-c,north\n")
	total := func(out string) string {
		t.Helper()
		var s struct {
			Total string `json:"total"`
		}
		data, err := os.ReadFile(filepath.Join(out, reports.SummaryFile))
		if err == nil {
			err = json.Unmarshal(data, &s)
		}
		if err != nil {
			t.Fatal(err)
		}
		return s.Total
	}
	for i, c := range []struct {
		trace string
		flags []string
	}{
		{tr, []string{"--pricing", "cbp-2022", "--account-per-number"}},
		{tr, []string{"--pricing", "cbp-2022", "--accounts", accounts}},
		{tr, []string{"--pricing", "cbp-2022", "--entry-point-hours", "72"}},
		{card, []string{"--pricing", "pmp-2025", "--at-send-time"}},
	} {
		pricing := c.flags[:2]
		base := filepath.Join(dir, fmt.Sprintf("base%d", i))
		if code, _, stderr := spendsim(t, append([]string{"replay", "--trace", c.trace, "--out", base, "-q"}, pricing...)...); code != 0 {
			t.Fatalf("%v: replay: exit %d: %s", pricing, code, stderr)
		}
		want := filepath.Join(dir, fmt.Sprintf("want%d", i))
		common := append([]string{"--trace", c.trace, "-q"}, c.flags...)
		code, wantOut, stderr := spendsim(t, append([]string{"replay", "--out", want}, common...)...)
		if code != 0 {
			t.Fatalf("%v: replay: exit %d: %s", c.flags, code, stderr)
		}
		if a, b := total(base), total(want); a == b {
			t.Errorf("%v: the same total as without (%s): the trace does not test the flag", c.flags, a)
		}
		sharded := filepath.Join(dir, fmt.Sprintf("sharded%d", i))
		for k := range 2 {
			if code, _, stderr := spendsim(t, append([]string{"replay", "--out", sharded, "--shard", fmt.Sprintf("%d/2", k)}, common...)...); code != 0 {
				t.Fatalf("%v: shard %d: exit %d: %s", c.flags, k, code, stderr)
			}
		}
		code, got, stderr := spendsim(t, append([]string{"merge", sharded}, c.flags...)...)
		if code != 0 || got != wantOut {
			t.Errorf("%v: merge: exit %d, prints\n%s\nreplay printed\n%s%s", c.flags, code, got, wantOut, stderr)
		}
		workers := filepath.Join(dir, fmt.Sprintf("workers%d", i))
		if code, _, stderr := spendsim(t, append([]string{"replay", "--out", workers, "--workers", "3"}, common...)...); code != 0 {
			t.Fatalf("%v: --workers 3: exit %d: %s", c.flags, code, stderr)
		}
		passes := filepath.Join(dir, fmt.Sprintf("passes%d", i))
		if code, _, stderr := spendsim(t, append([]string{"replay", "--out", passes, "--passes", "2"}, common...)...); code != 0 {
			t.Fatalf("%v: --passes 2: exit %d: %s", c.flags, code, stderr)
		}
		for _, f := range []string{"messages.parquet", "bill.parquet", "summary.json", "manifest.json"} {
			w, errW := os.ReadFile(filepath.Join(want, f))
			for _, other := range []string{sharded, workers, passes} {
				o, err := os.ReadFile(filepath.Join(other, f))
				if errW != nil || err != nil || string(o) != string(w) {
					t.Errorf("%v: %s of %s differs from the plain replay's (%v, %v)", c.flags, f, filepath.Base(other), errW, err)
				}
			}
		}
		// The merge given the era alone, without the flag the shards had: the command
		// line is wrong, a usage error (exit 2).
		if code, _, stderr := spendsim(t, append([]string{"merge", sharded}, pricing...)...); code != 2 || !strings.Contains(stderr, "--"+strings.TrimPrefix(c.flags[2], "--")+"=") {
			t.Errorf("%v: merge without the flag: exit %d, want 2 naming it: %s", c.flags, code, stderr)
		}
	}
	// An accounts file of other content at merge, under the same path or another.
	sharded := filepath.Join(dir, "sharded1")
	other := writeFile(t, dir, "other.csv", "phone-a,north\nphone-b,north\nphone-c,north\n")
	if code, _, stderr := spendsim(t, "merge", sharded, "--pricing", "cbp-2022", "--accounts", other); code != 2 || !strings.Contains(stderr, "--accounts=sha256:") {
		t.Errorf("merge with another accounts file: exit %d, want 2: %s", code, stderr)
	}
	moved := writeFile(t, dir, "moved.csv", "number,account\nphone-a,north\nphone-b,south\nphone-c,north\n")
	if code, _, stderr := spendsim(t, "merge", sharded, "--pricing", "cbp-2022", "--accounts", moved); code != 0 {
		t.Errorf("merge with the accounts file under another path: exit %d: %s", code, stderr)
	}
	// Shards given other flags than each other.
	mixed := filepath.Join(dir, "mixed")
	for k, extra := range [][]string{{"--account-per-number"}, nil} {
		args := append([]string{"replay", "--trace", tr, "--out", mixed, "-q", "--pricing", "cbp-2022", "--shard", fmt.Sprintf("%d/2", k)}, extra...)
		if code, _, stderr := spendsim(t, args...); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
	}
	if code, _, stderr := spendsim(t, "merge", mixed, "--pricing", "cbp-2022", "--account-per-number"); code != 1 || !strings.Contains(stderr, "--account-per-number=") {
		t.Errorf("shards with and without --account-per-number: merge exit %d, want 1: %s", code, stderr)
	}
}

// TestReplayShardMergeNoteSwitches: the merge command a shard prints gives a switch as
// --name=true: "--at-send-time true" would give merge a second argument.
func TestReplayShardMergeNoteSwitches(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category,status\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing,delivered\n")
	out := filepath.Join(dir, "out")
	_, stdout, stderr := spendsim(t, "replay", "--trace", tr, "--out", out, "--shard", "0/1", "--at-send-time", "--account-per-number", "--entry-point-hours", "24", "-q")
	want := "merge it: spendsim merge " + out + " --at-send-time=true --account-per-number=true --entry-point-hours 24\n"
	if !strings.HasSuffix(stdout, want) {
		t.Fatalf("shard prints\n%s%s\nwant it to end\n%s", stdout, stderr, want)
	}
	if code, _, stderr := spendsim(t, "merge", out, "--at-send-time=true", "--account-per-number=true", "--entry-point-hours", "24"); code != 0 {
		t.Errorf("the merge it prints: exit %d: %s", code, stderr)
	}
}

// TestReconcileReplayAtSendTime: reconcile --replay DIR counts each message in the
// month and on the card the replay evaluated it at: with --at-send-time, its ts. A
// template sent on 2025-09-30 and delivered on 10-01, billed at the September card,
// agrees with Meta's September analytics; a contradicting --at-send-time, or a flag
// that changes how the bill was made, is refused.
func TestReconcileReplayAtSendTime(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join("testdata", "timelines", "pmp2025-card-change-in-flight.csv")
	// 2025-09-30 in UTC: Mexico marketing, 1 at the 2025-07-01 card's 0.0436.
	pa := writeFile(t, dir, "pa.json", `{"pricing_analytics":{"data":[{"data_points":[`+
		`{"start":1759190400,"end":1759276800,"country":"MX","pricing_category":"MARKETING","pricing_type":"REGULAR","volume":1,"cost":0.0436}]}]},"id":"1"}`)
	rp := filepath.Join(dir, "replay")
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--pricing", "pmp-2025", "--at-send-time", "--out", rp, "-q"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{{"--replay", rp}, {"--replay", rp, "--at-send-time"}, {"--trace", tr, "--pricing", "pmp-2025", "--at-send-time"}} {
		out := filepath.Join(dir, "rec")
		code, stdout, stderr := spendsim(t, append([]string{"reconcile", "--analytics", pa, "--out", out}, args...)...)
		if code != 0 || !strings.Contains(stdout, "2025-09  pricing_analytics  Mexico  marketing  regular  1         1     0.043600  0.043600     agree") {
			t.Errorf("%v: exit %d, want 0 and September agreeing:\n%s%s", args, code, stdout, stderr)
		}
		if err := os.RemoveAll(out); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--at-send-time=false"}, "--at-send-time=false contradicts the replay in " + rp + ", which evaluated the rules at the send time (ts)"},
		{[]string{"--entry-point-hours", "72"}, "--entry-point-hours has no effect with --replay DIR"},
		{[]string{"--account-per-number"}, "--account-per-number has no effect with --replay DIR"},
		{[]string{"--accounts", "a.csv"}, "--accounts has no effect with --replay DIR"},
	} {
		code, _, stderr := spendsim(t, append([]string{"reconcile", "--replay", rp, "--analytics", pa, "--out", filepath.Join(dir, "no")}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q: %s", c.args, code, c.want, stderr)
		}
	}
	// A replay at delivery time, reconciled with --at-send-time, is refused too.
	plain := filepath.Join(dir, "plain")
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--pricing", "pmp-2025", "--out", plain, "-q"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	code, _, stderr := spendsim(t, "reconcile", "--replay", plain, "--analytics", pa, "--at-send-time", "--out", filepath.Join(dir, "no"))
	if want := "which evaluated the rules at the delivery time"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("--at-send-time of a replay at delivery time: exit %d, want 2 and %q: %s", code, want, stderr)
	}
}

// TestAccountsFlags: what the scope flags refuse, naming the file, line and column of
// an accounts file's fault, or the trace's line of a number the file leaves out.
func TestAccountsFlags(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category,business\n"+
		"2022-05-10T12:00:00Z,525510000000,business,template,utility,phone-a\n2022-05-10T12:01:00Z,525510000001,business,template,utility,phone-b\n")
	for _, c := range []struct {
		file string // the --accounts file's content; "" for none
		args []string
		code int
		want string
	}{
		{"phone-a,north\nphone-a,south\n", nil, 2, "accounts.csv:2:1: number \"phone-a\" again (first on line 1)"},
		{"phone-a,north,x\n", nil, 2, "accounts.csv:1:1: 3 fields, want two"},
		{"phone-a\n", nil, 2, "accounts.csv:1:1: 1 field, want two"},
		{"number,account\nphone-a,\n", nil, 2, "accounts.csv:2:9: no account for number \"phone-a\""},
		{"number,account\n", nil, 2, "accounts.csv: no number,account lines"},
		{"phone-a,north\n", nil, 1, "t.csv:3: column business: number \"phone-b\" is not in the accounts file"},
		{"phone-a,north\nphone-b,south\n", []string{"--account-per-number"}, 2, "--accounts and --account-per-number both say"},
		{"", []string{"--entry-point-hours", "48"}, 2, "--entry-point-hours must be 24 or 72"},
		{"", []string{"--at-send-time", "--restaff", "retail-month"}, 2, "--at-send-time cannot go with --restaff"},
	} {
		args := []string{"replay", "--trace", tr, "--out", filepath.Join(dir, "out"), "-q"}
		if c.file != "" {
			args = append(args, "--accounts", writeFile(t, dir, "accounts.csv", c.file))
		}
		code, _, stderr := spendsim(t, append(args, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%q %v: exit %d, want %d and %q: %s", c.file, c.args, code, c.code, c.want, stderr)
		}
	}
}

// TestAccountsPlus: an accounts file's numbers meet the trace's business numbers with
// or without their '+', as the trace reader takes a user "+5511…" and "5511…" for one:
// a file written from a spreadsheet that dropped the '+' bills the trace that kept it
// (and the other way round), both numbers in the file's accounts; the same number
// written both ways in the file is the same number twice.
func TestAccountsPlus(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category,business\n"+
		"2025-08-01T12:00:00Z,5511987654321,business,template,utility,+15550001111\n"+
		"2025-08-01T12:01:00Z,5511987654322,business,template,utility,15550002222\n")
	for i, file := range []string{
		"number,account\n15550001111,north\n+15550002222,south\n",
		"+15550001111,north\n15550002222,south\n",
	} {
		out := filepath.Join(dir, fmt.Sprint(i))
		code, _, stderr := spendsim(t, "replay", "--trace", tr, "--out", out, "-q", "--accounts", writeFile(t, dir, "accounts.csv", file))
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", file, code, stderr)
		}
		var s reports.ReplaySummary
		data, err := os.ReadFile(filepath.Join(out, reports.SummaryFile))
		if err == nil {
			err = json.Unmarshal(data, &s)
		}
		if err != nil || s.Numbers != 2 || s.Accounts != 2 {
			t.Errorf("%q: business_numbers %d, business_accounts %d, want 2, 2 (%v)", file, s.Numbers, s.Accounts, err)
		}
	}
	code, _, stderr := spendsim(t, "replay", "--trace", tr, "--out", filepath.Join(dir, "x"), "-q",
		"--accounts", writeFile(t, dir, "accounts.csv", "15550001111,north\n+15550001111,south\n"))
	if want := `accounts.csv:2:1: number "+15550001111" again (first on line 1 as "15550001111"`; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("one number with and without its +: exit %d, want 2 and %q: %s", code, want, stderr)
	}
}

// TestAccountsReadOnce: a replay reads its --accounts file once, and what it records of
// the file is what it billed: a file changed while the replay runs (here, at once after
// the read) is not hashed again for manifest.json, nor read again for the settings a
// shard leaves for merge to compare.
func TestAccountsReadOnce(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", scopeTrace(3, time.Date(2022, 5, 28, 0, 0, 0, 0, time.UTC)))
	const billed = "number,account\nphone-a,north\nphone-b,south\nphone-c,north\n"
	accounts := filepath.Join(dir, "accounts.csv")
	reads := 0
	read := readAccountsData
	t.Cleanup(func() { readAccountsData = read })
	readAccountsData = func(path string) ([]byte, error) {
		reads++
		data, err := read(path)
		// Someone edits the file as soon as it has been read.
		if werr := os.WriteFile(path, []byte("number,account\nphone-a,north\nphone-b,north\nphone-c,north\n"), 0o644); werr != nil {
			t.Fatal(werr)
		}
		return data, err
	}
	sum := fmt.Sprintf("%x", sha256.Sum256([]byte(billed)))
	for _, c := range []struct {
		what string
		args []string
		file string // the file that records the accounts file's digest
	}{
		{"replay", nil, reports.ManifestFile},
		{"shard", []string{"--shard", "0/2"}, ""},
	} {
		writeFile(t, dir, "accounts.csv", billed)
		reads = 0
		out := filepath.Join(dir, c.what)
		code, _, stderr := spendsim(t, append([]string{"replay", "--trace", tr, "--pricing", "cbp-2022", "--accounts", accounts, "--out", out, "-q"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.what, code, stderr)
		}
		if reads != 1 {
			t.Errorf("%s: the accounts file read %d times, want once", c.what, reads)
		}
		if c.file == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, c.file))
		if err != nil || !strings.Contains(string(data), sum) {
			t.Errorf("%s: %s does not record the accounts file billed (sha256 %s) (%v):\n%s", c.what, c.file, sum, err, data)
		}
	}
}

// TestOneAccountNote: a trace of several business numbers billed as one account (the
// default) says so once on stderr, and summary.json counts its accounts; a replay told
// which account each number is in, or -q, says nothing; manifest.json lists the
// accounts file with the trace.
func TestOneAccountNote(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join("testdata", "timelines", "cbp2022-free-tier-two-numbers.csv")
	one := writeFile(t, dir, "one.csv", "\ufeffphone-a,acme\nphone-b,acme\n") // a spreadsheet's, with a byte order mark
	const note = "note: 2 business numbers billed as one account (free tiers and volume tiers shared); --account-per-number bills each as its own, --accounts FILE groups them\n"
	for i, c := range []struct {
		args     []string
		note     bool
		accounts int64
	}{
		{nil, true, 1},
		{[]string{"-q"}, false, 1},
		{[]string{"--account-per-number"}, false, 2},
		{[]string{"--accounts", one}, false, 1},
	} {
		out := filepath.Join(dir, fmt.Sprint(i))
		code, _, stderr := spendsim(t, append([]string{"replay", "--trace", tr, "--pricing", "cbp-2022", "--out", out}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		if n := strings.Count(stderr, note); n != map[bool]int{true: 1, false: 0}[c.note] || !c.note && strings.Contains(stderr, "one account") {
			t.Errorf("%v: the note %d times in\n%s", c.args, n, stderr)
		}
		var s reports.ReplaySummary
		data, err := os.ReadFile(filepath.Join(out, reports.SummaryFile))
		if err == nil {
			err = json.Unmarshal(data, &s)
		}
		if err != nil || s.Numbers != 2 || s.Accounts != c.accounts {
			t.Errorf("%v: business_numbers %d, business_accounts %d, want 2, %d (%v)", c.args, s.Numbers, s.Accounts, c.accounts, err)
		}
	}
	m, err := os.ReadFile(filepath.Join(dir, "3", reports.ManifestFile))
	if err != nil || !strings.Contains(string(m), `"role": "accounts"`) {
		t.Errorf("manifest.json lists no accounts file (%v):\n%s", err, m)
	}
}

// TestRunEntryPointHours: business.entry_point_hours bills a simulation as replay's
// --entry-point-hours bills a trace. Customers who come through an ad, and marketing
// templates sent to them at random under CBP 2022 in May 2022 (24 h by date): with 72,
// the templates of the 48 hours after each reply ride the free entry point
// conversation, so the run costs less.
func TestRunEntryPointHours(t *testing.T) {
	dir := t.TempDir()
	const sc = `name: NAME
seed: 7
start: 2022-05-02
days: 14
pricing: cbp-2022
BUSINESS
customers: {count: 800, countries: [{country: BR, share: 1}]}
load:
  conversations_per_customer_month: 1
  entry_points: {ctwa: 1}
  notifications: [{name: promo, category: marketing, per_customer_month: 10}]
agents:
  concurrency: 4
  handle_time: {dist: exponential, mean_s: 120}
  shifts: [{name: all, start: "00:00", end: "23:59", headcount: 5}]
`
	total := map[string]int64{}
	for _, c := range []struct{ name, business string }{{"by-date", ""}, {"h24", "business: {entry_point_hours: 24}"}, {"h72", "business: {entry_point_hours: 72}"}} {
		f := writeFile(t, dir, c.name+".yaml", strings.NewReplacer("NAME", c.name, "BUSINESS", c.business).Replace(sc))
		out := filepath.Join(dir, c.name)
		if code, _, stderr := spendsim(t, "run", f, "--out", out, "-q"); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, stderr)
		}
		var s struct {
			Points []struct {
				TotalMicros int64 `json:"total_micros"`
			} `json:"points"`
		}
		data, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err == nil {
			err = json.Unmarshal(data, &s)
		}
		if err != nil || len(s.Points) != 1 {
			t.Fatalf("%s: summary.json: %v", c.name, err)
		}
		total[c.name] = s.Points[0].TotalMicros
	}
	if total["h24"] != total["by-date"] || !(total["h72"] < total["h24"]) {
		t.Errorf("totals %v: want 24 h the same as by date in May 2022, and 72 h cheaper", total)
	}
}

// TestEntryPointHoursUnusedNote: --entry-point-hours sets the length of CBP 2022's free
// entry point conversations alone, so a replay in which none opened (a 2025 trace under
// its own era, or a 2022 trace with no ad answered) says once on stderr, even with -q,
// that the flag changed nothing; a replay in which one opened, under the era in force or
// --pricing cbp-2022, says nothing, nor does one without the flag; a merge of shards
// says what the replay says.
func TestEntryPointHoursUnusedNote(t *testing.T) {
	dir := t.TempDir()
	const h = "ts,user,direction,type,category,entry_point\n"
	ad := func(day string) string {
		return h + day + "T10:00:00Z,5511987654321,user,,,ctwa\n" +
			day + "T10:05:00Z,5511987654321,business,text,,\n" +
			day + "T20:00:00Z,5511987654321,business,template,marketing,\n"
	}
	noAd := h + "2022-06-01T10:00:00Z,5511987654321,business,template,marketing,\n"
	const note = "note: --entry-point-hours 72 changed nothing: it sets the length of CBP 2022's free entry point conversations alone, and none opened"
	for i, c := range []struct {
		trace string
		args  []string
		said  bool
	}{
		{ad("2025-08-01"), []string{"--entry-point-hours", "72"}, true},
		{ad("2025-08-01"), []string{"--entry-point-hours", "72", "--pricing", "cbp-2022"}, false},
		{ad("2022-06-01"), []string{"--entry-point-hours", "72"}, false},
		{noAd, []string{"--entry-point-hours", "72"}, true},
		{ad("2025-08-01"), nil, false},
	} {
		tr := writeFile(t, dir, fmt.Sprintf("t%d.csv", i), c.trace)
		out := filepath.Join(dir, fmt.Sprint(i))
		code, _, stderr := spendsim(t, append([]string{"replay", "--trace", tr, "--out", out, "-q"}, c.args...)...)
		if n := strings.Count(stderr, note); code != 0 || n != map[bool]int{true: 1, false: 0}[c.said] {
			t.Errorf("%d %v: exit %d, the note %d times, want said %v:\n%s", i, c.args, code, n, c.said, stderr)
		}
		sharded := out + "-sharded"
		for k := range 2 {
			if code, _, stderr := spendsim(t, append([]string{"replay", "--trace", tr, "--out", sharded, "-q", "--shard", fmt.Sprintf("%d/2", k)}, c.args...)...); code != 0 {
				t.Fatalf("%d %v: shard %d: exit %d: %s", i, c.args, k, code, stderr)
			}
		}
		code, _, stderr = spendsim(t, append([]string{"merge", sharded}, c.args...)...)
		if n := strings.Count(stderr, note); code != 0 || n != map[bool]int{true: 1, false: 0}[c.said] {
			t.Errorf("%d %v: merge: exit %d, the note %d times, want said %v:\n%s", i, c.args, code, n, c.said, stderr)
		}
	}
}

// TestRunEntryPointHoursUnusedNote: business.entry_point_hours sets the length of CBP
// 2022's free entry point conversations alone, so a run that cannot open one (billed
// under another era's rules, or with no customer coming through an ad) says once on
// stderr that the field changes nothing; one that can says nothing.
func TestRunEntryPointHoursUnusedNote(t *testing.T) {
	dir := t.TempDir()
	const sc = `name: NAME
seed: 7
start: START
days: 2
pricing: PRICING
business: {entry_point_hours: 72}
customers: {count: 50, countries: [{country: BR, share: 1}]}
load:
  conversations_per_customer_month: 1
  entry_points: {ctwa: CTWA}
agents:
  shifts: [{name: all, start: "00:00", end: "23:59", headcount: 1}]
`
	const note = "business.entry_point_hours 72 changes nothing: it sets the length of CBP 2022's free entry point conversations alone, and no run can open one"
	for _, c := range []struct {
		name, start, pricing, ctwa string
		said                       bool
	}{
		{"pmp", "2025-08-04", "auto", "1", true},
		{"pmp-as-cbp", "2025-08-04", "cbp-2022", "1", false},
		{"cbp", "2022-05-02", "auto", "1", false},
		{"cbp-no-ads", "2022-05-02", "auto", "0", true},
		{"eve-of-cbp", "2022-01-30", "auto", "1", false}, // its drain bills under CBP 2022
	} {
		f := writeFile(t, dir, c.name+".yaml", strings.NewReplacer("NAME", c.name, "START", c.start, "PRICING", c.pricing, "CTWA", c.ctwa).Replace(sc))
		code, _, stderr := spendsim(t, "run", f, "--out", filepath.Join(dir, c.name), "-q")
		if n := strings.Count(stderr, note); code != 0 || n != map[bool]int{true: 1, false: 0}[c.said] {
			t.Errorf("%s: exit %d, the note %d times, want said %v:\n%s", c.name, code, n, c.said, stderr)
		}
	}
}
