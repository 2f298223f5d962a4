package rebill

import "testing"

// TestSettingsDiffZones: shards whose --timezone names one zone two ways bill alike and
// merge (reconcile --replay compares zones the same way); other settings, and zones that
// differ, are named.
func TestSettingsDiffZones(t *testing.T) {
	for _, c := range []struct {
		a, b []string
		want string
	}{
		{[]string{"--pricing=pmp-2025", "--timezone=Etc/UTC"}, []string{"--pricing=pmp-2025", "--timezone=UTC"}, ""},
		{[]string{"--timezone=Asia/Calcutta"}, []string{"--timezone=Asia/Kolkata"}, ""},
		{[]string{"--timezone=Europe/London"}, []string{"--timezone=UTC"}, "--timezone=Europe/London, not --timezone=UTC"},
		{[]string{"--pricing=pmp-2025"}, []string{"--pricing=auto"}, "--pricing=pmp-2025, not --pricing=auto"},
	} {
		if got := settingsDiff(c.a, c.b); got != c.want {
			t.Errorf("settingsDiff(%v, %v) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}
