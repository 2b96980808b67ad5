package report

import (
	"fmt"
	"io"
	"math"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// Config says what to evaluate.
type Config struct {
	Embeddings string      // embeddings directory (vecio layout)
	Labels     string      // optional utt2spk overriding the directory's
	Trials     string      // optional trial list; default: all pairs
	Dev        string      // optional development embeddings directory (with speakers)
	Out        string      // report directory
	Method     eval.Method // linkage (default Complete, the reference setting)
	Metric     eval.Metric // distance (default Cosine)
	// Backend is the scoring back-end (default none: Metric on the raw
	// embeddings); it scores the test, dev and all-pairs trials and gives
	// the clustering distances.
	Backend BackendConfig
	// ASNorm normalises the verification scores (test trials or all
	// pairs, and the dev set's, so its thresholds carry over) against a
	// cohort, on top of the back-end (default none). Clustering keeps the
	// back-end's distances: an AS-norm score is a z-score against the
	// cohort, not a dissimilarity.
	ASNorm ASNormConfig
	// MaxPairs caps the all-pairs trials (random pairs, fixed seed, beyond
	// it); 0 means 500000.
	MaxPairs int
	// Bootstrap is the number of speaker resamples of the 95% intervals of
	// EER and minDCF (eval.Bootstrap, seed BootstrapSeed); 0 means
	// eval.BootstrapB, a negative value none.
	Bootstrap int
	// RefRTTM and HypRTTM, when both set, add the DER of the hypothesis
	// turns against the reference turns, with Collar (seconds, total width).
	RefRTTM, HypRTTM string
	Collar           float64
	Log              io.Writer // notes on progress; nil for none
}

// Report is the content of report.json.
type Report struct {
	Embeddings   string              `json:"embeddings"`
	Utterances   int                 `json:"utterances"`
	Speakers     int                 `json:"speakers,omitempty"`
	Dim          int                 `json:"dim"`
	Metric       string              `json:"metric"`
	Backend      string              `json:"backend,omitempty"` // norm or plda when a trained back-end scored
	ASNorm       *ASNormReport       `json:"as_norm,omitempty"` // AS-norm of the verification scores
	Method       string              `json:"method"`
	Clustering   *ClusteringReport   `json:"clustering,omitempty"`
	Verification *VerificationReport `json:"verification,omitempty"`
	Diarization  *eval.DERResult     `json:"diarization,omitempty"`
	Figures      map[string]string   `json:"figures"`
}

// CutReport scores one flat clustering.
type CutReport struct {
	Name      string  `json:"name"` // true_speakers, dev_threshold, oracle
	Threshold float64 `json:"threshold"`
	Clusters  int     `json:"clusters"`
	MR        float64 `json:"mr"`      // exact (optimal speaker-cluster mapping; eval.MR)
	MRZHAW    float64 `json:"mr_zhaw"` // ZHAW mr.py's greedy value (eval.MRZHAW), clusters numbered as written
	ACP       float64 `json:"acp"`
	ASP       float64 `json:"asp"`
	ARI       float64 `json:"ari"`
	NMI       float64 `json:"nmi"`
	Purity    float64 `json:"purity"`
	Coverage  float64 `json:"coverage"`
}

// ClusteringReport holds the cuts of the dendrogram.
type ClusteringReport struct {
	Cuts []CutReport `json:"cuts"`
	// LegacyMRMin is the minimum over levels of Lukic & Vogt's strict MR.
	LegacyMRMin float64 `json:"legacy_mr_min"`
	DevMR       float64 `json:"dev_mr,omitempty"` // MR at the oracle level of the dev set
}

// ThresholdReport is a decision threshold applied to the test scores.
type ThresholdReport struct {
	Name string `json:"name"` // dev_accuracy, dev_eer, oracle_accuracy
	eval.Decision
}

// VerificationReport holds the detection metrics.
type VerificationReport struct {
	Source         string  `json:"source"` // the trial file, or "all pairs"/"sampled pairs"
	Trials         int     `json:"trials"`
	Targets        int     `json:"targets"`
	EER            float64 `json:"eer"`
	EERThreshold   float64 `json:"eer_threshold"`
	EERKaldi       float64 `json:"eer_kaldi"`
	MinDCF01       float64 `json:"min_dcf_p0.01"`
	MinDCF01Thresh float64 `json:"min_dcf_p0.01_threshold"`
	MinDCF05       float64 `json:"min_dcf_p0.05"`
	MinDCF05Thresh float64 `json:"min_dcf_p0.05_threshold"`
	// Bootstrap holds the 95% intervals over speakers; absent when the
	// trials' speakers are unknown or the bootstrap is off.
	Bootstrap  *eval.BootstrapResult `json:"bootstrap,omitempty"`
	Thresholds []ThresholdReport     `json:"thresholds"`
	DET        []eval.DETPoint       `json:"det"` // at most 200 points
}

func (c *Config) logf(format string, a ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", a...)
	}
}

