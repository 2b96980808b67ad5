// Package dataset lists the utterances of speech corpora in their usual
// directory layouts, loads their audio, and makes speaker-disjoint splits.
//
// Layouts (Scan; Detect guesses one from the first audio file found):
//
//	voxceleb     id10270/x6uYqmx31kE/00001.wav (VoxCeleb1), .m4a (VoxCeleb2, decoded by ffmpeg)
//	timit        TRAIN/DR1/FCJF0/SA1.WAV (NIST SPHERE; any letter case)
//	librispeech  19/198/19-198-0001.flac
//	plain        <speaker>/**/*.wav or *.flac; an optional speakers.tsv at the root with
//	             columns speaker and group (or base_voice, as voxsiam corpus synth writes)
//	             gives each speaker's group
//	kaldi        a data directory: wav.scp, utt2spk, optional segments; wav.scp
//	             commands ("... |") run through sh only when allowed (Options.AllowPipes)
//
// Symbolic links are followed in every layout, so a corpus assembled from
// links to speaker directories scans like its copy; a link to a directory
// on its own path (a loop) is not descended. Audio files directly in the
// root of a tree layout, beside its speaker directories, are an
// errs.BadData error naming them: their speaker is unknown, and they are
// not left out unasked.
//
// A group is the unit splits keep apart: the base voice of a synthetic
// speaker, otherwise the speaker itself. Split draws whole groups for the
// test and validation sets, reproducibly for a seed. ZHAW splits one
// speaker's utterances into the two parts of the protocol of Stadelmann et
// al. (TIMIT: sentences 1-8 and 9-10); DeriveZHAW writes the feature store
// of those two concatenated utterances per test speaker.
//
// References: VoxCeleb (Nagrani et al., Interspeech 2017; Chung et al., 2018);
// TIMIT (Garofolo et al., LDC93S1); LibriSpeech (Panayotov et al., ICASSP
// 2015); Kaldi data directories (kaldi-asr.org/doc/data_prep.html);
// Stadelmann et al., "Capturing Suprasegmental Features of a Voice with
// RNNs for Improved Speaker Clustering", ANNPR 2018.
package dataset
