// Package scalegen writes synthetic corpora of any size for the scale
// harness (make scale, bench/scale.sh) without synthesising audio: an
// embeddings directory in embed's layout (embeddings.npy [N, dim] float32,
// utt.list, utt2spk, spk2utt) of N utterances by S speakers, and a feature
// store (tools/store) of short utterances for the stages before embedding.
//
// The model is the usual picture of speaker embeddings: each speaker has a
// mean direction drawn uniformly on the unit sphere, each utterance is its
// speaker's mean plus isotropic Gaussian noise of total standard deviation
// Within (so cos(utterance, mean) ≈ 1/sqrt(1 + Within²)), and speakers
// have lognormal utterance counts, as real corpora do (VoxCeleb1: 153,516
// utterances of 1,251 speakers, 45 to 1,002 each). Everything is drawn
// from one seed.
package scalegen
