// Command offline runs a stack through the real Pulumi engine with no Azure: preview, up into a
// local state, then the exported state, dependency graph, topology picture and deploy-time model.
//
//	go run ./cmd/offline -stack dev [-v]   # with the policy pack that make policy-pack builds
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
	// Its own flag set: the global one also holds the flags of a logging package Pulumi's SDK
	// imports, which -h would list.
	flags := flag.NewFlagSet("offline", flag.ExitOnError)
	stackName := flags.String("stack", "dev", "stack whose Pulumi.<stack>.yaml to run")
	outDir := flags.String("out", "out", "folder for the outputs (a subfolder per stack)")
	stateDir := flags.String("state", ".pulumi-state", "folder for the local backend (a subfolder per stack, replaced each run)")
	verbose := flags.Bool("v", false, "show the engine's own output and the whole deploy-time model")
	pack := flags.String("policy-pack", "bin/policy/hubspoke-policy", "the policy pack's binary (make policy-pack); empty runs without it")
	minute := flags.Duration("azure-minute", offline.DefaultMinute, "how long one Azure minute of the deploy-time model lasts in the offline Azure")
	_ = flags.Parse(os.Args[1:])

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *stackName, *outDir, *stateDir, *pack, *minute, *verbose); err != nil {
		fmt.Fprintf(os.Stderr, "offline run of stack %s failed:\n%v\n", *stackName, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, stackName, outDir, stateDir, pack string, minute time.Duration, verbose bool) error {
	state := filepath.Join(stateDir, stackName)
	// Each run starts from an empty state, so it shows a first deployment.
	if err := os.RemoveAll(state); err != nil {
		return err
	}
	opts := offline.Options{RepoRoot: ".", Stack: stackName, StateDir: state, Azure: offline.AzureOptions{Minute: minute}}
	if verbose {
		opts.Progress = os.Stdout
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
	return offline.Run(ctx, opts, filepath.Join(outDir, stackName), os.Stdout, verbose)
}
