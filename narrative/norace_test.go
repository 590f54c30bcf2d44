//go:build !race

package narrative

const raceEnabled = false
