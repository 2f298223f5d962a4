// Package sharedtest is for tests that read the project's shared data folder beside
// the repository (the webhook corpus, the Twitter customer-care trace, the curated
// domain tables). A clone has no such folder, so such a test skips where the data is
// absent, saying what it lacks; where SPENDSIM_REQUIRE_SHARED=1 (as .ci/run sets) it
// fails instead, so CI cannot pass by skipping them. Tests only: nothing else imports it.
package sharedtest
