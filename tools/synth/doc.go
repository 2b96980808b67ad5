// Package synth generates multi-speaker speech corpora from the speech
// synthesizers Debian ships (espeak-ng with its voice variants, festival
// with the festvox voices, flite), for demos, tests and benchmarks where no
// real corpus is at hand.
//
// A base voice is one synthetic voice model (an espeak-ng variant or accent,
// a festival or flite voice; flite and festival share CMU's kal and slt,
// which count as one base voice each). A speaker is a base voice perturbed in
// F0 (the engine's own pitch control), speaking rate (the engine's rate or
// duration stretch) and vocal-tract length (resampling by 0.94..1.06, which
// scales formants and F0 together, as in vocal tract length perturbation).
// Speakers of one base voice sound alike, so splits keep base voices apart:
// the base voice is the group in speakers.tsv.
//
// Engines and voices are discovered at run time; the output is a function of
// the seed and the installed voices. Text comes from deterministic
// generators of grammatical sentences (Sentences, SentencesIn): English for
// most voices, native script for the festival voices that cannot read
// English (Hindi and Marathi in Devanagari, Telugu, Russian in Cyrillic),
// which festival reads as UTF-8. Each of these voices is a base voice of its
// own; speakers.tsv and utterances.tsv record the language (lang column).
// msu_ru_nsh_clunits ignores Duration_Stretch, so its speed is its warp.
//
// References: eSpeak NG documentation (voices, variants, -p/-s);
// The Festival Speech Synthesis System manual (Duration_Stretch, utt.synth);
// Flite documentation (duration_stretch, int_f0_target_mean);
// Jaitly & Hinton, "Vocal Tract Length Perturbation (VTLP) improves speech
// recognition", ICML workshop 2013.
package synth
