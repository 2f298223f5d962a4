package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadFolderIsNoScenario: a folder named like an embedded scenario does not hide
// it, and any other folder is refused as a folder, not read.
func TestLoadFolderIsNoScenario(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("small", 0o755); err != nil {
		t.Fatal(err)
	}
	sc, _, err := Load("small")
	if err != nil || sc.Name != "small" {
		t.Fatalf("Load(small) beside a folder small/: %v, %v; want the embedded small", sc, err)
	}
	other := filepath.Join(dir, "results")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(other); err == nil || !strings.Contains(err.Error(), "is a folder, not a scenario file") {
		t.Fatalf("Load(a folder): %v; want it refused as a folder", err)
	}
}
