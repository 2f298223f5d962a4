package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/internal/progress"
	"github.com/spendsim/spendsim/internal/rebill"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
)

func replayCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "replay",
		Usage:       "bill a message trace exactly, under the era in force or any other",
		ArgsUsage:   " ",
		Description: helpText("replay"),
		Flags: slices.Concat([]cli.Flag{
			traceFlag("the trace (required)"),
			&cli.StringFlag{Name: "pricing", Value: "auto", Usage: "the pricing era: " + billing.EraNames() + "; all, or a comma-separated list, bills under each"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<trace name>-<pricing>)"},
			&cli.StringFlag{Name: "max-memory", Usage: "soft limit on the replay's heap, `SIZE` with its unit (8GiB, 512MiB; default 800MiB, or half this machine's if less; GOMEMLIMIT overrides): past it the GC works harder, the replay does not fail", Action: notePastMachine("replay")},
			&cli.StringFlag{Name: "timezone", Value: "UTC", Usage: "business account time `ZONE`: months, free tiers and effective dates"},
			&cli.StringFlag{Name: "currency", Value: "USD", Usage: "rate-card `CURRENCY`"},
			&cli.StringFlag{Name: "outputs", Value: rebill.DefaultOutputs, Usage: "the `FILES` to write, of " + rebill.OutputNames() + " (manifest.json lists those written)"},
		}, readFlags(), []cli.Flag{
			dedupWindowFlag(),
			&cli.StringFlag{Name: "primary-country", Usage: "business's primary `COUNTRY` (ISO alpha-2), for authentication-international rates"},
			&cli.StringFlag{Name: "auth-intl-from", Usage: "`DATE` the business became eligible for authentication-international rates"},
			&cli.IntFlag{Name: "service-allowance", Value: 1000, Usage: "free service messages per number per month from 2026-10-01 (0 turns the allowance off)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "billing workers, users hashed across them, at most 1024; the outputs are the same bytes at any count", DefaultText: "all cores but two, at least one"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
			&cli.StringFlag{Name: "restaff", Usage: "re-simulate the replies under this `SCENARIO`'s agents (file or embedded name) and compare with the original"},
			&cli.StringFlag{Name: "point", Usage: "with --restaff: the sweep point whose agents answer, its `ID` (point_id) or its label, as spendsim run's table shows it (needed when the scenario has a sweep)"},
			&cli.StringFlag{Name: "shard", Usage: "bill only shard `K/N`: the users hashed to K (K from 0); spendsim merge OUT joins the N parts"},
			&cli.IntFlag{Name: "shards", Usage: "split into `N` shards, this one's K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID", DefaultText: "unsharded"},
			&cli.IntFlag{Name: "passes", Value: 1, Usage: "bill the users in `N` passes over the trace, 1/N of them in memory at a time (parts in the temp folder); the same bytes"},
		}, scopeFlags(), rateFlags()),
		Action: func(c *cli.Context) error {
			if c.String("point") != "" && c.String("restaff") == "" {
				return usagef("--point picks the sweep point of the --restaff scenario; give --restaff too")
			}
			if err := checkWorkers(c); err != nil {
				return err
			}
			traces, read, err := traceOptions(c)
			if err != nil {
				return err
			}
			opts, user, acc, err := billingOptions(c)
			if err != nil {
				return err
			}
			outputs, err := rebill.ParseOutputs(c.String("outputs"))
			if err != nil {
				return usagef("--outputs: %v", err)
			}
			o := rebill.Options{Traces: traces, Billing: opts, Pricing: c.String("pricing"), Rates: user.Name, RateFiles: user.Files, Version: e.version,
				Read: read, Outputs: outputs, Args: e.manifestArgs(c), MappingFile: c.String("mapping"), Accounts: acc.input(),
				Workers: c.Int("workers"), Passes: c.Int("passes")}
			rp := progress.NewRecords(e.stderr, c.Bool("quiet"))
			defer rp.Stop()
			if o.Progress = rp.Read; c.Int("passes") > 1 {
				o.OnPass = func(k, n int) {
					rp.Note(fmt.Sprintf("pass %d of %d done", k, n))
					if k < n {
						rp.Pass(k + 1)
					}
				}
			}
			if err := checkPasses(c); err != nil {
				return err
			}
			soft, err := limits.ReplaySoftLimit(c.String("max-memory"))
			if err != nil {
				return usagef("--max-memory: %v", err)
			}
			defer limits.SetSoftLimit(soft)() // GOMEMLIMIT overrides it
			by, room := "the default", "--max-memory SIZE gives it room"
			if c.IsSet("max-memory") {
				by = "--max-memory"
			}
			if soft, by = limits.SoftLimitBy(soft, by); by == "GOMEMLIMIT" {
				room = "a larger GOMEMLIMIT gives it room"
				if c.IsSet("max-memory") {
					by = "GOMEMLIMIT, which overrides --max-memory"
				}
			}
			stopWatch := limits.WatchHeap(time.Second)
			defer func() {
				if live := stopWatch(); soft > 0 && live > soft/4*3 && !c.Bool("quiet") {
					fmt.Fprintf(e.stderr, "note: the replay kept up to %s live, more than three quarters of its soft heap limit of %s (%s), so the GC collected often; %s, --passes N needs 1/N of it\n",
						limits.FormatBytes(float64(live)), limits.FormatBytes(float64(soft)), by, room)
				}
			}()
			base := trace.BaseName(traces[0]) + "-" + o.Pricing
			if c.String("restaff") != "" {
				if c.IsSet("shard") || c.IsSet("shards") {
					return usagef("--restaff re-simulates the whole trace's replies: it cannot be sharded")
				}
				return restaffAction(c, e, o, base, rp)
			}
			if o.Out = c.String("out"); o.Out == "" {
				o.Out = reports.DefaultDir(base)
			}
			started := time.Now()
			if c.IsSet("shard") || c.IsSet("shards") {
				return replayShardAction(c, e, o, acc, rp)
			}
			s, eras, err := rebill.ReplayPricing(c.Context, o)
			if rp.Stop(); err != nil {
				return err
			}
			reports.WriteReplayOrEras(e.stdout, s, eras)
			reports.WriteReadNotes(e.stderr, s.Counts())
			if f := s.TiersUnused.File; f != "" && eras == nil {
				fmt.Fprintf(e.stderr, "note: --tiers %s applied to none of the %s that count toward volume tiers: none of its band tables is in force for their market, category and date (NBP's bands are category template; PMP's utility, authentication, authentication_international), so they went at list rates\n",
					f, words.Count(s.TiersUnused.Messages, "charged message"))
			}
			if eras == nil {
				noteEntryPointUnused(e.stderr, s)
			}
			noteOneAccount(c, e.stderr, s)
			noteAuthIntl(c, e.stderr, s, eras == nil)
			if !c.Bool("quiet") {
				fmt.Fprintf(e.stderr, "%s in %.1fs; results in %s\n", words.Count(s.Records, "record"), time.Since(started).Seconds(), o.Out)
			}
			return nil
		},
	}
}

