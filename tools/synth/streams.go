package synth

// The random streams of synthesis: PCG(seed, stream), one stream per use,
// so a change to one draw leaves the others as they were. The values are
// those of the corpora made so far (changing one changes every corpus).
const (
	streamBaseOrder = 0x9a1           // Plan: the order in which base voices are used
	streamSentences = 0x5e47e9ce      // SentencesIn (English; other languages xor in their code)
	streamTexts     = uint64(1) << 32 // + speaker index: pickTexts' order of the sentence pool
)

// streamSpeaker is Plan's stream of speaker i's perturbations (1, 2, ...).
func streamSpeaker(i int) uint64 { return uint64(i) + 1 }
