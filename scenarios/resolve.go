package scenarios

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// Config resolves a valid scenario into the engine's configuration, with the built-in
// market table and rate cards, and the user's cards and tiers over them (rates; nil:
// none).
func (s *Scenario) Config(rates *pricing.Overlay) (*sim.Config, error) {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone: %w", err)
	}
	// Dates are civil dates: the day starts at local midnight, or where a
	// daylight-saving change skips midnight, at the end of the gap.
	civil, err := time.Parse(time.DateOnly, s.Start)
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	y, m, d := civil.Date()
	day := model.DayStart(y, m, d, loc)
	era, err := billing.ParseEra(s.Pricing)
	if err != nil {
		return nil, fmt.Errorf("pricing: %w", err)
	}
	book, err := rates.Cards()
	if err != nil {
		return nil, err
	}
	if err := rates.CheckCurrency(s.Currency); err != nil {
		return nil, &Error{File: s.Name, Problems: []string{"currency: " + err.Error()}}
	}
	markets := market.Builtin()
	billingMarkets, tiers := markets, (*pricing.Tiers)(nil)
	if !rates.Empty() {
		billingMarkets, tiers = book.Markets(), rates.Tiers
	}
	var authFrom model.Time
	if d := s.Business.AuthIntlFrom; d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return nil, fmt.Errorf("business.auth_intl_from: %w", err)
		}
		authFrom = model.FromStd(model.DayStart(t.Year(), t.Month(), t.Day(), loc))
	}
	end := model.DayStart(y, m, d+s.Days, loc)
	warmup, err := s.WarmupDays()
	if err != nil {
		return nil, fmt.Errorf("warmup: %w", err)
	}
	var growth []load.Step
	var periods []model.Time
	if f := s.Forecast; f != nil {
		end = model.MonthsOn(y, m, d, f.Months, loc)
		for k := 1; k < f.Months; k++ {
			at := model.FromStd(model.MonthsOn(y, m, d, k, loc))
			growth = append(growth, load.Step{At: at, Factor: math.Pow(1+f.GrowthPerMonth, float64(k))})
			periods = append(periods, at)
		}
	}
	return &sim.Config{
		Start:         model.FromStd(day),
		End:           model.FromStd(end),
		Warmup:        model.FromStd(day) - model.FromStd(model.DayStart(y, m, d-warmup, loc)),
		Growth:        growth,
		Periods:       periods,
		Levels:        load.LevelSteps(s.Load.Levels, loc),
		Location:      loc,
		Customers:     s.Customers.Count,
		Countries:     s.Customers.Countries,
		Profile:       s.Load.Profile,
		Conversation:  s.Load.Conversation,
		EntryPoints:   s.Load.EntryPoints,
		Staffing:      s.Agents,
		Notifications: s.Load.Notifications,
		Campaigns:     s.Load.Campaigns,
		Blocking:      s.Blocking,
		Markets:       markets,
		Billing: billing.Options{
			Era:      era,
			Book:     book,
			Markets:  billingMarkets,
			Tiers:    tiers,
			Currency: s.Currency,
			Location: loc,

			PrimaryCountry:            s.Business.PrimaryCountry,
			AuthIntlFrom:              authFrom,
			ServiceAllowancePerNumber: billing.ServiceAllowance(s.Business.ServiceAllowance),
			EntryPointV1:              model.Time(s.Business.EntryPointHours) * model.Hour,
		},
	}, nil
}

// Jobs expands the scenario into runs: every sweep point × replication, in that
// order, billed with the user's rates over the built-in cards (nil: none). Replication
// r of every point uses the same seed, so points are compared on common random
// numbers: the same customers arriving at the same times. An lhs sweep's points are
// drawn from seed too.
func (s *Scenario) Jobs(seed uint64, rates *pricing.Overlay) ([]sim.Job, error) {
	if err := rates.CheckCurrency(s.Currency); err != nil {
		return nil, &Error{File: s.Name, Problems: []string{"currency: " + err.Error()}}
	}
	points, err := s.points(seed)
	if err != nil {
		return nil, err
	}
	jobs := make([]sim.Job, 0, len(points)*s.Replications)
	for _, p := range points {
		cfg, err := p.Scenario.Config(rates)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.ID, err)
		}
		for r := 0; r < s.Replications; r++ {
			id := p.ID
			if s.Replications > 1 {
				id = fmt.Sprintf("%s/r%d", p.ID, r)
			}
			jobs = append(jobs, sim.Job{
				ID: id, PointLabel: p.ID, Point: p.Index, Replication: r,
				Seed: sim.DeriveSeed(seed, uint64(r)), Params: p.Params, Config: cfg,
			})
		}
	}
	return jobs, nil
}

