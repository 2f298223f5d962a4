package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/profile"
)

func startProfiles(c *cli.Context, e *env) error {
	p, err := profile.StartCPU(c.String("cpuprofile"))
	if err != nil {
		return usagef("--cpuprofile: %v", err)
	}
	e.cpuProfile = p
	return nil
}

func stopProfiles(c *cli.Context, e *env) error {
	if err := e.cpuProfile.Stop(); err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	return profile.WriteHeap(c.String("memprofile"))
}
