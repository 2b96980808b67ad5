package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/voxsiam/voxsiam/internal/tfserver"
	"github.com/voxsiam/voxsiam/train"
)

// serverOptions are the flags of `voxsiam server`.
type serverOptions struct {
	Cluster          string // TF_CONFIG JSON, a file holding it, or "" for $TF_CONFIG
	Task             string // "job:index", overriding the config's task
	AllowRemote      bool
	IntraOp, InterOp int
	CPUDevices       int
}

func newServerCommand() *cli.Command {
	o := &serverOptions{}
	return &cli.Command{
		Name:      "server",
		Usage:     "run one task of a TensorFlow cluster (gRPC server) for `train --cluster`",
		UsageText: "voxsiam server [--cluster FILE|JSON] [--task worker:0] [--allow-remote]",
		Description: `Starts TensorFlow's gRPC server for one task of a cluster and serves until SIGINT/SIGTERM.
The cluster is TF_CONFIG JSON (as Keras and TF estimators use it), from --cluster (a file or the
JSON itself) or the TF_CONFIG environment variable:
  {"cluster": {"chief": ["127.0.0.1:2222"], "worker": ["127.0.0.1:2223", "127.0.0.1:2224"]},
   "task": {"type": "worker", "index": 0}}
--task worker:1 overrides the task. Every address must be on the loopback unless --allow-remote:
TensorFlow's gRPC runtime has no authentication and no encryption (anyone reaching the port can
run any op, read and write files), so a cluster beyond one host belongs on a private network.
TensorFlow listens on all interfaces at the task's port whatever host the cluster names: on a
shared host, keep the ports closed by a firewall.
` + exitStatusHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "cluster", Usage: "TF_CONFIG `FILE` or JSON (default: $TF_CONFIG)", Destination: &o.Cluster},
			&cli.StringFlag{Name: "task", Usage: "this process's task `JOB:INDEX` (default: the config's \"task\")", Destination: &o.Task},
			&cli.BoolFlag{Name: "allow-remote", Usage: "allow cluster addresses off the loopback (TensorFlow's gRPC has no authentication: private networks only)", Destination: &o.AllowRemote},
			&cli.IntFlag{Name: "intra-op", Usage: "TensorFlow intra-op threads of this task (0 = one per core)", Destination: &o.IntraOp},
			&cli.IntFlag{Name: "inter-op", Usage: "TensorFlow inter-op threads of this task (0 = one per core)", Destination: &o.InterOp},
			&cli.IntFlag{Name: "cpu-devices", Usage: "`N` CPU devices of this task (/device:CPU:0..N-1), for train --cluster --device cpu --local-devices N", Value: 1, Destination: &o.CPUDevices},
		},
		Action: func(c *cli.Context) error { return runServer(c.Context, o, c.App.Writer) },
	}
}

func runServer(ctx context.Context, o *serverOptions, w io.Writer) error {
	cfg, err := clusterConfig("server", o.Cluster, o.Task, o.AllowRemote)
	if err != nil {
		return err
	}
	return tfserver.Serve(ctx, cfg, tfserver.Options{IntraOp: o.IntraOp, InterOp: o.InterOp, CPUDevices: o.CPUDevices}, w)
}

// clusterConfig loads TF_CONFIG (spec: file, JSON or "" for $TF_CONFIG),
// applies a "job:index" task override and the loopback policy; problems
// are usage errors naming cmd, the source and the problem.
func clusterConfig(cmd, spec, task string, allowRemote bool) (tfserver.Config, error) {
	cfg, err := tfserver.Load(spec)
	if err != nil {
		return cfg, usagef("%s: %v", cmd, err)
	}
	if task != "" {
		job, idx, ok := strings.Cut(task, ":")
		i, err := strconv.Atoi(idx)
		if !ok || err != nil || job == "" {
			return cfg, usagef("%s: --task %q: want JOB:INDEX, e.g. worker:0", cmd, task)
		}
		cfg.Task = tfserver.Task{Type: job, Index: i}
		if err := cfg.Validate(); err != nil {
			return cfg, usagef("%s: --task %s: %v", cmd, task, err)
		}
	}
	if err := cfg.CheckLoopback(allowRemote, "--allow-remote"); err != nil {
		return cfg, usagef("%s: %v", cmd, err)
	}
	return cfg, nil
}

// clusterFlags are the flags of `train --cluster`.
type clusterFlags struct {
	Cluster     string
	AllowRemote bool
	Wait        time.Duration
	OpTimeout   time.Duration
}

func (f *clusterFlags) flags() []cli.Flag {
	const cat = "Cluster (TensorFlow distributed runtime)"
	return []cli.Flag{
		&cli.StringFlag{Name: "cluster", Usage: "train on a TensorFlow cluster: TF_CONFIG `FILE` or JSON (TF_CONFIG: the environment variable); this process is the chief, the workers run `voxsiam server`", Category: cat, Destination: &f.Cluster},
		&cli.BoolFlag{Name: "allow-remote", Usage: "allow cluster addresses off the loopback (no authentication in TensorFlow's gRPC: private networks only)", Category: cat, Destination: &f.AllowRemote},
		&cli.DurationFlag{Name: "wait", Usage: "how long the chief waits for the workers' servers", Value: 5 * time.Minute, Category: cat, Destination: &f.Wait},
		&cli.DurationFlag{Name: "op-timeout", Usage: "bound on every TensorFlow run of the cluster: a step waiting on a dead task fails after it", Value: 10 * time.Minute, Category: cat, Destination: &f.OpTimeout},
	}
}

// options returns the cluster options of --cluster, nil without it.
func (f *clusterFlags) options(cmd string, log io.Writer) (*train.ClusterOptions, error) {
	if f.Cluster == "" {
		return nil, nil
	}
	spec := f.Cluster
	if spec == "TF_CONFIG" {
		spec = ""
	}
	cfg, err := clusterConfig(cmd, spec, "", f.AllowRemote)
	if err != nil {
		return nil, err
	}
	onLost := func(err error) { // a TensorFlow run cannot be cancelled: report and exit
		fmt.Fprintln(os.Stderr, "voxsiam:", err)
		os.Exit(exitFailure)
	}
	return &train.ClusterOptions{Cluster: cfg, Wait: f.Wait, OpTimeout: f.OpTimeout, Log: log, OnLost: onLost}, nil
}
