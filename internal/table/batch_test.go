package table

import (
	"fmt"
	"slices"
	"testing"
)

// TestStringColNullsLaidOutAsAppended: a string batch counts the nulls before its first
// value and lays them out later; what it hands over is what appending each row in
// turn lays out (offsets, a validity bitmap of the batch's capacity, the null count),
// for every mix of nulls and values in a batch.
func TestStringColNullsLaidOutAsAppended(t *testing.T) {
	const capacity = 20
	patterns := []string{
		"", "n", "v", "nnnnnnnn", "nnnnnnnnn", strings20('n'), strings20('v'),
		"nnnv", "nnnnnnnnnnvnv", "vnnn", "nvnvnvnv", "nnnnnnnnnnnnnnnnnnnv",
	}
	for _, p := range patterns {
		var c stringCol
		c.reset(capacity)
		var (
			offsets = []int32{0}
			valid   []byte
			nulls   int
			data    []byte
		)
		for i, r := range p {
			if r == 'n' {
				c.appendNull()
				nulls++
				if valid == nil {
					valid = slices.Repeat([]byte{0xff}, (capacity+7)/8)
				}
				valid[i/8] &^= 1 << (i % 8)
			} else {
				v := fmt.Sprintf("v%d", i)
				c.append(v)
				data = append(data, v...)
			}
			offsets = append(offsets, int32(len(data)))
			if c.len() != i+1 {
				t.Fatalf("%q: len %d after %d rows", p, c.len(), i+1)
			}
		}
		a := c.array(StringCol("s").Kind.arrowType())
		if a.Len() != len(p) || a.NullN() != nulls {
			t.Errorf("%q: %d rows, %d nulls; want %d, %d", p, a.Len(), a.NullN(), len(p), nulls)
		}
		if !slices.Equal(c.offsets, offsets) || string(c.data) != string(data) || !slices.Equal(c.valid, valid) || c.nulls != nulls {
			t.Errorf("%q: offsets %v data %q valid %08b nulls %d; appended one by one: %v %q %08b %d",
				p, c.offsets, c.data, c.valid, c.nulls, offsets, data, valid, nulls)
		}
		a.Release()
	}
}

func strings20(r byte) string { return string(slices.Repeat([]byte{r}, 20)) }
