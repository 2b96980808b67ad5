// Package eval measures speaker embeddings: agglomerative clustering
// (exact, on a float32 condensed distance matrix, or in two stages for
// large sets: mini-batch k-means, then linkage of the centroids) and
// spectral clustering, clustering metrics (exact MR with the ZHAW greedy MR beside it,
// ACP, ARI, NMI, purity, coverage, DER),
// speaker verification scoring of trial lists (cosine or symmetric KL, mean
// subtraction, AS-norm) with EER, minDCF and DET curves, decision
// thresholds tuned on development pairs, and trained scoring back-ends:
// mean subtraction with length normalisation (WeSpeaker) and LDA +
// two-covariance PLDA (Kaldi's x-vector recipe), saved to a small JSON file.
//
// The numeric API takes plain slices, like gonum/stat: scores []float64 with
// target []bool, labels []int, condensed distance matrices []float64 in
// scipy's pdist order. Linkage matrices follow scipy's convention (merge
// rows A, B, height, size; cluster n+i is formed by row i) and the cuts
// reproduce scipy's fcluster labels.
//
// Conventions: a verification score is a similarity (higher = same
// speaker); distances are turned into scores by negation, cosine distance
// into cosine similarity 1-d.
//
// References:
//   - D. Müllner, "Modern hierarchical, agglomerative clustering
//     algorithms", arXiv:1109.2378, 2011 (NN-chain, MST single linkage).
//   - scipy.cluster.hierarchy linkage/fcluster (numbering and cut semantics).
//   - D. Sculley, "Web-scale k-means clustering", WWW 2010 (mini-batch
//     k-means); D. Arthur, S. Vassilvitskii, "k-means++: the advantages of
//     careful seeding", SODA 2007; scikit-learn MiniBatchKMeans.
//   - T. Stadelmann et al., "Capturing Suprasegmental Features of a Voice
//     with RNNs for Improved Speaker Clustering", ANNPR 2018, and
//     Y. Lukic et al., "Speaker identification and clustering using
//     convolutional neural networks", MLSP 2016 (MR, the legacy MR);
//     stdm/ZHAW_deep_voice common/analysis/mr.py (the greedy MR, MRZHAW).
//   - M. Kotti et al., "Speaker segmentation and clustering", Signal
//     Processing 88(5), 2008 (MR definition).
//   - L. Hubert, P. Arabie, "Comparing partitions", 1985 (ARI); scikit-learn
//     adjusted_rand_score and normalized_mutual_info_score (arithmetic mean).
//   - NIST SRE detection cost and Kaldi compute-eer / compute_min_dcf.py
//     (EER and normalised minDCF); pyannote.metrics (DER).
//   - P. Matějka et al., "Analysis of score normalization in multilingual
//     speaker recognition", Interspeech 2017 (AS-norm).
//   - Kaldi src/ivectorbin/ivector-compute-lda.cc, src/ivector/plda.cc
//     (ivector-compute-plda, ivector-plda-scoring) and egs/sre16/v2 (the
//     x-vector back-end: mean subtraction, LDA, length normalisation, PLDA);
//     S. Ioffe, "Probabilistic linear discriminant analysis", ECCV 2006;
//     WeSpeaker's mean subtraction and length normalisation before cosine
//     scoring.
//   - T. J. Park et al., "Auto-tuning spectral clustering for speaker
//     diarization using normalized maximum eigengap", IEEE SPL 2019.
package eval
