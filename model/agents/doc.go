// Package agents describes the people (and the bot) who answer: shifts (weekdays, local
// start and end times, headcount) in the business's time zone, holidays on which no
// shift starts, how many chats one agent holds at once, how long handling a message
// takes, what staffing costs, and what happens to a reply that comes after the
// customer's 24-hour window has closed. It also holds what shapes the agents' queue:
// a bot that answers first and resolves a share of conversations alone, customers'
// patience, and the order conversations are picked in; or, instead of all that, a
// team described only by its response-time distribution.
//
// It turns shifts into a capacity timeline (the number of agents on duty between
// consecutive changes); the queueing itself is the engine's run loop.
package agents