// Build computes the report and writes report.json, report.md and the
// figures into cfg.Out.
func Build(cfg Config) (*Report, error) {
	if cfg.MaxPairs == 0 {
		cfg.MaxPairs = 500000
	}
	set, err := LoadSet(cfg.Embeddings, cfg.Labels)
	if err != nil {
		return nil, err
	}
	x, dim, err := Vectors(set, cfg.Metric, cfg.Embeddings)
	if err != nil {
		return nil, err
	}
	coh, err := loadCohort(cfg.ASNorm, cfg.Metric, dim, cfg.Embeddings)
	if err != nil {
		return nil, err
	}
	be, err := LoadBackend(cfg.Backend, cfg.Log)
	if err != nil {
		return nil, err
	}
	sp, err := newSpace(x, dim, cfg.Metric, be, coh, cfg.Embeddings)
	if err != nil {
		return nil, err
	}
	r := &Report{Embeddings: cfg.Embeddings, Utterances: set.Len(), Dim: dim,
		Metric: cfg.Metric.String(), Method: cfg.Method.String(), Figures: map[string]string{}}
	if be != nil {
		r.Backend = string(be.Kind)
	}
	if coh != nil {
		r.ASNorm = &coh.ASNormReport
	}
	labels, names, known := Speakers(set)
	r.Speakers = len(names)
	var dev *devResult
	if cfg.Dev != "" {
		if dev, err = tuneOnDev(cfg, be, coh); err != nil {
			return nil, err
		}
	}
	fig := newFigures(cfg.Out, r.Figures)
	if known && set.Len() >= 2 {
		cfg.logf("clustering %d utterances (%s linkage, %s distance)", set.Len(), cfg.Method, sp.name())
		r.Clustering, err = clusterReport(sp, labels, cfg, dev, fig, set, names)
		if err != nil {
			return nil, err
		}
	}
	if cfg.Trials != "" || known {
		cfg.logf("scoring trials")
		if r.Verification, err = verifyReport(cfg, set, sp, labels, dev, fig); err != nil {
			return nil, err
		}
	}
	if cfg.RefRTTM != "" && cfg.HypRTTM != "" {
		if r.Diarization, err = derReport(cfg); err != nil {
			return nil, err
		}
	}
	if err := fig.mapPlot(x, dim, set, names); err != nil {
		return nil, err
	}
	return r, write(cfg.Out, r)
}

// devResult holds what a development set tunes.
type devResult struct {
	cutThreshold, cutMR        float64
	accThreshold, eerThreshold float64
}

// loadDev reads a development set whose utterances all have speakers, in
// the space of the back-end be (nil: none), its scores AS-normed against
// coh (nil: none).
func loadDev(dir string, m eval.Metric, be *eval.Backend, coh *cohort) (*space, []int, error) {
	set, err := LoadSet(dir, "")
	if err != nil {
		return nil, nil, err
	}
	x, dim, err := Vectors(set, m, dir)
	if err != nil {
		return nil, nil, err
	}
	labels, _, ok := Speakers(set)
	if !ok || set.Len() < 2 {
		return nil, nil, errs.BadData("report: dev set %s needs two utterances and the speaker of each (%s)", dir, vecio.Utt2SpkFile)
	}
	sp, err := newSpace(x, dim, m, be, coh, dir)
	return sp, labels, err
}

