package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// The measurements re-execute the running binary as a child: under go test that is
// the test binary, which must then do the child's job instead of running the tests.
func TestMain(m *testing.M) {
	if spec, ok := os.LookupEnv(childEnv); ok {
		if err := childMain(spec, os.Stdout); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestGeneratedTrace checks the replay trace against the trace contract (docs/formats.md,
// "Trace") and the mix it promises, and that a seed gives the same bytes.
func TestGeneratedTrace(t *testing.T) {
	dir := t.TempDir()
	const n = 20_000
	gen := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := generateTrace(job{Kind: "generate", Seed: 3, Size: n, Users: 2_000, Path: p}, nil); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := gen("a.parquet"), gen("b.parquet")
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("the same seed gave different trace files")
	}

	r, err := trace.Open(a, trace.Options{}) // fails on rows out of ts order
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mk := market.Builtin()
	var (
		rec                                       trace.Record
		rows, users, entry, undelivered           int
		text, templates                           int
		cats                                      = map[model.Category]int{}
		isos                                      = map[string]bool{}
		seen                                      = map[string]bool{}
		first, last                               model.Time
		businessMessages, userMessages, withDelay int
	)
	for {
		err := r.Next(&rec)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rows == 0 {
			first = rec.TS
		}
		last = rec.TS
		rows++
		if !seen[rec.User] {
			seen[rec.User] = true
			users++
			_, iso, err := mk.ForNumber(rec.User, rec.TS)
			if err != nil {
				t.Fatalf("user %s: %v", rec.User, err)
			}
			isos[iso] = true
		}
		if rec.MessageID == "" {
			t.Fatalf("row %d has no message id", rows)
		}
		switch rec.Direction {
		case model.FromUser:
			userMessages++
			if rec.EntryPoint != model.EntryNone {
				entry++
			}
		case model.FromBusiness:
			businessMessages++
			if rec.Kind == model.Template {
				templates++
				cats[rec.Category]++
			} else {
				text++
			}
			if !rec.Status.WasDelivered() {
				undelivered++
			}
			if rec.DeliveredTS > rec.TS {
				withDelay++
			}
		}
	}
	if rows != n {
		t.Fatalf("%d rows, want %d", rows, n)
	}
	if d := r.(trace.Duplicater).Duplicates(); d != 0 {
		t.Errorf("%d duplicate message ids", d)
	}
	for _, iso := range []string{"BR", "IN", "MX", "DE", "US"} {
		if !isos[iso] {
			t.Errorf("no users from %s (got %v)", iso, isos)
		}
	}
	for _, c := range []model.Category{model.Marketing, model.Utility, model.Authentication} {
		if cats[c] == 0 {
			t.Errorf("no %v templates", c)
		}
	}
	if from := first.Std(); from.Year() != 2025 || from.Month() != 7 {
		t.Errorf("trace starts %s, want July 2025 (PMP 2025 in force)", first)
	}
	t.Logf("%d rows, %d users, %d user / %d business (%d text, %d templates %v), %d with entry points, %d undelivered, %d delivered late, %s .. %s",
		rows, users, userMessages, businessMessages, text, templates, cats, entry, undelivered, withDelay, first, last)
	for what, k := range map[string]int{"user messages": userMessages, "text replies": text, "entry points": entry,
		"undelivered": undelivered, "late deliveries": withDelay} {
		if k == 0 {
			t.Errorf("no %s", what)
		}
	}
}
