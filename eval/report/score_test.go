package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voxsiam/voxsiam/eval"
)

// TestScoreStreams checks the streaming Score (one pass over the trial
// list, names not kept) and WriteScores (a second pass) against the
// in-memory path they replace: eval.ReadTrials, Scorer.ScoreTrials,
// eval.Labelled, trialSpeakers and the metrics of those, on a list that
// mixes Kaldi and VoxCeleb lines, comments, unlabelled pairs and names
// with ".wav"; and that a trial naming an unknown utterance is an error
// counting every such trial.
func TestScoreStreams(t *testing.T) {
	dir := t.TempDir()
	emb, trials := filepath.Join(dir, "emb"), filepath.Join(dir, "trials.txt")
	writeSet(t, emb, 6, 5, 0.8, 4)
	rng := rand.New(rand.NewPCG(2, 2))
	id := func(s, u int) string { return fmt.Sprintf("id%02d/v/%05d", s, u) }
	var list strings.Builder
	list.WriteString("# a comment\n")
	for k := range 400 {
		a, b := rng.IntN(6), rng.IntN(6)
		ua, ub := rng.IntN(5), rng.IntN(5)
		switch k % 4 {
		case 0:
			fmt.Fprintf(&list, "%d %s %s\n", map[bool]int{true: 1}[a == b], id(a, ua), id(b, ub))
		case 1, 2:
			fmt.Fprintf(&list, "%s %s %s\n", id(a, ua), id(b, ub), map[bool]string{true: "target", false: "nontarget"}[a == b])
		default:
			fmt.Fprintf(&list, "%s.wav %s\n", id(a, ua), id(b, ub)) // unlabelled
		}
	}
	if err := os.WriteFile(trials, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := ScoreConfig{Embeddings: emb, Trials: trials, Metric: eval.Cosine, Bootstrap: 50}
	got, err := Score(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := got.WriteScores(&out); err != nil {
		t.Fatal(err)
	}

	// The in-memory path.
	set, _ := LoadSet(emb, "")
	x, dim, _ := Vectors(set, eval.Cosine, emb)
	coh, _ := loadCohort(cfg.ASNorm, eval.Cosine, dim, emb)
	all, _ := eval.ReadTrials(trials)
	scored, err := coh.scorer(x, dim, eval.Cosine, nil).ScoreTrials(all, eval.NewResolver(set.IDs))
	if err != nil {
		t.Fatal(err)
	}
	scores, target := eval.Labelled(scored)
	eer, _ := eval.EER(scores, target)
	a, b := trialSpeakers(scored, set.Utt2Spk)
	boot := bootstrap(50, scores, target, a, b)
	var want bytes.Buffer
	for _, s := range scored {
		lab := map[int]string{1: " target", 0: " nontarget", -1: ""}[s.Target]
		fmt.Fprintf(&want, "%s %s %.6f%s\n", s.Enroll, s.Test, s.Score, lab)
	}
	if got.Trials != len(scored) || got.Trials != 400 || got.EER == nil || *got.EER != eer {
		t.Errorf("trials %d (want %d), EER %v (want %v)", got.Trials, len(scored), got.EER, eer)
	}
	if diff := cmp.Diff(boot, got.Bootstrap); boot == nil || diff != "" {
		t.Errorf("bootstrap (-in memory +streamed):\n%s", diff)
	}
	if out.String() != want.String() {
		t.Errorf("score lines differ:\n%s\nwant\n%s", head(out.String()), head(want.String()))
	}

	// Unknown utterances: every one counted, none written.
	os.WriteFile(trials, []byte(list.String()+"nobody id00/v/00000 target\nid00/v/00001 nobody\n"), 0o644)
	if _, err := Score(cfg); err == nil || !strings.Contains(err.Error(), "2 of 402 trials") {
		t.Errorf("unknown utterances: %v", err)
	}
}

func head(s string) string { return strings.Join(strings.SplitN(s, "\n", 6)[:5], "\n") }
