// Package report evaluates an embeddings directory end to end and writes
// report.json, PNG figures (eval/plot) and report.md: clustering at the
// true number of speakers, at a threshold tuned on a development set and at
// the oracle level (always labelled "oracle"), with MR, legacy MR, ACP,
// ASP, ARI, NMI, purity and coverage; verification on a trial list (or on
// all pairs when there is none) with EER, minDCF and a DET curve; and the
// pair-accuracy and EER thresholds of the development set applied to the
// test scores. It also holds the loading helpers the voxsiam cluster, score
// and eval commands share.
package report
