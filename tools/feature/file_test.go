package feature

import "testing"

// TestDecode: the JSON's fields over base, base's where the JSON has none;
// empty input and null give base; malformed JSON is an error.
func TestDecode(t *testing.T) {
	base := DefaultConfig()
	want := base
	want.NMels, want.Partial = 40, PartialPad
	for _, c := range []struct {
		name, in string
		want     Config
		bad      bool
	}{
		{"over base", `{"n_mels": 40, "partial": "pad"}`, want, false},
		{"empty", " \n", base, false},
		{"null", "null", base, false},
		{"malformed", `{"n_mels": "forty"}`, Config{}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode([]byte(c.in), base)
			if (err != nil) != c.bad || (!c.bad && got != c.want) {
				t.Errorf("Decode(%s) = %+v, %v; want %+v (error %v)", c.in, got, err, c.want, c.bad)
			}
		})
	}
}
