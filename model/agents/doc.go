// Package agents describes the people who answer: shifts (weekdays, local start and end
// times, headcount) in the business's time zone, how many chats one agent holds at
// once, how long handling a message takes, what staffing costs, and what happens to a
// reply that comes after the customer's 24-hour window has closed.
//
// It turns shifts into a capacity timeline (the number of chat slots on duty between
// consecutive changes); the queueing itself is the engine's run loop.
package agents
