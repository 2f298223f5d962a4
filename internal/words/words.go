package words

import "fmt"

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
