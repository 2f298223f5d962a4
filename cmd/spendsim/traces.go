package main

import (
	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/scenarios/trace"
)

// traceFlag is --trace, for the commands that read a trace. Fresh per command:
// urfave/cli keeps state in flags.
func traceFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "trace", Aliases: []string{"t"},
		Usage: "the trace (required): a `FILE` (.csv, .jsonl, .parquet; .csv.gz, .jsonl.zst…), a folder (a Hive-partitioned Parquet dataset too), a quoted glob, or - for standard input; repeat it, or name more files after the flags, to read several as one, merged by ts"}
}

// readFlags say how a trace is read.
func readFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Usage: "csv, jsonl, parquet or webhook (default: by extension and content)"},
		&cli.StringFlag{Name: "mapping", Usage: "column-mapping YAML `FILE` for a foreign CSV log"},
		&cli.StringFlag{Name: "delimiter", Usage: "the CSV field separator: one `CHARACTER` (';', '|') or tab (default: the mapping's, else ',')"},
		&cli.BoolFlag{Name: "sort", Usage: "accept a trace not sorted by ts (external sort through temp files)"},
		&cli.BoolFlag{Name: "skip-invalid", Usage: "skip and count invalid rows instead of stopping at the first (the count and the first reasons go to stderr)"},
		&cli.BoolFlag{Name: "country-overrides", Usage: "let a country column that contradicts the user's phone number decide (counted) instead of failing"},
	}
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
	if m := c.String("mapping"); m != "" {
		var err error
		if o.Mapping, err = trace.LoadMapping(m); err != nil {
			return nil, o, usageError{err}
		}
	}
	return traces, o, nil
}
