package rebill

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios"
)

const handTrace = `ts,user,direction,type,category,status
2025-09-01T10:00:00Z,5511987654321,user,,,
2025-09-01T10:05:00Z,5511987654321,business,text,,delivered
2025-09-01T10:07:00Z,5511987654321,business,template,marketing,delivered
2025-09-03T10:09:00Z,919876543210,business,template,authentication,delivered
`

func options(t *testing.T, csv string) Options {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return Options{Traces: []string{path}, Pricing: "auto", Rates: "builtin", Out: filepath.Join(dir, "out"), Version: "v0.0.0-test",
		Billing: billing.Options{Book: book, Markets: book.Markets(), Currency: "USD", Location: time.UTC}}
}

// TestReplay: the summary's total is the 2025-07-01 card's list rates (Brazil marketing
// 0.0625, India authentication 0.0014), the three files are written, and a trace that
// fails half-way leaves nothing behind, its error naming the file and line.
func TestReplay(t *testing.T) {
	o := options(t, handTrace)
	s, err := Replay(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if s.TotalMicros != 62_500+1_400 || s.Records != 4 || s.UserMessages != 1 || s.Trace != "trace.csv" {
		t.Errorf("summary %+v", s)
	}
	for _, f := range []string{"messages.parquet", "bill.parquet", "summary.json"} {
		if _, err := os.Stat(filepath.Join(o.Out, f)); err != nil {
			t.Error(err)
		}
	}
	bad := options(t, handTrace+"2025-09-03T10:10:00Z,5511987654321,business,template,marketting,delivered\n")
	if _, err := Replay(context.Background(), bad); err == nil || !strings.Contains(err.Error(), `trace.csv:6: column category: "marketting"`) {
		t.Errorf("a bad row: %v", err)
	}
	if _, err := os.Stat(bad.Out); !os.IsNotExist(err) {
		t.Errorf("a failed replay left %s behind", bad.Out)
	}
}

// TestRestaffBadAgents: agents restaff cannot use are the scenario's problem, a
// *scenarios.Error, and leave no output behind.
func TestRestaffBadAgents(t *testing.T) {
	src, err := os.ReadFile("../../cmd/spendsim/testdata/restaff/one-agent.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Parse(src, "one-agent.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc.Agents.LateReply = "never" // past Validate, as a caller building a scenario could
	o := options(t, handTrace)
	var se *scenarios.Error
	if _, _, err := Restaff(context.Background(), o, sc, "", 1); !errors.As(err, &se) {
		t.Errorf("late_reply never: %v, want a *scenarios.Error", err)
	}
	if _, err := os.Stat(o.Out); !os.IsNotExist(err) {
		t.Errorf("a failed restaff left %s behind", o.Out)
	}
}
