package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

// Scenario is one what-if: a business, its customers and their behaviour, its support
// team, the pricing to bill under, and optionally a sweep over some of those numbers.
// Every field states its unit; Default gives every default.
type Scenario struct {
	Name        string `yaml:"name"`        // identifier, used for the output folder; [a-z0-9_-]
	Description string `yaml:"description"` // one line for `spendsim scenarios`
	Seed        uint64 `yaml:"seed"`        // random seed; 0 = pick one and print it
	Start       string `yaml:"start"`       // first day, YYYY-MM-DD, local midnight in Timezone
	Days        int    `yaml:"days"`        // horizon length in local calendar days; default 30
	// Warmup is simulated before start and counts nothing, so that the horizon starts
	// with the queue, windows and counters of a business already running: whole local
	// days, "7d"; default none (the first day starts with nobody waiting).
	Warmup       string `yaml:"warmup,omitempty" json:",omitempty"`
	Timezone     string `yaml:"timezone"`     // IANA zone of the business account; default UTC
	Currency     string `yaml:"currency"`     // rate-card currency; default USD
	Pricing      string `yaml:"pricing"`      // auto (default) or an era: one of billing.EraNames
	Replications int    `yaml:"replications"` // independent runs per sweep point; default 1

	Business  Business        `yaml:"business"`
	Customers Customers       `yaml:"customers"`
	Load      LoadSpec        `yaml:"load"`
	Agents    agents.Staffing `yaml:"agents"`
	// Blocking is what users and WhatsApp make of the business's templates: blocks,
	// quality, messaging limit, marketing cap. Default: all off.
	Blocking blocking.Spec `yaml:"blocking,omitempty" json:",omitzero"`
	Sweep    []Dimension   `yaml:"sweep"`
	// SweepMode is how Sweep expands: "grid" (default: every combination of the
	// dimensions' values) or "lhs" (a Latin hypercube of Samples points over each
	// dimension's min..max, drawn from the seed).
	SweepMode string `yaml:"sweep_mode" json:",omitempty"`
	Samples   int    `yaml:"samples" json:",omitempty"` // sweep points of an lhs sweep, 1 to 1000000
	// Forecast, when present, makes the horizon Forecast.Months calendar months from
	// Start, for `spendsim run` too, with a compounding monthly growth of the customer
	// base; `spendsim forecast` reports it month by month. Days is then the months'
	// length: a file that gives another days is an error (see horizon.go).
	Forecast *Forecast `yaml:"forecast" json:",omitempty"`

	// Source is where Load found it: the file as the user named it, or the embedded
	// example's name. Not part of the scenario: compare names two sides by it when
	// their names are the same.
	Source string `yaml:"-" json:"-"`
}

// Forecast is a multi-month horizon with growth.
type Forecast struct {
	Months int `yaml:"months"` // calendar months from start, 1 to 120
	// GrowthPerMonth is the customer base's growth per month, compounding: month m
	// (from 0) has customers.count × (1 + GrowthPerMonth)^m customers, and
	// conversations arrive in proportion. 0.03 = 3% a month; negative shrinks; above
	// -1 and under 1 (a 5 is a percent written as a number, not +500% a month).
	GrowthPerMonth float64 `yaml:"growth_per_month"`
}

// Validate reports problems, each prefixed by path.
func (f *Forecast) Validate(path string, customers int) []string {
	var errs []string
	if f.Months < 1 || f.Months > 120 {
		errs = append(errs, fmt.Sprintf("%s.months: must be between 1 and 120, got %d", path, f.Months))
	}
	g := f.GrowthPerMonth
	switch {
	case math.IsNaN(g) || math.IsInf(g, 0) || g <= -1:
		errs = append(errs, fmt.Sprintf("%s.growth_per_month: must be a share above -1 and under 1 (0.03 = 3%% a month), got %v", path, g))
	case g >= 1:
		// A percent written as a number (5 for 5%) would grow the base 500% a month.
		errs = append(errs, fmt.Sprintf("%s.growth_per_month: %v would be %+g%% a month: write %v for %v%% (a share under 1)", path, g, 100*g, g/100, g))
	case f.Months >= 1 && f.Months <= 120:
		if last := float64(customers) * math.Pow(1+g, float64(f.Months-1)); last > math.MaxInt32 {
			errs = append(errs, fmt.Sprintf("%s.growth_per_month: grows customers.count to %.0f by the last month, more than %d", path, last, math.MaxInt32))
		}
	}
	return errs
}

