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
