// Package ingest streams a corpus (tools/dataset items) into a feature
// store (tools/store): a pool of goroutines decodes, resamples and
// featurises the audio (tools/feature) while the calling goroutine appends
// the utterances to the store in corpus order, in constant memory.
//
// Unreadable or too-short files are skipped and listed in the Summary, or
// with Options.Strict end the run with an error wrapping errs.ErrBadData.
// An interrupted run leaves "<dir>.partial" behind, which the next Run
// resumes (utterances already stored are not computed again) unless
// Options.Restart is set.
//
// References: the feature-store contract in tools/store's documentation;
// internal/ordered for the in-order worker pool.
package ingest
