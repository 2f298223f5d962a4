package blocking

import (
	"sort"
	"time"

	"github.com/spendsim/spendsim/model"
)

// Quality is the phone number's (or portfolio's) quality rating.
type Quality uint8

const (
	High Quality = iota
	Medium
	Low
)

func (q Quality) String() string { return [...]string{"high", "medium", "low"}[q] }

// Account is the business's standing with WhatsApp over a run: the quality rating from
// its 7-day block rate, and its messaging limit with the admissions that use it. It is
// evaluated at every whole UTC hour (lazily, when a call passes the hour), so between
// two hours the rating and the limit are constant.
type Account struct {
	quality   QualitySpec
	overflow  Overflow
	off       bool       // no messaging limit at all
	portfolio model.Time // PortfolioStart in the business's zone

	level     int
	rating    Quality
	flagged   bool
	flaggedAt model.Time
	upgradeAt model.Time // when a pending upgrade takes effect; 0 = none
	nextTick  model.Time

	buckets [169]bucket // delivered templates and blocks per UTC hour, by hour mod 169: the 168 of the window and the current one

	// last24[c] is when customer c was last admitted into the 24 h count; 0 = never.
	last24 []model.Time
	// admitted holds admission times in order: every one of the last 7 days, and at
	// least the latest limit ones.
	admitted timeRing

	// Changes logs every change of rating, flag or level, for tests and reports.
	Changes []Change
}

// Upgrade lags: an upgrade takes effect this long after the evaluation that found the
// criterion met. Meta's "Upcoming changes to messaging limits" page: portfolio limits
// bring "upgrades within 6 hours (compared to the current 24 hours)".
const (
	PerNumberUpgradeLag = 24 * model.Hour
	PortfolioUpgradeLag = 6 * model.Hour
)

// Change is a change in the account's standing at an hourly evaluation.
type Change struct {
	At        model.Time
	Quality   Quality
	Flagged   bool
	Level     int
	Portfolio bool // the regime in force at At
}

type bucket struct {
	hour              int64 // absolute UTC hour the counts belong to
	delivered, blocks int64
}

// NewAccount starts an account at start for customers customers, under spec, in the
// business's time zone loc (which places PortfolioFrom's midnight).
func NewAccount(spec Spec, customers int, start model.Time, loc *time.Location) *Account {
	level, off, err := spec.MessagingLimit.Level()
	if err != nil {
		panic("blocking: invalid spec: " + err.Error())
	}
	a := &Account{
		quality:   spec.Quality.withDefaults(),
		overflow:  spec.MessagingLimit.Overflow,
		off:       off,
		portfolio: PortfolioStart(loc),
		level:     level,
		nextTick:  (start/model.Hour + 1) * model.Hour,
	}
	if a.overflow == "" {
		a.overflow = Delay
	}
	if !off {
		a.last24 = make([]model.Time, customers)
	}
	for i := range a.buckets {
		a.buckets[i].hour = -1
	}
	return a
}

// Advance runs the hourly evaluations up to and including t. Every other method calls
// it; a caller only needs it to read the standing at the end of a run.
func (a *Account) Advance(t model.Time) {
	for a.nextTick <= t {
		a.tick(a.nextTick)
		a.nextTick += model.Hour
	}
}

// Portfolio reports whether the per-portfolio regime is in force at t.
func (a *Account) Portfolio(t model.Time) bool { return t >= a.portfolio }

// Quality is the rating at the latest evaluation.
func (a *Account) Quality() Quality { return a.rating }

// Flagged reports whether the number is flagged (quality low, per-number regime).
func (a *Account) Flagged() bool { return a.flagged }

// Level is the messaging-limit level (Unlimited for none).
func (a *Account) Level() int { return a.level }

// Limit is the users per rolling 24 h allowed at t, 0 for no limit.
func (a *Account) Limit(t model.Time) int {
	if a.off {
		return 0
	}
	if a.Portfolio(t) {
		return portfolioLadder[a.level]
	}
	return perNumberLadder[a.level]
}

// LimitName names the limit at t: "250", ..., "unlimited".
func (a *Account) LimitName(t model.Time) string {
	return LimitName(a.level, a.Portfolio(t))
}

// BlockRate is blocks ÷ delivered templates over the 168 whole UTC hours before the
// hour that starts at or before t, with the delivered count (rate 0 if none).
func (a *Account) BlockRate(t model.Time) (rate float64, delivered int64) {
	h := int64(t / model.Hour)
	var blocks int64
	for _, b := range a.buckets {
		if b.hour >= h-168 && b.hour < h {
			delivered += b.delivered
			blocks += b.blocks
		}
	}
	if delivered > 0 {
		rate = float64(blocks) / float64(delivered)
	}
	return rate, delivered
}

func (a *Account) bucket(t model.Time) *bucket {
	h := int64(t / model.Hour)
	b := &a.buckets[h%int64(len(a.buckets))]
	if b.hour != h {
		*b = bucket{hour: h}
	}
	return b
}