// billingOptions turns the flags into billing options, the user's rate files and the
// --accounts file as read (nil for none).
func billingOptions(c *cli.Context) (billing.Options, *pricing.Overlay, *accountsFile, error) {
	var o billing.Options
	eras, name, err := billing.ParsePricing(c.String("pricing"))
	if err != nil {
		return o, nil, nil, usagef("--pricing: %v", err)
	}
	if name != c.String("pricing") {
		// Spelt canonically from here on: summaries, folder names and the settings
		// that shards and merge compare read the flag, and must not see "PMP-2025".
		if err := c.Set("pricing", name); err != nil {
			return o, nil, nil, err
		}
	}
	if len(eras) > 1 && (c.Command.Name != "replay" || c.String("restaff") != "") {
		return o, nil, nil, usagef("--pricing %s names several eras: only a replay without --restaff bills under several; name one", c.String("pricing"))
	}
	era := eras[0] // under several, rebill.ReplayEras sets each
	loc, err := time.LoadLocation(c.String("timezone"))
	if err != nil || c.String("timezone") == "Local" {
		return o, nil, nil, usagef("--timezone %q is not an IANA time zone like Europe/Berlin", c.String("timezone"))
	}
	user, err := readUserRates(c)
	if err != nil {
		return o, nil, nil, err
	}
	if err := user.CheckCurrency(c.String("currency")); err != nil {
		return o, nil, nil, usageError{err}
	}
	book, err := user.Cards()
	if err != nil {
		return o, nil, nil, err
	}
	o = billing.Options{
		Era: era, Book: book, Markets: book.Markets(), Currency: c.String("currency"), Location: loc,
		ServiceAllowancePerNumber: billing.ServiceAllowance(c.Int("service-allowance")),
		PrimaryCountry:            strings.ToUpper(c.String("primary-country")),
		Tiers:                     user.Tiers,
	}
	if pc := c.String("primary-country"); pc != "" {
		if o.PrimaryCountry, err = market.CheckCountry(pc); err != nil {
			return o, nil, nil, usagef("--primary-country: %v", err)
		}
	}
	if s := c.String("auth-intl-from"); s != "" {
		d, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return o, nil, nil, usagef("--auth-intl-from %q is not a date YYYY-MM-DD", s)
		}
		o.AuthIntlFrom = model.FromStd(d)
	}
	acc, err := scopeOptions(c, &o)
	if err != nil {
		return o, nil, nil, err
	}
	return o, user, acc, nil
}