// Business is what billing needs to know about the business account itself.
type Business struct {
	PrimaryCountry string `yaml:"primary_country"` // ISO alpha-2 of the business's primary country, for authentication-international rates; "" = not eligible
	AuthIntlFrom   string `yaml:"auth_intl_from"`  // date (YYYY-MM-DD) the business became eligible for authentication-international rates; "" = never
	// ServiceAllowance is the free service messages per business number per month under
	// the rules from 2026-10-01; default 1000; 0 = none, as replay's --service-allowance
	// 0 (-1, which older files wrote for none, is none too).
	ServiceAllowance int `yaml:"service_allowance"`
	// EntryPointHours is how long a CBP 2022 free entry point conversation lasts, 24 or
	// 72, whatever its date, as replay's --entry-point-hours; 0 (default): 24 h before
	// 2023-03-01, 72 h from then on.
	EntryPointHours int `yaml:"entry_point_hours,omitempty" json:",omitempty"`
}

// Customers is the customer base.
type Customers struct {
	Count     int          `yaml:"count"`     // number of customers, >= 1
	Countries []load.Share `yaml:"countries"` // market mix by country
}

// LoadSpec is what customers do.
type LoadSpec struct {
	load.Conversation `yaml:",inline"`
	Profile           load.Profile `yaml:"profile"` // arrival-rate shape over the week; default flat
	// Levels scale the rate of customer-started conversations over ranges of local
	// days (a surge, a quiet season): {from, to, factor}, factor times the base rate
	// above on the days from..to, both included; other days keep the base. Default
	// none. Notifications and campaigns keep their own rates.
	Levels []load.Level `yaml:"levels,omitempty" json:",omitempty"`
	// Notifications are template streams the business sends at random (Poisson per
	// customer); Campaigns broadcasts on a schedule. Default none.
	Notifications []load.Notification `yaml:"notifications,omitempty" json:",omitempty"`
	Campaigns     []load.Campaign     `yaml:"campaigns,omitempty" json:",omitempty"`
	// EntryPoints is the share of customer-started conversations that came through a
	// click-to-WhatsApp ad or a Page button (free entry point); default none.
	EntryPoints load.EntryPoints `yaml:"entry_points"`
}

// Dimension is one axis of a sweep: a scenario field and the values it takes, numbers
// or, for a field that takes names (agents.late_reply, agents.priority, pricing),
// names.
type Dimension struct {
	Path   string       `yaml:"path"`   // field path, e.g. agents.shifts[0].headcount
	Name   string       `yaml:"name"`   // short label for run ids; default the path's last element
	Values []SweepValue `yaml:"values"` // grid sweeps: in the field's own unit (or names), in the order to run them
	// Min and Max bound an lhs sweep's dimension, in the field's own unit, inclusive.
	// Pointers, so that a missing bound is told apart from 0.
	Min *float64 `yaml:"min" json:",omitempty"`
	Max *float64 `yaml:"max" json:",omitempty"`
}

// Default returns a scenario with every default set; loading decodes over it.
func Default() Scenario {
	return Scenario{
		Days:         30,
		Timezone:     "UTC",
		Currency:     "USD",
		Pricing:      "auto",
		Replications: 1,
		Business:     Business{ServiceAllowance: billing.DefaultServiceAllowancePerNumber},
		Load: LoadSpec{Conversation: load.Conversation{
			MessagesMean: 1,
			ThinkTime:    dist.Spec{Kind: dist.Exponential, MeanS: 300},
		}},
		Agents: agents.Staffing{
			Concurrency: 1,
			HandleTime:  dist.Spec{Kind: dist.Exponential, MeanS: 300},
			LateReply:   agents.LateUtility,
		},
	}
}

// Error is a scenario that could not be used: every problem found, one per line.
type Error struct {
	File     string
	Problems []string
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	return fmt.Sprintf("%s: %d problems:\n  %s", e.File, len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Parse decodes a scenario strictly (an unknown key is an error) over the defaults and
// validates it. name is the file name used in messages.
func Parse(data []byte, name string) (*Scenario, error) {
	sc := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: name, Problems: []string{name + ": empty scenario file"}}
		}
		var pe *money.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: name, Problems: []string{amountProblem(data, name, pe)}}
		}
		return nil, &Error{File: name, Problems: yamlProblems(data, name, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: name, Problems: []string{fmt.Sprintf("%s:%d: a second YAML document; a scenario file holds one", name, extra.Line)}}
	}
	errs := sc.Validate()
	if p := sc.daysAgainstForecast(data); p != "" {
		errs = append(errs, p)
	}
	if len(errs) > 0 {
		return nil, &Error{File: name, Problems: locate(data, name, errs)}
	}
	sc.fitForecastDays()
	sc.canonicalPricing()
	return &sc, nil
}

