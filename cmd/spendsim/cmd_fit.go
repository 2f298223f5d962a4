package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/safefile"
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
                        weekday, entry-point shares, notifications per template category
   agents               response_time: lognormal, gamma and exponential fitted by maximum
                        likelihood, the lowest AIC chosen (each log-likelihood on stderr)

A user message starts a conversation unless the user's current one is waiting for a
reply (to a message under 24 h old) or had its last message under --session-gap ago;
a text, or a utility or marketing template, answers the oldest waiting user message.
The scenario loads with spendsim validate and runs with spendsim run. Memory grows with
users, not messages.

Examples:
   spendsim fit --trace messages.parquet -o fitted.yaml --timezone America/Sao_Paulo
   spendsim fit --trace twcs.csv --mapping twcs.yaml --sort --skip-invalid -o twcs.yaml
   spendsim generate small -o small.csv && spendsim fit --trace small.csv -o back.yaml --timezone America/Sao_Paulo`,
		Flags: slices.Concat([]cli.Flag{
			traceFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "scenario `FILE` to write (required)"},
			&cli.StringFlag{Name: "timezone", Value: "UTC", Usage: "business time `ZONE`: the horizon's days and the profiles are local to it"},
		}, readFlags(), []cli.Flag{
			&cli.DurationFlag{Name: "session-gap", Value: fit.DefaultSessionGap, Usage: "a user message this long after the last message of a conversation not waiting for a reply starts a new one"},
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
			out := c.String("out")
			name := c.String("name")
			if name == "" {
				name = scenarios.NameFromFile(out)
			} else if !scenarios.ValidName(name) {
				return usagef("--name %q must be lower-case letters, digits, - or _", name)
			}
			return fitTrace(e, traces, topts, fit.Options{Location: loc, SessionGap: c.Duration("session-gap")}, out, name, c.Bool("quiet"))
		},
	}
}

func fitTrace(e *env, traces []string, topts trace.Options, o fit.Options, out, name string, quiet bool) error {
	res, err := fit.File(traces, topts, o, name)
	if err != nil {
		return err
	}
	if !quiet {
		printFamilies(e, "response time", res.Response)
		if res.ThinkErr == nil {
			printFamilies(e, "think time", res.Think)
		}
	}
	e.noteReadPast(res.Counts)
	if err := safefile.WriteFile(out, res.YAML); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d records, %d users, %d conversations (%.4g an hour), %.3g user messages each; response time %s (median %.4g s); scenario %s written to %s\n",
		res.Source, res.Records, res.Users, res.Conversations, res.ConversationsPerHour(), res.MessagesMean,
		res.Response.Families[res.Response.Best].Kind, res.Response.Families[res.Response.Best].MedianS, name, out)
	return nil
}

func printFamilies(e *env, what string, f fit.Fitted) {
	fmt.Fprintf(e.stderr, "%s, %d samples (empirical median %.4g s):\n", what, f.N, f.MedianS)
	for i, fam := range f.Families {
		mark := ""
		if i == f.Best {
			mark = "  <- chosen (lowest AIC)"
		}
		fmt.Fprintf(e.stderr, "  %-11s log-likelihood %14.2f  AIC %14.2f  %s%s\n", fam.Kind, fam.LogLik, fam.AIC, fam.Params, mark)
	}
}
