package scenarios

import "testing"

func TestPickSeed(t *testing.T) {
	for _, c := range []struct {
		flag    uint64
		flagSet bool
		seeds   []uint64
		want    uint64
	}{
		{7, true, []uint64{3}, 7},
		{0, false, []uint64{3, 4}, 3},
		{0, false, []uint64{0, 4}, 4},
	} {
		if got, fresh := PickSeed(c.flag, c.flagSet, c.seeds...); got != c.want || fresh {
			t.Errorf("PickSeed(%d, %v, %v) = %d, %v; want %d", c.flag, c.flagSet, c.seeds, got, fresh, c.want)
		}
	}
	// --seed 0, or no seed anywhere: a fresh one, positive as a signed integer.
	for _, set := range []bool{true, false} {
		if got, fresh := PickSeed(0, set, 0); !fresh || got == 0 || int64(got) < 0 {
			t.Errorf("PickSeed(0, %v, 0) = %d, %v; want a fresh positive seed", set, got, fresh)
		}
	}
}

func TestNameFromFile(t *testing.T) {
	for path, want := range map[string]string{
		"out/My Scenario.yaml": "my-scenario", "x/_a.b.yml": "a-b", "--.yaml": "fitted", "week-1.yaml": "week-1",
	} {
		if got := NameFromFile(path); got != want || !ValidName(got) {
			t.Errorf("NameFromFile(%q) = %q, want %q", path, got, want)
		}
	}
	if ValidName("Bad Name") || ValidName("-x") {
		t.Error("ValidName accepts a name Validate refuses")
	}
}
