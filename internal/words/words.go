package words

import (
	"fmt"
	"strings"
)

// Integer is a count of things.
type Integer interface {
	~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64
}

// S is the plural ending of a regular noun counted n times: "" for 1, "s" otherwise.
func S[N Integer](n N) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Count is n with its regular noun: "1 sweep point", "3 sweep points", "0 runs".
func Count[N Integer](n N, noun string) string {
	return fmt.Sprintf("%d %s%s", n, noun, S(n))
}

// Are is the verb after n things: "is" for 1 ("1 run is kept"), "are" otherwise.
func Are[N Integer](n N) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// And is a list read as one: "a", "a and b", "a, b and c"; "" for none.
func And(items []string) string { return series(items, " and ") }

// Or is a list of alternatives: "a", "a or b", "a, b or c"; "" for none.
func Or(items []string) string { return series(items, " or ") }

func series(items []string, last string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}
