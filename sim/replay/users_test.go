package replay

import (
	"fmt"
	"strings"
	"testing"
)

// TestUserTableAgainstMap: the table finds exactly the users a map would, across
// growth, for packed numbers (leading zeros and lengths kept apart) and arena ids.
func TestUserTableAgainstMap(t *testing.T) {
	var tb userTable
	ref := map[string]uint32{}
	ids := []string{"0", "00", "000000000000000", "123", "0123", "999999999999999",
		"1234567890123456", "+5511", "abc", "", strings.Repeat("x", 300), "12a"}
	for i := 0; i < 50_000; i++ {
		ids = append(ids, fmt.Sprint(5511900000000+i*7919), fmt.Sprintf("user-%d", i))
	}
	for round := 0; round < 2; round++ {
		for i, id := range ids {
			s, key := tb.find(id)
			want, ok := ref[id]
			if ok != (s.key != 0) {
				t.Fatalf("round %d: %q: found %v, want %v", round, id, s.key != 0, ok)
			}
			if ok {
				if s.pair != want {
					t.Fatalf("%q: pair %d, want %d", id, s.pair, want)
				}
				continue
			}
			ref[id] = uint32(i)
			tb.insert(s, key, id, userSlot{pair: uint32(i)})
		}
	}
	if tb.n != len(ref) {
		t.Fatalf("%d users, want %d", tb.n, len(ref))
	}
}

func TestPackDigits(t *testing.T) {
	a, _ := packDigits("123")
	b, _ := packDigits("0123")
	c, _ := packDigits("1230")
	if a == b || a == c || b == c {
		t.Fatalf("collide: %x %x %x", a, b, c)
	}
	for _, s := range []string{"", "1234567890123456", "12a", "+1"} {
		if _, ok := packDigits(s); ok {
			t.Errorf("%q packed", s)
		}
	}
}
