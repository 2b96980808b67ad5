// Package plot draws the evaluation figures of voxsiam as PNG files with
// gonum.org/v1/plot: the DET curve on probit (normal deviate) axes, target
// and non-target score histograms with decision thresholds, the dendrogram
// of an agglomerative clustering with its cut line, and a 2-D map of the
// embeddings (PCA by SVD) coloured by speaker.
//
// References: A. Martin et al., "The DET curve in assessment of detection
// task performance", Eurospeech 1997 (probit axes); scipy's dendrogram
// (leaf order and U-shaped links).
package plot
