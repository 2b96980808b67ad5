package defaultmodel

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDir writes the model once and returns the same complete directory.
func TestDir(t *testing.T) {
	t.Setenv("VOXSIAM_CACHE_DIR", t.TempDir())
	d, err := materialise()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"saved_model.pb", "variables/variables.index", "assets/voxsiam.json"} {
		if st, err := os.Stat(filepath.Join(d, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	want, _ := files.ReadFile("savedmodel/saved_model.pb")
	got, _ := os.ReadFile(filepath.Join(d, "saved_model.pb"))
	if string(got) != string(want) {
		t.Error("saved_model.pb differs from the shipped one")
	}
	d2, err := materialise()
	if err != nil || d2 != d {
		t.Errorf("second call: %q, %v; want %q", d2, err, d)
	}
}
