// Package shard partitions utterances deterministically for batch
// schedulers (Slurm job arrays, Kubernetes indexed jobs, GNU parallel):
// shard k of n (0 <= k < n) holds the utterances whose id hashes to k, so
// each job of an array computes its part of `voxsiam features` or
// `voxsiam embed` alone and `voxsiam merge` puts the parts together.
//
// The shard of an utterance is FNV-1a (64 bit) of its id, modulo n. It
// depends on the id and n only: adding files to a corpus never moves an
// existing utterance to another shard, and a failed shard can be rerun by
// itself. Shards are 0-based, as Kubernetes' JOB_COMPLETION_INDEX and
// Slurm's SLURM_ARRAY_TASK_ID with --array=0-(n-1).
//
// References: G. Fowler, L. C. Noll, K.-P. Vo, D. Eastlake, "The FNV
// Non-Cryptographic Hash Algorithm" (IETF draft); Go's hash/fnv.
package shard
