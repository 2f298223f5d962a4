package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// rateFlags add rate cards and volume tiers to the built-in ones, for every command
// that bills: a missing rate is an error that points the user here. Fresh flags per
// command: urfave/cli keeps state in them.
func rateFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "rates", Value: "builtin", Usage: "builtin, or a rate `FILE` (spendsim's ratecards.csv layout, or Meta's rate card CSV with --rates-model/--rates-from) that adds to the built-in cards"},
		&cli.StringFlag{Name: "rates-model", Value: "PMP", Usage: "pricing model of a Meta rate card CSV: NBP, CBP or PMP"},
		&cli.StringFlag{Name: "rates-from", Usage: "effective `DATE` of a Meta rate card or tier CSV (it is not in the file)"},
		&cli.StringFlag{Name: "tiers", Usage: "volume-tier `FILE`: Meta's Tier Pricing CSV (with --rates-from) or spendsim's tiers.csv layout"},
	}
}

// userRates is what the rate flags named.
type userRates struct {
	name   string         // "builtin", or the rate file's base name
	book   *pricing.Book  // nil: no rate file
	tiers  *pricing.Tiers // nil: no tier file (list rates)
	digest string         // of the files' bytes; "" with none
	args   []string       // the rate flags as given, to repeat in a printed command
}

func readUserRates(c *cli.Context) (userRates, error) {
	u := userRates{name: "builtin"}
	var (
		from time.Time
		err  error
	)
	if s := c.String("rates-from"); s != "" {
		if from, err = time.Parse(time.DateOnly, s); err != nil {
			return u, usagef("--rates-from %q is not a date YYYY-MM-DD", s)
		}
	}
	h := sha256.New()
	if f := c.String("rates"); f != "builtin" && f != "" {
		data, kind, err := sniffFile(f)
		if err != nil {
			return u, err
		}
		if u.book, err = readRates(f, data, kind, c.String("rates-model"), from); err != nil {
			return u, err
		}
		u.name = filepath.Base(f)
		fmt.Fprintf(h, "rates %s %s %d\n", c.String("rates-model"), c.String("rates-from"), len(data))
		h.Write(data)
	}
	if f := c.String("tiers"); f != "" {
		data, kind, err := sniffFile(f)
		if err != nil {
			return u, err
		}
		if u.tiers, err = readTiers(f, data, kind, from); err != nil {
			return u, err
		}
		fmt.Fprintf(h, "tiers %s %d\n", c.String("rates-from"), len(data))
		h.Write(data)
	}
	if u.book != nil || u.tiers != nil {
		u.digest = hex.EncodeToString(h.Sum(nil)[:8])
	}
	for _, f := range []string{"rates", "rates-model", "rates-from", "tiers"} {
		if c.IsSet(f) {
			u.args = append(u.args, "--"+f, c.String(f))
		}
	}
	return u, nil
}

// merge lays the user's cards over base.
func (u userRates) merge(base *pricing.Book) (*pricing.Book, error) {
	if u.book == nil {
		return base, nil
	}
	return pricing.Merge(base, u.book)
}

// apply gives every job's billing the user's cards and tiers.
func (u userRates) apply(jobs []sim.Job) error {
	if u.book == nil && u.tiers == nil {
		return nil
	}
	merged := map[*pricing.Book]*pricing.Book{}
	done := map[*sim.Config]bool{}
	for i := range jobs {
		cfg := jobs[i].Config
		if done[cfg] {
			continue
		}
		done[cfg] = true
		b, ok := merged[cfg.Billing.Book]
		if !ok {
			var err error
			if b, err = u.merge(cfg.Billing.Book); err != nil {
				return err
			}
			merged[cfg.Billing.Book] = b
		}
		cfg.Billing.Book, cfg.Billing.Markets = b, b.Markets()
		if u.tiers != nil {
			cfg.Billing.Tiers = u.tiers
		}
	}
	return nil
}

func sniffFile(path string) ([]byte, pricing.FileKind, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	kind, err := pricing.Sniff(data[:min(len(data), 64<<10)])
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return data, kind, nil
}

// readRates reads a rate file of the given kind (sniffFile's) from its bytes.
func readRates(path string, data []byte, kind pricing.FileKind, modelName string, from time.Time) (*pricing.Book, error) {
	switch kind {
	case pricing.KindRateCards:
		return pricing.ReadBook(bytes.NewReader(data), filepath.Base(path))
	case pricing.KindMetaRates:
		if from.IsZero() {
			return nil, usagef("%s is Meta's rate card CSV, which does not say when it takes effect: pass --rates-from DATE", path)
		}
		var m pricing.Model
		switch strings.ToUpper(modelName) {
		case "NBP":
			m = pricing.NBP
		case "CBP":
			m = pricing.CBP
		case "PMP":
			m = pricing.PMP
		default:
			return nil, usagef("--rates-model %q is not one of NBP, CBP, PMP", modelName)
		}
		return pricing.ReadMetaCard(bytes.NewReader(data), filepath.Base(path), m, from)
	}
	return nil, usagef("%s is a %s file; --rates wants a rate card (use --tiers for volume tiers)", path, kind)
}

// readTiers reads a tier file of the given kind (sniffFile's) from its bytes.
func readTiers(path string, data []byte, kind pricing.FileKind, from time.Time) (*pricing.Tiers, error) {
	switch kind {
	case pricing.KindTiers:
		return pricing.ReadTiers(bytes.NewReader(data), filepath.Base(path))
	case pricing.KindMetaTiers:
		if from.IsZero() {
			return nil, usagef("%s is Meta's Tier Pricing CSV, which does not say when it takes effect: pass --rates-from DATE", path)
		}
		return pricing.ReadMetaTiers(bytes.NewReader(data), filepath.Base(path), from)
	}
	return nil, usagef("%s is a %s file; --tiers wants volume tiers", path, kind)
}
