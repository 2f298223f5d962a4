package scenarios

import (
	"context"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/sim"
)

func TestExamplesParseAndRun(t *testing.T) {
	exs, err := Examples()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, e := range exs {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, ","); !strings.Contains(got, DefaultName) {
		t.Fatalf("examples %s lack the default %s", got, DefaultName)
	}
	sc, _, err := Load("small")
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := sc.Jobs(sc.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[0].ID != "agents=1" || jobs[1].ID != "agents=2" {
		t.Fatalf("jobs %+v", jobs)
	}
	res, _, err := sim.RunAll(context.Background(), jobs, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		t.Logf("%s: conv %d msgs %d/%d late %d in-window %.3f p90 %.0fs spend %s staff %s util %.2f",
			r.RunID, r.Conversations, r.UserMessages, r.BusinessMessages, r.LateUtility, r.InWindowShare, r.FirstResponseP90S, r.MessagingMicros, r.StaffingMicros, r.Utilisation)
	}
}
