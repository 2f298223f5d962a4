// Package market maps recipients to Meta's WhatsApp pricing markets over time.
//
// A market is a single country ("Brazil") or a regional group ("Rest of Africa");
// Meta prices every message by the recipient's market. The mapping comes from the
// embedded data/markets.csv (a copy of the project's curated domain data; provenance in
// data/README.md), parsed once by Builtin, and it is dated: Zimbabwe joins Rest of
// Africa on 2025-10-01, six countries become their own markets on 2026-07-01 and nine
// more on 2026-10-01.
//
// Contract:
//   - ID is dense (1..Len(), alphabetical by name); 0 is Unknown. Other is a real market.
//   - ForCountry(iso2, at): the market of a country on the UTC date of at (ForCountryIn
//     takes the date in the business's time zone). Countries not listed → Other; dates
//     before the table's earliest row use the earliest rows. It does not allocate.
//   - ForNumber(digits, at): longest calling_code+prefix match valid at the date
//     (+1 809 → Rest of Latin America, +1 212 → North America, +7 7… → Kazakhstan's row),
//     using libphonenumber to split the calling code, name the country and reject
//     impossible numbers. Errors say what was wrong with the number.
//   - At(date) lists the markets that exist on a date (32, then 38 from 2026-07-01, 47
//     from 2026-10-01).
//   - The package is pure: no I/O beyond the embedded file, no clocks, no goroutines.
//     A Table is read-only and safe for concurrent use.
package market
