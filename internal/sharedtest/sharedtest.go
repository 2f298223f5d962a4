package sharedtest

import (
	"os"
	"testing"
)

// Env is the variable that turns a missing shared file from a skip into a failure.
const Env = "SPENDSIM_REQUIRE_SHARED"

// Missing ends t because the shared data it reads is absent: a skip, or a failure
// where Env is "1". what says which data ("the webhook corpus"), err why it is absent.
func Missing(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv(Env) == "1" {
		t.Fatalf("%s is not here (%v), and %s=1 requires it", what, err, Env)
		return
	}
	t.Skipf("%s is not here (%v); set %s=1 to fail instead", what, err, Env)
}
