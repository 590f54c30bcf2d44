//go:build race

package loadtest

// raceEnabled: the race detector's runtime starts the process at about
// 250 MiB of RSS (shadow memory), which no request causes; under -race the
// memory bound applies to what the load adds to it.
const raceEnabled = true
