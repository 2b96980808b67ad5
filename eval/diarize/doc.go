// Package diarize holds the parts of `voxsiam diarize` that need no
// TensorFlow: energy-based speech detection on samples, sliding windows
// over the speech, clustering of the windows' embeddings per recording
// (the number of speakers given, bounded or estimated by a distance
// threshold tuned on dev speakers), and turns built by giving every 10 ms
// frame of speech to the speaker of the nearest window centre, merged when
// adjacent. Turns are eval.Segment values, written as RTTM by eval.WriteRTTM.
//
// What it misses: the speech detector is an energy threshold (within 35 dB
// of the loudest frames and 10 dB above the noise floor), so loud noise,
// music and laughter count as speech and speech quieter than the threshold
// (distant talkers, speech under steady loud noise) is missed; overlapped
// speech is given to one speaker per frame (missed speech for the other
// under DER); windows are 1.5 s by default, so turns shorter than about
// half a window are absorbed by their neighbours.
package diarize
