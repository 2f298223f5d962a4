package blocking

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/spendsim/spendsim/model"
)

// Spec is a scenario's `blocking` block. The zero value turns every part off: nobody
// blocks, no cap, no messaging limit.
type Spec struct {
	// PerTemplate is the probability (0..1) that a user blocks the business right after
	// receiving a template of each category; default 0.
	PerTemplate PerCategory `yaml:"per_template"`
	// Fatigue raises the block probability with each template the user got in the
	// previous 7 days: p = base × (1 + fatigue × n7), capped at 1. >= 0; default 0.
	Fatigue float64 `yaml:"fatigue"`
	// MarketingCap is the probability (0..1) that WhatsApp refuses a marketing template
	// to a user under its per-user marketing cap (error 131049): status failed, not
	// charged. Default 0.
	MarketingCap float64 `yaml:"marketing_cap"`
	// MessagingLimit caps the users reached outside the customer service window per
	// rolling 24 h; default off.
	MessagingLimit LimitSpec `yaml:"messaging_limit"`
	// Quality sets the thresholds of the quality rating on the 7-day block rate.
	Quality QualitySpec `yaml:"quality"`
}

// PerCategory is a probability per template category.
type PerCategory struct {
	Marketing      float64 `yaml:"marketing"`      // 0..1; default 0
	Utility        float64 `yaml:"utility"`        // 0..1; default 0
	Authentication float64 `yaml:"authentication"` // 0..1; default 0
}

// For returns the probability of category c (0 for a non-template).
func (p PerCategory) For(c model.Category) float64 {
	switch c {
	case model.Marketing:
		return p.Marketing
	case model.Utility:
		return p.Utility
	case model.Authentication:
		return p.Authentication
	}
	return 0
}

// LimitSpec is the messaging limit.
type LimitSpec struct {
	// InitialTier is the limit at the start: 250, 1000, 2000, 10000, 100000 or
	// unlimited (users per rolling 24 h); 0 or absent: no limit. 1000 and 2000 are the
	// same level, read as the regime in force says (see the package doc).
	InitialTier string `yaml:"initial_tier"`
	// Overflow is what happens to a template over the limit: delay (default: it waits
	// until the rolling 24 h window has room) or fail (not sent, not charged).
	Overflow Overflow `yaml:"overflow"`
}

// Overflow is what happens to a template over the messaging limit.
type Overflow string

const (
	Delay Overflow = "delay"
	Fail  Overflow = "fail"
)

// QualitySpec sets the quality-rating thresholds on the 7-day block rate (blocks per
// delivered business-initiated template). Meta publishes none; these are spendsim's
// decisions, each overridable.
type QualitySpec struct {
	MediumFrom   float64 `yaml:"medium_from"`   // block rate from which quality is medium, 0..1; 0 = default 0.01
	LowFrom      float64 `yaml:"low_from"`      // block rate from which quality is low, 0..1; 0 = default 0.03
	MinTemplates int     `yaml:"min_templates"` // delivered templates in 7 days below which the number is unrated (high); 0 = default 100
}

// Defaults of QualitySpec.
const (
	DefaultMediumFrom   = 0.01
	DefaultLowFrom      = 0.03
	DefaultMinTemplates = 100
)

func (q QualitySpec) withDefaults() QualitySpec {
	if q.MediumFrom == 0 {
		q.MediumFrom = DefaultMediumFrom
	}
	if q.LowFrom == 0 {
		q.LowFrom = DefaultLowFrom
	}
	if q.MinTemplates == 0 {
		q.MinTemplates = DefaultMinTemplates
	}
	return q
}

// Enabled reports whether any part of the spec is on.
func (s Spec) Enabled() bool { return s != Spec{} }

// Levels of the messaging-limit ladders; Unlimited is the top.
const (
	Unlimited = 4
	levels    = 5
)

// Ladders: users per rolling 24 h at each level (0 = unlimited).
var (
	perNumberLadder = [levels]int{250, 1000, 10000, 100000, 0}
	portfolioLadder = [levels]int{250, 2000, 10000, 100000, 0}
)

// PortfolioFrom is the date messaging limits moved from phone numbers to business
// portfolios, with the 2K tier and no downgrade on quality (docs/billing.md, "Blocking,
// quality and messaging limits").
var PortfolioFrom = [3]int{2025, 10, 7}

// PortfolioStart is PortfolioFrom at local midnight in loc.
func PortfolioStart(loc *time.Location) model.Time {
	return model.FromStd(model.DayStart(PortfolioFrom[0], time.Month(PortfolioFrom[1]), PortfolioFrom[2], loc))
}

// Level parses an initial tier: its level, or off for no limit.
func (l LimitSpec) Level() (level int, off bool, err error) {
	switch l.InitialTier {
	case "", "0":
		return Unlimited, true, nil
	case "unlimited":
		return Unlimited, false, nil
	}
	n, err := strconv.Atoi(l.InitialTier)
	if err == nil {
		switch n {
		case 250:
			return 0, false, nil
		case 1000, 2000:
			return 1, false, nil
		case 10000:
			return 2, false, nil
		case 100000:
			return 3, false, nil
		}
	}
	return 0, false, fmt.Errorf("%q is not one of 250, 1000, 2000, 10000, 100000, unlimited (0 or absent: no limit)", l.InitialTier)
}

// LimitName names a level in a regime: "250", "1000", "2000", ..., "unlimited".
func LimitName(level int, portfolio bool) string {
	n := perNumberLadder[level]
	if portfolio {
		n = portfolioLadder[level]
	}
	if n == 0 {
		return "unlimited"
	}
	return strconv.Itoa(n)
}

// Validate reports problems, each prefixed by path.
func (s Spec) Validate(path string) []string {
	var errs []string
	prob := func(name string, v float64) {
		if !(v >= 0 && v <= 1) {
			errs = append(errs, fmt.Sprintf("%s.%s: must be a probability between 0 and 1, got %v", path, name, v))
		}
	}
	prob("per_template.marketing", s.PerTemplate.Marketing)
	prob("per_template.utility", s.PerTemplate.Utility)
	prob("per_template.authentication", s.PerTemplate.Authentication)
	prob("marketing_cap", s.MarketingCap)
	if !(s.Fatigue >= 0) || math.IsInf(s.Fatigue, 0) {
		errs = append(errs, fmt.Sprintf("%s.fatigue: must be >= 0 (0.25: each template in the last 7 days adds 25%% to the block chance), got %v", path, s.Fatigue))
	}
	if _, _, err := s.MessagingLimit.Level(); err != nil {
		errs = append(errs, fmt.Sprintf("%s.messaging_limit.initial_tier: %v", path, err))
	}
	switch s.MessagingLimit.Overflow {
	case "", Delay, Fail:
	default:
		errs = append(errs, fmt.Sprintf("%s.messaging_limit.overflow: %q is not one of delay, fail", path, s.MessagingLimit.Overflow))
	}
	q := s.Quality
	prob("quality.medium_from", q.MediumFrom)
	prob("quality.low_from", q.LowFrom)
	if d := q.withDefaults(); d.MediumFrom > d.LowFrom {
		errs = append(errs, fmt.Sprintf("%s.quality: medium_from (%v) must not exceed low_from (%v)", path, d.MediumFrom, d.LowFrom))
	}
	if q.MinTemplates < 0 {
		errs = append(errs, fmt.Sprintf("%s.quality.min_templates: must be >= 0 (0: the default %d), got %d", path, DefaultMinTemplates, q.MinTemplates))
	}
	return errs
}
