package sharedtest

import (
	"errors"
	"strings"
	"testing"
)

// fake records how Missing ended a test instead of ending this one.
type fake struct {
	testing.TB
	how, msg string
}

func (f *fake) Helper()                        {}
func (f *fake) Fatalf(format string, a ...any) { f.how, f.msg = "fail", format }
func (f *fake) Skipf(format string, a ...any)  { f.how, f.msg = "skip", format }

func TestMissing(t *testing.T) {
	for env, want := range map[string]string{"": "skip", "0": "skip", "1": "fail"} {
		t.Setenv(Env, env)
		f := &fake{}
		Missing(f, "the webhook corpus", errors.New("no such file"))
		if f.how != want || !strings.Contains(f.msg, "is not here") {
			t.Errorf("%s=%q: %s (%q), want %s", Env, env, f.how, f.msg, want)
		}
	}
}
