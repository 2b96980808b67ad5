package tfquiet

import (
	"bytes"
	"regexp"
)

// reLogLine matches an Abseil/TensorFlow log line prefix,
// "I0000 00:00:1796019100.617375   19665 cudart_stub.cc:31] ...", and
// captures the severity letter.
var reLogLine = regexp.MustCompile(`^([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^ \]]+:\d+\] `)

// abslNotice is the line Abseil writes before the first message logged
// ahead of absl::InitializeLog().
const abslNotice = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"

// Filter returns the lines of out that TF_CPP_MIN_LOG_LEVEL level lets
// through: log messages whose severity (INFO 0, WARNING 1, ERROR 2, FATAL
// 3) is at least level, Abseil's notice only at level 0, and every other
// line. A line without a log prefix right after a log line continues its
// message and shares its fate.
func Filter(out []byte, level int) []byte {
	var keep []byte
	drop := false // the current log message is dropped
	for len(out) > 0 {
		line := out
		if i := bytes.IndexByte(out, '\n'); i >= 0 {
			line = out[:i+1]
		}
		out = out[len(line):]
		text := bytes.TrimRight(line, "\r\n")
		switch m := reLogLine.FindSubmatch(text); {
		case m != nil:
			drop = severity[m[1][0]] < level
		case string(text) == abslNotice:
			drop = level > 0
		}
		if !drop {
			keep = append(keep, line...)
		}
	}
	return keep
}

var severity = map[byte]int{'I': 0, 'W': 1, 'E': 2, 'F': 3}
