// Package vecio reads and writes the embeddings directory shared by
// `voxsiam embed` (writer) and `voxsiam eval|cluster|score` (readers), and
// the Kaldi and list formats around it.
//
// An embeddings directory holds:
//
//	embeddings.npy     [N, D] float32, C order, .npy v1 (numpy.load opens it)
//	utt.list           N utterance ids, one a line, in row order
//	utt2spk            "utt spk" lines (Kaldi), when speakers are known
//	spk2utt            "spk utt1 utt2 ..." lines (Kaldi), written beside utt2spk
//	distributions.npy  optional [N, S] float32 softmax outputs (for KL distances)
//	embeddings.ark/.scp optional Kaldi binary float vectors (FV) with an index
//
// Kaldi archives: each entry is "key " followed by one object. A binary
// float vector is "\x00B" "FV " then the size byte 4, an int32 length and
// that many little-endian float32 values; "DV " with size byte 8 holds
// float64 values. A text vector is "key  [ 1.5 -2 3 ]" on one line. An scp
// line "key path:offset" points at the byte just after the key's space.
//
// Errors caused by the data wrap errs.ErrBadData and name the file and the
// line (text) or entry and byte offset (binary).
//
// References: the NumPy .npy format (NEP 1); Kaldi "The Table concept" and
// "Kaldi I/O mechanisms" documentation (ark/scp, binary vector layout).
package vecio
