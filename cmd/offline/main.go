// Command offline runs a stack through the real Pulumi engine with no Azure: preview, up into a
// local state, then the exported state, dependency graph, topology picture and deploy-time model.
//
//	go run ./cmd/offline -stack dev   # with the policy pack that make policy-pack builds
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/hubspoke/private-aks/offline"
)

func main() {
	stackName := flag.String("stack", "dev", "stack whose Pulumi.<stack>.yaml to run")
	outDir := flag.String("out", "out", "folder for the outputs (a subfolder per stack)")
	stateDir := flag.String("state", ".pulumi-state", "folder for the local backend (a subfolder per stack, replaced each run)")
	quiet := flag.Bool("quiet", false, "hide the engine's progress output")
	pack := flag.String("policy-pack", "bin/policy/hubspoke-policy", "the policy pack's binary (make policy-pack); empty runs without it")
	minute := flag.Duration("azure-minute", offline.DefaultMinute, "how long one Azure minute of the deploy-time model lasts in the offline Azure")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *stackName, *outDir, *stateDir, *pack, *minute, *quiet); err != nil {
		fmt.Fprintf(os.Stderr, "offline run of stack %s failed:\n%v\n", *stackName, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, stackName, outDir, stateDir, pack string, minute time.Duration, quiet bool) error {
	state := filepath.Join(stateDir, stackName)
	// Each run starts from an empty state, so it shows a first deployment.
	if err := os.RemoveAll(state); err != nil {
		return err
	}
	opts := offline.Options{RepoRoot: ".", Stack: stackName, StateDir: state, Progress: os.Stdout, Azure: offline.AzureOptions{Minute: minute}}
	if quiet {
		opts.Progress = nil
	}
	var err error
	if opts.StateDir, err = filepath.Abs(opts.StateDir); err != nil {
		return err
	}
	if pack != "" {
		if opts.PolicyPack, err = filepath.Abs(pack); err != nil {
			return err
		}
		if _, err := os.Stat(opts.PolicyPack); err != nil {
			return fmt.Errorf("policy pack: %w (make policy-pack builds it)", err)
		}
	}
	return offline.Run(ctx, opts, filepath.Join(outDir, stackName), os.Stdout)
}
