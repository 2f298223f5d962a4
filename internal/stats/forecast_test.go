package stats

import (
	"testing"
)

// TestQuantileNearestRank pins the quantile definition: the k-th smallest of R values
// with k = ceil(p·R/100), an exact order statistic of integer micros.
func TestQuantileNearestRank(t *testing.T) {
	ten := []int64{90, 10, 50, 30, 70, 20, 100, 40, 80, 60}
	for _, c := range []struct {
		xs   []int64
		p    int
		want int64
	}{
		{ten, 10, 10}, {ten, 50, 50}, {ten, 90, 90}, {ten, 100, 100},
		{ten, 11, 20}, // ceil(1.1) = 2
		{[]int64{7}, 10, 7}, {[]int64{7}, 90, 7},
		{[]int64{3, 1, 2}, 10, 1}, {[]int64{3, 1, 2}, 50, 2}, {[]int64{3, 1, 2}, 90, 3},
		{[]int64{1<<62 + 1, 1 << 62, -5}, 50, 1 << 62}, // no float: exact at any size
	} {
		if got := Quantile(c.xs, c.p); got != c.want {
			t.Errorf("Quantile(%v, %d) = %d, want %d", c.xs, c.p, got, c.want)
		}
	}
	if ten[0] != 90 {
		t.Error("Quantile sorted its input")
	}
}
