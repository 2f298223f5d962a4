package pricing

import (
	"time"

	"github.com/spendsim/spendsim/model"
)

// Day is a calendar day on which WhatsApp's rules changed. A change applies from midnight
// of that day in the business account's time zone (docs/billing.md, "Time zone").
type Day struct {
	Year  int
	Month time.Month
	Day   int
}

// The calendar of rule changes (docs/billing.md, the era sections), in date order: the
// one place their dates are written. Package billing starts each pricing era on one of
// them and applies the others inside its eras; the rate-card readers here use the
// service-price span.
var (
	NBPFrom            = Day{2018, time.August, 1}   // NBP: per delivered template outside the CSW
	CBPFrom            = Day{2022, time.February, 1} // CBP: 24 h user-/business-initiated conversations
	EntryPoint72hFrom  = Day{2023, time.March, 1}    // CBP free entry point conversations last 72 h, not 24 h
	CBPByCategoryFrom  = Day{2023, time.June, 1}     // CBP conversations per category; CBP cards change shape
	ServiceFreeFrom    = Day{2024, time.November, 1} // CBP service conversations free
	USMarketingOffFrom = Day{2025, time.April, 1}    // marketing templates to US numbers no longer delivered
	PMPFrom            = Day{2025, time.July, 1}     // PMP: per delivered template
	ServiceChargedFrom = Day{2026, time.October, 1}  // PMP: service messages and in-window utility charged
)

// IsZero reports whether d is the zero Day, which names no date.
func (d Day) IsZero() bool { return d == Day{} }

// At is the first instant of d in loc.
func (d Day) At(loc *time.Location) model.Time {
	return model.FromStd(model.DayStart(d.Year, d.Month, d.Day, loc))
}

// Date is d at midnight UTC, the form of a rate card's effective date.
func (d Day) Date() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }
