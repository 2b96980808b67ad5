package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// streamValidation is the PCG stream of the validation crops, PCG(seed,
// 2^63): the sampler uses streams 0, 1, ... (one per step) and SpecAugment
// xors specSalt into the seed, so none of them meets it.
const streamValidation = uint64(1) << 63

// valSet is the fixed held-out data validated on: random segments of the
// validation speakers (for loss, pair accuracy and EER) and whole utterances
// (for clustering MR). It depends only on the seed.
type valSet struct {
	seg, nMels int
	x          []float32 // [n, seg, nMels] segments
	labels     []int32   // [n] validation speaker index
	n          int
	// clustering: utterance u's segments are rows [uttFirst[u], uttFirst[u+1]) of uttX
	uttX     []float32 // [m, seg, nMels] non-overlapping segments of all utterances
	uttFirst []int     // utterance u covers segments [uttFirst[u], uttFirst[u+1])
	uttLabel []int     // [utterances] speaker index
	speakers int
}

// newValSet draws cfg.Data.ValSegments segments (speaker, utterance, crop as in
// training, stream (seed, 2^63)) and takes up to ValUtterances utterances of each
// validation speaker (sorted by id) for clustering.
func newValSet(src Source, speakers []string, cfg Config) (*valSet, error) {
	if len(speakers) < 2 {
		return nil, fmt.Errorf("train: validation needs 2 speakers, have %d", len(speakers))
	}
	o := cfg.Train
	_, members := classes(speakers, nil)
	utts, err := groupUtterances(src.Utterances(), members, o.Segment)
	if err != nil {
		return nil, fmt.Errorf("train: validation: %w", err)
	}
	v := &valSet{seg: o.Segment, nMels: src.NMels(), n: cfg.Data.ValSegments, speakers: len(speakers)}
	smp := &Sampler{src: src, speakers: speakers, utts: utts, seed: o.Seed, batch: v.n, seg: o.Segment}
	r := rand.New(rand.NewPCG(o.Seed, streamValidation))
	b := &Batch{X: make([]float32, v.n*o.Segment*v.nMels), Rows: make([]int64, v.n)}
	for j := 0; j < v.n; j++ {
		smp.crop(r, r.IntN(len(utts)), b, j)
	}
	v.x, v.labels = b.X, b.Labels
	v.addUtterances(src, utts, cfg.Data.ValUtterances)
	return v, nil
}

// addUtterances cuts up to perSpeaker utterances per speaker (0 = all) into
// segments as test-time embedding does (embed.Cut): the non-overlapping
// segments, then, for a remainder, one more made of the last seg frames
// (feature.Segments with PartialOverlapLast). Every utterance has at least
// seg frames (groupUtterances), so no padding arises.
func (v *valSet) addUtterances(src Source, utts [][]store.Utterance, perSpeaker int) {
	size := v.seg * v.nMels
	var frames []float32
	for k, us := range utts {
		if perSpeaker > 0 && len(us) > perSpeaker {
			us = us[:perSpeaker]
		}
		for _, u := range us {
			v.uttFirst = append(v.uttFirst, len(v.uttX)/size)
			v.uttLabel = append(v.uttLabel, k)
			frames = slices.Grow(frames[:0], int(u.Rows)*v.nMels)[:int(u.Rows)*v.nMels]
			src.Crop(frames, u, 0, int(u.Rows))
			segs, _ := feature.Segments(frames, int(u.Rows), v.nMels, v.seg, feature.PartialOverlapLast)
			v.uttX = append(v.uttX, segs...)
		}
	}
	v.uttFirst = append(v.uttFirst, len(v.uttX)/size)
}

// infer runs net over x: [n, seg, nMels] in chunks of batch segments and
// returns all embeddings and distributions and the mean chunk loss (labels
// given) or NaN.
func infer(net Net, x []float32, n, size, batch int, labels []int32) (InferOut, error) {
	var all InferOut
	var lossSum float64
	chunks := 0
	for i := 0; i < n; i += batch {
		m := min(batch, n-i)
		var lab []int32
		if labels != nil {
			lab = labels[i : i+m]
		}
		o, err := net.Infer(x[i*size:(i+m)*size], m, lab)
		if err != nil {
			return all, err
		}
		all.Emb, all.Dist = append(all.Emb, o.Emb...), append(all.Dist, o.Dist...)
		all.EmbDim, all.DistDim = o.EmbDim, o.DistDim
		lossSum += o.Loss
		chunks++
	}
	all.Loss = math.NaN()
	if labels != nil && chunks > 0 {
		all.Loss = lossSum / float64(chunks)
	}
	return all, nil
}

// validate computes val_loss, pair accuracy at the tuned threshold and EER of
// the symmetric KL distance between distributions (val_acc, val_eer) and of
// the cosine distance between embeddings (val_acc_cos, val_eer_cos).
func (v *valSet) validate(net Net, batch int) (map[string]float64, []float64, error) {
	o, err := infer(net, v.x, v.n, v.seg*v.nMels, batch, v.labels)
	if err != nil {
		return nil, nil, fmt.Errorf("train: validation: %w", err)
	}
	m := map[string]float64{"val_loss": o.Loss}
	m["val_acc"], m["val_threshold"], m["val_eer"] = pairMetrics(o.Dist, o.DistDim, v.labels, eval.SymKL)
	m["val_acc_cos"], m["val_threshold_cos"], m["val_eer_cos"] = pairMetrics(o.Emb, o.EmbDim, v.labels, eval.Cosine)
	return m, norms(o.Emb, o.EmbDim), nil
}

// clusterMR embeds every validation utterance (mean of its segment
// embeddings, spec.PoolMean), clusters them (complete linkage, cosine) into as many clusters
// as there are validation speakers and returns the misclassification rate,
// exact and ZHAW (clusterMR).
func (v *valSet) clusterMR(net Net, batch int) (mr, mrZHAW float64, err error) {
	size := v.seg * v.nMels
	o, err := infer(net, v.uttX, len(v.uttX)/size, size, batch, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("train: validation MR: %w", err)
	}
	d := o.EmbDim
	var means []float32 // [utterances, d]
	var labels []int
	for u := 0; u+1 < len(v.uttFirst); u++ {
		a, b := v.uttFirst[u], v.uttFirst[u+1]
		if a == b {
			continue
		}
		for _, x := range eval.MeanOf(o.Emb[a*d:b*d], d) {
			means = append(means, float32(x))
		}
		labels = append(labels, v.uttLabel[u])
	}
	mr, mrZHAW = clusterMR(means, d, labels, v.speakers)
	return mr, mrZHAW, nil
}

// norms returns the L2 norm of each row of x: [n, d].
func norms(x []float32, d int) []float64 {
	if d == 0 {
		return nil
	}
	out := make([]float64, len(x)/d)
	for i := range out {
		var s float64
		for _, v := range x[i*d : (i+1)*d] {
			s += float64(v) * float64(v)
		}
		out[i] = math.Sqrt(s)
	}
	return out
}
