// Package ordered runs independent work items on a bounded pool of
// goroutines and hands their results to the caller in input order, the
// pattern behind streaming a corpus into a feature store (tools/ingest),
// the baseline and loading embedding inputs (embed.Extract):
// decoding runs in parallel while the single consumer sees item 0, 1, 2, ...
// with a bounded number of results held in memory.
//
// References: the bounded-parallelism pipeline of "Go Concurrency Patterns:
// Pipelines and cancellation" (The Go Blog, 2014); golang.org/x/sync/errgroup
// for the first-error-cancels-all convention.
package ordered
