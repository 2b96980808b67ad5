package dataset_test

import (
	"fmt"

	"github.com/voxsiam/voxsiam/tools/dataset"
)

func ExampleSplit() {
	speakers := []string{"a1", "a2", "b1", "b2", "c1", "d1", "e1", "f1"}
	groups := map[string]string{"a1": "voiceA", "a2": "voiceA", "b1": "voiceB", "b2": "voiceB"}
	train, val, test := dataset.Split(speakers, groups, 1, 2, 7)
	fmt.Println(len(train), len(val), len(test))
	// Output:
	// 5 1 2
}

func ExampleZHAW() {
	first, last := dataset.ZHAW([]string{"SX4", "SA1", "SA2", "SI1", "SI2", "SI3", "SX1", "SX2", "SX3", "SX5"})
	fmt.Println(first)
	fmt.Println(last)
	// Output:
	// [SA1 SA2 SI1 SI2 SI3 SX1 SX2 SX3]
	// [SX4 SX5]
}
