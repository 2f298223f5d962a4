package billing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// Era is a set of WhatsApp billing rules (docs/billing.md, "Eras"). EraAuto bills each
// message under the era in force on its date; any other value bills every message under
// that era's rules (the --pricing counterfactual).
type Era uint8

// The eras, in date order; the table eras gives each one's name, start and rules.
const (
	EraAuto       Era = iota
	EraNBP2018        // per delivered template outside the CSW
	EraCBP2022        // 24 h user-/business-initiated conversations
	EraCBP2023        // 24 h conversations per category
	EraPMP2025        // per delivered template
	EraPMP2026Oct     // per message: service and in-window utility charged
	numEras
)

// eraRules is one row of the era table.
type eraRules struct {
	name  string        // as --pricing, scenarios and errors spell it; the era's files are named after it
	model pricing.Model // whose rate cards the rules read
	start pricing.Day   // in force from this day (pricing's calendar) until the next era's start
	bill  billFunc      // the rules, applied to a delivered business message
	// cards is which of the model's rate cards the rules may read, those of the shape
	// they were written for: CBP cards changed shape on 2023-06-01 (user-/business-
	// initiated cells gave way to per-category cells), so the CBP 2022 rules never read
	// a card from then on and the CBP 2023 rules never an earlier one. A date outside
	// the span reads the latest card of the span in force then (a 2025 date under
	// cbp-2022, the 2022-02-01 card); a currency with no card in the span is an error,
	// never a card of the other shape (rates.go, lookupCard).
	cards pricing.Span
}

