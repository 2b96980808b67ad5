package train

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

// The validation metrics recomputed by scipy/scikit-learn from the same
// vectors: pdist (cosine), symmetric KL by numpy, EER from sklearn's
// roc_curve (crossing of FPR and FNR interpolated), accuracy at the best
// threshold by brute force over midpoints, complete linkage + fcluster
// maxclust, MR with an optimal speaker/cluster assignment
// (linear_sum_assignment).
const validationRef = `
import json, sys
import numpy as np
from scipy.spatial.distance import pdist
from scipy.cluster.hierarchy import linkage, fcluster
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import roc_curve
d = json.loads(sys.argv[1])
lab = np.array(d["labels"]); n = len(lab)
same = np.array([lab[i] == lab[j] for i in range(n) for j in range(i+1, n)])
def metrics(dist):
    fpr, tpr, _ = roc_curve(same, -dist, drop_intermediate=False)
    fnr = 1 - tpr
    k = np.argmax(fnr <= fpr)
    a, b = (fnr[k-1] - fpr[k-1]), (fnr[k] - fpr[k])
    t = a / (a - b) if a != b else 0
    eer = fpr[k-1] + t * (fpr[k] - fpr[k-1])
    u = np.unique(dist)
    cands = np.concatenate([[u[0] - 1], (u[1:] + u[:-1]) / 2, [u[-1] + 1]])
    acc = max(np.mean((dist < c) == same) for c in cands)
    return float(acc), float(eer)
emb = np.array(d["emb"]).reshape(n, -1)
p = np.maximum(np.array(d["dist"]).reshape(n, -1), 1e-10)
kl = np.array([np.sum((p[i]-p[j])*(np.log(p[i])-np.log(p[j]))) for i in range(n) for j in range(i+1, n)])
out = {}
out["acc_kl"], out["eer_kl"] = metrics(kl)
out["acc_cos"], out["eer_cos"] = metrics(pdist(emb, "cosine"))
pred = fcluster(linkage(pdist(emb, "cosine"), "complete"), d["k"], "maxclust")
C = np.zeros((lab.max()+1, pred.max()+1))
for t, q in zip(lab, pred): C[t, q] += 1
r, c = linear_sum_assignment(-C)
out["mr"] = float(1 - C[r, c].sum() / n)
print(json.dumps(out))
`

func TestValidationMetricsReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n, dim, s := 40, 6, 5
	labels := make([]int32, n)
	truth := make([]int, n)
	emb := make([]float32, n*dim)
	dist := make([]float32, n*s)
	for i := range labels {
		labels[i] = int32(i % 4)
		truth[i] = i % 4
		for k := 0; k < dim; k++ {
			emb[i*dim+k] = float32(r.NormFloat64()) + float32(labels[i]*int32(k%2))
		}
		var z float64
		for k := 0; k < s; k++ {
			v := math.Exp(r.NormFloat64())
			if k == int(labels[i]) {
				v *= 4
			}
			dist[i*s+k] = float32(v)
			z += v
		}
		for k := 0; k < s; k++ {
			dist[i*s+k] /= float32(z)
		}
	}
	in, _ := json.Marshal(map[string]any{"labels": labels, "emb": emb, "dist": dist, "k": 4})
	testenv.Reference(t, "validation", validationRef, []string{string(in)}, func(t *testing.T, out []byte) {
		var want map[string]float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		accKL, _, eerKL := pairMetrics(dist, s, labels, eval.SymKL)
		accCos, _, eerCos := pairMetrics(emb, dim, labels, eval.Cosine)
		mr, mrZHAW := clusterMR(emb, dim, truth, 4)
		if mrZHAW < mr {
			t.Errorf("ZHAW MR %v below the exact MR %v", mrZHAW, mr)
		}
		got := map[string]float64{"acc_kl": accKL, "eer_kl": eerKL, "acc_cos": accCos, "eer_cos": eerCos, "mr": mr}
		for k, w := range want {
			if math.Abs(got[k]-w) > 1e-9 {
				t.Errorf("%s = %v, reference %v", k, got[k], w)
			}
		}
		t.Logf("go %v\nreference %v", fmt.Sprint(got), fmt.Sprint(want))
	})
}
