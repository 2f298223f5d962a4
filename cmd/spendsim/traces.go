package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// traceFlag is --trace, for the commands that read a trace; what says what it is for
// ("the trace (required)"). Fresh per command: urfave/cli keeps state in flags.
func traceFlag(what string) cli.Flag {
	return &cli.StringSliceFlag{Name: "trace", Aliases: []string{"t"},
		Usage: what + ": a `FILE` (.csv, .jsonl, .parquet; .csv.gz, .jsonl.zst…), a folder (a Hive-partitioned Parquet dataset too), a quoted glob, or - for standard input; repeat it, or name more files after the flags, to read several as one, merged by ts"}
}

// readFlags say how a trace is read.
func readFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Usage: "csv, jsonl, parquet or webhook (default: by extension and content)"},
		&cli.StringFlag{Name: "mapping", Usage: "column-mapping YAML `FILE` for a foreign CSV log"},
		&cli.StringFlag{Name: "delimiter", Usage: "the CSV field separator: one `CHARACTER` (';', '|') or tab (default: the mapping's, else ',')"},
		&cli.BoolFlag{Name: "sort", Usage: "accept a trace not sorted by ts (external sort through temp files)"},
		&cli.BoolFlag{Name: "skip-invalid", Usage: "skip and count invalid rows instead of stopping at the first (the count and the first reasons go to stderr)"},
		&cli.StringFlag{Name: "default-country", Usage: "`COUNTRY` (ISO alpha-2) of users known by an id that is not a phone number (groups, business-scoped user ids) whose row names none"},
		&cli.BoolFlag{Name: "country-overrides", Usage: "let a country column that contradicts the user's phone number decide (counted) instead of failing"},
	}
}

// dedupWindowFlag is --dedup-window, how many message ids a replay remembers to drop
// repeats (trace.Options.DedupWindow).
func dedupWindowFlag() cli.Flag {
	return &cli.IntFlag{Name: "dedup-window", Value: trace.DefaultDedupWindow,
		Usage: fmt.Sprintf("remember the last `N` to 2N message ids to drop repeats (a retry, a later status): a repeat further apart is billed again, and summary.json's duplicate_check says how far back the check reached; each id costs about %d bytes of memory (1000000: about %d MB), at most %d", trace.DedupIDBytes, trace.DedupIDBytes, trace.MaxDedupWindow)}
}

// traceOptions reads the trace flags: the traces (every --trace, then the arguments
// after the flags, as a shell expands an unquoted glob) and how to read them.
func traceOptions(c *cli.Context) ([]string, trace.Options, error) {
	var o trace.Options
	traces := c.StringSlice("trace")
	if len(traces) == 0 {
		return nil, o, usagef("required flag --trace not set")
	}
	traces = append(traces, c.Args().Slice()...)
	if err := checkFormat(c); err != nil {
		return nil, o, err
	}
	o = trace.Options{Format: c.String("format"), SkipInvalid: c.Bool("skip-invalid"), Sort: c.Bool("sort"),
		CountryOverrides: c.Bool("country-overrides")}
	if d := c.String("delimiter"); d != "" {
		r, err := trace.ParseDelimiter(d)
		if err != nil {
			return nil, o, usagef("--delimiter: %v", err)
		}
		o.Delimiter = r
	}
	if c.IsSet("dedup-window") {
		n := c.Int("dedup-window")
		if trace.CheckDedupWindow(n) != nil {
			return nil, o, usagef("--dedup-window must be between 1 and %d message ids, got %d", trace.MaxDedupWindow, n)
		}
		o.DedupWindow = n
	}
	var err error
	if o.DefaultCountry, err = defaultCountry(c); err != nil {
		return nil, o, err
	}
	if m := c.String("mapping"); m != "" {
		if o.Mapping, err = trace.LoadMapping(m); err != nil {
			return nil, o, usageError{err}
		}
	}
	_, notRead, err := trace.Listing(traces)
	if err != nil { // said here, naming the flag
		return nil, o, fmt.Errorf("--trace %w", err)
	}
	// Even with -q, as the read notes are: the bill leaves these files out.
	for _, line := range trace.NotReadNotes(notRead) {
		fmt.Fprintln(c.App.ErrWriter, "note: --trace "+line)
	}
	return traces, o, nil
}

// defaultCountry reads --default-country: an ISO 3166-1 alpha-2 code, or "".
func defaultCountry(c *cli.Context) (string, error) {
	dc := c.String("default-country")
	if dc == "" {
		return "", nil
	}
	cc, err := market.CheckCountry(dc)
	if err != nil {
		return "", usagef("--default-country: %v", err)
	}
	return cc, nil
}
