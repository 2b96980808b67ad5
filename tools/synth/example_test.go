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

func ExampleSentencesIn() {
	for _, lang := range []string{"hi", "mr", "te", "ru"} {
		fmt.Println(lang, synth.SentencesIn(lang, 1, 42)[0])
	}
	// Output:
	// hi हम कल सुबह शहर में एक पुराना रेडियो देखेंगे।
	// mr आम्ही दुपारी शाळेत महाग टोपी आणू.
	// te మేము ఎల్లుండి బడిలో ఒక అందమైన గడియారం వెతుకుతాము.
	// ru Михаил увидел маленькую лампу на площади в субботу.
}
