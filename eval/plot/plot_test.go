package plot

import (
	"encoding/json"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// fixture: 6 speakers x 8 utterances around random centres in 10-D.
func fixture() (x []float32, spk []int, names []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	const dim = 10
	for s := 0; s < 6; s++ {
		c := make([]float64, dim)
		for j := range c {
			c[j] = rng.NormFloat64() * 2
		}
		for u := 0; u < 8; u++ {
			for j := range dim {
				x = append(x, float32(c[j]+rng.NormFloat64()))
			}
			spk = append(spk, s)
			names = append(names, string(rune('A'+s))+string(rune('0'+u)))
		}
	}
	return x, spk, names
}

// TestPlotsRender draws every figure of a report and decodes the PNGs.
func TestPlotsRender(t *testing.T) {
	dir := t.TempDir()
	if d := os.Getenv("VOXSIAM_PLOT_DIR"); d != "" {
		dir = d // keep the figures to look at them
	}
	x, spk, names := fixture()
	scores, same := eval.PairScores(x, 10, spk, eval.Cosine)
	eer, thr := eval.EER(scores, same)
	z := eval.Linkage(eval.Pdist(x, 10, eval.Cosine), len(spk), eval.Complete)
	pts, frac, err := PCA2(x, 10)
	if err != nil {
		t.Fatal(err)
	}
	spkNames := make([]string, len(spk))
	for i, s := range spk {
		spkNames[i] = "speaker" + string(rune('A'+s))
	}
	steps := []struct {
		file string
		draw func(string) error
	}{
		{"det.png", func(f string) error {
			return DET(f, "DET curve", map[string][]eval.DETPoint{"cosine": eval.DET(scores, same)}, map[string]float64{"cosine": eer})
		}},
		{"hist.png", func(f string) error {
			return ScoreHist(f, "Pair scores", scores, same, []Threshold{{"EER threshold", thr}})
		}},
		{"dendrogram.png", func(f string) error {
			return Dendrogram(f, "Complete linkage, cosine", z, names, spk, eval.LevelThreshold(z, len(z)-5), "6 speakers")
		}},
		{"map.png", func(f string) error {
			return Map(f, "PCA", pts, spkNames, [2]string{"PC1 " + pct(frac[0]), "PC2 " + pct(frac[1])})
		}},
	}
	for _, s := range steps {
		f := filepath.Join(dir, s.file)
		if err := s.draw(f); err != nil {
			t.Fatal(err)
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(fh)
		fh.Close()
		if err != nil || img.Bounds().Dx() < 400 {
			t.Fatalf("%s: %v %v", s.file, err, img)
		}
	}
}

func pct(f float64) string { return "(" + string(rune('0'+int(f*10)%10)) + "0%)" }

// TestPCAMatchesSklearn compares PCA2 with scikit-learn's PCA up to the
// sign of each component (1e-9 absolute).
func TestPCAMatchesSklearn(t *testing.T) {
	x, _, _ := fixture()
	pts, frac, err := PCA2(x, 10)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(x)
	script := `
import sys, json, numpy as np
from sklearn.decomposition import PCA
x = np.array(json.loads(sys.argv[1]), dtype=np.float32).astype(np.float64).reshape(-1, 10)
p = PCA(2, svd_solver="full").fit(x)
print(json.dumps({"pts": p.transform(x).tolist(), "frac": p.explained_variance_ratio_.tolist()}))
`
	testenv.Reference(t, "pca", script, []string{string(b)}, func(t *testing.T, out []byte) {
		var ref struct {
			Pts  [][2]float64
			Frac [2]float64
		}
		if err := json.Unmarshal(out, &ref); err != nil {
			t.Fatal(err)
		}
		for c := 0; c < 2; c++ {
			sign := math.Copysign(1, pts[0][c]*ref.Pts[0][c])
			for i := range pts {
				if math.Abs(pts[i][c]-sign*ref.Pts[i][c]) > 1e-9 {
					t.Fatalf("component %d row %d: %v vs sklearn %v", c, i, pts[i][c], ref.Pts[i][c])
				}
			}
			if math.Abs(frac[c]-ref.Frac[c]) > 1e-12 {
				t.Errorf("explained variance %d: %v vs %v", c, frac[c], ref.Frac[c])
			}
		}
	})
}
