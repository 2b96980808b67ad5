package tfserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Config is a TF_CONFIG: the cluster (job name -> task addresses
// "host:port", task i at index i) and the task this process runs.
type Config struct {
	Cluster map[string][]string `json:"cluster"`
	Task    Task                `json:"task"`
	// Source names where the config came from (a file, TF_CONFIG or
	// "--cluster"), for error messages.
	Source string `json:"-"`
}

// Task names one task of the cluster.
type Task struct {
	Type  string `json:"type"`  // job name: chief, worker, ps, ...
	Index int    `json:"index"` // task index within the job, from 0
}

// String is "job:index".
func (t Task) String() string { return fmt.Sprintf("%s:%d", t.Type, t.Index) }

// Device is the TensorFlow device name prefix of the task,
// "/job:<type>/replica:0/task:<index>".
func (t Task) Device() string { return fmt.Sprintf("/job:%s/replica:0/task:%d", t.Type, t.Index) }

// Load reads a TF_CONFIG: spec is inline JSON (starting with "{"), a file
// path, or "" for the TF_CONFIG environment variable. Errors name the
// source and the problem.
func Load(spec string) (Config, error) {
	var data []byte
	src := spec
	switch {
	case spec == "":
		src = "TF_CONFIG"
		data = []byte(os.Getenv("TF_CONFIG"))
		if len(bytes.TrimSpace(data)) == 0 {
			return Config{}, fmt.Errorf("tfserver: no cluster: give --cluster FILE or set TF_CONFIG to the cluster JSON")
		}
	case strings.HasPrefix(strings.TrimSpace(spec), "{"):
		src, data = "cluster JSON", []byte(spec)
	default:
		var err error
		if data, err = os.ReadFile(spec); err != nil {
			return Config{}, fmt.Errorf("tfserver: cluster file: %w", err)
		}
	}
	return Parse(data, src)
}

// Parse decodes and validates TF_CONFIG JSON; source labels errors.
func Parse(data []byte, source string) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("tfserver: %s: not TF_CONFIG JSON ({\"cluster\": {...}, \"task\": {\"type\": ..., \"index\": ...}}): %w", source, err)
	}
	c.Source = source
	return c, c.Validate()
}

var jobName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Validate checks job names, addresses (host:port, port 1-65535, each
// address once), at most one chief, and that Task is in the cluster.
func (c Config) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("tfserver: %s: %s", c.Source, fmt.Sprintf(format, a...))
	}
	if len(c.Cluster) == 0 {
		return bad(`no "cluster" (want {"cluster": {"chief": ["host:port"], "worker": [...]}, ...})`)
	}
	seen := map[string]string{}
	for _, job := range c.Jobs() {
		addrs := c.Cluster[job]
		switch {
		case !jobName.MatchString(job):
			return bad("job name %q: want lower-case letters, digits and _", job)
		case len(addrs) == 0:
			return bad("job %q has no tasks", job)
		case job == "chief" && len(addrs) > 1:
			return bad("%d chief tasks: there is at most one", len(addrs))
		}
		for i, a := range addrs {
			if err := checkAddr(a); err != nil {
				return bad("%s task %d: %v", job, i, err)
			}
			if prev, dup := seen[a]; dup {
				return bad("address %s is given to both %s and %s:%d", a, prev, job, i)
			}
			seen[a] = fmt.Sprintf("%s:%d", job, i)
		}
	}
	if c.Task.Type == "" {
		return bad(`no "task" (want "task": {"type": "worker", "index": 0})`)
	}
	if n := len(c.Cluster[c.Task.Type]); c.Task.Index < 0 || c.Task.Index >= n {
		if n == 0 {
			return bad("task type %q is not a job of the cluster (jobs: %s)", c.Task.Type, strings.Join(c.Jobs(), ", "))
		}
		return bad("task %s: index out of range (job %q has %d tasks)", c.Task, c.Task.Type, n)
	}
	return nil
}

func checkAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil || host == "" {
		return fmt.Errorf("address %q: want host:port", a)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("address %q: port must be 1-65535", a)
	}
	return nil
}

// Jobs lists the job names, sorted.
func (c Config) Jobs() []string {
	jobs := make([]string, 0, len(c.Cluster))
	for j := range c.Cluster {
		jobs = append(jobs, j)
	}
	sort.Strings(jobs)
	return jobs
}

// Address is the host:port of task t.
func (c Config) Address(t Task) string { return c.Cluster[t.Type][t.Index] }

// Tasks lists the tasks of job, in index order.
func (c Config) Tasks(job string) []Task {
	ts := make([]Task, len(c.Cluster[job]))
	for i := range ts {
		ts[i] = Task{job, i}
	}
	return ts
}

// CheckLoopback returns an error naming every address of the cluster whose
// host is not a loopback address (localhost, 127.0.0.0/8, ::1), unless
// allow is set. flag names the option that allows them.
func (c Config) CheckLoopback(allow bool, flag string) error {
	if allow {
		return nil
	}
	var off []string
	for _, job := range c.Jobs() {
		for i, a := range c.Cluster[job] {
			if !IsLoopback(a) {
				off = append(off, fmt.Sprintf("%s:%d at %s", job, i, a))
			}
		}
	}
	if len(off) > 0 {
		return fmt.Errorf("tfserver: %s: %s off the loopback; TensorFlow's gRPC runtime has no authentication "+
			"or encryption, so a cluster beyond this host needs %s and a private network", c.Source, strings.Join(off, ", "), flag)
	}
	return nil
}

// IsLoopback reports whether the host of addr ("host:port") is localhost
// or a loopback IP.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
