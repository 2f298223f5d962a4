package rebill

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/cmdline"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
)

// Replayed is what a replay's folder says of how it was made, that reconciling it
// must take as it is: its bill was made in that currency, its months in that zone, on
// those cards. reconcile --replay DIR reads it (ReadReplayed) and refuses flags that
// say otherwise.
type Replayed struct {
	Dir string
	// Currency and Timezone are the replay's: summary.json's currency, and the
	// --timezone of the command line manifest.json records (UTC, billing's default,
	// where it gave none).
	Currency, Timezone string
	// AtSendTime says the replay evaluated the rules at the send time (--at-send-time
	// on the command line manifest.json records): its months and cards are ts's.
	AtSendTime bool
	// RateFiles are the rate and tier files it priced with (manifest.json's; none
	// with the built-in cards alone).
	RateFiles []pricing.File
	// Skipped counts the trace's rows the replay skipped as invalid (summary.json's
	// skipped_invalid_rows). A replay that ran with --skip-invalid and wrote no
	// summary.json has no count: ReadReplayed refuses it.
	Skipped int64
	// Webhook says the replay read a webhook log (summary.json's webhook_log): Skipped
	// counts its statuses, messages and lines, and is named so.
	Webhook bool
}

// ReadReplayed reads what dir, a replay's output folder, says of how it was made: its
// manifest.json (written last: a complete set has one) and its summary.json where it
// wrote one. global are the program's flags and command gives a command's by name
// (nil for none), to read the command line the manifest records. A replay that ran
// with --skip-invalid needs its summary.json, the only record of how many rows it
// skipped: without it, rows holding Meta's word may have been left out unseen, and
// ReadReplayed says so and what to do rather than reconcile as if none were.
func ReadReplayed(dir string, global cmdline.Flags, command func(name string) cmdline.Flags) (*Replayed, error) {
	if err := replayToReconcile(dir); err != nil {
		return nil, err
	}
	var m reports.Manifest
	path := filepath.Join(dir, reports.ManifestFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s, which a replay writes last: not a whole replay output set; replay the trace again", dir, reports.ManifestFile)
	}
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	at := cmdline.CommandAt(m.Args, global)
	var flags cmdline.Flags
	if at < len(m.Args) {
		flags = command(m.Args[at])
	}
	if flags == nil {
		return nil, fmt.Errorf("%s: its command line %q is not a replay's: give --replay the --out folder of a spendsim replay", path, strings.Join(m.Args, " "))
	}
	r := &Replayed{Dir: dir, Currency: billing.DefaultCurrency, Timezone: time.UTC.String(), RateFiles: m.RateFiles}
	if v, ok := cmdline.Value(m.Args, global, flags, "timezone"); ok {
		r.Timezone = v
	}
	if v, ok := cmdline.Value(m.Args, global, flags, "currency"); ok {
		r.Currency = v
	}
	if v, ok := cmdline.Value(m.Args, global, flags, "at-send-time"); ok {
		r.AtSendTime = !isFalse(v)
	}
	path = filepath.Join(dir, reports.SummaryFile)
	b, err = os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if v, ok := cmdline.Value(m.Args, global, flags, "skip-invalid"); ok && !isFalse(v) {
			return nil, fmt.Errorf("%s: the replay ran with --skip-invalid and wrote no %s, which alone records how many rows of the log it skipped "+
				"(rows that may hold Meta's word): reconcile cannot tell whether any were. Replay the trace again with summary in --outputs "+
				"(--outputs messages,summary), or reconcile the log itself (spendsim reconcile --trace LOG --skip-invalid)", dir, reports.SummaryFile)
		}
		return r, nil // --outputs without summary: the command line says the currency
	case err != nil:
		return nil, err
	}
	var s reports.ReplaySummary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w (reconcile reads a replay's summary.json: replay the trace again)", path, err)
	}
	r.Currency, r.Skipped, r.Webhook = s.Currency, s.Skipped, s.Webhook
	return r, nil
}

// isFalse says whether v is a switch's value that turns it off, as the flag parser
// reads it ("false", "0", "f", …).
func isFalse(v string) bool {
	b, err := strconv.ParseBool(v)
	return err == nil && !b
}

