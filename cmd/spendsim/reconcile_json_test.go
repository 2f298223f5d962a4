package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/table/tabletest"
)

// TestReconcileJSONRowsHaveParquetFields: docs/formats.md says reconcile.json's rows
// have reconcile.parquet's fields; they lacked billable, user, country, currency and
// difference_micros. Every column of every Parquet row is now in its JSON row (rows:
// the group rows, in order; differences: the differing messages, by message_id) with
// the same value, a null column absent or null, and three written as formats.md says:
// month "YYYY-MM" (Parquet: the first day, a DATE), meta_billable "true"/"false"
// (Parquet: BOOLEAN), message_reasons a list (Parquet: comma-separated). The log is
// reconcile's help example with Meta's word on the Indian marketing template turned
// to a free entry point, so that one message differs.
func TestReconcileJSONRowsHaveParquetFields(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "examples", "reconcile", "webhooks.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	charged := `"pricing":{"billable":true,"pricing_model":"PMP","category":"marketing","type":"regular"}`
	if strings.Count(string(b), charged) == 0 {
		t.Fatalf("webhooks.jsonl has no %s to change", charged)
	}
	log := filepath.Join(t.TempDir(), "differ.jsonl")
	if err := os.WriteFile(log, []byte(strings.ReplaceAll(string(b), charged,
		`"pricing":{"billable":false,"pricing_model":"PMP","category":"marketing","type":"free_entry_point"}`)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "rec")
	if code, _, stderr := spendsim(t, "reconcile", "--trace", log, "--out", out); code != 1 {
		t.Fatalf("reconcile: exit %d, want 1 (one message differs): %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "reconcile.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Rows, Differences []map[string]any
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Differences) != 1 {
		t.Fatalf("%d differences, want 1: %s", len(rep.Differences), data)
	}
	pq := tabletest.Read(t, filepath.Join(out, "reconcile.parquet"))
	names := pq.Names()
	groups, messages := 0, 0
	for i := range pq.Rows {
		var j map[string]any
		switch level := pq.Value(t, i, "level").String(); level {
		case "group":
			if groups >= len(rep.Rows) {
				t.Fatalf("reconcile.parquet has more group rows than reconcile.json's %d", len(rep.Rows))
			}
			j, groups = rep.Rows[groups], groups+1
		case "message":
			id := pq.Value(t, i, "message_id").String()
			for _, d := range rep.Differences {
				if d["message_id"] == id {
					j = d
				}
			}
			if j == nil {
				continue // an agreeing message: not among the differences
			}
			messages++
		default:
			t.Fatalf("row %d: level %q", i, level)
		}
		for _, name := range names {
			v := pq.Value(t, i, name)
			got, ok := j[name]
			if v.IsNull() {
				if ok && got != nil {
					t.Errorf("row %d (%s): %s is null in Parquet, %v in JSON", i, j["level"], name, got)
				}
				continue
			}
			if !ok {
				t.Errorf("row %d (%s): reconcile.json lacks %s (Parquet: %s)", i, j["level"], name, v)
				continue
			}
			want := v.String()
			switch name {
			case "month":
				want = time.Unix(int64(v.Int32())*86400, 0).UTC().Format("2006-01")
			case "message_reasons":
				var rs []string
				for _, r := range got.([]any) {
					rs = append(rs, r.(string))
				}
				got = strings.Join(rs, ",")
			}
			var text string
			switch g := got.(type) {
			case string:
				text = g
			case float64:
				text = strconv.FormatInt(int64(g), 10)
			case bool:
				text = strconv.FormatBool(g)
			default:
				text = "?"
			}
			if name == "meta_billable" {
				if _, isString := got.(string); !isString {
					t.Errorf("row %d: meta_billable is %T in JSON, documented as a string", i, got)
				}
			}
			if text != want {
				t.Errorf("row %d (%s): %s is %q in JSON, %q in Parquet", i, j["level"], name, text, want)
			}
		}
	}
	if groups != len(rep.Rows) || messages != 1 {
		t.Errorf("matched %d of %d group rows and %d of 1 differing messages", groups, len(rep.Rows), messages)
	}
}
