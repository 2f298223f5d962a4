package blocking

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

func at(s string) model.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return model.FromStd(t)
}

func TestBlockProbabilityClosedForm(t *testing.T) {
	for _, c := range []struct {
		base, fatigue float64
		n7            int
		want          float64
	}{
		{0.003, 0.25, 0, 0.003},
		{0.003, 0.25, 4, 0.006},      // 0.003 × (1 + 1)
		{0.01, 0.5, 6, 0.04},         // 0.01 × (1 + 3)
		{0.5, 1, 3, 1},               // capped
		{0, 10, 8, 0},                // no base, no blocks
		{0.0005, 0.25, 8, 0.0015},    // 0.0005 × 3
		{0.0001, 0, 8, 0.0001},       // no fatigue
		{0.2, 0.25, 2, 0.2 * 1.5},    // 0.3
		{0.9, 0.25, 1, 1},            // 1.125 capped
		{1, 0.25, 0, 1},              // certain
		{0.003, 2.5, 1, 0.003 * 3.5}, // steep fatigue
	} {
		if got := BlockProbability(c.base, c.fatigue, c.n7); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("BlockProbability(%v, %v, %d) = %v, want %v", c.base, c.fatigue, c.n7, got, c.want)
		}
	}
}

// TestFatigueCountsSevenDays: n7 counts templates at (t − 7 d, t], to the second, and
// at most FatigueMemory of them.
func TestFatigueCountsSevenDays(t *testing.T) {
	start := at("2025-09-01T00:00:00Z")
	f := NewFatigue(3, start)
	d0 := at("2025-09-01T10:00:00Z")
	f.Add(1, d0)
	if got := f.Count(1, d0); got != 1 {
		t.Errorf("Count at the template's own instant = %d, want 1", got)
	}
	f.Add(1, d0+2*model.Day)
	f.Add(1, d0+2*model.Day) // two at the same instant both count
	for _, c := range []struct {
		t    model.Time
		want int
	}{
		{d0 + 2*model.Day, 3},
		{d0 + Week - model.Second, 3},
		{d0 + Week, 2}, // exactly 7 days: out
		{d0 + 2*model.Day + Week, 0},
	} {
		if got := f.Count(1, c.t); got != c.want {
			t.Errorf("Count at %s = %d, want %d", c.t, got, c.want)
		}
	}
	if got := f.Count(0, d0+model.Day); got != 0 {
		t.Errorf("another customer: %d templates, want 0", got)
	}
	for i := 0; i < 12; i++ {
		f.Add(2, d0+model.Time(i)*model.Hour)
	}
	if got := f.Count(2, d0+12*model.Hour); got != FatigueMemory {
		t.Errorf("12 templates in a day count as %d, want FatigueMemory = %d", got, FatigueMemory)
	}
}

// timeline drives an Account through the hand-made history the tests below share:
//
//	day 0 10:00  250 distinct users reached outside the window (a fresh 250 number)
//	day 2..9     12:30 each day: 200 templates delivered, 8 users block (4%)
//	day 10..16   12:30 each day: 200 templates delivered, nobody blocks
//
// The 7-day window at the whole hour T holds the hourly buckets [T − 168 h, T), so the
// 12:30 batch of day d enters at day d 13:00 and leaves at day d+7 13:00. Rates at
// 13:00 of day k (days k−6..k in the window, 1,400 templates once day 8 is reached):
//
//	k = 2..9   8/200 … 56/1400 = 4%      low
//	k = 10     days 4..10: 48/1400 = 3.4% low
//	k = 11     days 5..11: 40/1400 = 2.9% medium
//	k = 12..14 32, 24, 16 / 1400         medium (2.3%, 1.7%, 1.1%)
//	k = 15     days 9..15: 8/1400 = 0.57% high
func timeline(t *testing.T, start model.Time) *Account {
	t.Helper()
	spec := Spec{MessagingLimit: LimitSpec{InitialTier: "250"}}
	a := NewAccount(spec, 1000, start, time.UTC)
	d0 := start + 10*model.Hour
	for c := int32(0); c < 250; c++ {
		if !a.Needs(c, d0, false) || a.RoomAt(d0) != d0 {
			t.Fatalf("user %d of 250 finds no room", c+1)
		}
		a.Admit(c, d0)
	}
	if !a.Needs(250, d0, false) {
		t.Fatal("the 251st user needs no room")
	}
	if got, want := a.RoomAt(d0), d0+model.Day; got != want {
		t.Fatalf("251st user: room at %s, want %s (the first 250 leave the rolling 24 h)", got, want)
	}
	if a.Needs(250, d0, true) {
		t.Error("a user with an open window counts toward the limit")
	}
	if a.Needs(7, d0+model.Hour, false) {
		t.Error("a user reached an hour ago counts again")
	}
	if !a.Needs(7, d0+model.Day, false) {
		t.Error("a user reached 24 h ago is still counted")
	}
	for d := 2; d <= 16; d++ {
		tt := start + model.Time(d)*model.Day + 12*model.Hour + 30*model.Minute
		for i := 0; i < 200; i++ {
			a.Delivered(tt)
		}
		if d <= 9 {
			for i := 0; i < 8; i++ {
				a.Blocked(tt)
			}
		}
	}
	a.Advance(start + 20*model.Day)
	return a
}