// devCutThreshold tunes the dendrogram cut on a development set: the
// threshold of its oracle level, and the dev MR there.
func devCutThreshold(dir string, method eval.Method, m eval.Metric, be *eval.Backend) (thr, mr float64, err error) {
	sp, labels, err := loadDev(dir, m, be, nil)
	if err != nil {
		return 0, 0, err
	}
	z := eval.Linkage(sp.pdist(), len(labels), method)
	thr, mr = eval.TuneThreshold(z, labels)
	return thr, mr, nil
}

func tuneOnDev(cfg Config, be *eval.Backend, coh *cohort) (*devResult, error) {
	cfg.logf("tuning thresholds on the dev set %s", cfg.Dev)
	d := &devResult{}
	var err error
	if d.cutThreshold, d.cutMR, err = devCutThreshold(cfg.Dev, cfg.Method, cfg.Metric, be); err != nil {
		return nil, err
	}
	sp, labels, err := loadDev(cfg.Dev, cfg.Metric, be, coh)
	if err != nil {
		return nil, err
	}
	scores, same, _, _ := sp.pairTrials(labels, cfg.MaxPairs)
	if err := bothClasses(same); err != nil {
		return nil, errs.BadData("%v (dev set %s)", err, cfg.Dev)
	}
	d.accThreshold, _ = eval.BestThreshold(scores, same)
	_, d.eerThreshold = eval.EER(scores, same)
	return d, nil
}

func clusterReport(sp *space, labels []int, cfg Config, dev *devResult, fig *figures, set *vecio.Set, names []string) (*ClusteringReport, error) {
	z := eval.Linkage(sp.pdist(), len(labels), cfg.Method)
	k := len(names)
	cr := &ClusteringReport{LegacyMRMin: minOf(eval.LegacyMR(z, labels))}
	byK := eval.CutMaxClust(z, k)
	cr.Cuts = append(cr.Cuts, cutReport("true_speakers", eval.LevelThreshold(z, len(labels)-countDistinct(byK)), byK, labels))
	if dev != nil {
		cr.DevMR = dev.cutMR
		cr.Cuts = append(cr.Cuts, cutReport("dev_threshold", dev.cutThreshold, eval.CutDistance(z, dev.cutThreshold), labels))
	}
	oracle, _, m := eval.OracleCut(z, labels)
	cr.Cuts = append(cr.Cuts, cutReport("oracle", eval.LevelThreshold(z, m), oracle, labels))
	cut, cutName := cr.Cuts[0].Threshold, cr.Cuts[0].Name
	if dev != nil {
		cut, cutName = dev.cutThreshold, "dev threshold"
	}
	return cr, fig.dendrogram(z, set.IDs, labels, cut, cutName, cfg.Method, sp.name())
}

// cutReport scores pred against truth. The ZHAW MR depends on the
// numbering; it is taken with the clusters numbered 1..K in order of first
// appearance, as `voxsiam cluster` writes them, and the speakers in sorted
// order of their names (Speakers).
func cutReport(name string, thr float64, pred, truth []int) CutReport {
	return CutReport{
		Name: name, Threshold: finite(thr), Clusters: countDistinct(pred),
		MR: eval.MR(truth, pred), MRZHAW: eval.MRZHAW(truth, renumber(pred)), ACP: eval.ACP(truth, pred), ASP: eval.ASP(truth, pred),
		ARI: eval.ARI(truth, pred), NMI: eval.NMI(truth, pred),
		Purity: eval.Purity(truth, pred), Coverage: eval.Coverage(truth, pred),
	}
}

func finite(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return 0
	}
	return x
}

func countDistinct(l []int) int {
	m := map[int]bool{}
	for _, v := range l {
		m[v] = true
	}
	return len(m)
}

func minOf(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		m = math.Min(m, v)
	}
	return m
}

func derReport(cfg Config) (*eval.DERResult, error) {
	ref, err := eval.ReadRTTM(cfg.RefRTTM)
	if err != nil {
		return nil, err
	}
	hyp, err := eval.ReadRTTM(cfg.HypRTTM)
	if err != nil {
		return nil, err
	}
	d := eval.DER(ref, hyp, cfg.Collar)
	return &d, nil
}
