// Package sim is spendsim's discrete-event engine: integer virtual time, an event queue
// ordered by (time, seq), named random streams per run derived from one seed, the run
// loop of the support-centre model, business-initiated traffic (notifications,
// campaigns, blocking and messaging limits), the statistics of a run, and a pool that
// runs independent runs on many cores.
//
// A run counts the conversations that arrive inside its horizon and follows each to its
// end after it, with no new arrivals, billing what that costs, the agents' hours until
// the backlog is cleared included (a team modelled by its response time needs nobody
// for it: the horizon's hours alone), and sends the templates the messaging limit still
// holds as it lets them (horizon.go); an optional warm-up before the horizon
// is simulated and counted nowhere.
//
// The run loop owns the customers, their messages and the billing; the agents' side
// (queue, chat slots, priority, patience, bot) is model/agents' Desk, which schedules
// its events in the run's queue. Trace replay and restaffing are not here but in
// sim/replay, which uses the queue, the streams and the same desk.
//
// One run is pure and single-threaded: no goroutines, wall clock, I/O or global random
// numbers inside it, and nothing depends on map order. Parallelism exists only between
// runs, and results are written by run index, so output is identical at any worker
// count. sim never knows about files: runs report through the narrow Recorder interface
// and return plain structs (RunResult, DayRow) that package reports turns into files.
// A Recorder that is also a Stopper can end a run early (a cancelled sweep, a failed
// write); a run that is not stopped is not changed by being asked.
package sim
