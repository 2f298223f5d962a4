// Package agents describes the people (and the bot) who answer: shifts (weekdays, local
// start and end times, headcount) in the business's time zone, holidays on which no
// shift starts, how many chats one agent holds at once, how long handling a message
// takes, what staffing costs, and what happens to a reply that comes after the
// customer's 24-hour window has closed. It also holds what shapes the agents' queue:
// a bot that answers first and resolves a share of conversations alone, customers'
// patience, a share of conversations the agents never take up, and the order
// conversations are picked in; or, instead of all that, a
// team described only by its response-time distribution.
//
// It turns shifts into a capacity timeline (the number of agents on duty between
// consecutive changes): compiled once into a weekly Pattern, laid over a horizon by a
// Cursor one change at a time, so a run of any length holds a day or two of changes
// and a steady team's ordinary weeks pass at once. It holds the one model of the agents at work, the Desk:
// the queue, chat slots, priority, patience and the bot, shared by the simulation
// (sim.Run) and restaffing a trace (sim/replay). The desk is pure and owns no clock: its
// owner keeps the event queue, schedules the desk's events through the narrow
// Scheduler interface and hands each back when it comes due, and gives it its random
// streams by name. Everything in the agents block that shapes the queue is honoured
// the same way by both; how long a conversation lasts is the owner's (see Desk).
package agents
