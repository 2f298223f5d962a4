package scenarios

import (
	"os"
	"path/filepath"
	"slices"
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

// TestPricingSpeltCanonically: a scenario's pricing in any case is the era's own name
// once parsed (outputs and comparisons of settings read it), as --pricing is.
func TestPricingSpeltCanonically(t *testing.T) {
	for in, want := range map[string]string{"PMP-2025": "pmp-2025", " Cbp-2023": "cbp-2023", "AUTO": "auto", "pmp-2026-10": "pmp-2026-10"} {
		sc, err := Parse([]byte(base+"pricing: \""+in+"\"\n"), "s.yaml")
		if err != nil {
			t.Fatalf("pricing %q: %v", in, err)
		}
		if sc.Pricing != want {
			t.Errorf("pricing %q parsed as %q, want %q", in, sc.Pricing, want)
		}
	}
}

// TestSweptPricingSpeltCanonically: the values of a sweep over pricing are the eras'
// own names too, in the points' scenarios and ids.
func TestSweptPricingSpeltCanonically(t *testing.T) {
	sc, err := Parse([]byte(base+"sweep:\n  - {path: pricing, values: [CBP-2023, Pmp-2025]}\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	points, err := sc.Points()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range points {
		got = append(got, p.ID+" "+p.Scenario.Pricing)
	}
	if want := []string{"pricing=cbp-2023 cbp-2023", "pricing=pmp-2025 pmp-2025"}; !slices.Equal(got, want) {
		t.Errorf("points %q, want %q", got, want)
	}
}
