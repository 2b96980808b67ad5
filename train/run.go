package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/progress"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
	"github.com/voxsiam/voxsiam/train/metrics"
	"github.com/voxsiam/voxsiam/train/tbevent"
)

// Summary is the outcome of a run, written to <run>/summary.json.
type Summary struct {
	Run          string      `json:"run"`
	Steps        int64       `json:"steps"`       // steps completed
	FinalLoss    float64     `json:"final_loss"`  // loss of the last step
	BestMetric   string      `json:"best_metric"` // e.g. "val_eer"
	BestStep     int64       `json:"best_step"`   // 0 when never validated
	BestValue    float64     `json:"best_value"`
	EarlyStopped bool        `json:"early_stopped"`
	Resumed      int64       `json:"resumed_from"` // step resumed from, 0 for a fresh run
	Last         metrics.Row `json:"last"`         // last metrics row
	Checkpoint   string      `json:"checkpoint"`   // latest checkpoint prefix
}

// Run trains a new model with cfg into runDir (which must not hold
// checkpoints yet), writing progress to out. A cancelled ctx saves a
// checkpoint and returns ctx's error.
func Run(ctx context.Context, cfg Config, runDir string, out io.Writer) error {
	return run(ctx, cfg, runDir, out, false, newTFNet)
}

// Resume continues the run in runDir from its latest checkpoint with the
// configuration in runDir/config.toml (cfg overrides it when not nil: e.g.
// more steps). The batches, dropout seeds and optimiser state continue
// exactly where the checkpoint left them.
func Resume(ctx context.Context, runDir string, cfg *Config, out io.Writer) error {
	return resumeWith(ctx, runDir, cfg, out, newTFNet)
}

func resumeWith(ctx context.Context, runDir string, cfg *Config, out io.Writer, mk netFactory) error {
	c, err := LoadConfig(filepath.Join(runDir, ConfigFile))
	if err != nil {
		return err
	}
	if cfg != nil {
		if err := sameInput(c, *cfg, runDir); err != nil {
			return err
		}
		// the teacher dimension the run was trained with stays recorded
		rec := c.Model.TeacherDim
		c = *cfg
		if c.Model.TeacherDim == 0 {
			c.Model.TeacherDim = rec
		}
	}
	return run(ctx, c, runDir, out, true, mk)
}

// sameInput refuses a resume whose [model] cmn or cmn_window differs from
// the run's: the checkpoint's weights were fitted to the run's normalisation
// of the input, and the exported model would record only the new one.
func sameInput(run, asked Config, runDir string) error {
	r, a := run.Model.WithDefaults(), asked.Model.WithDefaults()
	if r.CMN != a.CMN || (r.CMN == feature.CMNSliding && r.CMNWindow != a.CMNWindow) {
		return errs.Usage("train: --resume %s: the run was trained with [model] cmn = %q (cmn_window %d) in %s; %q (cmn_window %d) cannot continue it: start a new run, or resume without --cmn/--cmn-window",
			runDir, r.CMN, r.CMNWindow, filepath.Join(runDir, ConfigFile), a.CMN, a.CMNWindow)
	}
	return nil
}

