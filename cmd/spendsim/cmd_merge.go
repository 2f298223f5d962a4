package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/rebill"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/reports"
)

func mergeCommand(e *env) *cli.Command {
	// A replay's parts are merged under the billing flags its shards had: replay's own.
	var billingFlags []cli.Flag
	for _, f := range replayCommand(e).Flags {
		if slices.Contains(billingFlagNames, f.Names()[0]) {
			if f.Names()[0] == "pricing" { // a merge settles one era: the shards' own
				f = onePricing(f, "the pricing era the shards were billed under: "+billing.EraNames())
			}
			billingFlags = append(billingFlags, f)
		}
	}
	return &cli.Command{
		Name:        "merge",
		Usage:       "combine the parts of a sharded run or replay into the outputs of an unsharded one",
		ArgsUsage:   "OUT",
		Description: helpText("merge"),
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "sla", Value: defaultSLA, Usage: "service-level target `EXPR`, as for spendsim run"},
			// Taken as run and replay take it, for one script's flags to fit all three.
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "accepted as by run and replay: merge writes no progress, and says what reading the parts left out even so, as replay does"},
		}, billingFlags...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("merge takes one output directory, got %d arguments", c.NArg())
			}
			sla, err := slaTarget(c.String("sla"))
			if err != nil {
				return err
			}
			dir := c.Args().First()
			replay, err := rebill.FindShards(dir)
			if err != nil {
				return err
			}
			if replay {
				return mergeReplay(c, e, dir)
			}
			if set := setFlags(c, billingFlagNames); len(set) > 0 {
				return usagef("%s %s a replay's billing flags: %s holds a run's shards, priced as they ran (their scenario, and the --rates and --tiers each shard was given); merge them without", strings.Join(set, ", "), words.Are(len(set)), dir)
			}
			var slaArgs []string // recorded as the unsharded run's manifest records it
			if c.IsSet("sla") {
				slaArgs = []string{"--sla", c.String("sla")}
			}
			res, err := sweep.Merge(dir, sla, slaArgs, e.version)
			if err != nil {
				return err
			}
			reports.WriteRunTable(e.stdout, res.Summary, res.RunInfo)
			if res.Note != "" { // even with -q: a query over the parts would count them
				fmt.Fprintln(e.stderr, "note: "+res.Note)
			}
			return nil
		},
	}
}

// mergeReplay merges the parts of a sharded replay in dir.
func mergeReplay(c *cli.Context, e *env, dir string) error {
	if c.IsSet("sla") {
		return usagef("--sla judges a run's service level: a replay has none")
	}
	opts, user, acc, err := billingOptions(c)
	if err != nil {
		return err
	}
	settings, _ := flagSettings(c, billingFlagNames, acc)
	s, err := rebill.MergeReplay(c.Context, rebill.MergeOptions{Out: dir, Billing: opts, Settings: settings, RateFiles: user.Files, Version: e.version})
	if err != nil {
		return err
	}
	reports.WriteReplayOrEras(e.stdout, s, nil)
	reports.WriteReadNotes(e.stderr, s.Counts()) // even with -q, as replay's: what the bill leaves out
	noteEntryPointUnused(e.stderr, s)
	noteOneAccount(c, e.stderr, s)
	return nil
}

// setFlags are those of names given on c's command line, as --name.
func setFlags(c *cli.Context, names []string) []string {
	var set []string
	for _, n := range names {
		if c.IsSet(n) {
			set = append(set, "--"+n)
		}
	}
	return set
}

// onePricing is replay's --pricing flag f, described as usage, for a command that bills
// under one era.
func onePricing(f cli.Flag, usage string) cli.Flag {
	p := *f.(*cli.StringFlag)
	p.Usage = usage
	return &p
}
