package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/reports"
)

// The billing decisions of docs/billing.md that a replay's flags set beside the era,
// zone and rates: which time the rules are evaluated at, which business account each
// number's free tiers and volume tiers count in, and how long a CBP 2022 free entry
// point lasts.

// scopeFlags are replay's flags for those decisions (reconcile and merge take them
// from replay's list).
func scopeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "at-send-time", Usage: "evaluate the rules at each message's send time (ts), not its delivery time (delivered_ts): the window, era, card, market and month"},
		&cli.BoolFlag{Name: "account-per-number", Usage: "bill each business number as an account of its own, with its own CBP free tier and volume tiers (else every number of the trace is one account)"},
		&cli.StringFlag{Name: "accounts", Usage: "CSV `FILE` of number,account lines: the business account of each business number of the trace, whose numbers share free tiers and volume tiers"},
		&cli.IntFlag{Name: "entry-point-hours", DefaultText: "24, 72 from 2023-03-01", Usage: "how long a CBP 2022 free entry point conversation lasts, `HOURS` 24 or 72, whatever its date"},
	}
}

// scopeOptions sets o's scope decisions from the flags, and returns the --accounts
// file as read (nil for none): the one reading of it that bills, and that the settings
// of shards and merge and manifest.json record, so that a file changed mid-run cannot be
// recorded with other bytes than those billed.
func scopeOptions(c *cli.Context, o *billing.Options) (*accountsFile, error) {
	o.AtSendTime = c.Bool("at-send-time")
	if o.AtSendTime && c.String("restaff") != "" {
		return nil, usagef("--at-send-time cannot go with --restaff, which measures the trace's replies in and out of the window at their delivery time")
	}
	switch h := c.Int("entry-point-hours"); h {
	case 0: // by date
	case 24, 72:
		o.EntryPointV1 = model.Time(h) * model.Hour
	default:
		return nil, usagef("--entry-point-hours must be 24 or 72 (Meta's two lengths of a CBP 2022 free entry point conversation), got %d", h)
	}
	path := c.String("accounts")
	if path != "" && c.Bool("account-per-number") {
		return nil, usagef("--accounts and --account-per-number both say which account each number is in: give one")
	}
	o.AccountPerNumber = c.Bool("account-per-number")
	if path == "" {
		return nil, nil
	}
	a, err := readAccounts(path)
	if err != nil {
		return nil, err
	}
	o.Numbers, o.NumberAccount = a.numbers, a.account
	return a, nil
}

// accountsFile is an --accounts file read: each number, in the file's order, and the
// index of its account among the file's accounts, in order of first mention.
type accountsFile struct {
	numbers []string
	account []uint16
	names   []string
	path    string // as given
	sha256  string // of the bytes read, hex
	size    int64
}

// input is the file as manifest.json records it with the trace; nil for none.
func (a *accountsFile) input() *reports.Input {
	if a == nil {
		return nil
	}
	return &reports.Input{Role: "accounts", Path: a.path, SHA256: a.sha256, Bytes: a.size}
}

// readAccountsData reads an --accounts file's bytes; a test watches it to see the file
// read once.
var readAccountsData = func(path string) ([]byte, error) {
	return limits.ReadFile(path, limits.MappingFile, "an accounts file")
}

