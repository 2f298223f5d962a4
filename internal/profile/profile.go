// Package profile records a command's CPU and heap profiles (go tool pprof), so that a
// user can send evidence of where a slow replay or sweep spends its time.
package profile

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// CPU records a CPU profile to path until Stop; "" records nothing.
type CPU struct{ f *os.File }

// StartCPU starts a CPU profile written to path ("": none).
func StartCPU(path string) (*CPU, error) {
	if path == "" {
		return &CPU{}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return &CPU{f: f}, nil
}

// Stop ends the CPU profile and closes its file; it does nothing after the first call.
func (c *CPU) Stop() error {
	if c == nil || c.f == nil {
		return nil
	}
	pprof.StopCPUProfile()
	f := c.f
	c.f = nil
	return f.Close()
}

// WriteHeap writes a heap profile, after a garbage collection, to path ("": none).
func WriteHeap(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--memprofile: %w", err)
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}
