package trace

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model"
)

// shuffleLines returns data's lines in an order drawn from rng.
func shuffleLines(data []byte, rng *rand.Rand) []byte {
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return append(bytes.Join(lines, []byte("\n")), '\n')
}

// logReading is what a reader made of a log, Line aside: the one thing a log's line
// order may change.
type logReading struct {
	recs                         []Record
	skipped, duplicates, ignored int64
	err                          bool
}

func readLogReading(t *testing.T, path string, o Options) logReading {
	t.Helper()
	var lr logReading
	r, err := Open(path, o)
	if err != nil {
		return logReading{err: true}
	}
	defer r.Close()
	for {
		var rec Record
		if err := r.Next(&rec); err != nil {
			lr.err = err.Error() != "EOF"
			break
		}
		rec.Line = 0
		lr.recs = append(lr.recs, rec)
	}
	lr.skipped, lr.duplicates, lr.ignored = r.Skipped(), r.(Duplicater).Duplicates(), r.(Ignorer).Ignored()
	return lr
}

func diffReadings(t *testing.T, what string, got, want logReading) {
	t.Helper()
	if got.err != want.err || got.skipped != want.skipped || got.duplicates != want.duplicates || got.ignored != want.ignored {
		t.Errorf("%s: error %v, skipped %d, duplicates %d, ignored %d; want %v, %d, %d, %d", what,
			got.err, got.skipped, got.duplicates, got.ignored, want.err, want.skipped, want.duplicates, want.ignored)
	}
	if len(got.recs) != len(want.recs) {
		t.Errorf("%s: %d records, want %d", what, len(got.recs), len(want.recs))
		return
	}
	for i := range got.recs {
		if g, w := recordLine(&got.recs[i]), recordLine(&want.recs[i]); g != w {
			t.Errorf("%s: record %d\n got %s\nwant %s", what, i, g, w)
			return
		}
	}
}

// TestWebhookLineOrderDoesNotMatter is the property behind "shuffling a webhook log
// does not change the bill": every log and shape of the corpus, and the package's own
// webhook.jsonl, read with its lines shuffled, gives the same records (Line aside) and
// counts, with the status sort in memory and spilled three events at a time.
func TestWebhookLineOrderDoesNotMatter(t *testing.T) {
	files := append(corpusFiles(t, "logs", "*.jsonl"), corpusFiles(t, "shapes", "*.jsonl")...)
	files = append(files, "testdata/webhook.jsonl")
	rng := rand.New(rand.NewPCG(12, 2026))
	dir := t.TempDir()
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		base := Options{Format: "webhook", SkipInvalid: true, DefaultCountry: "BR"}
		want := readLogReading(t, p, base)
		for round := range 4 {
			o := base
			if round%2 == 1 {
				o.SortChunkRows = 3
			}
			q := filepath.Join(dir, filepath.Base(p))
			if err := os.WriteFile(q, shuffleLines(data, rng), 0o644); err != nil {
				t.Fatal(err)
			}
			diffReadings(t, fmt.Sprintf("%s shuffled (round %d)", filepath.Base(p), round), readLogReading(t, q, o), want)
		}
	}
}

// hook is a status webhook in the Cloud API envelope.
func hook(id, status string, ts int64, extra string) string {
	return fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"statuses":[{"id":%q,"status":%q,"timestamp":"%d","recipient_id":"5511987654321"%s}]}}]}]}`,
		id, status, ts, extra)
}

const pricingMarketing = `,"pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"marketing"}`

