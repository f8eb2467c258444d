//go:build race

package validate

// raceEnabled is true in a build with the race detector (go test -race).
const raceEnabled = true
