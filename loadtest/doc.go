// Package loadtest holds the service's bounded load test (issue 7) and the
// check that .ci/run builds the binary with the Dockerfile's command. It has
// no code of its own: everything is in its tests. Figures of the last run
// are in RESULTS.md.
package loadtest
