package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/urfave/cli/v2"
)

// startProfiles starts the CPU profile asked for by --cpuprofile, so that a user can
// send us evidence of where a slow replay or sweep spends its time.
func startProfiles(c *cli.Context, e *env) error {
	path := c.String("cpuprofile")
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return usagef("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	e.cpuProfile = f
	return nil
}

func stopProfiles(c *cli.Context, e *env) error {
	if e.cpuProfile != nil {
		pprof.StopCPUProfile()
		if err := e.cpuProfile.Close(); err != nil {
			return err
		}
		e.cpuProfile = nil
	}
	if path := c.String("memprofile"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("--memprofile: %w", err)
		}
		defer f.Close()
		runtime.GC()
		return pprof.WriteHeapProfile(f)
	}
	return nil
}
