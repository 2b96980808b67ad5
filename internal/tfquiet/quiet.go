package tfquiet

/*
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

// The load window's descriptors: the real standard error and the memory
// file that stands in for it (-1: no redirection), and the
// TF_CPP_MIN_LOG_LEVEL in force.
static int tfquiet_saved = -1;
static int tfquiet_capture = -1;
static int tfquiet_level = 0;

// tfquiet_getenv looks name up in envp: libc's environ is not set up yet
// when .preinit_array runs, so getenv sees nothing.
static const char *tfquiet_getenv(char **envp, const char *name) {
	size_t n = strlen(name);
	for (; envp != NULL && *envp != NULL; envp++) {
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=') {
			return *envp + n + 1;
		}
	}
	return NULL;
}

// tfquiet_verbose: VOXSIAM_VERBOSE set (and not 0 or false), or --verbose
// among the global flags (the arguments before the command name).
static int tfquiet_verbose(int argc, char **argv, char **envp) {
	const char *v = tfquiet_getenv(envp, "VOXSIAM_VERBOSE");
	if (v != NULL && *v != 0 && strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0) {
		return 1;
	}
	for (int i = 1; i < argc && argv[i] != NULL && argv[i][0] == '-'; i++) {
		const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);
		if (strcmp(a, "verbose") == 0 || strcmp(a, "verbose=true") == 0 || strcmp(a, "verbose=1") == 0) {
			return 1;
		}
	}
	return 0;
}

// tfquiet_reexec runs the program again with TF_CPP_MIN_LOG_LEVEL=3 added
// to its environment: libtensorflow reads the variable while it loads,
// and the environment cannot be changed for that from here. It returns
// only when execve fails.
static void tfquiet_reexec(char **argv, char **envp) {
	size_t n = 0;
	while (envp != NULL && envp[n] != NULL) {
		n++;
	}
	char **env = malloc((n + 2) * sizeof *env);
	if (env == NULL) {
		return;
	}
	memcpy(env, envp, n * sizeof *env);
	env[n] = "TF_CPP_MIN_LOG_LEVEL=3";
	env[n + 1] = NULL;
	execve("/proc/self/exe", argv, env);
	free(env);
}

// tfquiet_preinit runs from .preinit_array, before the constructors of
// the shared libraries (glibc passes argc, argv and envp).
static void tfquiet_preinit(int argc, char **argv, char **envp) {
	if (tfquiet_verbose(argc, argv, envp)) {
		return;
	}
	const char *lvl = tfquiet_getenv(envp, "TF_CPP_MIN_LOG_LEVEL");
	if (lvl == NULL) {
		tfquiet_reexec(argv, envp);
		lvl = "3"; // execve failed: at least the start-up lines go
	}
	tfquiet_level = atoi(lvl);
	if (tfquiet_level <= 0) {
		return;
	}
	int cap = memfd_create("voxsiam-tf-load", MFD_CLOEXEC);
	if (cap < 0) {
		return;
	}
	int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (saved < 0 || dup2(cap, 2) < 0) {
		if (saved >= 0) {
			close(saved);
		}
		close(cap);
		return;
	}
	tfquiet_saved = saved;
	tfquiet_capture = cap;
}

__attribute__((section(".preinit_array"), used))
static void (*tfquiet_preinit_entry)(int, char **, char **) = tfquiet_preinit;

// tfquiet_restore points descriptor 2 back at the real standard error and
// returns the memory file (positioned at its start) holding what was
// written during the load, or -1 when there was no redirection.
static int tfquiet_restore(void) {
	if (tfquiet_saved < 0) {
		return -1;
	}
	dup2(tfquiet_saved, 2);
	close(tfquiet_saved);
	tfquiet_saved = -1;
	int cap = tfquiet_capture;
	tfquiet_capture = -1;
	lseek(cap, 0, SEEK_SET);
	return cap;
}

static int tfquiet_min_level(void) { return tfquiet_level; }
*/
import "C"

import (
	"io"
	"os"
)

// Captured is what the process wrote to standard error while the shared
// libraries loaded, before Filter; nil when nothing was redirected.
var Captured []byte

func init() {
	fd := int(C.tfquiet_restore())
	if fd < 0 {
		return
	}
	f := os.NewFile(uintptr(fd), "voxsiam-tf-load")
	Captured, _ = io.ReadAll(f)
	f.Close()
	os.Stderr.Write(Filter(Captured, int(C.tfquiet_min_level())))
}