func changes(start model.Time, cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		off := c.At - start
		fmt.Fprintf(&b, "day %d %02d:00 %s flagged=%v level=%d\n", off/model.Day, off%model.Day/model.Hour, c.Quality, c.Flagged, c.Level)
	}
	return b.String()
}

// TestTimelinePerNumber: before 2025-10-07 an upgrade takes effect 24 h after the
// evaluation that found half the limit used, low quality flags the number, and 7 days
// flagged cost it a level.
func TestTimelinePerNumber(t *testing.T) {
	start := at("2025-09-01T00:00:00Z")
	a := timeline(t, start)
	want := `day 1 11:00 high flagged=false level=1
day 2 13:00 low flagged=true level=1
day 9 13:00 low flagged=true level=0
day 11 13:00 medium flagged=false level=0
day 15 13:00 high flagged=false level=0
`
	if got := changes(start, a.Changes); got != want {
		t.Errorf("changes:\n%s\nwant:\n%s", got, want)
	}
	for _, c := range a.Changes {
		if c.Portfolio {
			t.Errorf("%s: portfolio regime before 2025-10-07", c.At)
		}
	}
	// The limit read at instants around the upgrade (a fresh account, same history).
	b := NewAccount(Spec{MessagingLimit: LimitSpec{InitialTier: "250"}}, 1000, start, time.UTC)
	d0 := start + 10*model.Hour
	for c := int32(0); c < 250; c++ {
		b.Admit(c, d0)
	}
	if got, want := b.NextChange(d0+90*model.Minute), start+12*model.Hour; got != want {
		t.Errorf("next change %s, want the next evaluation at %s", got, want)
	}
	if got := b.Limit(start + model.Day + 11*model.Hour - 1); got != 250 {
		t.Errorf("limit just before the upgrade: %d, want 250", got)
	}
	b.Advance(start + model.Day + 11*model.Hour)
	if got := b.Limit(start + model.Day + 11*model.Hour); got != 1000 {
		t.Errorf("limit at the upgrade: %d, want 1000", got)
	}
}

// TestBlockRateTimeline reads the 7-day block rate along timeline's history (the
// 12:30 batches of days 2..16, 8 blocks a day on days 2..9), in time order.
func TestBlockRateTimeline(t *testing.T) {
	start := at("2025-09-01T00:00:00Z")
	a := NewAccount(Spec{PerTemplate: PerCategory{Utility: 0.01}}, 10, start, time.UTC)
	batch := func(d int) model.Time { return start + model.Time(d)*model.Day + 12*model.Hour + 30*model.Minute }
	fed := 2
	// The 7-day block rate itself, read at instants of the timeline.
	for _, c := range []struct {
		at                string
		blocks, delivered int64
	}{
		{"day 2 12:59:59", 0, 0},      // the 12:30 batch is in the current hour: not yet counted
		{"day 2 13:00:00", 8, 200},    // ... and counted from the next whole hour
		{"day 8 13:00:00", 56, 1400},  // days 2..8
		{"day 10 12:59:59", 56, 1400}, // days 3..9
		{"day 10 13:00:00", 48, 1400}, // days 4..10: day 3 left, day 10 (no blocks) came in
		{"day 15 13:00:00", 8, 1400},  // days 9..15
		{"day 16 13:00:00", 0, 1400},  // days 10..16
	} {
		var d, h, m, sec int
		if _, err := fmt.Sscanf(c.at, "day %d %d:%d:%d", &d, &h, &m, &sec); err != nil {
			t.Fatal(err)
		}
		tt := start + model.Time(d)*model.Day + model.Time(h)*model.Hour + model.Time(m)*model.Minute + model.Time(sec)*model.Second
		for ; fed <= 16 && batch(fed) <= tt; fed++ {
			for i := 0; i < 200; i++ {
				a.Delivered(batch(fed))
			}
			for i := 0; fed <= 9 && i < 8; i++ {
				a.Blocked(batch(fed))
			}
		}
		a.Advance(tt)
		rate, delivered := a.BlockRate(tt)
		want := 0.0
		if c.delivered > 0 {
			want = float64(c.blocks) / float64(c.delivered)
		}
		if delivered != c.delivered || rate != want {
			t.Errorf("%s: block rate %v over %d templates, want %d/%d", c.at, rate, delivered, c.blocks, c.delivered)
		}
	}
}

// TestTimelinePortfolio: from 2025-10-07 the same history upgrades 6 h after the
// evaluation, to 2K, and low quality neither flags nor downgrades.
func TestTimelinePortfolio(t *testing.T) {
	start := at("2025-10-13T00:00:00Z")
	a := timeline(t, start)
	want := `day 0 17:00 high flagged=false level=1
day 2 13:00 low flagged=false level=1
day 11 13:00 medium flagged=false level=1
day 15 13:00 high flagged=false level=1
`
	if got := changes(start, a.Changes); got != want {
		t.Errorf("changes:\n%s\nwant:\n%s", got, want)
	}
	if got := a.LimitName(start + 20*model.Day); got != "2000" {
		t.Errorf("final limit %s, want 2000", got)
	}
}