// CardGaps says where a run of the scenario would meet a charge no rate card prices,
// with the built-in cards and the user's rates over them (rates; nil: none), as
// warnings to print: days of an era for which the book has no card in the scenario's
// currency, and cells — a market and category the run's messages would be charged in
// — that the card in force lacks (billing.Unpriced, over the days a run bills, its
// warm-up's included, and the messages it sends: sim.Config.Sends). The days a run
// bills go on after the horizon, in the drain, while its last conversations are
// answered (sim.Config.DrainSends): what only those days meet, up to sim.MaxDrain
// after the end, is warned of apart, as most runs finish the drain within days. One
// line each, across sweep points, naming the era, the market and category, and what
// to pass. A run stops at the first message it charges there; one that charges none
// needs no card or cell, so most are warnings (gaps). Those a run is sure to meet are
// failures (fails): a cell of the horizon that a notification's or campaign's template
// needs (sent whatever the customers do) and that no free tier or service allowance
// could spare (billing.UnpricedError.Unavoidable). A single era with no card at all is
// an *Error naming file: no run of it starts.
func (s *Scenario) CardGaps(rates *pricing.Overlay, file string) (gaps, fails []string, err error) {
	points, err := s.Points()
	if err != nil {
		return nil, nil, err
	}
	add := func(lead string, e error, horizon bool) {
		m := lead + strings.TrimPrefix(e.Error(), "billing: ")
		if slices.Contains(gaps, m) || slices.Contains(fails, m) {
			return
		}
		if ue := (*billing.UnpricedError)(nil); errors.As(e, &ue) && ue.Unavoidable && ue.Sent.Scheduled && horizon {
			fails = append(fails, m)
			return
		}
		gaps = append(gaps, m)
	}
	for _, p := range points {
		cfg, err := p.Scenario.Config(rates)
		if err != nil {
			return nil, nil, err
		}
		errs, err := billing.Unpriced(cfg.Billing, cfg.Start-cfg.Warmup, cfg.End, cfg.Sends())
		if err != nil {
			// No card at all for a single era's rules: no run starts.
			return nil, nil, &Error{File: file, Problems: []string{file + ": pricing: " + strings.TrimPrefix(err.Error(), "billing: ")}}
		}
		for _, e := range errs {
			add(gapLead(e, "a run"), e, true)
		}
		// The drain's: over the same first days, so that a card or era already found in
		// the horizon is not found again; what is found first on a day after End, or is
		// an era the horizon never reads, is the drain's alone.
		drain, err := billing.Unpriced(cfg.Billing, cfg.Start-cfg.Warmup, cfg.End+sim.MaxDrain, cfg.DrainSends())
		if err != nil {
			return nil, nil, err
		}
		for _, e := range drain {
			var ue *billing.UnpricedError
			if errors.As(e, &ue) && model.FromStd(ue.At) < cfg.End || !errors.As(e, &ue) && slices.ContainsFunc(errs, func(h error) bool { return h.Error() == e.Error() }) {
				continue
			}
			add(gapLead(e, drainRun), e, false)
		}
	}
	return gaps, fails, nil
}

// drainRun is the run a warning of the drain's days speaks of.
var drainRun = fmt.Sprintf("a run still answering its last conversations after the horizon (the drain, at most %d days)", int64(sim.MaxDrain/model.Day))

// gapLead is what a warning of CardGaps says before the billing error e: that run (a
// run, or one in its drain) stops, and where.
func gapLead(e error, run string) string {
	var ue *billing.UnpricedError
	if errors.As(e, &ue) {
		return run + " stops at the first message it charges that no rate card cell prices: "
	}
	return run + " stops at the first message it charges on days no rate card prices: "
}
