package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/pprof"
	"syscall"
	"time"
)

// Every measurement runs in a child process so that its peak RSS is its own: the
// parent re-executes its own binary with the job in childEnv (JSON), or execs the
// spendsim binary. The parent must stay small, because Linux carries the RSS of the
// process image an exec replaces into the child's maxrss, and Go starts children with
// vfork from the parent's image: a child can never report less than the parent's
// resident set at the moment it was started.
const childEnv = "SPENDSIM_BENCH_CHILD"

// job is what a child process is asked to do.
type job struct {
	Kind       string `json:"kind"` // core, reference, plain, generate, decode, users, sweep
	Seed       uint64 `json:"seed"`
	Size       int64  `json:"size"`        // conversations (core, reference), messages (generate)
	Users      int    `json:"users"`       // generate: distinct users
	Path       string `json:"path"`        // generate, decode, users: the trace file
	Era        string `json:"era"`         // users: the pricing era
	Workers    int    `json:"workers"`     // sweep
	RunHours   int    `json:"run_hours"`   // sweep: horizon of each run
	CPUProfile string `json:"cpu_profile"` // write a CPU profile of the measured part here
}

// childResult is what a child reports on stdout, as JSON.
type childResult struct {
	Seconds  float64            `json:"seconds"`     // the measured part, timed inside the child
	CPU      float64            `json:"cpu_seconds"` // user+system time of the measured part
	Counts   map[string]int64   `json:"counts,omitempty"`
	Floats   map[string]float64 `json:"floats,omitempty"`
	Profiled bool               `json:"profiled,omitempty"`
}

// proc is one finished child process as the parent saw it.
type proc struct {
	Wall   time.Duration // from start to exit, as the parent measured it
	CPU    time.Duration // user + system time of the child
	MaxRSS int64         // bytes
	Stdout []byte
}

// runProc runs cmd to completion and returns its wall time and peak RSS. stderr goes
// to the parent's stderr, so a failing child says why.
func runProc(cmd *exec.Cmd) (proc, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	p := proc{Wall: time.Since(start), Stdout: out.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			p.MaxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
			p.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	if err != nil {
		return p, fmt.Errorf("%s: %w", cmd.Path, err)
	}
	return p, nil
}

// spawn runs j in a child copy of this binary.
func spawn(j job) (childResult, proc, error) {
	self, err := os.Executable()
	if err != nil {
		return childResult{}, proc{}, err
	}
	spec, err := json.Marshal(j)
	if err != nil {
		return childResult{}, proc{}, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	p, err := runProc(cmd)
	if err != nil {
		return childResult{}, p, fmt.Errorf("%s child: %w", j.Kind, err)
	}
	var r childResult
	if err := json.Unmarshal(p.Stdout, &r); err != nil {
		return r, p, fmt.Errorf("%s child: reading its result: %w (output %q)", j.Kind, err, p.Stdout)
	}
	return r, p, nil
}

// childMain runs the job in spec and writes its result to stdout.
func childMain(spec string, stdout io.Writer) error {
	var j job
	if err := json.Unmarshal([]byte(spec), &j); err != nil {
		return fmt.Errorf("bench child: bad job %q: %w", spec, err)
	}
	var prof *profiler
	if j.CPUProfile != "" {
		prof = &profiler{path: j.CPUProfile}
	}
	var (
		r   childResult
		err error
	)
	switch j.Kind {
	case "core":
		r, err = measureCore(j, prof)
	case "reference":
		r, err = measureReference(j, prof)
	case "plain":
		r, err = measurePlain(j, prof)
	case "generate":
		r, err = generateTrace(j, prof)
	case "decode":
		r, err = decodeTrace(j, prof)
	case "users":
		r, err = measureUsers(j, prof)
	case "sweep":
		r, err = measureSweep(j, prof)
	default:
		err = fmt.Errorf("bench child: unknown job kind %q", j.Kind)
	}
	if err != nil {
		return err
	}
	if prof != nil {
		if err := prof.stop(); err != nil {
			return err
		}
		r.Profiled = true
	}
	return json.NewEncoder(stdout).Encode(r)
}

// profiler brackets the measured part of a child with a CPU profile; a nil profiler
// does nothing, so measurements call it unconditionally.
type profiler struct {
	path string
	f    *os.File
}

func (p *profiler) start() error {
	if p == nil {
		return nil
	}
	f, err := os.Create(p.path)
	if err != nil {
		return err
	}
	p.f = f
	return pprof.StartCPUProfile(f)
}

func (p *profiler) stop() error {
	if p == nil || p.f == nil {
		return nil
	}
	pprof.StopCPUProfile()
	err := p.f.Close()
	p.f = nil
	return err
}

// stopwatch times the measured part of a child in wall-clock and CPU time; the CPU
// time counts every thread, so it shows work (garbage collection above all) that a
// second core absorbs without lengthening the wall time.
type stopwatch struct {
	start time.Time
	cpu   time.Duration
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startWatch() stopwatch { return stopwatch{start: time.Now(), cpu: cpuTime()} }

// stop returns the wall-clock and CPU seconds since startWatch.
func (w stopwatch) stop() (wall, cpu float64) {
	return time.Since(w.start).Seconds(), (cpuTime() - w.cpu).Seconds()
}
