package billing

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// Sent is a kind of business message sent to customers in a country: what Unpriced
// checks the rate cards price.
type Sent struct {
	Country  [2]byte        // ISO 3166-1 alpha-2, upper case
	Kind     model.Kind     // model.Text: free-form, sent only inside the customer service window
	Category model.Category // a template's
	// Scheduled: the business sends these of its own accord (notifications, campaigns),
	// whatever its customers do, so a run surely sends some. Of several kinds that
	// meet one missing cell on a day, Unpriced reports a scheduled one that no counter
	// spares (UnpricedError.Unavoidable) over the others.
	Scheduled bool
}

// String says what s is in words: "authentication templates to customers in TR".
func (s Sent) String() string {
	what := "free-form messages"
	if s.Kind == model.Template {
		what = s.Category.String() + " templates"
	}
	return what + " to customers in " + string(s.Country[:])
}

// UnpricedError is a kind of message sent that Era's rules would charge, from At on,
// at a rate the card they read lacks.
type UnpricedError struct {
	Era  Era
	At   time.Time // the first day found, in the account's time zone
	Sent Sent
	Err  error // the Biller's: a *pricing.MissingRateError names the card, market and category, and the row to add
	// Unavoidable: no free tier or service allowance of o could make such a message
	// free (a template outside the window under PMP, or opening a CBP 2023 template
	// conversation): every one is charged at the missing cell, so a run that sends
	// one stops.
	Unavoidable bool
}

func (e *UnpricedError) Error() string {
	return fmt.Sprintf("billing: from %s the %s rules charge %s at a rate the card lacks: %s",
		e.At.Format(time.DateOnly), e.Era, e.Sent, strings.TrimPrefix(e.Err.Error(), "pricing: "))
}

func (e *UnpricedError) Unwrap() error { return e.Err }

// Unpriced says where the messages sent, on the days of [from, to), would meet a charge
// no rate card prices under o's rules: first the eras no card prices (Uncovered), then
// an *UnpricedError for each card, market and category a charge of theirs would need
// and the card in force lacks, at the first day found, in date order. It finds them by
// billing each kind of message sent, on each day the card in force, a country's
// market, or whether an authentication template to it is international (the start
// time, a market gaining that rate) changes, on a Biller of o's options with the free
// tiers and the service allowance off (every conversation and message charged): the
// cells are the ones the rules read, found by the rules themselves. A template is
// billed outside the customer service window and inside it, a free-form message inside
// it only. A run stops at the first such message it charges; one it never charges (a
// conversation the month's free tier covers, a message the allowance covers) needs no
// cell: an error is Unavoidable only where a Biller that counts as o says fails too,
// and even then a run stops only if it sends such a message. The error is New's for o.
func Unpriced(o Options, from, to model.Time, sent []Sent) ([]error, error) {
	o.StrictWindow, o.AtSendTime, o.NumberAccount, o.AccountPerNumber = false, false, nil, false
	// counted bills as o counts, free tiers and allowance on: where it fails too, no
	// counter could have spared the charge (UnpricedError.Unavoidable).
	counted, err := New(o)
	if err != nil {
		return nil, err
	}
	o.FreeConversationsPerMonth, o.ServiceAllowancePerNumber = -1, -1
	b, err := New(o)
	if err != nil {
		return nil, err
	}
	if b.markets == nil {
		return nil, errors.New("billing: Unpriced needs Options.Book or Options.Markets: the markets of the countries")
	}
	errs := b.Uncovered(from, to)
	type gap struct {
		era  Era
		card *pricing.Card
		mkt  string
		cat  pricing.Category
	}
	seen := map[gap]int{} // the gap's UnpricedError: errs[i]
	seenText := map[string]bool{}
	var lastCard *cardCache
	var lastEra Era
	mkts, last := make([]market.ID, len(sent)), make([]market.ID, len(sent))
	// Whether an authentication template to each country is international today: the
	// cell it needs changes when a market gains that rate, or the start time passes.
	intl, lastIntl := make([]bool, len(sent)), make([]bool, len(sent))
	var pair uint32
	// bill bills, on bl, the user's message m where the window is to be open, then the
	// business's message of kind s: uerr is the user's message's error, err the other's.
	bill := func(bl *Biller, m model.Message, s Sent, open bool) (uerr, err error) {
		if open {
			if _, err := bl.Bill(&m); err != nil {
				return err, nil
			}
		}
		m.Direction, m.Kind, m.Category, m.Status = model.FromBusiness, s.Kind, s.Category, model.Delivered
		_, err = bl.Bill(&m)
		return nil, err
	}
	b.eachDay(from, to, func(t model.Time, day time.Time, e Era, cc *cardCache, err error) {
		if err != nil {
			return // Uncovered names the era
		}
		eligible := b.authIntl && t >= b.authIntlFrom
		for i, s := range sent {
			mkts[i] = b.markets.ForCountryIn(string(s.Country[:]), t, b.loc)
			intl[i] = eligible && s.Kind == model.Template && s.Category == model.Authentication &&
				s.Country != b.primary && b.intlOn(uint16(mkts[i]), t).ok
		}
		if cc == lastCard && e == lastEra && slices.Equal(mkts, last) && slices.Equal(intl, lastIntl) {
			return // what was billed yesterday
		}
		lastCard, lastEra = cc, e
		copy(last, mkts)
		copy(lastIntl, intl)
		for i, s := range sent {
			for _, open := range []bool{false, true} {
				if s.Kind == model.Text && !open {
					continue
				}
				pair++
				m := model.Message{TS: t, Pair: pair, Market: uint16(mkts[i]), Country: s.Country, Direction: model.FromUser}
				uerr, err := bill(b, m, s, open)
				if uerr != nil {
					errs = append(errs, uerr)
					return
				}
				if err == nil {
					continue
				}
				var mr *pricing.MissingRateError
				if errors.As(err, &mr) {
					k := gap{e, mr.Card, mr.Market, mr.Category}
					if i, ok := seen[k]; ok {
						// Of the kinds that meet one gap on its first day, report the one
						// a run is surest to meet: scheduled, and with no counter to spare it.
						if old := errs[i].(*UnpricedError); old.At.Equal(day) && !(old.Unavoidable && old.Sent.Scheduled) && s.Scheduled {
							if uerr, cerr := bill(counted, m, s, open); uerr == nil && cerr != nil {
								errs[i] = &UnpricedError{Era: e, At: day, Sent: s, Err: err, Unavoidable: true}
							}
						}
						continue
					}
					seen[k] = len(errs)
				} else if seenText[err.Error()] {
					continue
				} else {
					seenText[err.Error()] = true
				}
				uerr, cerr := bill(counted, m, s, open)
				errs = append(errs, &UnpricedError{Era: e, At: day, Sent: s, Err: err, Unavoidable: uerr == nil && cerr != nil})
			}
		}
	})
	return errs, nil
}
