//go:build race

package narrative

const raceEnabled = true
