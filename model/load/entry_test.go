package load

import (
	"strings"
	"testing"
)

func TestEntryPointsValidate(t *testing.T) {
	for _, c := range []struct {
		e    EntryPoints
		want string
	}{
		{EntryPoints{}, ""},
		{EntryPoints{CTWA: 0.6, PageCTA: 0.4}, ""},
		{EntryPoints{CTWA: -0.1, PageCTA: 1.5}, "load.entry_points.ctwa: must be a share between 0 and 1, got -0.1\nload.entry_points.page_cta: must be a share between 0 and 1, got 1.5"},
		{EntryPoints{CTWA: 0.7, PageCTA: 0.4}, "load.entry_points: ctwa + page_cta is 1.1, more than all conversations; the shares must sum to at most 1"},
	} {
		if got := strings.Join(c.e.Validate("load.entry_points"), "\n"); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.e, got, c.want)
		}
	}
}
