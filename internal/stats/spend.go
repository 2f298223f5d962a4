package stats

import (
	"fmt"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// Spend is a messaging bill in Meta's vocabulary: what summary.json reports for a
// replayed trace as a whole and for each simulated sweep point. TotalMicros is the
// WhatsApp bill only (the category amounts add up to it); staffing is reported apart.
// Maps are keyed by Meta's names and list every category and pricing type, zero or not,
// so the keys are the same in every file (encoding/json sorts them).
type Spend struct {
	Currency    string `json:"currency"`
	TotalMicros int64  `json:"total_micros"`
	Total       string `json:"total"` // TotalMicros as a decimal: "1940.130000"
	// BillableByCategory counts charged units (pricing type regular) and FreeByCategory
	// free ones (free tier, free customer service, free entry point): units are
	// delivered business messages under NBP and PMP, conversations under CBP
	// (pricing.Charge.Unit), so the two add up to all of them. Meta's per-message
	// billable flag, which also marks a CBP free-tier conversation, is messages.parquet's.
	BillableByCategory     map[string]int64  `json:"billable_by_category"`
	FreeByCategory         map[string]int64  `json:"free_by_category"`
	AmountMicrosByCategory map[string]int64  `json:"amount_micros_by_category"`
	AmountByCategory       map[string]string `json:"amount_by_category"` // decimal strings
	MessagesByPricingType  map[string]int64  `json:"messages_by_pricing_type"`
}

// SpendTally accumulates a Spend exactly: money as integer micros with overflow
// detection, counts as int64. The replay command can feed it one charge at a time.
type SpendTally struct {
	Currency string
	total    money.Sum
	amounts  [pricing.NumCategories]money.Sum
	billable [pricing.NumCategories]int64
	free     [pricing.NumCategories]int64
	byType   [pricing.NumTypes]int64
	seen     [pricing.NumCategories]bool // a charge of the category was added
}

// AddCharge adds one delivered business message's charge. A message of pricing type
// none (not priced) is counted under no type, as TypeNone has no key. The error is
// the total leaving the int64 range of micros with this charge, so that the caller
// can say which message took it there.
func (t *SpendTally) AddCharge(c pricing.Charge) error {
	t.byType[c.Type]++
	t.seen[c.Category] = true
	if c.Unit() {
		if c.Type == pricing.Regular {
			t.billable[c.Category]++
		} else {
			t.free[c.Category]++
		}
	}
	t.amounts[c.Category].Add(c.Amount)
	t.total.Add(c.Amount)
	if _, err := t.total.Total(); err != nil {
		return fmt.Errorf("the bill's total passes the range of amounts with this message's %s: %w", c.Amount, err)
	}
	if _, err := t.amounts[c.Category].Total(); err != nil {
		return fmt.Errorf("the bill's %s total passes the range of amounts with this message's %s: %w", c.Category, c.Amount, err)
	}
	return nil
}

// AddRun adds a whole run's bill.
func (t *SpendTally) AddRun(r *sim.RunResult) {
	t.total.Add(r.MessagingMicros)
	for c := range r.AmountByCategory {
		t.amounts[c].Add(r.AmountByCategory[c])
		t.billable[c] += r.BillableByCategory[c]
		t.free[c] += r.FreeByCategory[c]
	}
	for i := range r.MessagesByType {
		t.byType[i] += r.MessagesByType[i]
	}
}

// Spend returns the tally, each figure divided by n and rounded half away from zero to a
// whole micro or message (n = 1 for a plain total; n = replications for a mean).
func (t *SpendTally) Spend(n int64) (Spend, error) {
	if n < 1 {
		return Spend{}, fmt.Errorf("stats: spend divided by %d", n)
	}
	total, err := t.total.Total()
	if err != nil {
		return Spend{}, fmt.Errorf("stats: the total spend: %w", err)
	}
	s := Spend{
		Currency:               t.Currency,
		TotalMicros:            DivRound(int64(total), n),
		BillableByCategory:     map[string]int64{},
		FreeByCategory:         map[string]int64{},
		AmountMicrosByCategory: map[string]int64{},
		AmountByCategory:       map[string]string{},
		MessagesByPricingType:  map[string]int64{},
	}
	s.Total = money.Micros(s.TotalMicros).String()
	for _, c := range pricing.Shown(func(c pricing.Category) bool { return t.seen[c] }) {
		a, err := t.amounts[c].Total()
		if err != nil {
			return Spend{}, fmt.Errorf("stats: the %s spend: %w", c, err)
		}
		m := DivRound(int64(a), n)
		s.AmountMicrosByCategory[c.String()] = m
		s.AmountByCategory[c.String()] = money.Micros(m).String()
		s.BillableByCategory[c.String()] = DivRound(t.billable[c], n)
		s.FreeByCategory[c.String()] = DivRound(t.free[c], n)
	}
	for _, ty := range pricing.Types() {
		s.MessagesByPricingType[ty.String()] = DivRound(t.byType[ty], n)
	}
	return s, nil
}
