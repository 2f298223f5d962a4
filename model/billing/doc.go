// Package billing applies WhatsApp Business billing rules, every pricing era of
// docs/billing.md, to a time-ordered stream of messages and prices each business message
// in Meta's own vocabulary (pricing.Charge: pricing_model, type, category, billable,
// conversation id, tier, amount).
//
// # Contract
//
//   - A Biller is a pure, single-threaded state machine: no goroutines, clock, global
//     random numbers or I/O. The same messages in the same order give the same charges.
//   - Messages come in non-decreasing order of Message.At (delivery time, else send
//     time: docs/billing.md, "Which time"); Bill rejects an earlier one.
//   - User messages are free: they open or refresh the customer service window (CSW) and
//     arm a free entry point. Only delivered (or read) business messages are charged; an
//     undelivered one gets pricing.ModelNone and changes nothing.
//   - EraAuto bills each message under the era in force on its date in the account's
//     time zone; a fixed era bills everything under its rules, the rate card still picked
//     by date (see Biller).
//   - Billing splits by user: every rule keeps state per (business number, user) pair
//     but the account counters (CBP free tiers, PMP and NBP volume tiers, the 2026
//     service allowance), which decide only a message's price and type. New settles each
//     counter's Claim at once in a Ledger of its own; NewSplit hands the Claims out, so
//     that Billers over disjoint users can bill apart and one Ledger (NewLedger) settle
//     their Claims in billing order: the same charges as one Biller (split_test.go).
//     Between processes a Claim travels as a ClaimRecord (Claim.Record,
//     ClaimReader.Claim): its card by model and effective date, its error as text.
//   - A charge priced outside a Biller reads its card as a Biller does: ModelCards
//     gives the card the rules of a pricing model in force at an instant read (the
//     model's era then, within the era's span of cards), with a Biller's error where
//     there is none (reconcile prices Meta's word with it).
//   - Money is int64 micros: a charge's Amount is a rate-card cell or a volume band's
//     price, never computed in floating point. Biller.Total is the sum of the Amounts.
//   - Fast: per-pair state is a dense slice indexed by Message.Pair (package window),
//     rate cards and bands are cached per day, counters kept per month; the steady state
//     allocates nothing per message (TestBillAllocatesNothing, BenchmarkBill*).
//
// # How a Charge reads
//
//   - Billable is true on exactly the messages that are charged units on the invoice: the
//     PMP or NBP template, or the message that opened a CBP conversation other than a free
//     entry point one. As in Meta's webhooks, a conversation inside the CBP monthly free
//     tier is billable at no cost (Meta: "considered billable and reflected on your
//     invoice"); the PMP 2026-10 service allowance is not (those messages are free).
//     Messages riding an open conversation have Billable false, the conversation's Type
//     and Category, and its ConversationID (ids are opaque and unique per Biller).
//   - Type says why a message is free: free_customer_service (in the CSW; CBP 2023 service
//     conversations from 2024-11-01), free_entry_point (free entry point window or
//     conversation, category referral_conversion under CBP), free_tier (CBP monthly free
//     conversations; the PMP 2026-10 service allowance).
//   - Category is Meta's: a non-template message is service; CBP 2022 conversations are
//     user_initiated or business_initiated; NBP charges keep the template's category
//     although the card has one template rate.
//
// # Decisions (each an Options field; docs/billing.md's Decisions first)
//
//   - Rules at the delivery time (AtSendTime to use the send time).
//   - Windows and conversations per (business number, user); free and volume tiers per
//     account, all numbers one account (NumberAccount to split, AccountPerNumber for one
//     each).
//   - CBP 2022 free entry point lasts 24 h before 2023-03-01, 72 h after (EntryPointV1).
//   - PMP from 2026-10-01: 1,000 free service messages per number per month
//     (ServiceAllowancePerNumber; negative turns it off). Service is charged at the
//     market's utility list rate, without volume tiers; in-window utility templates are
//     ordinary charged utility templates, tiers included.
//   - CBP free tiers of 1,000 a month (FreeConversationsPerMonth).
//   - Volume tiers: one counter per market for utility, authentication and
//     authentication-international (docs/billing.md, "Volume tiers"; TierCountPerCategory
//     for Meta's per market-category counters). A band is looked up by the message's
//     number in the month (1-based; Meta's "0:750000" first band starts at 0). NBP
//     templates, every category, count on their market's one counter and take the
//     market's Template bands; PMP's tier webhooks (floors) do not raise it.
//   - Marketing templates to US numbers are undelivered from 2025-04-01 under every era
//     (DeliverUSMarketing to turn off): delivery does not depend on pricing.
//   - A delivered non-template message outside the CSW (impossible on WhatsApp, so a
//     gap in the trace) is priced as its era prices non-template messages and counted
//     in Stats.TextOutsideWindow (StrictWindow makes it an error).
//   - A free entry point needs the first delivered business reply within 24 h of the
//     ad/Page user message; that reply consumes the referral, so one click opens at most
//     one window, and a reply inside an open window does not extend it.
//   - CBP 2022: a pair has at most one open conversation, so a reply to an ad while one
//     is open rides it (and answers the ad); only CBP 2023's free entry point closes the
//     others. CBP 2022 conversations do not carry into CBP 2023; only the documented
//     CBP → PMP utility carry-over exists.
//   - Authentication-international needs AuthIntlFrom (the start time Meta sets for an
//     eligible business) passed, a recipient country (Message.Country) other than
//     PrimaryCountry, and a market that has the rate on the date; else the
//     authentication rate applies. A market has it where a card of the rules in force
//     on the date has the authentication_international cell, in any currency of the
//     book: a card that lacks the cell where another currency's has it is missing a
//     rate (a *pricing.MissingRateError), never a sign that the market has none. An
//     unknown PrimaryCountry ("") differs from every country, as Meta bills an
//     unverified primary location.
//   - The log's word (stated.go): facts a log states (model.Message.Stated, from Meta's
//     own webhooks) win over the inference above — a US marketing template Meta says was
//     delivered is charged, pricing.category authentication_international or
//     authentication decides that rate, marketing_lite is reported as such at the
//     marketing rate — in every era, unless IgnoreStated; Stats.Stated counts each
//     charge they changed.
//   - Counterfactual cards: see Biller. NBP has no built-in card; without a user card
//     the error says to pass --rates FILE.
//
// Worked examples of every rule, Meta's own included, are the timelines in
// testdata/*.txt (see TestTimelines for the format).
//
// # Eras
//
// era.go holds the one table of eras: each row gives the era's name (as --pricing,
// scenarios, help and errors spell it; ParseEra and EraNames read it), its pricing model,
// its start day, its billing function and the span of that model's rate cards its rules
// may read (pricing.Span: cards of the shape the rules were written for). Each era's rules are in a file named after it, '_' for '-'
// (pmp_2025.go), with its timeline beside them (testdata/pmp_2025.txt); rules two eras
// share are one helper (pmp_2025.go's for PMP 2026-10, conversations.go's for the CBP
// eras). Dates come from pricing's calendar (pricing/calendar.go), the one place the days
// the rules changed are written; billing turns them into instants of the account's time
// zone once per Biller.
//
// Adding an era, say pmp-2027-01 from 2027-01-01: its start day as a line of pricing's
// calendar; in era.go an Era constant (EraPMP2027Jan, after the last) and its table row
// naming that day and (*Biller).billPMP2027Jan; pmp_2027_01.go with that function,
// calling the helpers of the era it amends for the rules it keeps; and
// testdata/pmp_2027_01.txt with its worked examples (TestTimelines fails without it).
// Under EraAuto messages from its start day are billed by it, and every name list shows
// it. Tests that pin the era of a later date (TestEraAt) and the independent reference
// biller (reference_test.go) then need the new era too, which is the point of them.
package billing
