package sweep

import "testing"

// TestComparePairPricingSpelling: --pricing-b in any case bills B under the era's own
// name, which the comparison's name and outputs then carry.
func TestComparePairPricingSpelling(t *testing.T) {
	_, b, name, err := ComparePair("small", "", "PMP-2025")
	if err != nil {
		t.Fatal(err)
	}
	if b.Pricing != "pmp-2025" || name != "small-auto-vs-pmp-2025" {
		t.Errorf("B's pricing %q, name %q; want pmp-2025 and small-auto-vs-pmp-2025", b.Pricing, name)
	}
}
