package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim"
)

// replayMemoryLimit is the soft heap limit of a replay unless GOMEMLIMIT is set.
const replayMemoryLimit = 800 << 20

func replayCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "replay",
		Usage:     "bill a message trace exactly, under the era in force or any other",
		ArgsUsage: " ",
		Description: `Reads a trace (CSV with header, JSONL, Parquet, or Meta status-webhook payloads, one per
line), applies the customer service window, conversations, free tiers and entry points
of the chosen pricing era, and writes to --out:

   messages.parquet   one row per business message with its pricing in Meta's vocabulary
   bill.parquet       month × market × pricing category × pricing type: count and amount
   summary.json       totals, billable_by_category, the cards used, data confidence

--pricing auto bills each message under the era in force on its date; any other era
bills the whole trace under that model (dates still pick that model's rate card).
The three totals agree to the micro. Memory grows with users, not messages.

Examples:
   spendsim replay --trace messages.csv
   spendsim replay --trace 2024.parquet --pricing pmp-2025 --out what-if-pmp
   spendsim replay --trace webhooks.jsonl --format webhook --timezone Asia/Kolkata
   spendsim replay --trace 2019.csv --pricing nbp-2018 --rates nbp-card.csv
   spendsim replay --trace twcs.csv --mapping twcs.yaml --sort --skip-invalid` + restaffHelp,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "trace", Aliases: []string{"t"}, Usage: "the trace `FILE` (required)", Required: true},
			&cli.StringFlag{Name: "pricing", Value: "auto", Usage: "auto, nbp-2018, cbp-2022, cbp-2023, pmp-2025 or pmp-2026-10"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<trace name>-<pricing>)"},
			&cli.StringFlag{Name: "timezone", Value: "UTC", Usage: "business account time `ZONE`: months, free tiers and effective dates"},
			&cli.StringFlag{Name: "currency", Value: "USD", Usage: "rate-card `CURRENCY`"},
			&cli.StringFlag{Name: "format", Usage: "csv, jsonl, parquet or webhook (default: by extension and content)"},
			&cli.StringFlag{Name: "mapping", Usage: "column-mapping YAML `FILE` for a foreign CSV log"},
			&cli.BoolFlag{Name: "sort", Usage: "accept a trace not sorted by ts (external sort through temp files)"},
			&cli.BoolFlag{Name: "skip-invalid", Usage: "skip and count invalid rows instead of stopping at the first"},
			&cli.StringFlag{Name: "primary-country", Usage: "business's primary `COUNTRY` (ISO alpha-2), for authentication-international rates"},
			&cli.StringFlag{Name: "auth-intl-from", Usage: "`DATE` the business became eligible for authentication-international rates"},
			&cli.IntFlag{Name: "service-allowance", Value: 1000, Usage: "free service messages per number per month from 2026-10-01 (0 turns the allowance off)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
			&cli.StringFlag{Name: "restaff", Usage: "re-simulate the replies under this `SCENARIO`'s agents (file or embedded name) and compare with the original"},
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("replay takes no arguments (got %q); give the trace with --trace", c.Args().First())
			}
			opts, ratesName, err := billingOptions(c)
			if err != nil {
				return err
			}
			tracePath := c.String("trace")
			topts := trace.Options{Format: c.String("format"), SkipInvalid: c.Bool("skip-invalid"), Sort: c.Bool("sort")}
			if m := c.String("mapping"); m != "" {
				if topts.Mapping, err = trace.LoadMapping(m); err != nil {
					return usageError{err}
				}
			}
			if c.String("restaff") != "" {
				return restaffAction(c, e, tracePath, topts, opts, ratesName)
			}
			out := c.String("out")
			if out == "" {
				base := strings.TrimSuffix(filepath.Base(tracePath), filepath.Ext(tracePath))
				out = reports.DefaultDir(base + "-" + c.String("pricing"))
			}
			started := time.Now()
			if os.Getenv("GOMEMLIMIT") == "" {
				// The live state of a replay is per-user maps plus a few row-group
				// buffers; left alone, the GC lets the heap reach twice that. A soft
				// limit keeps a 10M-message, 1M-user replay near 800 MB at the same speed
				// (GOMEMLIMIT overrides it; above it the GC works harder, it never fails).
				debug.SetMemoryLimit(replayMemoryLimit)
			}
			s, err := replay(tracePath, topts, opts, out, e.version, c.String("pricing"), ratesName)
			if err != nil {
				return err
			}
			reports.WriteReplayTable(e.stdout, s)
			if !c.Bool("quiet") {
				fmt.Fprintf(e.stderr, "%d records in %.1fs; results in %s\n", s.Records, time.Since(started).Seconds(), out)
			}
			return nil
		},
	}
}

