// Package feature turns 16 kHz mono samples into the frame features the
// voxsiam networks read: the reference log-mel spectrogram of Stadelmann et
// al. [1] or Kaldi-style log mel filterbanks [5], plus segmenting into
// 40-frame network inputs, optional silence trimming and a parallel,
// order-preserving featuriser for whole corpora. It has no cgo.
//
// # Reference log-mel ("logmel", DefaultConfig)
//
// The ZHAW reference code [2] (common/spectrogram/spectrogram_converter.py,
// mel_spectrogram) loads audio with librosa.load(path, sr=None), i.e. at
// the file's own rate (TIMIT: 16 kHz) as float32 in [-1, 1], then calls
// librosa.feature.melspectrogram(y, sr, n_fft=1024, hop_length=sr/100) with
// every other argument at librosa's default [3], and compresses each value
// with log10(1 + 10000*x). Those defaults are: Hann window (periodic) of
// win_length = n_fft, center=True (the signal padded by n_fft/2 on both
// sides, frame t centred at sample t*hop), power=2.0 (power, not magnitude,
// spectrogram), 128 mel bands from 0 Hz to sr/2, Slaney mel scale (htk=False:
// linear below 1 kHz, logarithmic above) and Slaney area normalisation
// (norm='slaney': each triangle scaled by 2/(its width in Hz)). The pad mode
// was "reflect" in the librosa versions of the reference's time (< 0.10) and
// is "constant" (zeros) since 0.10; Config.PadMode selects it (default
// "reflect"); only the first and last ~3 frames differ. Frames: 1 + n/hop
// for n samples. Output rows are frames: [nFrames, 128] float32, the
// transpose of librosa's [n_mels, frames] layout.
//
// # Kaldi fbank ("fbank", FbankConfig)
//
// As compute-fbank-feats with dither 0 [5]: samples scaled to the int16
// range, frames of 25 ms every 10 ms with snip_edges (1 + (n-400)/160
// frames, no padding), per frame DC removal, pre-emphasis 0.97, povey
// window ((0.5 - 0.5 cos(2 pi i/(N-1)))^0.85), zero-padding to 512, power
// spectrum, triangular filters equally spaced on the HTK mel scale
// 1127 ln(1 + f/700) from 20 Hz to Nyquist (evaluated in the mel domain,
// peak 1, no normalisation), and ln(max(energy, FLT_EPSILON)).
//
// # MFCC and frame VAD
//
// DCT turns log-mel frames of either kind into cepstra with the
// orthonormal DCT-II (scipy.fft.dct type 2, norm 'ortho'; what
// librosa.feature.mfcc does to a log-mel matrix and Kaldi's MFCC before its
// lifter), default 20 coefficients; SubtractMean is per-utterance cepstral
// mean normalisation. DropSilentFrames is an energy VAD on stored frames:
// it inverts the frames' compression to mel energies and keeps the frames
// within a dB threshold of the loudest, so it works on feature stores as on
// audio. tools/baseline builds its non-neural embeddings from these.
//
// # Mean normalisation of the network's input
//
// ApplyCMN subtracts from an utterance's frames their per-bin mean over
// the utterance (CMNUtterance, Kaldi apply-cmvn --norm-vars=false) or over
// a centred sliding window (CMNSliding, apply-cmvn-sliding --center=true
// --norm-vars=false; CMNWindow gives Kaldi's window, shifted inside the
// utterance at its edges, DefaultCMNWindow 300 frames as Kaldi's x-vector
// recipes). SlidingCMNSpan normalises a crop from the span of frames its
// windows cover. A store keeps frames unnormalised; a model's [model] cmn
// says which its input gets (internal/spec).
//
// # Segments
//
// Training crops random 40-frame windows (RandomCrop); embedding cuts an
// utterance into non-overlapping 40-frame segments (Segments), the final
// partial segment handled by Config.Partial: "overlap-last" (default: one
// more segment made of the last 40 frames, so all audio counts and nothing
// is padded), "pad" (zero rows, which are log-mel of digital silence) or
// "drop".
//
// # Implementation
//
// Extractor precomputes the window and a sparse filterbank, and computes
// power spectra with its own FFT for power-of-two sizes and gonum's
// dsp/fourier otherwise; gonum is the reference in the tests. The real
// frame of n samples is packed as n/2 complex values (even + i odd),
// transformed by an iterative decimation-in-time FFT (bit-reversed gather
// fused with the window and the first stages, radix-4 passes with
// per-stage twiddle tables) and untangled into |X[k]|^2, k = 0..n/2. The
// mel filters are stored sparsely and, for the vector kernels, packed in
// blocks of 4 neighbouring filters over one contiguous bin range, so 4
// mel sums accumulate at once; log10(1 + 10000 x) follows in the same
// kernel. All arithmetic is float64 until the float32 output.
//
// On amd64 with AVX2 and FMA (detected at run time) these steps run in
// assembly kernels of 4 float64 lanes (fft_amd64.s, mel_amd64.s);
// elsewhere, or with the build tag purego, in Go. The tests run both kernel sets against
// gonum's FFT, math.Log10, the sparse Go sums and librosa. Extractors hold
// scratch buffers: not safe for concurrent use, but Clone is cheap;
// tools/ingest gives each of its workers a clone. Parity with librosa 0.11
// (TestLogMelMatchesLibrosa): max abs difference 3.7e-7 on
// log10(1 + 10000 x).
//
// Measured speed against librosa: docs/results/features.md.
//
// References:
//
//  1. T. Stadelmann, S. Glinski-Haefeli, P. Gerber, O. Dürr, "Capturing
//     Suprasegmental Features of a Voice with RNNs for Improved Speaker
//     Clustering", ANNPR 2018.
//  2. stdm/ZHAW_deep_voice, common/spectrogram/spectrogram_converter.py.
//  3. librosa 0.11 documentation: feature.melspectrogram, filters.mel,
//     core.stft, effects.trim.
//  4. M. Slaney, "Auditory Toolbox", Version 2, Interval Research
//     Technical Report 1998-010 (the Slaney mel scale and normalisation).
//  5. D. Povey et al., "The Kaldi Speech Recognition Toolkit", ASRU 2011;
//     Kaldi src/feat/feature-window.cc, feature-fbank.cc,
//     mel-computations.cc.
//  6. S. Young et al., "The HTK Book" (the HTK mel scale).
package feature
