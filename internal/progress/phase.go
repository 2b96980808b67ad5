package progress

import (
	"syscall"
	"time"
)

// Phase measures one phase of a command, wall clock and the process's CPU
// time (user + system, all threads, TensorFlow's included), so a --json
// summary can give both the rate and the rate per CPU-second of the work
// itself, without process start-up.
type Phase struct {
	wall time.Time
	cpu  float64
}

// StartPhase starts measuring.
func StartPhase() Phase { return Phase{wall: time.Now(), cpu: processCPUSeconds()} }

// Since returns the wall and CPU seconds spent since p started.
func (p Phase) Since() (wall, cpu float64) {
	return time.Since(p.wall).Seconds(), processCPUSeconds() - p.cpu
}

// processCPUSeconds is getrusage(RUSAGE_SELF) user + system time; 0 where
// the call fails.
func processCPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
