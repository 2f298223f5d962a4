package model

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The message vocabulary as a trace writes it (docs/formats.md, "Trace"): each type's
// names, indexed by code. Every reader and writer of these words — trace files,
// messages.parquet, fitted scenarios — goes through String and Parse… here, so a name
// is spelt in one place. "" is the name of a code written as nothing (CatNone,
// EntryNone); Direction 0 is no direction and has no name.
var (
	directionNames  = [...]string{FromUser: "user", FromBusiness: "business"}
	kindNames       = [...]string{Text: "text", Template: "template"}
	categoryNames   = [...]string{CatNone: "", Marketing: "marketing", Utility: "utility", Authentication: "authentication"}
	statusNames     = [...]string{Delivered: "delivered", Read: "read", Sent: "sent", Failed: "failed"}
	entryPointNames = [...]string{EntryNone: "", EntryCTWA: "ctwa", EntryPageCTA: "page_cta"}
)

// String is "user" or "business".
func (d Direction) String() string { return nameOf(directionNames[:], d, "Direction") }

// String is "text" or "template".
func (k Kind) String() string { return nameOf(kindNames[:], k, "Kind") }

// String is "marketing", "utility" or "authentication"; "" for CatNone.
func (c Category) String() string { return nameOf(categoryNames[:], c, "Category") }

// String is "delivered", "read", "sent" or "failed".
func (s Status) String() string { return nameOf(statusNames[:], s, "Status") }

// String is "ctwa" or "page_cta"; "" for EntryNone.
func (e EntryPoint) String() string { return nameOf(entryPointNames[:], e, "EntryPoint") }

// ParseDirection reads "user" or "business".
func ParseDirection(s string) (Direction, bool) {
	if s == "" {
		return 0, false
	}
	return parseName[Direction](directionNames[:], s)
}

// ParseKind reads "text" or "template".
func ParseKind(s string) (Kind, bool) { return parseName[Kind](kindNames[:], s) }

// ParseCategory reads "marketing", "utility" or "authentication"; "" is CatNone.
func ParseCategory(s string) (Category, bool) { return parseName[Category](categoryNames[:], s) }

// ParseStatus reads "delivered", "read", "sent" or "failed". An empty status is
// Delivered in a trace; that default is the reader's, not a name.
func ParseStatus(s string) (Status, bool) { return parseName[Status](statusNames[:], s) }

// ParseEntryPoint reads "ctwa" or "page_cta"; "" is EntryNone.
func ParseEntryPoint(s string) (EntryPoint, bool) {
	return parseName[EntryPoint](entryPointNames[:], s)
}

// DirectionNames, KindNames, CategoryNames, StatusNames and EntryPointNames list each
// vocabulary's names in code order, the empty one left out: what an error message offers.
func DirectionNames() []string  { return listed(directionNames[:]) }
func KindNames() []string       { return listed(kindNames[:]) }
func CategoryNames() []string   { return listed(categoryNames[:]) }
func StatusNames() []string     { return listed(statusNames[:]) }
func EntryPointNames() []string { return listed(entryPointNames[:]) }

// ValidCodes reports whether a message's direction, kind, category, status and entry
// point are codes of the vocabulary: for a message read back from a file of ours,
// before anything indexes by them.
func ValidCodes(d Direction, k Kind, c Category, s Status, e EntryPoint) bool {
	return int(d) < len(directionNames) && int(k) < len(kindNames) && int(c) < len(categoryNames) &&
		int(s) < len(statusNames) && int(e) < len(entryPointNames)
}

// Weekdays as scenarios name them (agents' shifts, campaigns): "mon" … "sun".
var weekdayNames = [...]string{time.Sunday: "sun", time.Monday: "mon", time.Tuesday: "tue",
	time.Wednesday: "wed", time.Thursday: "thu", time.Friday: "fri", time.Saturday: "sat"}

// WeekdayName is d's name in a scenario: "mon" for time.Monday.
func WeekdayName(d time.Weekday) string { return nameOf(weekdayNames[:], d, "Weekday") }

// ParseWeekday reads a weekday's name in any case ("mon", "Mon").
func ParseWeekday(s string) (time.Weekday, bool) {
	for d, n := range weekdayNames {
		if strings.EqualFold(n, s) {
			return time.Weekday(d), true
		}
	}
	return 0, false
}

// WeekdayNames lists the weekdays Monday first, as scenarios and their errors do.
func WeekdayNames() []string {
	out := make([]string, 0, len(weekdayNames))
	for d := time.Monday; d <= time.Saturday; d++ {
		out = append(out, weekdayNames[d])
	}
	return append(out, weekdayNames[time.Sunday])
}

// nameOf is code c's name; a code outside the vocabulary shows as "Kind(7)".
func nameOf[T ~uint8 | ~int](names []string, c T, typ string) string {
	if c >= 0 && int(c) < len(names) {
		return names[c]
	}
	return typ + "(" + strconv.Itoa(int(c)) + ")"
}

// parseName is the code named s. It compares strings and builds none: readers call it
// once per field of every row.
func parseName[T ~uint8](names []string, s string) (T, bool) {
	for c, n := range names {
		if n == s {
			return T(c), true
		}
	}
	return 0, false
}

func listed(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// nameRE is what a name of ours may be: a scenario's (it names the output folder), a
// notification stream's or a campaign's (they name columns and rows of the outputs).
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// ValidName says whether name can name a scenario, a notification stream or a
// campaign: lower-case letters, digits, "-" and "_", not starting with "-" or "_".
func ValidName(name string) bool { return nameRE.MatchString(name) }