// TestRegimeSwitchKeepsLevel: a 1K number on 2025-10-06 has a 2K portfolio limit from
// local midnight of 2025-10-07.
func TestRegimeSwitchKeepsLevel(t *testing.T) {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip(err)
	}
	start := model.FromStd(time.Date(2025, 10, 6, 0, 0, 0, 0, loc))
	a := NewAccount(Spec{MessagingLimit: LimitSpec{InitialTier: "1000"}}, 10, start, loc)
	midnight := model.FromStd(time.Date(2025, 10, 7, 0, 0, 0, 0, loc))
	if got := a.NextChange(midnight - 30*model.Minute); got != midnight {
		t.Errorf("next change %s, want the portfolio switch %s", got, midnight)
	}
	for _, c := range []struct {
		t    model.Time
		want int
	}{{midnight - 1, 1000}, {midnight, 2000}} {
		if got := a.Limit(c.t); got != c.want {
			t.Errorf("limit at %s: %d, want %d", c.t, got, c.want)
		}
	}
}

// TestLimit251st: on a fresh 250 number the 251st distinct user outside the window
// waits for room (or fails), in both regimes; users with an open window and users
// already counted never do.
func TestLimit251st(t *testing.T) {
	for _, start := range []string{"2025-09-01T00:00:00Z", "2025-10-13T00:00:00Z"} {
		s := at(start)
		a := NewAccount(Spec{MessagingLimit: LimitSpec{InitialTier: "250", Overflow: Fail}}, 500, s, time.UTC)
		t0 := s + 10*model.Hour
		reached := 0
		for c := int32(0); c < 375; c++ {
			open := c%3 == 0 // every third user wrote to the business today: 125 open windows
			if a.Needs(c, t0, open) {
				if a.RoomAt(t0) > t0 {
					continue
				}
				a.Admit(c, t0)
			}
			reached++
		}
		// 125 open windows + 250 counted users: all 375 go. Now 50 more closed ones.
		failed := 0
		for c := int32(375); c < 425; c++ {
			if a.Needs(c, t0, false) && a.RoomAt(t0) > t0 {
				failed++
			}
		}
		if a.Needs(4, t0+model.Hour, false) || a.Needs(6, t0, true) || !a.Needs(3, t0+model.Hour, false) {
			t.Errorf("%s: a counted user or an open window needs room, or a user whose window was open then is counted", start)
		}
		if reached != 375 || failed != 50 {
			t.Errorf("%s: %d of 375 reached, %d of the next 50 over the limit; want 375, 50", start, reached, failed)
		}
		if a.Overflow() != Fail {
			t.Errorf("overflow %q", a.Overflow())
		}
	}
}

func TestOffAndUnlimited(t *testing.T) {
	s := at("2025-09-01T00:00:00Z")
	for _, tier := range []string{"", "0", "unlimited"} {
		a := NewAccount(Spec{PerTemplate: PerCategory{Marketing: 0.1}, MessagingLimit: LimitSpec{InitialTier: tier}}, 10, s, time.UTC)
		if a.Needs(1, s, false) || a.Limit(s) != 0 || a.LimitName(s) != "unlimited" {
			t.Errorf("tier %q: limited (%d, %s)", tier, a.Limit(s), a.LimitName(s))
		}
	}
}

func TestValidate(t *testing.T) {
	bad := Spec{
		PerTemplate:    PerCategory{Marketing: 1.5, Utility: -0.1},
		Fatigue:        -1,
		MarketingCap:   math.NaN(),
		MessagingLimit: LimitSpec{InitialTier: "500", Overflow: "queue"},
		Quality:        QualitySpec{MediumFrom: 0.05, LowFrom: 0.02, MinTemplates: -3},
	}
	want := []string{
		"blocking.per_template.marketing: must be a probability between 0 and 1, got 1.5",
		"blocking.per_template.utility: must be a probability between 0 and 1, got -0.1",
		"blocking.marketing_cap: must be a probability between 0 and 1, got NaN",
		"blocking.fatigue: must be >= 0 (0.25: each template in the last 7 days adds 25% to the block chance), got -1",
		`blocking.messaging_limit.initial_tier: "500" is not one of 250, 1000, 2000, 10000, 100000, unlimited (0 or absent: no limit)`,
		`blocking.messaging_limit.overflow: "queue" is not one of delay, fail`,
		"blocking.quality: medium_from (0.05) must not exceed low_from (0.02)",
		"blocking.quality.min_templates: must be >= 0 (0: the default 100), got -3",
	}
	if got := bad.Validate("blocking"); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	good := Spec{PerTemplate: PerCategory{Marketing: 0.003}, Fatigue: 0.25, MarketingCap: 0.02,
		MessagingLimit: LimitSpec{InitialTier: "2000", Overflow: Delay}}
	if errs := good.Validate("blocking"); len(errs) > 0 || !good.Enabled() || (Spec{}).Enabled() {
		t.Errorf("good spec: %v", errs)
	}
}
