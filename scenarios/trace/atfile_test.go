package trace

import (
	"errors"
	"testing"
)

func TestAtFile(t *testing.T) {
	if got := AtFile("dir/trace.csv", errors.New("line 3: column category: bad")).Error(); got != "trace.csv:3: column category: bad" {
		t.Errorf("got %q", got)
	}
	other := errors.New("open x: no such file")
	if got := AtFile("dir/trace.csv", other); got != other {
		t.Errorf("an error without a line changed: %v", got)
	}
}
