package scenarios

import (
	"crypto/rand"
	"encoding/binary"
	"time"
)

// PickSeed is the seed policy of every command that simulates: the --seed flag when it
// was given (flagSet, even 0), else the first of the scenarios' seeds that is not 0,
// else a fresh random one. fresh says it was the last: the command must then show the
// seed, so that the run can be reproduced.
func PickSeed(flag uint64, flagSet bool, scenarioSeeds ...uint64) (seed uint64, fresh bool) {
	if flagSet {
		seed = flag
	} else {
		for _, s := range scenarioSeeds {
			if s != 0 {
				seed = s
				break
			}
		}
	}
	if seed == 0 {
		return FreshSeed(), true
	}
	return seed, false
}

// FreshSeed is a random seed from the operating system, below 2^63 so that every
// reader of the files (Parquet, JSON) sees it as positive.
func FreshSeed() uint64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return uint64(time.Now().UnixNano())
	}
	return binary.LittleEndian.Uint64(b[:]) >> 1
}