// TestWebhookStatusMerge: the situations of issue 12, each a log whose lines the
// statuses of one message are in an order Meta may deliver them in.
func TestWebhookStatusMerge(t *testing.T) {
	const t0 = 1760000000
	s := model.Second
	at := model.Time(t0) * s
	cases := []struct {
		name  string
		lines []string
		want  string
	}{
		{"read logged before the sent that carries pricing: still a marketing template",
			[]string{hook("w", "read", t0+5, ""), hook("w", "sent", t0, pricingMarketing), hook("w", "delivered", t0+2, "")},
			fmt.Sprintf("line 1: %s business user=5511987654321 marketing read delivered=%s id=w business=106540352242922 meta=PMP/regular/marketing/true conversation=/", at, at+2*s)},
		{"failed, then delivered on another device: delivered",
			[]string{hook("w", "sent", t0, pricingMarketing), hook("w", "failed", t0+3, ""), hook("w", "delivered", t0+9, "")},
			fmt.Sprintf("line 1: %s business user=5511987654321 marketing delivered delivered=%s id=w business=106540352242922 meta=PMP/regular/marketing/true conversation=/", at, at+9*s)},
		{"played is a delivery, the first of delivered, read, played",
			[]string{hook("w", "played", t0+30, ""), hook("w", "sent", t0, ""), hook("w", "read", t0+20, "")},
			fmt.Sprintf("line 1: %s business user=5511987654321 text read delivered=%s id=w business=106540352242922", at, at+20*s)},
		{"pricing on the delivered status only (v24): kept",
			[]string{hook("w", "sent", t0, ""), hook("w", "delivered", t0+1, pricingMarketing)},
			fmt.Sprintf("line 1: %s business user=5511987654321 marketing delivered delivered=%s id=w business=106540352242922 meta=PMP/regular/marketing/true conversation=/", at, at+s)},
		{"duplicated webhooks: one record",
			[]string{hook("w", "sent", t0, ""), hook("w", "sent", t0, ""), hook("w", "delivered", t0+1, ""), hook("w", "delivered", t0+1, "")},
			fmt.Sprintf("line 1: %s business user=5511987654321 text delivered delivered=%s id=w business=106540352242922", at, at+s)},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, "hooks.jsonl", strings.Join(c.lines, "\n")+"\n")
			recs := mustReadAll(t, p, Options{})
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			if got := recordLine(&recs[0]); got != c.want {
				t.Errorf("\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestWebhookUsers: who a message is from or to, in each shape that names them.
func TestWebhookUsers(t *testing.T) {
	env := func(value string) string {
		return `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":` + value + `}]}]}`
	}
	cases := []struct {
		name, line string
		o          Options
		want       string // a record, or "error: …"
	}{
		{"a business-scoped user id names its country", env(`{"contacts":[{"user_id":"BR.123"}],"messages":[{"from_user_id":"BR.123","id":"m","timestamp":"1760000000","type":"text"}]}`),
			Options{}, "user=BR.123 country=BR"},
		{"a contact gives the phone number of a business-scoped user id", env(`{"contacts":[{"wa_id":"5511987654321","user_id":"BR.123"}],"messages":[{"from_user_id":"BR.123","id":"m","timestamp":"1760000000","type":"text"}]}`),
			Options{}, "user=5511987654321 id=m"},
		{"recipient_user_id", env(`{"statuses":[{"id":"w","status":"delivered","timestamp":"1760000000","recipient_user_id":"IN.99"}]}`),
			Options{}, "user=IN.99 country=IN"},
		{"On-Premises message.recipient_id", `{"statuses":[{"id":"w","status":"delivered","timestamp":"1760000000","message":{"recipient_id":"5511987654321"},"type":"message"}]}`,
			Options{}, "user=5511987654321 text delivered"},
		{"a group without a default country", env(`{"statuses":[{"id":"w","status":"read","timestamp":"1760000000","recipient_id":"g1","recipient_type":"group"}]}`),
			Options{}, `error: hooks.jsonl:1: column statuses.recipient_id: group "g1" has no country (a group id is not a phone number); give a default country with --default-country`},
		{"a group with one", env(`{"statuses":[{"id":"w","status":"read","timestamp":"1760000000","recipient_id":"g1","recipient_type":"group"}]}`),
			Options{DefaultCountry: "mx"}, "user=g1 country=MX"},
		{"a placeholder, even with a default country", env(`{"statuses":[{"id":"w","status":"read","timestamp":"1760000000","recipient_id":"<USER_PHONE_NUMBER>"}]}`),
			Options{DefaultCountry: "MX"}, `error: hooks.jsonl:1: column statuses.recipient_id: "<USER_PHONE_NUMBER>" is a documentation placeholder, not a customer's number`},
		{"a BSP's own id with Meta's as meta_msg_id", env(`{"statuses":[{"id":"gs-1","meta_msg_id":"wamid.X","status":"sent","timestamp":"1760000000","recipient_id":"5511987654321"}]}`),
			Options{}, "id=wamid.X"},
		{"a payment status is read past", env(`{"statuses":[{"id":"w","status":"captured","type":"payment","timestamp":"1760000000","recipient_id":"5511987654321"}]}`),
			Options{}, `error: hooks.jsonl: no messages or statuses in 1 payload, only 1 change of another field (statuses of type payment), read past: nothing to bill`},
		{"a line of no known shape", `{"ts":"2025-01-01T00:00:00Z"}`,
			Options{}, `error: hooks.jsonl:1: not a WhatsApp webhook payload: none of entry, value, statuses or messages`},
		{"a bad default country", env(`{}`), Options{DefaultCountry: "Brazil"}, `error: hooks.jsonl: default country "Brazil" is not an ISO 3166-1 alpha-2 code (like BR)`},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, "hooks.jsonl", c.line+"\n")
			c.o.Format = "webhook"
			recs, _, err := readAll(t, p, c.o)
			got := ""
			switch {
			case err != nil:
				got = "error: " + err.Error()
			case len(recs) == 1:
				got = recordLine(&recs[0])
			default:
				got = fmt.Sprintf("%d records", len(recs))
			}
			if strings.HasPrefix(c.want, "error: ") && got != c.want || !strings.HasPrefix(c.want, "error: ") && !strings.Contains(got, c.want) {
				t.Errorf("\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestCountsWebhook: Counts says when a webhook log was read, alone or among other
// files (told by its content, or by Format), so that what Skipped counted — lines,
// statuses and messages, not rows — is named so.
func TestCountsWebhook(t *testing.T) {
	for _, c := range []struct {
		args []string
		o    Options
		want bool
	}{
		{[]string{"testdata/good.csv"}, Options{}, false},
		{[]string{"testdata/good.csv", "testdata/good.jsonl"}, Options{}, false},
		{[]string{"testdata/webhook.jsonl"}, Options{}, true},
		{[]string{"testdata/webhook.jsonl"}, Options{Format: "webhook"}, true},
		{[]string{"testdata/webhook.jsonl", "testdata/good.csv"}, Options{Sort: true}, true},
		{[]string{"testdata/good.csv", "testdata/webhook.jsonl"}, Options{}, true},
	} {
		c.o.DefaultCountry = "BR"
		r, err := OpenAll(c.args, c.o)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		for {
			var rec Record
			if err := r.Next(&rec); err != nil {
				if err != io.EOF {
					t.Errorf("%v: %v", c.args, err)
				}
				break
			}
		}
		if got := CountsOf(r).Webhook; got != c.want {
			t.Errorf("%v %+v: Counts.Webhook %v, want %v", c.args, c.o, got, c.want)
		}
		r.Close()
	}
}
