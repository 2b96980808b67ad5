//go:build !unix

package feature

func cpuSeconds() float64 { return 0 }