// billFunc applies an era's rules to a delivered business message m at `at` on its pair
// p, filling ch. Conversations and counters change only once the price is known; a
// missing rate is an error the caller stops on.
type billFunc func(b *Biller, ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error

// eras is the one table of pricing eras, in date order. Adding an era: see doc.go.
var eras = [numEras]eraRules{
	EraAuto:       {name: "auto"},
	EraNBP2018:    {"nbp-2018", pricing.NBP, pricing.NBPFrom, (*Biller).billNBP2018, pricing.Span{}},
	EraCBP2022:    {"cbp-2022", pricing.CBP, pricing.CBPFrom, (*Biller).billCBP2022, pricing.Span{Before: pricing.CBPByCategoryFrom}},
	EraCBP2023:    {"cbp-2023", pricing.CBP, pricing.CBPByCategoryFrom, (*Biller).billCBP2023, pricing.Span{From: pricing.CBPByCategoryFrom}},
	EraPMP2025:    {"pmp-2025", pricing.PMP, pricing.PMPFrom, (*Biller).billPMP2025, pricing.Span{}},
	EraPMP2026Oct: {"pmp-2026-10", pricing.PMP, pricing.ServiceChargedFrom, (*Biller).billPMP2026Oct, pricing.Span{}},
}

// firstEra is the earliest era: dates before its start are billed under it, there being
// nothing earlier to bill under.
const firstEra = EraAuto + 1

func (e Era) String() string {
	if e < numEras {
		return eras[e].name
	}
	return fmt.Sprintf("Era(%d)", uint8(e))
}

// EraNames lists the names ParseEra accepts, auto first and then the eras in date order,
// as flag usage, help text and errors print them: "auto, nbp-2018, ...".
func EraNames() string {
	names := make([]string, numEras)
	for e := range numEras {
		names[e] = eras[e].name
	}
	return strings.Join(names, ", ")
}

// ParseEra reads an era name as the --pricing flag spells it.
func ParseEra(s string) (Era, error) {
	for e := range numEras {
		if strings.EqualFold(strings.TrimSpace(s), eras[e].name) {
			return e, nil
		}
	}
	return 0, fmt.Errorf("billing: pricing era %q is not one of %s", s, EraNames())
}

// ParseEras reads the --pricing flag of a replay that may bill under several eras: one
// era name, a comma-separated list of them ("cbp-2023,pmp-2025", each once), or "all":
// auto and then every era in date order.
func ParseEras(s string) ([]Era, error) {
	if strings.EqualFold(strings.TrimSpace(s), "all") {
		all := make([]Era, numEras)
		for e := range numEras {
			all[e] = e
		}
		return all, nil
	}
	if !strings.Contains(s, ",") {
		e, err := ParseEra(s)
		if err != nil {
			return nil, err
		}
		return []Era{e}, nil
	}
	var list []Era
	for _, name := range strings.Split(s, ",") {
		e, err := ParseEra(name)
		if err != nil {
			return nil, fmt.Errorf("%w; --pricing may also be all, or a comma-separated list of eras", err)
		}
		if slices.Contains(list, e) {
			return nil, fmt.Errorf("billing: pricing %q names %s twice", s, e)
		}
		list = append(list, e)
	}
	return list, nil
}

// ParsePricing is ParseEras that also gives s in its canonical spelling, the one every
// output, folder name and comparison of settings uses: "all", or the eras' names
// joined by commas (" PMP-2025" is "pmp-2025", "CBP-2023,pmp-2025" is
// "cbp-2023,pmp-2025").
func ParsePricing(s string) ([]Era, string, error) {
	list, err := ParseEras(s)
	if err != nil {
		return nil, "", err
	}
	if strings.EqualFold(strings.TrimSpace(s), "all") {
		return list, "all", nil
	}
	names := make([]string, len(list))
	for i, e := range list {
		names[i] = e.String()
	}
	return list, strings.Join(names, ","), nil
}

// Model is the pricing model whose rate cards the era's rules use (ModelNone for EraAuto).
func (e Era) Model() pricing.Model {
	if e < numEras {
		return eras[e].model
	}
	return pricing.ModelNone
}

// Start is the day era e came into force (pricing's calendar, a date at midnight UTC);
// the zero time for EraAuto.
func (e Era) Start() time.Time {
	if e == EraAuto || e >= numEras {
		return time.Time{}
	}
	return eras[e].start.Date()
}

// Cards is the span of its model's rate cards era e's rules read: a card outside it is
// of another shape. The zero Span (any card) for EraAuto.
func (e Era) Cards() pricing.Span {
	if e == EraAuto || e >= numEras {
		return pricing.Span{}
	}
	return eras[e].cards
}

// Next is the era that followed e, false for the latest.
func (e Era) Next() (Era, bool) {
	if e == EraAuto || e+1 >= numEras {
		return 0, false
	}
	return e + 1, true
}

// EraAt returns the era in force at t on the calendar of loc (nil means UTC). Dates
// before the first era's start report the first era: there is nothing earlier to bill
// under.
func EraAt(t model.Time, loc *time.Location) Era {
	if loc == nil {
		loc = time.UTC
	}
	b := newBounds(loc)
	return b.era(t)
}

// bounds are the era table and the calendar's other rule changes as instants in one time
// zone, computed once per Biller so that the per-message path compares integers only and
// never reads the package-level table.
type bounds struct {
	eras [numEras]eraBounds

	entry72h, serviceFree, usMarketingOff model.Time
}

// eraBounds is one row of the era table in a time zone.
type eraBounds struct {
	start model.Time
	model pricing.Model
	bill  billFunc
	cards pricing.Span // the cards the rules may read
}

const minTime = model.Time(-1 << 63)

func newBounds(loc *time.Location) bounds {
	b := bounds{
		entry72h:       pricing.EntryPoint72hFrom.At(loc),
		serviceFree:    pricing.ServiceFreeFrom.At(loc),
		usMarketingOff: pricing.USMarketingOffFrom.At(loc),
	}
	for e := firstEra; e < numEras; e++ {
		r := &eras[e]
		b.eras[e] = eraBounds{start: r.start.At(loc), model: r.model, bill: r.bill, cards: r.cards}
	}
	return b
}

// eraOf is the era whose rules of pricing model m are in force at t: the latest era of
// m started by t, else m's first era (t is before m's rules began: a counterfactual).
// False when no era has model m.
func (b *bounds) eraOf(m pricing.Model, t model.Time) (Era, bool) {
	e, ok := EraAuto, false
	for k := firstEra; k < numEras; k++ {
		if b.eras[k].model == m && (!ok || t >= b.eras[k].start) {
			e, ok = k, true
		}
	}
	return e, ok
}

// era is the era in force at t: the last one started by t, else the first.
func (b *bounds) era(t model.Time) Era {
	e := firstEra
	for k := firstEra + 1; k < numEras; k++ {
		if t >= b.eras[k].start {
			e = k
		}
	}
	return e
}
