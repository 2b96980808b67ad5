package synth_test

import (
	"fmt"

	"github.com/voxsiam/voxsiam/tools/synth"
)

func ExampleSentences() {
	for _, s := range synth.Sentences(3, 42) {
		fmt.Println(s)
	}
	// Output:
	// The silver baker bought the busy kettle beside the river.
	// Sarah wrapped an old lantern at the harbour before noon.
	// Next summer, the barber will borrow the hammer below the theatre.
}
