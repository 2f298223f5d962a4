// Package scenarios is the user's way in: the scenario spec (YAML decoded strictly into
// Go structs with defaults), its validation, sweep expansion into a list of runs, and
// the embedded example scenarios. Subpackage trace reads message logs.
//
// Loading never half-succeeds: a scenario either decodes and validates completely, or
// the error lists every problem, as FILE:LINE for syntax and unknown keys and as
// path.to.field for invalid values.
package scenarios
