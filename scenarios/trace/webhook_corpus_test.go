package trace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/sharedtest"

	"github.com/spendsim/spendsim/model"
)

// webhookCorpus is the shared corpus of real webhook payload shapes and logs built from
// them (its README and SOURCES.md say where each came from).
const webhookCorpus = "../../../shared/datasets/webhooks"

func corpusFiles(t *testing.T, dir, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(webhookCorpus, dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		sharedtest.Missing(t, "the webhook corpus", fmt.Errorf("no %s in %s", pattern, filepath.Join(webhookCorpus, dir)))
	}
	return files
}

// recordLine is a record on one line, for golden files.
func recordLine(r *Record) string {
	var b strings.Builder
	dir := "user"
	if r.Direction == model.FromBusiness {
		dir = "business"
	}
	fmt.Fprintf(&b, "line %d: %s %s user=%s", r.Line, r.TS, dir, r.User)
	if r.Country != "" {
		fmt.Fprintf(&b, " country=%s", r.Country)
	}
	if r.Direction == model.FromBusiness {
		kind := "text"
		if r.Kind == model.Template {
			kind = [...]string{"", "marketing", "utility", "authentication"}[r.Category]
		}
		status := [...]string{"delivered", "read", "sent", "failed"}[r.Status]
		fmt.Fprintf(&b, " %s %s", kind, status)
		if r.DeliveredTS != 0 {
			fmt.Fprintf(&b, " delivered=%s", r.DeliveredTS)
		}
	} else if r.EntryPoint == model.EntryCTWA {
		b.WriteString(" ctwa")
	}
	fmt.Fprintf(&b, " id=%s business=%s", r.MessageID, r.Business)
	if m := r.Meta; m != nil {
		fmt.Fprintf(&b, " meta=%s/%s/%s/%s conversation=%s/%s", m.PricingModel, m.PricingType, m.Category, m.Billable,
			m.ConversationID, m.ConversationOrigin)
	}
	return b.String()
}

// readLog is what a log reads as under o: its records, then the error or the counts.
func readLog(t *testing.T, path string, o Options) string {
	t.Helper()
	r, err := Open(path, o)
	if err != nil {
		return "  error: " + err.Error() + "\n"
	}
	defer r.Close()
	var b strings.Builder
	for {
		var rec Record
		err := r.Next(&rec)
		if err != nil {
			if err.Error() != "EOF" {
				if strings.ContainsAny(err.Error(), "\r\n") {
					t.Errorf("%s: error is not one line: %q", path, err)
				}
				fmt.Fprintf(&b, "  error: %v\n", err)
			} else {
				fmt.Fprintf(&b, "  end: skipped %d, duplicates %d, ignored %d\n", r.Skipped(), r.(Duplicater).Duplicates(), r.(Ignorer).Ignored())
			}
			return b.String()
		}
		b.WriteString("  " + recordLine(&rec) + "\n")
	}
}

// TestWebhookCorpus reads every shape and log of the corpus, strictly and leniently
// (SkipInvalid, DefaultCountry BR), and compares what each reads as with
// testdata/webhook_corpus.golden (go test -run TestWebhookCorpus -update rewrites it).
// Whatever the golden file says, a shape must read records or fail with a located
// one-line error; it may read nothing without an error only if it holds no messages.
func TestWebhookCorpus(t *testing.T) {
	files := append(corpusFiles(t, "shapes", "*.jsonl"), corpusFiles(t, "logs", "*.jsonl")...)
	var b strings.Builder
	for _, p := range files {
		rel, _ := filepath.Rel(webhookCorpus, p)
		strict := readLog(t, p, Options{Format: "webhook"})
		fmt.Fprintf(&b, "%s\n%s", rel, strict)
		lenient := readLog(t, p, Options{Format: "webhook", SkipInvalid: true, DefaultCountry: "BR"})
		if lenient != strict {
			fmt.Fprintf(&b, " with SkipInvalid, DefaultCountry BR:\n%s", lenient)
		}
		if !strings.Contains(strict, "  line ") && !strings.Contains(strict, "error: ") {
			t.Errorf("%s reads no record and no error:\n%s", rel, strict)
		}
		if i := strings.Index(strict, "error: "); i >= 0 {
			msg := strict[i+len("error: "):]
			if !strings.HasPrefix(msg, filepath.Base(p)) {
				t.Errorf("%s: error does not name the file: %s", rel, msg)
			}
		}
	}
	golden(t, "testdata/webhook_corpus.golden", b.String())
}

// golden compares got with a golden file, or rewrites it under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := "", ""
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got %s\nwant %s\n(go test -run %s -update rewrites it)", path, i+1, g, w, t.Name())
			}
		}
	}
}
