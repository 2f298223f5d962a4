package main

import (
	"errors"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/model/pricing"
)

// rateFlags add rate cards and volume tiers to the built-in ones, for every command
// that bills: a missing rate is an error that points the user here. Fresh flags per
// command: urfave/cli keeps state in them.
func rateFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "rates", Value: "builtin", Usage: "builtin, or a rate `FILE` (spendsim's ratecards.csv layout, or Meta's rate card CSV with --rates-model/--rates-from) that adds to the built-in cards"},
		&cli.StringFlag{Name: "rates-model", Value: "PMP", Usage: "pricing model of a Meta rate card CSV: CBP or PMP"},
		&cli.StringFlag{Name: "rates-from", Usage: "effective `DATE` of a Meta rate card or tier CSV (it is not in the file)"},
		&cli.StringFlag{Name: "tiers", Usage: "volume-tier `FILE`: Meta's Tier Pricing CSV (with --rates-from) or spendsim's tiers.csv layout"},
		&cli.BoolFlag{Name: "decimal-comma", Usage: "the --rates and --tiers files write decimals with a comma and group thousands with dots (0,0625; 1.940,13), fields separated by ';' or ',', as a spreadsheet in such a locale exports them"},
	}
}

// readUserRates reads the files the rate flags name and lays them over the built-in
// cards; with none, the overlay is empty.
func readUserRates(c *cli.Context) (*pricing.Overlay, error) {
	f := pricing.UserFiles{Model: c.String("rates-model"), DecimalComma: c.Bool("decimal-comma")}
	if s := c.String("rates-from"); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, usagef("--rates-from %q is not a date YYYY-MM-DD", s)
		}
		f.From = d
	}
	var err error
	if r := c.String("rates"); r != "builtin" && r != "" {
		if f.RatesData, err = limits.ReadFile(r, limits.RateFile, "a rate file"); err != nil {
			return nil, err
		}
		f.Rates = r
	}
	if t := c.String("tiers"); t != "" {
		if f.TiersData, err = limits.ReadFile(t, limits.RateFile, "a tier file"); err != nil {
			return nil, err
		}
		f.Tiers = t
	}
	o, err := pricing.NewOverlay(f)
	var oe *pricing.OverlayError
	if errors.As(err, &oe) {
		return nil, usageError{err}
	}
	return o, err
}

// rateArgs are the rate flags as given, to repeat in a printed command.
func rateArgs(c *cli.Context) []string {
	var args []string
	for _, f := range []string{"rates", "rates-model", "rates-from", "tiers"} {
		if c.IsSet(f) {
			args = append(args, "--"+f, c.String(f))
		}
	}
	if c.Bool("decimal-comma") {
		args = append(args, "--decimal-comma")
	}
	return args
}