// billingOptions turns the flags into billing options and the name of the rate source.
func billingOptions(c *cli.Context) (billing.Options, string, error) {
	var o billing.Options
	era, err := billing.ParseEra(c.String("pricing"))
	if err != nil {
		return o, "", usagef("--pricing: %v", err)
	}
	loc, err := time.LoadLocation(c.String("timezone"))
	if err != nil || c.String("timezone") == "Local" {
		return o, "", usagef("--timezone %q is not an IANA time zone like Europe/Berlin", c.String("timezone"))
	}
	user, err := readUserRates(c)
	if err != nil {
		return o, "", err
	}
	book, err := pricing.Builtin()
	if err != nil {
		return o, "", err
	}
	if book, err = user.Merge(book); err != nil {
		return o, "", err
	}
	o = billing.Options{
		Era: era, Book: book, Markets: book.Markets(), Currency: c.String("currency"), Location: loc,
		ServiceAllowancePerNumber: allowance(c.Int("service-allowance")),
		PrimaryCountry:            strings.ToUpper(c.String("primary-country")),
		Tiers:                     user.Tiers,
	}
	if s := c.String("auth-intl-from"); s != "" {
		d, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return o, "", usagef("--auth-intl-from %q is not a date YYYY-MM-DD", s)
		}
		o.AuthIntlFrom = model.FromStd(d)
	}
	return o, user.Name, nil
}

// allowance maps the flag (a count, 0 or less = none) onto billing's option, where 0
// means the default and a negative number turns the allowance off.
func allowance(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// source adapts a trace reader to the replay and counts user messages.
// summarizeReplay reconciles what mw wrote (its running tally against its bill rows,
// to the micro) and sums the replay up for summary.json, for a plain replay and a
// restaffed one alike; the bill rows are for bill.parquet.
func summarizeReplay(mw *reports.MessageWriter, st sim.ReplayStats, src *source, tracePath, pricingName, ratesName string) (*reports.ReplaySummary, []reports.BillRow, error) {
	spend, err := mw.Tally.Spend(1)
	if err != nil {
		return nil, nil, err
	}
	rows, err := mw.Bill.Rows()
	if err != nil {
		return nil, nil, err
	}
	derived, err := reports.Reconcile(rows, spend)
	if err != nil {
		return nil, nil, err
	}
	s := &reports.ReplaySummary{
		Trace: filepath.Base(tracePath), Pricing: pricingName, Rates: ratesName, Spend: spend,
		DerivedShare: stats.Num(derived),
		Records:      st.Records, UserMessages: src.users, Business: st.Billing.Business,
		Delivered: st.Billing.Delivered, Undelivered: st.Billing.Business - st.Billing.Delivered,
		Users: st.Users, Numbers: st.Numbers, Skipped: src.r.Skipped(),
		USMarketing: st.Billing.USMarketingHeld, TextOutsideCS: st.Billing.TextOutsideWindow,
		CardsUsed: []reports.CardUsed{},
	}
	if d, ok := src.r.(trace.Duplicater); ok {
		s.Duplicates = d.Duplicates()
	}
	for _, cu := range st.Cards {
		s.CardsUsed = append(s.CardsUsed, reports.CardUsed{PricingModel: cu.Model.String(), Currency: cu.Currency,
			Effective: cu.Effective.Format(time.DateOnly), Messages: cu.Charged})
	}
	return s, rows, nil
}

type source struct {
	r     trace.Reader
	users int64
}

func (s *source) Next(r *model.Record) error {
	if err := s.r.Next(r); err != nil {
		return err
	}
	if r.Direction == model.FromUser {
		s.users++
	}
	return nil
}

// replay runs the whole pipeline. On any error every output file is removed (or was
// never renamed into place), so a failed replay leaves nothing behind.
func replay(tracePath string, topts trace.Options, opts billing.Options, out, version, pricingName, ratesName string) (_ *reports.ReplaySummary, err error) {
	r, err := trace.Open(tracePath, topts)
	if err != nil {
		return nil, err
	}
	// Decode on one core while billing and writing run on another.
	r = trace.Prefetch(r, 4096)
	defer r.Close()
	_, statErr := os.Stat(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	if os.IsNotExist(statErr) {
		defer func() {
			if err != nil {
				os.Remove(out) // only if still empty: never anything of the user's
			}
		}()
	}
	mw, err := reports.NewMessageWriter(filepath.Join(out, reports.MessagesFile), version, opts.Markets, currencyOf(opts), opts.Location)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			mw.Abort()
		}
	}()
	src := &source{r: r}
	st, err := sim.Replay(src, opts, mw)
	if err != nil {
		return nil, prefixFile(tracePath, err)
	}
	s, rows, err := summarizeReplay(mw, st, src, tracePath, pricingName, ratesName)
	if err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	written := []string{filepath.Join(out, reports.MessagesFile)}
	defer func() {
		if err != nil {
			for _, f := range written {
				os.Remove(f)
			}
		}
	}()
	if err := reports.WriteBill(filepath.Join(out, reports.BillFile), rows, currencyOf(opts), version); err != nil {
		return nil, err
	}
	written = append(written, filepath.Join(out, reports.BillFile))
	if err := reports.WriteJSON(filepath.Join(out, reports.SummaryFile), s); err != nil {
		return nil, err
	}
	return s, nil
}

func currencyOf(o billing.Options) string {
	if o.Currency == "" {
		return "USD"
	}
	return o.Currency
}

// prefixFile makes "line N: ..." errors read "FILE:N: ...".
func prefixFile(path string, err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			return fmt.Errorf("%s:%s: %s", filepath.Base(path), n, tail)
		}
	}
	return err
}