// canonicalPricing spells the pricing era, and the values of a sweep over it, as the
// era's own name: "PMP-2025" is pmp-2025 in every output, point id and comparison.
func (s *Scenario) canonicalPricing() {
	canonical := func(name string) string {
		if era, err := billing.ParseEra(name); err == nil {
			return era.String()
		}
		return name
	}
	s.Pricing = canonical(s.Pricing)
	for k := range s.Sweep {
		if s.Sweep[k].Path == "pricing" {
			for j := range s.Sweep[k].Values {
				s.Sweep[k].Values[j].Text = canonical(s.Sweep[k].Values[j].Text)
			}
		}
	}
}

// ValidName says whether name can name a scenario: it names the output folder.
func ValidName(name string) bool { return model.ValidName(name) }

// NameFromFile makes a valid scenario name from a file's base name: lower-cased, every
// other character a "-", leading "-" and "_" dropped; "fitted" if nothing is left.
func NameFromFile(path string) string {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.TrimLeft(b.String(), "-_")
	if s == "" {
		return "fitted"
	}
	return s
}

// WarmupDays is the warm-up in days: 0 without one.
func (s *Scenario) WarmupDays() (int, error) {
	if s.Warmup == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s.Warmup, "d"))
	if err != nil || !strings.HasSuffix(s.Warmup, "d") || n < 0 || n > 366 {
		return 0, fmt.Errorf("%q is not a number of days from 0d to 366d, like 7d", s.Warmup)
	}
	return n, nil
}

// Validate reports every problem as "path.to.field: message".
func (s *Scenario) Validate() []string {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if !model.ValidName(s.Name) {
		add("name: %q must be lower-case letters, digits, - or _ (it names the output folder)", s.Name)
	}
	if _, err := time.Parse(time.DateOnly, s.Start); err != nil {
		add("start: %q is not a date YYYY-MM-DD", s.Start)
	}
	if _, err := s.WarmupDays(); err != nil {
		add("warmup: %v", err)
	}
	if s.Days < 1 || s.Days > 3660 {
		add("days: must be between 1 and 3660, got %d", s.Days)
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "" || s.Timezone == "Local" {
		add("timezone: %q is not an IANA time zone like Europe/Berlin", s.Timezone)
	}
	if len(s.Currency) != 3 || strings.ToUpper(s.Currency) != s.Currency {
		add("currency: %q is not an ISO 4217 code like USD", s.Currency)
	}
	if _, err := billing.ParseEra(s.Pricing); err != nil {
		add("pricing: %v", err)
	}
	if s.Replications < 1 || s.Replications > 100_000 {
		add("replications: must be between 1 and 100000, got %d", s.Replications)
	}
	if p := s.Business.PrimaryCountry; p != "" {
		if len(p) != 2 || strings.ToUpper(p) != p {
			add("business.primary_country: %q is not an upper-case ISO 3166-1 alpha-2 code like IN", p)
		} else if _, err := market.CheckCountry(p); err != nil {
			add("business.primary_country: %v", err)
		}
	}
	if d := s.Business.AuthIntlFrom; d != "" {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			add("business.auth_intl_from: %q is not a date YYYY-MM-DD", d)
		}
	}
	if s.Business.ServiceAllowance < -1 {
		add("business.service_allowance: must be 0 or more (0 turns the allowance off; -1, as older files wrote, does too), got %d", s.Business.ServiceAllowance)
	}
	if h := s.Business.EntryPointHours; h != 0 && h != 24 && h != 72 {
		add("business.entry_point_hours: must be 24 or 72 (Meta's two lengths of a CBP 2022 free entry point conversation; absent: by date), got %d", h)
	}
	if s.Customers.Count < 1 || s.Customers.Count > math.MaxInt32 {
		add("customers.count: must be between 1 and %d, got %d", math.MaxInt32, s.Customers.Count)
	}
	errs = append(errs, load.ValidateShares("customers.countries", s.Customers.Countries)...)
	errs = append(errs, s.Load.Conversation.Validate("load")...)
	errs = append(errs, s.Load.Profile.Validate("load.profile")...)
	errs = append(errs, load.ValidateLevels("load.levels", s.Load.Levels)...)
	errs = append(errs, s.Load.EntryPoints.Validate("load.entry_points")...)
	errs = append(errs, s.validateOutbound()...)
	errs = append(errs, s.Agents.Validate("agents")...)
	if s.Forecast != nil {
		errs = append(errs, s.Forecast.Validate("forecast", s.Customers.Count)...)
	}
	return append(errs, s.validateSweep(errs)...)
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