// readAccounts reads an --accounts file: CSV lines number,account (a first line
// number,account is a header; # starts a comment line). Every number once.
func readAccounts(path string) (*accountsFile, error) {
	data, err := readAccountsData(path)
	if err != nil {
		return nil, usageError{err}
	}
	a := &accountsFile{path: path, sha256: fmt.Sprintf("%x", sha256.Sum256(data)), size: int64(len(data))}
	// A spreadsheet's "CSV UTF-8" starts with a byte order mark, which is no number.
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord, r.Comment, r.TrimLeadingSpace = -1, '#', true
	at := func(field int) string {
		line, col := r.FieldPos(field)
		return fmt.Sprintf("%s:%d:%d", path, line, col)
	}
	// number, '+' dropped as the trace's numbers are matched (market.NormNumber): its
	// line and spelling
	type firstSeen struct {
		line   int
		number string
	}
	seen := map[string]firstSeen{}
	accounts := map[string]uint16{}
	for first := true; ; first = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, usagef("--accounts %s:%d:%d: %v", path, pe.Line, pe.Column, pe.Err)
		}
		if err != nil {
			return nil, usagef("--accounts %s: %v", path, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if first && len(rec) == 2 && strings.EqualFold(rec[0], "number") && strings.EqualFold(rec[1], "account") {
			continue
		}
		line, _ := r.FieldPos(0)
		switch {
		case len(rec) != 2:
			return nil, usagef("--accounts %s: %s, want two: a business number (the trace's business column) and its account", at(0), words.Count(int64(len(rec)), "field"))
		case rec[0] == "":
			return nil, usagef("--accounts %s: no business number (the trace's business column; default for rows that give none)", at(0))
		case rec[1] == "":
			return nil, usagef("--accounts %s: no account for number %q", at(1), rec[0])
		}
		norm := market.NormNumber(rec[0])
		if f, ok := seen[norm]; ok {
			as := ""
			if f.number != rec[0] {
				as = fmt.Sprintf(" as %q, the same number with or without its +", f.number)
			}
			return nil, usagef("--accounts %s: number %q again (first on line %d%s): each number is in one account", at(0), rec[0], f.line, as)
		}
		if len(a.numbers) == 1<<16 {
			return nil, usagef("--accounts %s: more than 65536 numbers", at(0))
		}
		seen[norm] = firstSeen{line, rec[0]}
		id, ok := accounts[rec[1]]
		if !ok {
			id = uint16(len(a.names))
			accounts[rec[1]] = id
			a.names = append(a.names, rec[1])
		}
		a.numbers, a.account = append(a.numbers, rec[0]), append(a.account, id)
	}
	if len(a.numbers) == 0 {
		return nil, usagef("--accounts %s: no number,account lines", path)
	}
	return a, nil
}

// settingValue is flag n's value as the settings that shards and merge compare record
// it: --accounts by the content of acc, the file as billing read it (paths differ
// across machines), the others as given.
func settingValue(c *cli.Context, n string, acc *accountsFile) string {
	if n == "accounts" && acc != nil {
		return "sha256:" + acc.sha256
	}
	return fmt.Sprint(c.Value(n))
}

// noteEntryPointUnused says that --entry-point-hours changed nothing where no CBP 2022
// free entry point conversation opened (reports.ReplaySummary.EntryPointUnused): the
// flag sets no other era's length. Even with -q, as the note of a tier file that
// applied to nothing: the user asked for something the bill does not show.
func noteEntryPointUnused(w io.Writer, s *reports.ReplaySummary) {
	if s == nil || s.EntryPointUnused == 0 {
		return
	}
	fmt.Fprintf(w, "note: --entry-point-hours %d changed nothing: it sets the length of CBP 2022's free entry point conversations alone, and none opened (an ad or Page message answered under CBP 2022's rules opens one: delivered %s to %s, or on any date under --pricing cbp-2022)\n",
		s.EntryPointUnused, billing.EraCBP2022.Start().Format(time.DateOnly), cbp2022Last().Format(time.DateOnly))
}

// noteOneAccount says, once, that a trace's several business numbers were billed as one
// account (docs/billing.md, "Scope"), unless the user said so (--accounts) or -q.
func noteOneAccount(c *cli.Context, w io.Writer, s *reports.ReplaySummary) {
	if s == nil || s.Numbers < 2 || s.Accounts != 1 || c.String("accounts") != "" || c.Bool("quiet") {
		return
	}
	fmt.Fprintf(w, "note: %d business numbers billed as one account (free tiers and volume tiers shared); --account-per-number bills each as its own, --accounts FILE groups them\n", s.Numbers)
}
