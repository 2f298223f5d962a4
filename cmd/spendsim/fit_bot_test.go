package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/scenarios"
)

// botMonth is retail-month in small: 10,000 customers in Brazil and Mexico over four
// weeks in São Paulo, order updates some answer, a bot that answers every
// conversation in 5 s and resolves 30% alone, and three agents on weekdays only, so
// that a conversation from Friday night to Sunday morning is answered over 24 h later
// by a utility template, which the customer answers.
const botMonth = `name: bot-month
seed: 7
start: 2025-09-01
days: 28
timezone: America/Sao_Paulo
customers:
  count: 10000
  countries:
    - {country: BR, share: 0.6}
    - {country: MX, share: 0.4}
load:
  conversations_per_customer_month: 0.3
  messages_per_conversation: 3
  think_time: {dist: lognormal, mean_s: 240, sd_s: 300}
  profile:
    hour_of_day: [0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 0.9, 1.3, 1.6, 1.7, 1.7, 1.5, 1.6, 1.7, 1.7, 1.6, 1.5, 1.5, 1.6, 1.6, 1.4, 1.0, 0.7]
    day_of_week: [1.2, 1.1, 1.1, 1.0, 1.0, 0.8, 0.7]
  notifications:
    - name: order_updates
      category: utility
      per_customer_month: 1.2
      hour_of_day: [0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.5, 1.8, 1.8, 1.8, 1.6, 1.6, 1.8, 1.8, 1.7, 1.5, 1.3, 1.2, 1.0, 0.7, 0.4, 0.2]
      reply: {probability: 0.10, delay: {dist: lognormal, mean_s: 900, sd_s: 1800}}
agents:
  concurrency: 3
  handle_time: {dist: lognormal, mean_s: 180, sd_s: 150}
  cost_per_hour: 9.50
  late_reply: utility
  bot: {reply_s: 5, resolve_share: 0.3}
  shifts:
    - {name: weekday, days: [mon, tue, wed, thu, fri], start: "08:00", end: "20:00", headcount: 3}
`

// botRun is what a run's summary.json says of its conversations and its bot.
type botRun struct {
	Conversations, Answered, Resolved float64
}

func readBotRun(t *testing.T, dir string) botRun {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	type stat struct{ Mean float64 }
	var sum struct {
		Points []struct {
			SLA struct {
				AnsweredShare stat `json:"answered_share"`
				Conversations struct{ Arrived stat }
			}
			Agents *struct {
				BotResolved stat `json:"bot_resolved"`
			}
		}
	}
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	p := sum.Points[0]
	r := botRun{Conversations: p.SLA.Conversations.Arrived.Mean, Answered: p.SLA.AnsweredShare.Mean}
	if p.Agents != nil {
		r.Resolved = p.Agents.BotResolved.Mean
	}
	return r
}

// TestFitBotRoundTrip: botMonth's trace fitted with --bot 10s gives back its
// conversations within 3% of the run's, the bot's 5 s and its resolved share within
// 0.03 of the run's, and a team whose wait is the agents', not the bot's 5 s; and the
// fitted scenario runs the same conversations within 5%, every one answered, and its
// bot resolves the share the original's did, within 0.03. Before --bot, the bot's
// texts answered every conversation in 5 s, the agents' late templates were
// notifications and the customers' answers to them new conversations: 4,176 against
// the run's 3,848 (+8.5%), and a round-the-clock team answering in 5 s; the fit then
// warns, naming --bot 10s.
func TestFitBotRoundTrip(t *testing.T) {
	dir := t.TempDir()
	orig := writeFile(t, dir, "bot-month.yaml", botMonth)
	tr := filepath.Join(dir, "trace.csv")
	generateOK(t, orig, "-o", tr)
	origOut := filepath.Join(dir, "run-orig")
	if code, _, stderr := spendsim(t, "run", orig, "--out", origOut, "-q"); code != 0 {
		t.Fatalf("run original: exit %d: %s", code, stderr)
	}
	want := readBotRun(t, origOut)

	code, _, stderr := spendsim(t, "fit", "--trace", tr, "--timezone", "America/Sao_Paulo", "-o", filepath.Join(dir, "plain.yaml"), "-q")
	if code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "fit it again with --bot 10s") {
		t.Errorf("fit without --bot does not propose --bot 10s:\n%s", stderr)
	}

	fitted := filepath.Join(dir, "fitted.yaml")
	code, stdout, stderr := spendsim(t, "fit", "--trace", tr, "--timezone", "America/Sao_Paulo", "-o", fitted, "--bot", "10s", "-q")
	if code != 0 {
		t.Fatalf("fit --bot 10s: exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "bot") {
		t.Errorf("fit --bot 10s still warns of a bot:\n%s", stderr)
	}
	f, _, err := scenarios.Load(fitted)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(\d+) conversations, .*response time \w+ \(median (\S+) s\)`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("stdout: %s", stdout)
	}
	convs, _ := strconv.ParseFloat(m[1], 64)
	teamMedian, _ := strconv.ParseFloat(m[2], 64)
	within := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got/want-1) > tol {
			t.Errorf("%s: %.4g, the run's %.4g: off by %+.1f%%, more than %.0f%%", what, got, want, 100*(got/want-1), 100*tol)
		} else {
			t.Logf("%s: %.4g, the run's %.4g (%+.2f%%)", what, got, want, 100*(got/want-1))
		}
	}
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s: %.4f, the run's %.4f: more than %.2f apart", what, got, want, tol)
		} else {
			t.Logf("%s: %.4f, the run's %.4f", what, got, want)
		}
	}
	within("conversations fitted", convs, want.Conversations, 0.03)
	b := f.Agents.Bot
	if b == nil {
		t.Fatalf("the fitted scenario has no agents.bot")
	}
	if math.Abs(b.ReplyS-5) > 0.1 {
		t.Errorf("bot reply_s %v, want 5", b.ReplyS)
	}
	near("bot resolve_share fitted", b.ResolveShare, want.Resolved/want.Conversations, 0.03)
	if teamMedian < 60 {
		t.Errorf("the team's median wait is %v s: still the bot's pace", teamMedian)
	}

	runOut := filepath.Join(dir, "run-fitted")
	if code, _, stderr := spendsim(t, "run", fitted, "--out", runOut, "-q"); code != 0 {
		t.Fatalf("run fitted: exit %d: %s", code, stderr)
	}
	got := readBotRun(t, runOut)
	within("conversations re-simulated", got.Conversations, want.Conversations, 0.05)
	near("answered share re-simulated", got.Answered, want.Answered, 0.02)
	near("bot's resolved share re-simulated", got.Resolved/got.Conversations, want.Resolved/want.Conversations, 0.03)
}
