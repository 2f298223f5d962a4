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
		Name:        "fit",
		Usage:       "estimate a scenario from a message trace",
		ArgsUsage:   " ",
		Description: helpText("fit"),
		Flags: slices.Concat([]cli.Flag{
			traceFlag("the trace (required)"),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "scenario `FILE` to write (required)"},
			&cli.StringFlag{Name: "timezone", Value: "UTC", Usage: "business time `ZONE`: the horizon's days and the profiles are local to it"},
		}, readFlags(), []cli.Flag{
			dedupWindowFlag(), // the read notes name it when the window did not reach
			&cli.DurationFlag{Name: "session-gap", Value: fit.DefaultSessionGap, Usage: "a user message this long after the last message of a conversation not waiting for a reply starts a new one"},
			&cli.DurationFlag{Name: "follow-up", Value: fit.DefaultFollowUp, Usage: "a conversation with no first reply this long after it started counts as unanswered"},
			&cli.DurationFlag{Name: "bot", Usage: "the business runs a bot: a text within `DURATION` of the customer's message, before the team's first reply, is the bot's (agents.bot), not the team's reply", DefaultText: "none"},
			&cli.StringFlag{Name: "cost-per-hour", Value: money.Exact(fit.DefaultCostPerHour), Usage: "what an agent-hour costs, in the scenario's currency (USD): the trace does not say, so this is a placeholder to set"},
			&cli.IntFlag{Name: "concurrency", Value: 1, Usage: "chats one agent holds at once: where the trace shows the team behind, it shows how many chats the team held at once, and the headcount is those over `N`"},
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
			if c.IsSet("bot") && c.Duration("bot") <= 0 {
				return usagef("--bot must be > 0, got %s", c.Duration("bot"))
			}
			if c.Int("concurrency") < 1 {
				return usagef("--concurrency must be at least 1, got %d", c.Int("concurrency"))
			}
			var cost money.Micros // unset: fit's default, written as a placeholder
			if c.IsSet("cost-per-hour") {
				if cost, err = money.Parse(c.String("cost-per-hour")); err != nil || cost <= 0 {
					return usagef("--cost-per-hour %q is not an amount above 0 like 20 or 12.50", c.String("cost-per-hour"))
				}
			}
			out := c.String("out")
			if err := fit.CheckOut(out); err != nil {
				return usageError{err}
			}
			name := c.String("name")
			if name == "" {
				name = scenarios.NameFromFile(out)
			} else if !scenarios.ValidName(name) {
				return usagef("--name %q must be lower-case letters, digits, - or _", name)
			}
			return fitTrace(e, traces, topts, fit.Options{Location: loc, SessionGap: c.Duration("session-gap"),
				FollowUp: c.Duration("follow-up"), CostPerHour: cost, Bot: c.Duration("bot"), Concurrency: givenConcurrency(c)}, out, name, c.Bool("quiet"))
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
	reports.WriteFitWarnings(e.stderr, res)
	if err := res.Write(out); err != nil {
		return err
	}
	reports.WriteFitSummary(e.stdout, res, name, out)
	return nil
}

// givenConcurrency is fit's --concurrency where the user gave it, else 0 (the default
// scenario's, 1): a note says so where a given one changed nothing.
func givenConcurrency(c *cli.Context) int {
	if c.IsSet("concurrency") {
		return c.Int("concurrency")
	}
	return 0
}
