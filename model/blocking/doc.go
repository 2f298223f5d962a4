// Package blocking models what a business's templates cost it besides money: users who
// block it, the quality rating those blocks drive, the messaging limit on how many users
// it may reach outside the customer service window, and WhatsApp's per-user marketing
// cap (docs/billing.md, "Blocking, quality and messaging limits").
//
// # Contract
//
//   - Pure and single-threaded: no clock, goroutines, global random numbers or I/O. The
//     caller draws the random numbers (BlockProbability gives the chance; the run loop
//     rolls the die on its own named stream), so the same calls give the same states.
//   - Memory is per customer, never per message: Fatigue keeps a small ring of the last
//     FatigueMemory template times per customer; Account keeps one admission time per
//     customer, the admissions of the last 7 days (at most 8 × the limit) and 169 hourly
//     counters.
//   - Time only moves forward: every Account call passes an instant no earlier than the
//     previous one, Admit included (a template held for room is admitted when it goes;
//     RoomAt says when that can be).
//
// # Decisions (Meta leaves these open; each is a Spec field or stated here)
//
//   - Block hazard: right after a delivered template of category k, a user blocks with
//     probability p = per_template[k] × (1 + fatigue × n7), capped at 1, where n7 is the
//     number of templates the user got in the 7 days before (counted to the second, at
//     most FatigueMemory). Only business-initiated templates (notifications, campaigns)
//     carry the hazard and count in n7; a late reply sent as a template answers the
//     user and does not.
//   - A user who blocked stays blocked until they write to the business again (WhatsApp
//     asks them to unblock first): templates to them show `sent`, are never charged and
//     count as reach lost.
//   - Quality rating: from the block rate over the last 7 days, blocks ÷ delivered
//     business-initiated templates, evaluated at every whole UTC hour over the 168 hours
//     before it: high below quality.medium_from (1%), medium below quality.low_from (3%),
//     low from there. With fewer than quality.min_templates (100) delivered templates in
//     the 7 days the number is unrated and counts as high.
//   - Messaging limit: the number of users reached outside the customer service window
//     per rolling 24 h. A user counts from the first template that reaches them outside
//     the window, for 24 h (as a business-initiated conversation did); further templates
//     to them in that time, and templates to users whose window is open, do not count.
//     Templates over the limit wait, first come first served, until the 24 h window has
//     room or the limit rises (overflow: delay), or fail unsent and uncharged
//     (overflow: fail). A waiting template is looked at again when it may go: its
//     window may have opened meanwhile, and then it needs no room.
//   - Tiers: levels 0–4. Before PortfolioFrom (2025-10-07, local midnight) they are
//     per phone number, 250 → 1K → 10K → 100K → unlimited; from then per business
//     portfolio, 250 → 2K → 10K → 100K → unlimited, and a run crossing the date keeps
//     its level (1K becomes 2K). A simulated business has one number and one portfolio,
//     so the scopes coincide. initial_tier names a level; 1000 and 2000 name the same one.
//   - Upgrade (both regimes): at an hourly evaluation, when quality is high or medium,
//     the number is not flagged and at least half the current limit was reached (24 h
//     admissions counted above) in the last 7 days, an upgrade of one level is due
//     24 h later per number, 6 h later per portfolio (Meta's "Upcoming changes to
//     messaging limits", developers.facebook.com/documentation/business-messaging/
//     whatsapp/upcoming-messaging-limits-changes: "upgrades within 6 hours (compared
//     to the current 24 hours)"); it is dropped if the number is flagged or rated low
//     meanwhile. The same
//     rule takes a fresh 250 number up, standing in for Meta's verification and
//     scaling paths.
//   - Downgrade (per-number regime only): quality low flags the number; if it is still
//     low 7 days after being flagged the limit drops one level (not below 250) and the
//     7 days start again; quality back to medium or high lifts the flag. From
//     PortfolioFrom there is no flag and no downgrade.
//   - Marketing cap: a marketing template the cap refuses (error 131049) fails, is not
//     charged, carries no block hazard and does not count in n7; it did use the
//     messaging limit (the API accepted it).
package blocking
