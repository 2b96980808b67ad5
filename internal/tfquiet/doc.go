// Package tfquiet keeps libtensorflow's start-up lines off a voxsiam
// command's standard error. Importing it (for its side effect, from package
// main) is all it takes.
//
// libtensorflow writes log lines while the dynamic loader runs its
// constructors, before any Go code: absl's "All log messages before
// absl::InitializeLog() is called are written to STDERR" and an INFO line
// "Could not find cuda drivers". TF_CPP_MIN_LOG_LEVEL does not reach them,
// and a Go init function, or a re-exec from one, comes too late: the
// loader has run by then. An ELF executable's .preinit_array does run
// before the shared libraries' constructors, so a C function placed there
// (quiet.go) acts in time. When TF_CPP_MIN_LOG_LEVEL is unset it runs the
// program again (execve of /proc/self/exe, once: the variable is set then)
// with TF_CPP_MIN_LOG_LEVEL=3 added: the variable has to be in the
// environment when libtensorflow starts (it logs while loading), and libc's
// environment cannot be changed yet at that point. TensorFlow's later INFO, WARNING and ERROR lines (oneDNN, cuInit)
// stay quiet that way. Then it points file descriptor 2 at a memory file
// for the load, which TF_CPP_MIN_LOG_LEVEL does not govern. This package's
// init puts the real standard error back and passes on what was written
// meanwhile, minus the TensorFlow log lines below the level (Filter). The
// extra exec costs one more dynamic load of the binary (about 80M cycles of
// relocation, LD_DEBUG=statistics). If libtensorflow aborts while loading,
// its message is lost with the memory file: rerun with VOXSIAM_VERBOSE=1.
//
// VOXSIAM_VERBOSE=1 in the environment, or --verbose among the global flags
// (before the command name), turns all of this off: TensorFlow logs as it
// does by default. A TF_CPP_MIN_LOG_LEVEL that is set is kept as it is and
// applies to the start-up lines as well (0 shows them).
//
// References: System V ABI, "Initialization and Termination Functions"
// (DT_PREINIT_ARRAY runs before the initializers of shared objects);
// TensorFlow's TF_CPP_MIN_LOG_LEVEL (the lowest severity shown: 0 INFO,
// 1 WARNING, 2 ERROR, 3 FATAL); Abseil logging's line prefix "Lmmdd hh:mm:ss.uuuuuu threadid
// file:line]".
package tfquiet
