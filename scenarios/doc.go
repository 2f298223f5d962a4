// Package scenarios is the user's way in: the scenario spec (YAML decoded strictly into
// Go structs with defaults), its validation, sweep expansion into a list of runs, and
// the embedded example scenarios, and the seed policy every command follows (PickSeed:
// --seed, else the scenario's, else a fresh one the command prints). Subpackage trace
// reads and writes message logs; subpackage fit estimates a scenario from one.
//
// Loading never half-succeeds: a scenario either decodes and validates completely, or
// the error (an *Error) lists every problem, as FILE:LINE: message for YAML syntax (the
// line the parser gives, made one-based; yamlerrors.go) and as FILE:LINE:COLUMN:
// path.to.field: message otherwise: for unknown keys and values of the wrong kind, the
// key or value the decoder's line holds (the line alone where two fit), for invalid
// values the value's position in the YAML text, or the nearest enclosing field's where
// the value is a default (position.go; none where no part of the path is in the text).
// A field given through an alias is placed at the alias, not at its anchor, and says
// where the anchor holds it ("(from &day at 7:20)"). A problem of the scenario itself is
// reported once, not again under each sweep value. ValidateFiles checks files one by
// one as `spendsim validate` does (scenario, memory, rate cards) and says how the check
// went as a whole: unread files first, then invalid ones (validatefiles.go).
//
// Limits (limits.go): a scenario file is at most limits.ScenarioFile bytes; a grid
// sweep has at most 1,000,000 points, counted without overflow (PointCount); Estimate
// works out a scenario's events and an upper bound of its memory before it runs, and
// CheckMemory refuses one past a limit with the estimate in the message.
package scenarios
