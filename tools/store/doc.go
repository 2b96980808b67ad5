// Package store reads and writes voxsiam feature stores: a directory holding
// every log-mel frame of a corpus in one memory-mapped .npy file plus a
// manifest of utterances, so training can take O(1) random crops from
// corpora that do not fit in memory.
//
// A store directory contains
//
//	frames.npy     [total_frames, n_mels] float32 (default) or float16, C order,
//	               .npy format v1.0 with a fixed 128-byte header (numpy opens it
//	               with np.load(path, mmap_mode='r'))
//	manifest.tsv   header "utt_id speaker first_row num_rows source duration_s"
//	               (tab-separated), one row per utterance, rows contiguous and in
//	               frame order
//	speakers.tsv   header "speaker group"; group is the unit splits keep apart
//	               (base voice of a synthetic corpus, the speaker otherwise)
//	features.json  the tools/feature.Config the frames were computed with
//
// Writing is streaming (constant memory: frames go to disk as they are added)
// into "<dir>.partial/", which Commit renames to "<dir>": a directory named
// like the store is complete or absent. An interrupted run leaves the .partial
// directory behind; by default Create resumes it (the manifest is valid up to
// its last complete row, frames past it are cut off, and Writer.Done tells
// which sources are already in), Options.Restart removes it instead.
//
// References: the NumPy .npy format specification (numpy.lib.format,
// "NEP 1 — A simple file format for NumPy arrays"); IEEE 754-2008 binary16.
package store