// CheckFlag says whether --name value, given to reconcile, contradicts the replay:
// its currency or time zone are the replay's, which made the bill with them.
func (r *Replayed) CheckFlag(name, value string) error {
	switch name {
	case "currency":
		if !strings.EqualFold(value, r.Currency) {
			return fmt.Errorf("--currency %s contradicts the replay in %s, billed in %s (its summary.json): leave --currency out, "+
				"or replay the trace again with --currency %s", value, r.Dir, r.Currency, value)
		}
	case "at-send-time":
		if at := !isFalse(value); at != r.AtSendTime {
			return fmt.Errorf("--at-send-time=%t contradicts the replay in %s, which evaluated the rules at %s (its manifest.json's command line): "+
				"leave --at-send-time out, or replay the trace again with --at-send-time=%t", at, r.Dir, r.evaluatedAt(), at)
		}
	case "timezone":
		if !r.sameZone(value) {
			return fmt.Errorf("--timezone %s contradicts the replay in %s, whose months are %s's (its manifest.json's command line): "+
				"leave --timezone out, or replay the trace again with --timezone %s", value, r.Dir, r.Timezone, value)
		}
	}
	return nil
}

// CheckRateFiles says whether the rate and tier files given to reconcile are not the
// replay's: Meta's word is priced on the cards the replay used, so the same files
// (by content, and how they were read) or none where it had none.
func (r *Replayed) CheckRateFiles(given []pricing.File) error {
	key := func(f pricing.File) string {
		return strings.Join([]string{f.Role, f.SHA256, f.Kind, f.Model, f.EffectiveFrom}, "\x00")
	}
	a, b := make([]string, len(given)), make([]string, len(r.RateFiles))
	for i, f := range given {
		a[i] = key(f)
	}
	for i, f := range r.RateFiles {
		b[i] = key(f)
	}
	slices.Sort(a)
	slices.Sort(b)
	if slices.Equal(a, b) {
		return nil
	}
	return fmt.Errorf("the replay in %s priced with %s, and reconcile prices Meta's word on the same cards; given %s: give the replay's files",
		r.Dir, describeFiles(r.RateFiles), describeFiles(given))
}

// evaluatedAt says when the replay evaluated the rules, in words.
func (r *Replayed) evaluatedAt() string {
	if r.AtSendTime {
		return "the send time (ts)"
	}
	return "the delivery time (delivered_ts, else ts)"
}

// check says whether b bills as the replay did: its currency, zone and which time.
func (r *Replayed) check(b billing.Options) error {
	loc := b.Location
	if loc == nil {
		loc = time.UTC
	}
	if currencyOf(b) != r.Currency || !r.sameZone(loc.String()) {
		return fmt.Errorf("rebill: reconciling %s in %s, %s, which the replay billed in %s, %s", r.Dir, currencyOf(b), loc, r.Currency, r.Timezone)
	}
	if b.AtSendTime != r.AtSendTime {
		return fmt.Errorf("rebill: reconciling %s with AtSendTime %t, the replay evaluated the rules at %s", r.Dir, b.AtSendTime, r.evaluatedAt())
	}
	return nil
}

// sameZone says whether the zone named name cuts days and months as the replay's
// did (Etc/UTC as UTC); a name that does not load is not the replay's.
func (r *Replayed) sameZone(name string) bool {
	a, err := time.LoadLocation(name)
	if err != nil {
		return false
	}
	b, err := time.LoadLocation(r.Timezone)
	return err == nil && model.SameZone(a, b)
}

// describeFiles names rate and tier files as flags, each with the start of its SHA-256.
func describeFiles(files []pricing.File) string {
	if len(files) == 0 {
		return "the built-in cards alone"
	}
	var s []string
	for _, f := range files {
		d := "--" + f.Role + " " + f.Path + " (sha256 " + f.SHA256[:min(12, len(f.SHA256))] + "…"
		if f.Model != "" {
			d += ", --rates-model " + f.Model
		}
		if f.EffectiveFrom != "" {
			d += ", --rates-from " + f.EffectiveFrom
		}
		s = append(s, d+")")
	}
	return strings.Join(s, " and ")
}