// billingFlagNames are the replay flags that decide how a trace is billed: every
// shard of a replay and its merge must be given the same.
var billingFlagNames = []string{"pricing", "timezone", "currency", "primary-country", "auth-intl-from", "service-allowance",
	"rates", "rates-model", "rates-from", "tiers", "decimal-comma", "at-send-time", "account-per-number", "accounts", "entry-point-hours"}

// readFlagNames are the replay flags that decide how a trace is read: every shard of
// a replay must be given the same.
var readFlagNames = []string{"format", "mapping", "delimiter", "sort", "skip-invalid", "default-country", "country-overrides", "dedup-window"}

// flagSettings are the values of the flags names, as --name=value (--accounts by acc,
// the file as billing read it), and those the user set, as words to repeat on a
// command line.
func flagSettings(c *cli.Context, names []string, acc *accountsFile) (all, set []string) {
	for _, n := range names {
		v := fmt.Sprint(c.Value(n))
		all = append(all, "--"+n+"="+settingValue(c, n, acc))
		switch b, isBool := c.Value(n).(bool); {
		case !c.IsSet(n):
		case isBool: // a switch takes no word after it: "--at-send-time true" gives merge an argument
			set = append(set, fmt.Sprintf("--%s=%t", n, b))
		default:
			set = append(set, "--"+n, v)
		}
	}
	return all, set
}

// replayShardAction bills one shard of a replay (--shard K/N or --shards N).
func replayShardAction(c *cli.Context, e *env, o rebill.Options, acc *accountsFile, rp *progress.Records) error {
	k, n, err := shardSpec(c.String("shard"), c.Int("shards"), os.Getenv)
	if err != nil {
		return err
	}
	if eras, _ := billing.ParseEras(c.String("pricing")); len(eras) > 1 {
		return usagef("--pricing %s names several eras: a sharded replay bills under one; run one sharded replay per era", c.String("pricing"))
	}
	if c.IsSet("workers") {
		return usagef("--workers has no effect on a shard, which bills on one core: run more shards instead")
	}
	billingSet, mergeFlags := flagSettings(c, billingFlagNames, acc)
	readSet, _ := flagSettings(c, readFlagNames, nil)
	m, err := rebill.ReplayShard(c.Context, o, rebill.ShardOptions{Shard: k, Shards: n, Settings: billingSet, ReadSettings: readSet, Command: e.commandLine()})
	rp.Stop()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "shard %d of %d (the users hashed to %d): %d records read, %d business messages billed, written to %s\n",
		k, n, k, m.Records, m.MessageCount, filepath.Join(o.Out, rebill.ReplayShardsDir))
	fmt.Fprintln(e.stdout, sweep.MergeNote(n, o.Out, mergeFlags))
	return nil
}

// checkPasses checks --passes against the flags it cannot go with.
func checkPasses(c *cli.Context) error {
	switch n, pricing := c.Int("passes"), c.String("pricing"); {
	case n < 1 || n > rebill.MaxPasses:
		return usagef("--passes must be between 1 and %d, got %d", rebill.MaxPasses, n)
	case n > 1 && (c.IsSet("workers") || c.IsSet("shard") || c.IsSet("shards") || c.String("restaff") != "" || strings.Contains(pricing, ",") || strings.EqualFold(pricing, "all")):
		return usagef("--passes bills one era of a plain replay, each pass on one core: not with --workers, --shard, --shards, --restaff or several eras")
	}
	return nil
}

// noteAuthIntl says, once, what --auth-intl-from without --primary-country means (not
// with -q): every recipient counts as international (docs/billing.md,
// "Authentication-international"), and, for a bill of one era (counted), how many of
// the charged authentication messages or conversations that made international.
func noteAuthIntl(c *cli.Context, w io.Writer, s *reports.ReplaySummary, counted bool) {
	if c.Bool("quiet") || c.String("auth-intl-from") == "" || c.String("primary-country") != "" {
		return
	}
	n := "note: --auth-intl-from " + c.String("auth-intl-from") + " without --primary-country: from that date every recipient counts as international, " +
		"and authentication messages pay the authentication-international rate wherever the market has one"
	if s != nil && counted {
		intl, dom := s.BillableByCategory[pricing.AuthenticationInternational.String()], s.BillableByCategory[pricing.Authentication.String()]
		if intl+dom > 0 {
			n += fmt.Sprintf(" (here %d of the %s, %.1f%%)", intl, words.Count(intl+dom, "charged authentication unit"), 100*float64(intl)/float64(intl+dom))
		}
	}
	fmt.Fprintln(w, n+"; give --primary-country CC, the country the business is based in, to bill its own customers at the domestic rate")
}
