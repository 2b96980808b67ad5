package train

import (
	"math"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/dataset"
)

// SplitSpeakers holds out about frac of the speakers as validation
// speakers, whole groups (so no base voice is in both sets), with the group
// split of voxsiam split (dataset.Split: frac of the speakers, rounded, at
// least one when frac > 0) and seed, and returns the sorted training and
// validation speakers. groups maps speaker -> group.
func SplitSpeakers(groups map[string]string, frac float64, seed uint64) (trainSpk, valSpk []string) {
	speakers := make([]string, 0, len(groups))
	for sp := range groups {
		speakers = append(speakers, sp)
	}
	nVal := int(math.Round(frac * float64(len(speakers))))
	if frac > 0 {
		nVal = max(nVal, 1)
	}
	trainSpk, valSpk, _ = dataset.Split(speakers, groups, nVal, 0, seed)
	return trainSpk, valSpk
}

// readSpeakerList reads a speaker list with vecio.ReadList (one id a line,
// '#' comments, duplicates are bad data); an empty list is bad data too.
func readSpeakerList(path string) ([]string, error) {
	ids, err := vecio.ReadList(path)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errs.BadData("train: speaker list %s: no speakers", path)
	}
	return ids, nil
}