// Delivered records a business-initiated template delivered at t.
func (a *Account) Delivered(t model.Time) {
	a.Advance(t)
	a.bucket(t).delivered++
}

// Blocked records a user blocking the business at t.
func (a *Account) Blocked(t model.Time) {
	a.Advance(t)
	a.bucket(t).blocks++
}

// Needs reports whether a template to customer c at t uses room under the limit:
// not when there is no limit, when the customer's service window is open (open), or
// when the customer was already counted in the last 24 h.
func (a *Account) Needs(c int32, t model.Time, open bool) bool {
	a.Advance(t)
	if open || a.Limit(t) == 0 {
		return false
	}
	last := a.last24[c]
	return last == 0 || last <= t-model.Day
}

// RoomAt is the first instant from t on at which the rolling 24 h count has room
// under the limit in force at t (a later upgrade may make room sooner: NextChange).
func (a *Account) RoomAt(t model.Time) model.Time {
	a.Advance(t)
	limit := a.Limit(t)
	if n := a.admitted.len(); limit > 0 && n >= limit {
		return max(t, a.admitted.at(n-limit)+model.Day)
	}
	return t
}

// Admit counts customer c in the rolling 24 h from t on. The caller has checked Needs
// and RoomAt.
func (a *Account) Admit(c int32, t model.Time) {
	a.Advance(t)
	a.admitted.push(t)
	a.last24[c] = t
}

// NextChange is the next instant after t at which the limit may change: the next
// hourly evaluation (where an upgrade may take effect), or the move to portfolio
// limits with their 2K tier if that comes first.
func (a *Account) NextChange(t model.Time) model.Time {
	a.Advance(t)
	if t < a.portfolio && a.portfolio < a.nextTick {
		return a.portfolio
	}
	return a.nextTick
}

// Overflow is what the account does with a template over the limit.
func (a *Account) Overflow() Overflow { return a.overflow }

// tick is the evaluation at the whole hour t.
func (a *Account) tick(t model.Time) {
	before := Change{Quality: a.rating, Flagged: a.flagged, Level: a.level}
	rate, delivered := a.BlockRate(t)
	q := a.quality
	switch {
	case delivered < int64(q.MinTemplates):
		a.rating = High
	case rate >= q.LowFrom:
		a.rating = Low
	case rate >= q.MediumFrom:
		a.rating = Medium
	default:
		a.rating = High
	}
	portfolio := a.Portfolio(t)
	switch {
	case portfolio:
		a.flagged = false
	case a.rating == Low && !a.flagged:
		a.flagged, a.flaggedAt = true, t
	case a.rating == Low && t-a.flaggedAt >= Week:
		if a.level > 0 && !a.off {
			a.level--
		}
		a.flaggedAt = t
	case a.rating != Low:
		a.flagged = false
	}
	// Admissions older than 7 days matter only as one of the latest limit ones.
	for a.admitted.len() > max(a.Limit(t), 1) && a.admitted.at(0) <= t-Week {
		a.admitted.pop()
	}
	eligible := !a.off && !a.flagged && a.rating != Low && a.level < Unlimited
	switch {
	case a.upgradeAt != 0 && !eligible:
		a.upgradeAt = 0 // flagged or low before it took effect
	case a.upgradeAt != 0 && t >= a.upgradeAt:
		a.level++
		a.upgradeAt = 0
	case a.upgradeAt == 0 && eligible && 2*a.admittedIn(t-Week, t) >= a.Limit(t):
		lag := PerNumberUpgradeLag
		if portfolio {
			lag = PortfolioUpgradeLag
		}
		a.upgradeAt = t + lag
	}
	if now := (Change{Quality: a.rating, Flagged: a.flagged, Level: a.level}); now != before {
		now.At, now.Portfolio = t, portfolio
		a.Changes = append(a.Changes, now)
	}
}

// admittedIn counts admissions at instants in (from, to].
func (a *Account) admittedIn(from, to model.Time) int {
	n := a.admitted.len()
	upTo := sort.Search(n, func(i int) bool { return a.admitted.at(i) > to })
	after := sort.Search(n, func(i int) bool { return a.admitted.at(i) > from })
	return upTo - after
}

// timeRing is a FIFO of non-decreasing instants on a growable circular buffer.
type timeRing struct {
	buf        []model.Time
	head, size int
}

func (q *timeRing) len() int { return q.size }

func (q *timeRing) at(i int) model.Time { return q.buf[(q.head+i)%len(q.buf)] }

func (q *timeRing) push(v model.Time) {
	if q.size == len(q.buf) {
		nb := make([]model.Time, max(16, 2*len(q.buf)))
		for i := 0; i < q.size; i++ {
			nb[i] = q.at(i)
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = v
	q.size++
}

func (q *timeRing) pop() {
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}
