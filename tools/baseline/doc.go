// Package baseline computes non-neural speaker embeddings: per utterance,
// the mean and standard deviation over frames of the log-mel features
// voxsiam computes (tools/feature) and of their MFCCs. It is the floor a
// trained model has to beat, computed from the same inputs `voxsiam embed`
// takes (tools/source resolves them for both) and written in the same
// embeddings-directory format
// (internal/vecio), so clustering, scoring and evaluation run on it
// unchanged. It uses no TensorFlow.
//
// # The embedding
//
// For an utterance of T frames x[t] in R^M (M mel bands, default 128) and
// c[t] = DCT-II_ortho(x[t])[:K] (K cepstra, default 20; feature.DCT):
//
//	[ mean_t x | std_t x | mean_t c | std_t c ]    (2M + 2K values; 296 by default)
//
// std is the population standard deviation (numpy.std, ddof 0); all sums
// are float64. The MFCCs are the cepstrum of exactly the frames the model
// sees (voxsiam's log10(1 + 10000 P), or ln P for Kaldi fbank stores), as
// librosa.feature.mfcc(S=frames.T, n_mfcc=K, dct_type=2, norm='ortho').
// Since the DCT is linear, mean_t c is the first K DCT coefficients of
// mean_t x: the MFCC block adds the cepstral spread and weights the
// spectral envelope anew, as the usual MFCC-statistics baseline does.
//
// Options (defaults in Options' field comments):
//
//   - CMN, per-utterance cepstral mean normalisation, is off by default: it
//     subtracts mean_t c from every c[t], so the MFCC mean block becomes 0
//     and the standard deviations do not change. For utterance statistics
//     it therefore only removes the long-term cepstral envelope, which
//     carries the channel but also the speaker's vocal tract; a baseline
//     meant as a floor keeps it. Use CMN when enrolment and test channels
//     differ and the envelope is mostly channel.
//   - VAD drops, before any statistic, the frames whose mel energy is more
//     than VADThresholdDB below the utterance's loudest frame
//     (feature.DropSilentFrames; the same criterion as the sample-level
//     feature.TrimSilence, applied to every frame, so inner pauses go too).
//     Off by default, so the default is the plain statistics of every
//     frame; feature stores and audio are treated alike since it works on
//     the frames.
//
// References:
//
//  1. S. Davis, P. Mermelstein, "Comparison of parametric representations
//     for monosyllabic word recognition in continuously spoken sentences",
//     IEEE Trans. ASSP 28(4), 1980 (MFCC).
//  2. librosa 0.11 documentation: feature.mfcc; scipy.fft.dct (type 2,
//     norm 'ortho').
//  3. Kaldi src/feat/feature-mfcc.cc (DCT of log mel energies), ivector/
//     voice-activity-detection.cc (energy VAD).
//  4. T. Stadelmann et al., ANNPR 2018, and the ZHAW clustering protocol
//     (tools/dataset.DeriveZHAW), whose stores this package reads.
package baseline
