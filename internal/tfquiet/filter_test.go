package tfquiet

import "testing"

// The lines are those libtensorflow 2.21 (tensorflow-cpu wheel) printed on
// this machine, at load and at the first session.
const (
	notice = abslNotice + "\n"
	cuda   = "I0000 00:00:1796019100.617375   19665 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.\n"
	onednn = "I0000 00:00:1796018584.332343   26701 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.\n"
	warn   = "W0000 00:00:1796018584.400000   26701 op_kernel.cc:1857] a warning\n"
	cuinit = "E0000 00:00:1796018910.571805   12922 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)\n"
	cpu    = "I0000 00:00:1796019504.567806    2479 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.\nTo enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.\n"
	fatal  = "F0000 00:00:1796018910.600000   12922 cpu_feature_guard.cc:10] The TensorFlow library was compiled to use AVX512F instructions\n"
	other  = "voxsiam: something of our own\n"
)

func TestFilter(t *testing.T) {
	all := notice + cuda + onednn + warn + cuinit + fatal + other
	for _, tc := range []struct {
		name  string
		in    string
		level int
		want  string
	}{
		{"level 0 keeps all", all, 0, all},
		{"level 1 drops INFO and the notice", all, 1, warn + cuinit + fatal + other},
		{"level 2 drops WARNING", all, 2, cuinit + fatal + other},
		{"level 3 keeps FATAL only", all, 3, fatal + other},
		{"no final newline", other + "I0000 00:00:1.0 1 x.cc:1] tail", 3, other},
		{"not a log line", "I0000 is not a prefix\n", 3, "I0000 is not a prefix\n"},
		{"continuation lines", other + cpu + cuinit + fatal + "stack frame 1\n", 2, other + cuinit + fatal + "stack frame 1\n"},
		{"continuation dropped at level 3", cpu + other, 3, ""},
		{"empty", "", 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Filter([]byte(tc.in), tc.level)); got != tc.want {
				t.Errorf("Filter(level %d) =\n%q\nwant\n%q", tc.level, got, tc.want)
			}
		})
	}
}
