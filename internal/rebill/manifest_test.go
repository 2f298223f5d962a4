package rebill

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spendsim/spendsim/reports"
)

func sha(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readManifest(t *testing.T, dir string) reports.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, reports.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m reports.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReplayManifest: a replay's manifest.json records its arguments (those that are
// not flags, as every manifest does) and each file it read with its SHA-256, as run's
// records its scenario and rate files; reconcile's does too, for the replay folder and
// the analytics files it read.
func TestReplayManifest(t *testing.T) {
	o := options(t, handTrace)
	o.Args = []string{o.Traces[0]} // a trace named after the flags
	if _, err := Replay(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, o.Out)
	if !slices.Equal(m.Args, o.Args) {
		t.Errorf("args %q, want %q", m.Args, o.Args)
	}
	want := []reports.Input{{Role: "trace", Path: o.Traces[0], SHA256: sha(t, o.Traces[0]), Bytes: int64(len(handTrace))}}
	if !slices.Equal(m.Inputs, want) {
		t.Errorf("inputs %+v, want %+v", m.Inputs, want)
	}

	analytics := "../../cmd/spendsim/testdata/examples/reconcile/pricing_analytics.json"
	r := ReconcileOptions{Replay: o, From: o.Out, Analytics: []string{analytics}, Out: filepath.Join(t.TempDir(), "rec")}
	r.Replay.Args = []string{}
	if _, err := Reconcile(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	m = readManifest(t, r.Out)
	messages := filepath.Join(o.Out, reports.MessagesFile)
	st, _ := os.Stat(messages)
	an, _ := os.Stat(analytics)
	want = []reports.Input{
		{Role: "replay", Path: messages, SHA256: sha(t, messages), Bytes: st.Size()},
		{Role: "analytics", Path: analytics, SHA256: sha(t, analytics), Bytes: an.Size()},
	}
	if !slices.Equal(m.Inputs, want) || !slices.Equal(m.Args, r.Replay.Args) {
		t.Errorf("reconcile: args %q, inputs %+v; want %+v", m.Args, m.Inputs, want)
	}
}
