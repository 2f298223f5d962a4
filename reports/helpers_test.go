package reports

import (
	"os"
	"testing"
)

const testVersion = "v0.0.0-test"

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
