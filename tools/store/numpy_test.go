package store

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testenv"
)

// numpyScript loads a store with numpy exactly as the Keras reference does
// (np.load mmap_mode='r', csv manifest) and prints, per utterance, its row
// range and the bit patterns numpy sees; for float16 stores it also encodes
// the float32 input with numpy's own float16 rounding for comparison.
// argv: the store's files (JSON {name: base64}, written to a temporary
// directory first), the float32 input (JSON).
const numpyScript = `
import base64, sys, json, csv, os, tempfile, numpy as np
d = tempfile.mkdtemp()
for name, b in json.loads(sys.argv[1]).items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(base64.b64decode(b))
x = np.load(d + "/frames.npy", mmap_mode="r")
with open(d + "/manifest.tsv") as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
with open(d + "/speakers.tsv") as f:
    groups = {r["speaker"]: r["group"] for r in csv.DictReader(f, delimiter="\t")}
want = np.array(json.loads(sys.argv[2]), dtype=np.float32).reshape(-1, x.shape[1]).astype(x.dtype)
out = {"shape": list(x.shape), "dtype": str(x.dtype), "mmap": isinstance(x, np.memmap),
       "groups": groups, "config": json.load(open(d + "/features.json")),
       "utts": [[r["utt_id"], r["speaker"], int(r["first_row"]), int(r["num_rows"]), float(r["duration_s"])] for r in rows],
       "max_abs_diff": float(np.max(np.abs(x.astype(np.float64) - want.astype(np.float64)))),
       "bits_equal": bool(np.array_equal(np.asarray(x).view(np.uint8), want.view(np.uint8)))}
print(json.dumps(out))
`

// TestNumpyReadsStore: numpy reads a store as the Keras reference does and
// sees the frames, float16 rounding included, and the manifest voxsiam
// wrote. The store's bytes are the reference script's input, so the stored
// reference holds while the writer's output is unchanged (a changed output
// makes it stale: regenerate in the venv); the live run is on top.
func TestNumpyReadsStore(t *testing.T) {
	for _, f16 := range []bool{false, true} {
		name := map[bool]string{false: "float32", true: "float16"}[f16]
		t.Run(name, func(t *testing.T) {
			utts := synthUtts(5, 8, 11)
			utts[0].frames[3] = 1e-6 // a float16 subnormal
			utts[0].frames[4] = -0.1 // round-to-nearest-even cases
			utts[0].frames[5] = 65519
			dir := build(t, utts, Options{NMels: 8, Float16: f16, FeatureConfig: map[string]int{"n_mels": 8}})
			var all []float32
			for _, u := range utts {
				all = append(all, u.frames...)
			}
			files := map[string][]byte{}
			for _, f := range []string{FramesFile, ManifestFile, SpeakersFile, FeaturesFile} {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				files[f] = b
			}
			fileArg, _ := json.Marshal(files)
			ref, _ := json.Marshal(all)
			testenv.Reference(t, "numpy-store-"+name, numpyScript, []string{string(fileArg), string(ref)}, func(t *testing.T, out []byte) {
				checkNumpyStore(t, out, f16, utts, len(all))
			})
		})
	}
}

// checkNumpyStore compares what numpyScript printed (out) with the store
// built from utts (n values in all, 8 mels, float16 when f16).
func checkNumpyStore(t *testing.T, out []byte, f16 bool, utts []testUtt, n int) {
	t.Helper()
	var got struct {
		Shape      []int64
		Dtype      string
		Mmap       bool
		Groups     map[string]string
		Config     map[string]int
		Utts       [][]any
		MaxAbsDiff float64 `json:"max_abs_diff"`
		BitsEqual  bool    `json:"bits_equal"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	wantDtype := map[bool]string{false: "float32", true: "float16"}[f16]
	if got.Dtype != wantDtype || !got.Mmap || got.Shape[0] != int64(n/8) || got.Shape[1] != 8 {
		t.Fatalf("numpy sees shape %v dtype %s memmap %v", got.Shape, got.Dtype, got.Mmap)
	}
	// Exact: numpy's own float32->float16 cast must give the same bits as ours.
	if !got.BitsEqual || got.MaxAbsDiff != 0 {
		t.Errorf("numpy frames differ from the input cast to %s: max abs diff %g", got.Dtype, got.MaxAbsDiff)
	}
	if got.Groups["spk0"] != "voiceA" || got.Config["n_mels"] != 8 || len(got.Utts) != 5 {
		t.Errorf("numpy read groups %v config %v, %d utterances", got.Groups, got.Config, len(got.Utts))
	}
	var first int64
	for i, r := range got.Utts {
		rows := int64(len(utts[i].frames) / 8)
		if r[0] != utts[i].u.ID || int64(r[2].(float64)) != first || int64(r[3].(float64)) != rows ||
			math.Abs(r[4].(float64)-utts[i].u.Duration) > 0 {
			t.Errorf("manifest row %d as read by numpy: %v", i, r)
		}
		first += rows
	}
}
