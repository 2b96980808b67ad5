// Package spkdb is the enrollment database of `voxsiam enroll` and
// `voxsiam identify`: speaker embeddings on disk in the formats `voxsiam
// embed` writes, so numpy reads them without voxsiam.
//
// Layout of a database directory DB:
//
//	DB/db.json                          {"format": "voxsiam-spkdb", "version": 1,
//	                                      "model": "<fingerprint>", "dim": 512, "speakers": 3}
//	DB/speakers/<name>/embeddings.npy   float32 [n, dim]: one row per enrollment utterance
//	DB/speakers/<name>/utt.list         n utterance ids, row order (<k>_<file stem>)
//	DB/means.npy                        float32 [speakers, dim]: each speaker's mean of
//	                                      length-normalised rows, length-normalised
//	DB/speakers.list                    the speakers, row order of means.npy (sorted)
//
// "model" is the fingerprint of the SavedModel that made the embeddings
// (a database answers only for that model). Every file is replaced
// atomically (internal/atomicfile); db.json is written last, so a crash
// leaves the previous state or the new one readable. A directory that is
// not a database, or one whose files disagree, is an errs.BadData error,
// and nothing in it is changed or deleted.
package spkdb
