package words

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		noun string
		want string
	}{{0, "run", "0 runs"}, {1, "sweep point", "1 sweep point"}, {2, "replication", "2 replications"}, {-1, "agent", "-1 agents"}} {
		if got := Count(c.n, c.noun); got != c.want {
			t.Errorf("Count(%d, %q) = %q; want %q", c.n, c.noun, got, c.want)
		}
	}
	if S(1) != "" || S(7) != "s" {
		t.Errorf("S(1) = %q, S(7) = %q", S(1), S(7))
	}
}

func TestAre(t *testing.T) {
	if Are(1) != "is" || Are(0) != "are" || Are(int64(3)) != "are" {
		t.Errorf("Are(1) = %q, Are(0) = %q, Are(3) = %q", Are(1), Are(0), Are(int64(3)))
	}
}

func TestSeries(t *testing.T) {
	for _, c := range []struct {
		items   []string
		and, or string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a and b", "a or b"},
		{[]string{"a", "b", "c"}, "a, b and c", "a, b or c"},
	} {
		if got := And(c.items); got != c.and {
			t.Errorf("And(%q) = %q, want %q", c.items, got, c.and)
		}
		if got := Or(c.items); got != c.or {
			t.Errorf("Or(%q) = %q, want %q", c.items, got, c.or)
		}
	}
}
