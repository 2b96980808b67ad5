package spec

// Distillation forms ([model] distill): the term, next to PKLD, that moves
// the student's geometry toward a teacher's embeddings ([train] teacher).
const (
	DistillNone       = "none"       // no teacher term (default)
	DistillRelational = "relational" // batch cosine-similarity matrices matched: mean_{i<j} (S_s - S_t)^2
	DistillRegression = "regression" // learned projection W of the student layer: mean (1 - cos(W e, t))
)

// DistillForms lists every distillation form.
var DistillForms = []string{DistillNone, DistillRelational, DistillRegression}

// ParseDistill reads a distillation form; other words are usage errors
// naming what.
func ParseDistill(what, s string) (string, error) { return oneOf(what, s, DistillForms) }

// What a training run does with an utterance the teacher has no embedding
// for ([train] teacher_missing).
const (
	TeacherMissingError = "error" // refuse the run, naming the first ids (default)
	TeacherMissingSkip  = "skip"  // its segments take PKLD only (teacher mask 0)
)

// TeacherMissingModes lists the teacher_missing values.
var TeacherMissingModes = []string{TeacherMissingError, TeacherMissingSkip}

// ParseTeacherMissing reads a teacher_missing value ("" is
// TeacherMissingError); other words are usage errors naming what.
func ParseTeacherMissing(what, s string) (string, error) {
	if s == "" {
		s = TeacherMissingError
	}
	return oneOf(what, s, TeacherMissingModes)
}

// DefaultPKLDWeight is the weight of the PKLD term when [model]
// pkld_weight is unset.
const DefaultPKLDWeight = 1.0

// PKLD returns the effective PKLD weight: PKLDWeight, or
// DefaultPKLDWeight when unset.
func (c Config) PKLD() float64 {
	if c.PKLDWeight == nil {
		return DefaultPKLDWeight
	}
	return *c.PKLDWeight
}

// LayerWidth is the width of one of EmbeddingLayers in c (defaults
// applied): L3 2*LSTM2, L4 and L5 Dense1, L6 Dense2, L7 Speakers; 0 for
// other names.
func (c Config) LayerWidth(layer string) int {
	c = c.WithDefaults()
	switch layer {
	case "L3":
		return 2 * c.LSTM2
	case "L4", "L5":
		return c.Dense1
	case "L6":
		return c.Dense2
	case "L7":
		return c.Speakers
	}
	return 0
}
