// Package augment makes training audio harder in the ways x-vector recipes
// do: speed perturbation, additive noise and babble, simulated room
// reverberation, a telephone channel, random gain and equalisation. Every
// function works on plain []float32 mono audio at Rate (16 kHz) and is
// deterministic: randomness comes from a *rand.Rand the caller seeds
// (NewRand(seed, key)). Corpus applies them to a whole corpus and writes an
// augmented copy as a plain speaker/utt.wav tree, as Kaldi writes augmented
// data directories next to the clean one. SpecAugment masks, which act on
// features during training, live in package train (specaug.go).
//
// What each augmentation does, and where its defaults come from:
//
//   - Speed: sox's `speed` (tempo and pitch together) by polyphase
//     resampling; factors 0.9 and 1.1, each a new speaker "sp0.9-<spk>",
//     as Kaldi's perturb_data_dir_speed_3way.sh [1, 2].
//   - Noise and MixSNR: white, pink (1/f) or brown (1/f²) Gaussian noise
//     added at an SNR drawn from 0-15 dB, Kaldi's foreground-noise SNRs in
//     egs/voxceleb/v2 (augment_data_dir.py --fg-snrs 15:10:5:0) [1, 3].
//   - Babble: 3-7 utterances of other speakers of the corpus summed at
//     13-20 dB (Kaldi: --num-bg-noises 3:4:5:6:7 --bg-snrs 20:17:15:13 from
//     MUSAN speech) [1, 3].
//   - Room.RIR and Reverberate: a shoebox room impulse response by the image
//     method [4] with fractional-delay images [5], random room, positions and
//     RT60; the convolution is aligned to the direct path and power
//     normalised as Kaldi's wav-reverberate (reverberate_data_dir.py) [1, 6].
//   - Telephone: 300-3400 Hz band (4th-order Butterworth), 8 kHz, G.711
//     µ-law or A-law companding [7] or the GSM 06.10 full-rate codec [11]
//     (through sox's libgsm: no Go implementation exists), back to 16 kHz.
//   - Gain and RandomEQ: a gain from -18 to +6 dB (Kaldi's volume
//     perturbation factor 0.125-2) and random shelving and peaking biquads
//     [8] (this package's choice of ranges: EQConfig).
//
// WeSpeaker [9] applies speed perturbation, MUSAN noise and RIR
// reverberation on the fly while training; here they are offline (Corpus),
// because voxsiam trains from a precomputed feature store.
//
// References:
//
//  1. D. Snyder, D. Garcia-Romero, G. Sell, D. Povey, S. Khudanpur,
//     "X-vectors: Robust DNN embeddings for speaker recognition", ICASSP
//     2018; Kaldi egs/voxceleb/v2/run.sh, steps/data/augment_data_dir.py,
//     steps/data/reverberate_data_dir.py.
//  2. T. Ko, V. Peddinti, D. Povey, S. Khudanpur, "Audio augmentation for
//     speech recognition", Interspeech 2015.
//  3. D. Snyder, G. Chen, D. Povey, "MUSAN: A music, speech, and noise
//     corpus", arXiv:1510.08484, 2015.
//  4. J. B. Allen, D. A. Berkley, "Image method for efficiently simulating
//     small-room acoustics", J. Acoust. Soc. Am. 65(4), 1979.
//  5. P. M. Peterson, "Simulating the response of multiple microphones to a
//     single acoustic source in a reverberant room", J. Acoust. Soc. Am.
//     80(5), 1986; E. Habets, rir_generator.
//  6. T. Ko, V. Peddinti, D. Povey, M. L. Seltzer, S. Khudanpur, "A study on
//     data augmentation of reverberant speech for robust speech
//     recognition", ICASSP 2017.
//  7. ITU-T Recommendation G.711, "Pulse code modulation (PCM) of voice
//     frequencies", 1988; G.712 (channel band).
//  8. R. Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter
//     coefficients".
//  9. H. Wang et al., "WeSpeaker: A research and production oriented
//     speaker embedding learning toolkit", ICASSP 2023
//     (wespeaker/dataset/processor.py).
//  10. D. S. Park et al., "SpecAugment: A simple data augmentation method
//     for automatic speech recognition", Interspeech 2019.
//  11. ETSI EN 300 961 (GSM 06.10), "Full rate speech transcoding"; J.
//     Degener, C. Bormann, libgsm (TU Berlin), the implementation sox uses.
package augment