func run(ctx context.Context, cfg Config, runDir string, out io.Writer, resume bool, mk netFactory) (err error) {
	st, err := store.Open(cfg.Data.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	l, err := setup(cfg, runDir, out, st, resume)
	if err != nil {
		return err
	}
	if l.net, err = mk(l.cfg, st); err != nil {
		return err
	}
	defer l.net.Close()
	if rf, ok := l.net.(rowFeeder); ok && rf.FeedsRows() {
		l.smp.rowsOnly = true // the towers read the frames
	}
	l.grads, _ = l.net.(gradNormer) // nil: the net reports no gradient norms
	if d, ok := l.net.(distiller); ok && d.HasDistill() {
		l.distill = d
	}
	if err := l.restore(resume); err != nil {
		return err
	}
	if err := l.open(); err != nil {
		return err
	}
	defer l.close()
	if resume {
		// TensorBoard drops what the interrupted run logged past the checkpoint
		if err := l.tb.SessionStart(l.start + 1); err != nil {
			return err
		}
	}
	err = l.iterate(ctx)
	l.bar.Finish()
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if werr := l.writeSummary(); werr != nil && err == nil {
		err = werr
	}
	return err
}

// setup resolves speakers and the model size, writes the run directory's
// config.toml, features.json and speaker lists, and builds sampler and val set.
func setup(cfg Config, runDir string, out io.Writer, st *store.Store, resume bool) (*loop, error) {
	trainSpk, valSpk, err := speakers(cfg, st)
	if err != nil {
		return nil, err
	}
	m := &cfg.Model
	if m.Bins != 0 && m.Bins != st.NMels() {
		return nil, fmt.Errorf("train: model.bins %d but store %s has %d mel bins", m.Bins, cfg.Data.Store, st.NMels())
	}
	// One output unit per training speaker, also under a label map (whose
	// classes are fewer): the loss compares labels only, so the extra units
	// cost nothing and a run can change its label map on resume.
	m.Speakers, m.Frames, m.Bins = len(trainSpk), cfg.Train.Segment, st.NMels()
	noteHeadSize(out, *m)
	var teacher *Teacher
	if cfg.Train.Teacher != "" {
		if teacher, err = LoadTeacher(cfg.Train.Teacher, st, trainSpk, cfg.Train.Segment, cfg.Train.TeacherMissing, m.TeacherDim); err != nil {
			return nil, err
		}
		m.TeacherDim = teacher.Dim
		reportTeacher(out, teacher)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	l := &loop{cfg: cfg, run: runDir, out: out, best: newBest(cfg.Train.BestMetric)}
	l.ckpt = &ckptDir{dir: l.runPath(CheckpointDir), keep: cfg.Train.Keep}
	if err := l.prepareDir(st, trainSpk, valSpk, resume); err != nil {
		return nil, err
	}
	var label map[string]string
	if cfg.Data.LabelMap != "" {
		if label, err = ReadLabelMap(cfg.Data.LabelMap); err != nil {
			return nil, err
		}
	}
	src := withCMN(st, cfg.Model) // [model] cmn: the network's input, normalised as embed does
	if l.smp, err = NewLabelledSampler(src, trainSpk, label, cfg.Train); err != nil {
		return nil, err
	}
	l.smp.SetTeacher(teacher)
	if cfg.Data.ClassWeights != "" {
		w, err := ReadClassWeights(cfg.Data.ClassWeights)
		if err != nil {
			return nil, err
		}
		if err := l.smp.SetWeights(w, cfg.Data.ClassWeights); err != nil {
			return nil, err
		}
	}
	if len(valSpk) >= 2 && cfg.Data.ValSegments >= 2 {
		if l.val, err = newValSet(src, valSpk, cfg); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// speakers returns the training and validation speakers: from the lists
// when given, else a seeded group-wise split of the store's speakers.
func speakers(cfg Config, st *store.Store) (trainSpk, valSpk []string, err error) {
	d := cfg.Data
	groups := st.Groups()
	if d.TrainSpeakers == "" && d.ValSpeakers == "" {
		trainSpk, valSpk = SplitSpeakers(groups, d.ValFraction, cfg.Train.Seed)
		if len(trainSpk) == 0 {
			return nil, nil, errs.Usage("train: val_fraction %g holds out every speaker group of %s", d.ValFraction, d.Store)
		}
		return trainSpk, valSpk, nil
	}
	if d.ValSpeakers != "" {
		if valSpk, err = readSpeakerList(d.ValSpeakers); err != nil {
			return nil, nil, err
		}
	}
	if d.TrainSpeakers != "" {
		trainSpk, err = readSpeakerList(d.TrainSpeakers)
	} else {
		trainSpk = complement(groups, valSpk)
	}
	if err != nil {
		return nil, nil, err
	}
	for _, sp := range append(append([]string{}, trainSpk...), valSpk...) {
		if _, ok := groups[sp]; !ok {
			return nil, nil, fmt.Errorf("train: speaker %q of the speaker lists is not in store %s", sp, cfg.Data.Store)
		}
	}
	return trainSpk, valSpk, nil
}

// complement lists the store's speakers not in held (sorted), excluding
// every speaker of a held-out speaker's group.
func complement(groups map[string]string, held []string) []string {
	heldGroup := map[string]bool{}
	for _, sp := range held {
		heldGroup[groups[sp]] = true
	}
	var out []string
	for sp, g := range groups {
		if !heldGroup[g] {
			out = append(out, sp)
		}
	}
	sort.Strings(out)
	return out
}

// prepareDir creates the run layout; a fresh run refuses a directory that
// already has checkpoints.
func (l *loop) prepareDir(st *store.Store, trainSpk, valSpk []string, resume bool) error {
	if !resume {
		if name, err := l.ckpt.pointer("checkpoint"); err != nil || name != "" {
			return fmt.Errorf("train: %s already has checkpoint %q: resume it (--resume) or choose another --out", l.run, name)
		}
	}
	for _, d := range []string{l.run, l.ckpt.dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("train: %w", err)
		}
	}
	if err := WriteConfig(l.runPath(ConfigFile), l.cfg); err != nil {
		return err
	}
	files := map[string][]byte{
		FeaturesFile: st.FeatureConfig(),
		TrainList:    []byte(strings.Join(trainSpk, "\n") + "\n"),
		ValList:      []byte(strings.Join(valSpk, "\n") + "\n"),
	}
	for name, data := range files {
		if err := atomicfile.WriteFile(l.runPath(name), data); err != nil {
			return err
		}
	}
	return nil
}

// restore loads the latest checkpoint when resuming, truncates metrics.jsonl
// to its step and replays the best-metric history.
func (l *loop) restore(resume bool) error {
	if !resume {
		return nil
	}
	name, err := l.ckpt.pointer("checkpoint")
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("train: resume %s: no checkpoint yet (checkpoints/checkpoint missing)", l.run)
	}
	if err := l.net.Restore(filepath.Join(l.ckpt.dir, name)); err != nil {
		return err
	}
	if l.start, err = l.net.GlobalStep(); err != nil {
		return fmt.Errorf("train: resume: %w", err)
	}
	l.saved, l.summary.Resumed = l.start, l.start
	path := l.runPath("metrics.jsonl")
	if err := metrics.Truncate(path, l.start); err != nil {
		return err
	}
	rows, err := metrics.Read(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	l.best.replay(rows)
	l.summary.BestStep, l.summary.BestValue = l.best.step, l.best.value
	return nil
}

// open starts the event file, the metrics log and the progress bar.
func (l *loop) open() error {
	var err error
	if l.tb, err = tbevent.Create(l.runPath("events")); err != nil {
		return err
	}
	if l.log, err = metrics.OpenLog(l.runPath("metrics.jsonl")); err != nil {
		return err
	}
	f, isFile := l.out.(*os.File)
	l.lines = !(isFile && isatty.IsTerminal(f.Fd())) && l.out != io.Discard // io.Discard: quiet (--json)
	l.bar = progress.New(l.out, l.cfg.Train.Steps-l.start, "train")
	if l.lines {
		l.bar = progress.New(nil, 0, "") // plain lines come from the log hook
	}
	return nil
}

func (l *loop) close() {
	if l.tb != nil {
		l.tb.Close()
	}
	if l.log != nil {
		l.log.Close()
	}
}

func (l *loop) writeSummary() error {
	s := &l.summary
	s.Run, s.BestMetric = l.run, l.cfg.Train.BestMetric
	s.Checkpoint = filepath.Join(l.ckpt.dir, ckptName(l.saved))
	if math.IsNaN(s.BestValue) {
		s.BestValue = 0 // never validated
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("train: summary: %w", err)
	}
	return atomicfile.WriteFile(l.runPath("summary.json"), append(b, '\n'))
}
