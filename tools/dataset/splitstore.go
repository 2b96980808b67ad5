package dataset

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/store"
)

// SplitStoreOptions configure SplitStore.
type SplitStoreOptions struct {
	Store     string    // feature store whose speakers are split
	Out       string    // directory for train.list, val.list, test.list (and the ZHAW stores)
	Val, Test int       // at least this many validation and test speakers (whole groups)
	Seed      uint64    // seed of Split
	ZHAW      bool      // also write the ZHAW two-utterance stores test-zhaw and val-zhaw
	Warn      io.Writer // notes on speakers DeriveZHAW leaves out; nil: none
}

// SplitResult is what SplitStore wrote (the voxsiam split --json summary).
type SplitResult struct {
	Train int    `json:"train"`
	Val   int    `json:"val"`
	Test  int    `json:"test"`
	Out   string `json:"out"`
	// With ZHAW: the derived stores and their utterance counts (zhaw_* are
	// the test store's, kept for scripts written before val-zhaw existed).
	TestZHAWStore      string `json:"test_zhaw_store,omitempty"`
	TestZHAWUtterances int    `json:"test_zhaw_utterances,omitempty"`
	ValZHAWStore       string `json:"val_zhaw_store,omitempty"`
	ValZHAWUtterances  int    `json:"val_zhaw_utterances,omitempty"`
	ZHAWStore          string `json:"zhaw_store,omitempty"`
	ZHAWUtterances     int    `json:"zhaw_utterances,omitempty"`
}

// SplitStore splits the speakers of the store o.Store with Split (groups:
// speakers.tsv) and writes the three lists to o.Out. With o.ZHAW it derives
// the ZHAW stores <Out>/test-zhaw and <Out>/val-zhaw (DeriveZHAW): the
// validation speakers get the same two-utterance form, so that thresholds
// tuned on them meet test utterances of matching length. Sizes that leave
// no training speaker are usage errors (errs.ErrUsage).
func SplitStore(ctx context.Context, o SplitStoreOptions) (*SplitResult, error) {
	if o.Val < 0 || o.Test < 0 {
		return nil, errs.Usage("split: --val and --test must be >= 0")
	}
	s, err := store.Open(o.Store)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	spk := s.Speakers()
	if o.Val+o.Test >= len(spk) {
		return nil, errs.Usage("split: %s has %d speakers: --val %d + --test %d leaves none for training", o.Store, len(spk), o.Val, o.Test)
	}
	train, val, test := Split(spk, s.Groups(), o.Val, o.Test, o.Seed)
	if len(train) == 0 {
		return nil, errs.Usage("split: whole groups leave no training speakers; lower --val or --test")
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	for name, list := range map[string][]string{"train.list": train, "val.list": val, "test.list": test} {
		if err := vecio.WriteList(filepath.Join(o.Out, name), list); err != nil {
			return nil, fmt.Errorf("split: %w", err)
		}
	}
	r := &SplitResult{Train: len(train), Val: len(val), Test: len(test), Out: o.Out}
	if !o.ZHAW {
		return r, nil
	}
	r.TestZHAWStore, r.ValZHAWStore = filepath.Join(o.Out, "test-zhaw"), filepath.Join(o.Out, "val-zhaw")
	if r.TestZHAWUtterances, err = DeriveZHAW(ctx, s, test, r.TestZHAWStore, o.Warn); err != nil {
		return nil, err
	}
	if r.ValZHAWUtterances, err = DeriveZHAW(ctx, s, val, r.ValZHAWStore, o.Warn); err != nil {
		return nil, err
	}
	r.ZHAWStore, r.ZHAWUtterances = r.TestZHAWStore, r.TestZHAWUtterances
	return r, nil
}
