package load

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
)

// Campaign is a broadcast on a schedule: every listed weekday at a local time, a
// template to a share of the (eligible) customers.
type Campaign struct {
	Name      string   `yaml:"name"`                // label, [a-z0-9_-], unique among notifications and campaigns; required
	Category  string   `yaml:"category"`            // template category; default marketing
	Days      []string `yaml:"days"`                // weekdays mon tue wed thu fri sat sun, as in agents.shifts; at least one
	At        string   `yaml:"at"`                  // local send time HH:MM
	Audience  float64  `yaml:"audience"`            // share (0..1) of eligible customers each broadcast reaches, rounded to whole customers
	Countries []string `yaml:"countries,omitempty"` // only customers in these countries (ISO alpha-2); default all
	// SendRatePerS spreads a broadcast: templates per second from At (0, the default:
	// all at At).
	SendRatePerS float64 `yaml:"send_rate_per_s,omitempty"`
	Reply        Reply   `yaml:"reply,omitempty"` // the customer answers the template; default never
}

// clock reads HH:MM (00:00 to 23:59) into hours and minutes.
func clock(s string) (h, m int, ok bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, 0, false
		}
	}
	h = int(s[0]-'0')*10 + int(s[1]-'0')
	m = int(s[3]-'0')*10 + int(s[4]-'0')
	return h, m, h < 24 && m < 60
}

// TemplateCategory is the campaign's category (marketing when unset).
func (c Campaign) TemplateCategory() model.Category {
	if c.Category == "" {
		return model.Marketing
	}
	cat, _ := TemplateCategory(c.Category)
	return cat
}

// Validate reports problems, each prefixed by path.
func (c Campaign) Validate(path string) []string {
	var errs []string
	if !model.ValidName(c.Name) {
		errs = append(errs, fmt.Sprintf("%s.name: %q must be lower-case letters, digits, - or _", path, c.Name))
	}
	if _, ok := TemplateCategory(c.Category); !ok && c.Category != "" {
		errs = append(errs, fmt.Sprintf("%s.category: %q is not one of %s", path, c.Category, categoryList))
	}
	if len(c.Days) == 0 {
		errs = append(errs, path+".days: at least one weekday is needed, e.g. [mon]")
	}
	for i, d := range c.Days {
		if _, ok := model.ParseWeekday(d); !ok {
			errs = append(errs, fmt.Sprintf("%s.days[%d]: %q is not one of %s", path, i, d, strings.Join(model.WeekdayNames(), ", ")))
		}
	}
	if _, _, ok := clock(c.At); !ok {
		errs = append(errs, fmt.Sprintf("%s.at: %q is not a local time HH:MM (00:00 to 23:59)", path, c.At))
	}
	if !(c.Audience >= 0 && c.Audience <= 1) {
		errs = append(errs, fmt.Sprintf("%s.audience: must be a share between 0 and 1, got %v", path, c.Audience))
	}
	if !(c.SendRatePerS >= 0) || math.IsInf(c.SendRatePerS, 0) {
		errs = append(errs, fmt.Sprintf("%s.send_rate_per_s: must be >= 0 templates per second (0: all at once), got %v", path, c.SendRatePerS))
	}
	errs = append(errs, validateCountries(path+".countries", c.Countries)...)
	return append(errs, c.Reply.Validate(path+".reply")...)
}

// Instants lists the campaign's broadcasts in [from, to): At on every listed weekday,
// on the local calendar of loc, so the send time stays 10:00 local on both sides of a
// daylight-saving change. A time that a change skips moves forward by the gap (00:30 on
// a day whose midnight is skipped, as in São Paulo until 2019 or Santiago, is 01:30).
// c must be valid.
func (c Campaign) Instants(from, to model.Time, loc *time.Location) []model.Time {
	h, m, _ := clock(c.At)
	var on [7]bool
	for _, d := range c.Days {
		wd, _ := model.ParseWeekday(d)
		on[wd] = true
	}
	var out []model.Time
	first := from.In(loc)
	// Walk the local calendar by civil date (held in UTC, where a day is always 24 h):
	// stepping a local midnight by one day would stall on a day whose midnight a
	// daylight-saving change skips, since time.Date reads it as 23:00 the day before.
	for day := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, time.UTC); model.FromStd(model.LocalClock(day.Year(), day.Month(), day.Day(), 0, 0, loc)) < to; day = day.AddDate(0, 0, 1) {
		if !on[day.Weekday()] {
			continue
		}
		at := model.FromStd(model.LocalClock(day.Year(), day.Month(), day.Day(), h, m, loc))
		// A day that a change skips whole (Samoa, 2011-12-30) would repeat the next.
		if at >= from && at < to && (len(out) == 0 || at > out[len(out)-1]) {
			out = append(out, at)
		}
	}
	return out
}

// Selection draws exactly Need of Left items, each equally likely, walking them in
// order (Knuth's algorithm S): no list of the chosen is kept, so a broadcast to a share
// of a million customers costs one counter, not a million-entry list.
type Selection struct {
	Need, Left int
}

// NewSelection selects round(share × n) of n items.
func NewSelection(share float64, n int) Selection {
	return Selection{Need: int(math.Round(share * float64(n))), Left: n}
}

// Take decides about the next item: true if it is selected. Call it once per item,
// Left times in all.
func (s *Selection) Take(rng *rand.Rand) bool {
	if s.Left <= 0 {
		return false
	}
	take := s.Need > 0 && rng.IntN(s.Left) < s.Need
	s.Left--
	if take {
		s.Need--
	}
	return take
}
