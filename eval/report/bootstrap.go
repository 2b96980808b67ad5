package report

import (
	"fmt"

	"github.com/voxsiam/voxsiam/eval"
)

// BootstrapSeed seeds the speaker resamples of every report, so that an
// interval is reproducible and two systems scored on the same trials are
// resampled alike.
const BootstrapSeed = 1

// bootstrap returns the speaker bootstrap of the labelled trials with b
// resamples (0: eval.BootstrapB; negative: none), nil when the trials'
// speakers are unknown (spkA nil).
func bootstrap(b int, scores []float64, target []bool, spkA, spkB []int) *eval.BootstrapResult {
	if b < 0 || spkA == nil {
		return nil
	}
	if b == 0 {
		b = eval.BootstrapB
	}
	r := eval.Bootstrap(scores, target, spkA, spkB, b, BootstrapSeed)
	return &r
}

// trialSpeakers numbers the speakers of the labelled trials (those
// eval.Labelled keeps, in its order) from the utterances' speakers; nil
// when utt2spk is missing or lacks an utterance of a trial.
func trialSpeakers(scored []eval.Scored, utt2spk map[string]string) (spkA, spkB []int) {
	if utt2spk == nil {
		return nil, nil
	}
	num := map[string]int{}
	id := func(utt string) (int, bool) {
		s, ok := utt2spk[utt]
		if !ok {
			return 0, false
		}
		k, seen := num[s]
		if !seen {
			k = len(num)
			num[s] = k
		}
		return k, true
	}
	for _, t := range scored {
		if t.Target < 0 {
			continue
		}
		a, okA := id(t.Enroll)
		b, okB := id(t.Test)
		if !okA || !okB {
			return nil, nil
		}
		spkA, spkB = append(spkA, a), append(spkB, b)
	}
	return spkA, spkB
}

// FormatEER prints an EER as "12.30% [10.10, 14.80]", the bracket being
// the 95% interval over speakers (in percent), or "12.30%" without one.
func FormatEER(eer float64, b *eval.BootstrapResult) string {
	if b == nil {
		return fmt.Sprintf("%.2f%%", 100*eer)
	}
	return fmt.Sprintf("%.2f%% [%.2f, %.2f]", 100*eer, 100*b.EER.Lo, 100*b.EER.Hi)
}
