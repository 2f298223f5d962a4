// Package fifo is the first-in, first-out queue the simulation keeps its waiting lines
// in: conversations waiting for an agent (model/agents), templates waiting for room
// under a messaging limit (sim). A Ring grows by doubling and never shrinks, so a run's
// steady state pushes and pops without allocating. Pure: no I/O, no goroutines.
package fifo
