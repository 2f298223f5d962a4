package main

import (
	"slices"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/scenarios/fit"
	"github.com/spendsim/spendsim/scenarios/trace"
)

func fitCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "fit",
		Usage:     "estimate a scenario from a message trace",
		ArgsUsage: " ",
		Description: `Reads a trace (any format replay reads, a foreign CSV through --mapping) once, in time
order, and writes a commented scenario estimated from it:

   start, days          the local days the trace covers (--timezone)
   customers            distinct users, and their share by country
   load                 conversations per customer per month, user messages per
                        conversation, think time, the arrival profile by local hour and
                        weekday, levels: the daily volume's stretches (surges, quiet
                        seasons), entry-point shares, notifications per template category
   agents               a shift from when the replies went out, its headcount and cost
                        (--cost-per-hour, a placeholder), the wait for a first reply
                        (lognormal, with a lognormal tail or not, gamma, exponential, each
                        with a share never answered or not, fitted by censored maximum
                        likelihood, the lowest AIC chosen; each on stderr) and the share
                        never answered (ignore_share)

A user message starts a conversation unless the user's current one is waiting for a
reply (to a message under 24 h old) or had its last message under --session-gap ago;
a text, or a utility or marketing template, answers the oldest waiting user message.
A conversation with no first reply within --follow-up counts as unanswered: its wait
is censored where the trace stops following it (its end, the user's next conversation,
or --follow-up on). The scenario loads with spendsim validate and runs with spendsim
run. Memory grows with users, not messages.

Examples:
   spendsim fit --trace messages.parquet -o fitted.yaml --timezone America/Sao_Paulo --cost-per-hour 12.50
   spendsim fit --trace twcs.csv --mapping twcs.yaml --sort --skip-invalid -o twcs-fitted.yaml
   spendsim generate small -o small.csv && spendsim fit --trace small.csv -o back.yaml --timezone America/Sao_Paulo`,
		Flags: slices.Concat([]cli.Flag{
			traceFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "scenario `FILE` to write (required)"},
			&cli.StringFlag{Name: "timezone", Value: "UTC", Usage: "business time `ZONE`: the horizon's days and the profiles are local to it"},
		}, readFlags(), []cli.Flag{
			&cli.DurationFlag{Name: "session-gap", Value: fit.DefaultSessionGap, Usage: "a user message this long after the last message of a conversation not waiting for a reply starts a new one"},
			&cli.DurationFlag{Name: "follow-up", Value: fit.DefaultFollowUp, Usage: "a conversation with no first reply this long after it started counts as unanswered"},
			&cli.StringFlag{Name: "cost-per-hour", Value: money.Exact(fit.DefaultCostPerHour), Usage: "what an agent-hour costs, in the scenario's currency (USD): the trace does not say, so this is a placeholder to set"},
			&cli.StringFlag{Name: "name", Usage: "scenario `NAME` (default: from -o)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
		}),
		Action: func(c *cli.Context) error {
			traces, topts, err := traceOptions(c)
			if err != nil {
				return err
			}
			if err := required(c, "out"); err != nil {
				return err
			}
			tz := c.String("timezone")
			loc, err := time.LoadLocation(tz)
			if err != nil || tz == "Local" || tz == "" {
				return usagef("--timezone %q is not an IANA time zone like Europe/Berlin", tz)
			}
			if c.Duration("session-gap") <= 0 {
				return usagef("--session-gap must be > 0, got %s", c.Duration("session-gap"))
			}
			if c.Duration("follow-up") <= 0 {
				return usagef("--follow-up must be > 0, got %s", c.Duration("follow-up"))
			}
			cost, err := money.Parse(c.String("cost-per-hour"))
			if err != nil || cost <= 0 {
				return usagef("--cost-per-hour %q is not an amount above 0 like 20 or 12.50", c.String("cost-per-hour"))
			}
			out := c.String("out")
			name := c.String("name")
			if name == "" {
				name = scenarios.NameFromFile(out)
			} else if !scenarios.ValidName(name) {
				return usagef("--name %q must be lower-case letters, digits, - or _", name)
			}
			return fitTrace(e, traces, topts, fit.Options{Location: loc, SessionGap: c.Duration("session-gap"),
				FollowUp: c.Duration("follow-up"), CostPerHour: cost}, out, name, c.Bool("quiet"))
		},
	}
}

func fitTrace(e *env, traces []string, topts trace.Options, o fit.Options, out, name string, quiet bool) error {
	res, err := fit.File(traces, topts, o, name)
	if err != nil {
		return err
	}
	if !quiet {
		reports.WriteFitFamilies(e.stderr, res)
	}
	reports.WriteReadNotes(e.stderr, res.Counts)
	if err := res.Write(out); err != nil {
		return err
	}
	reports.WriteFitSummary(e.stdout, res, name, out)
	return nil
}
