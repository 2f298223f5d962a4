package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// Stream returns the named random stream of a run: a PCG generator keyed by the run's
// seed and a hash of the name. Streams with different names are independent, and a
// stream depends on nothing but (seed, name), so adding a stream or drawing more from
// one never shifts the numbers another part of the model sees. That is what keeps
// variants of a scenario on common random numbers.
func Stream(seed uint64, name string) *rand.Rand {
	return rand.New(StreamSource(seed, name))
}

// StreamSource is Stream's source, for gonum distributions (their Src field).
func StreamSource(seed uint64, name string) *rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.NewPCG(seed, h.Sum64())
}

// DeriveSeed mixes a scenario seed with an index (a replication number) into a new
// seed with splitmix64, so replications get well-separated, reproducible seeds.
func DeriveSeed(seed uint64, index uint64) uint64 {
	z := seed + (index+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
