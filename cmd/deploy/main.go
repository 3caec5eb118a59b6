// Command deploy deploys one stack to Azure the one way this project does, on a workstation and in
// CI alike: the Kubernetes-version check (az aks get-versions), a preview with the policy pack and
// the replacement guard, then `pulumi up` with the policy pack.
//
//	make deploy STACK=dev            # builds the policy pack, then: go run ./cmd/deploy -stack dev
//	go run ./cmd/deploy -stack dev -preview -summary out/preview-dev.txt   # pull requests
//
// It needs the Pulumi CLI, a selected backend (pulumi login) and Azure credentials (az login, or
// ARM_* variables with OIDC). In CI (CI or TF_BUILD set) it refuses an up without admin groups.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/hubspoke/private-aks/internal/aksversions"
	"github.com/hubspoke/private-aks/internal/deploy"
	"github.com/hubspoke/private-aks/internal/replaceguard"
)

func main() {
	// Its own flag set: the global one also holds the flags of a logging package Pulumi's SDK
	// imports, which -h would list.
	flags := flag.NewFlagSet("deploy", flag.ExitOnError)
	stack := flags.String("stack", "", "the stack (org/name for Pulumi Cloud); its config is Pulumi.<name>.yaml")
	preview := flags.Bool("preview", false, "stop after the preview and the replacement guard")
	pack := flags.String("policy-pack", "bin/policy/hubspoke-policy", "the policy pack's binary (make policy-pack)")
	summary := flags.String("summary", "", "also write the engine's output to this file (a pull-request comment)")
	destroy := flags.Bool("destroy", false, "tear the stack down instead: a preview of the destroy (refused while anything is protected), then the destroy")
	_ = flags.Parse(os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *stack, *pack, *summary, *preview, *destroy); err != nil {
		fmt.Fprintln(os.Stderr, "deploy:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, stack, pack, summary string, previewOnly, destroy bool) error {
	if stack == "" {
		return fmt.Errorf("usage: deploy -stack <name> [-preview | -destroy] [-summary <file>]")
	}
	st, err := aksversions.ReadStack("Pulumi." + path.Base(stack) + ".yaml")
	if err != nil {
		return err
	}
	if _, err := os.Stat(pack); err != nil {
		return fmt.Errorf("the policy pack: %w (make policy-pack builds it)", err)
	}
	var progress io.Writer = os.Stdout
	if summary != "" {
		f, err := os.Create(summary)
		if err != nil {
			return err
		}
		defer f.Close()
		progress = io.MultiWriter(os.Stdout, f)
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir("."))
	if err != nil {
		return err
	}
	selected, err := auto.SelectStack(ctx, stack, ws)
	if err != nil {
		return fmt.Errorf("stack %s (pulumi stack init %s first): %w", stack, stack, err)
	}
	target := deploy.NewStack(selected, pack, progress)
	if destroy {
		return target.Destroy(ctx)
	}
	_, err = deploy.Run(ctx, target, deploy.Options{
		Stack:          stack,
		CheckVersion:   func(ctx context.Context) error { return aksversions.Ask(ctx, st) },
		PreviewOnly:    previewOnly,
		NonInteractive: os.Getenv("CI") != "" || os.Getenv("TF_BUILD") != "",
		AllowReplace:   replaceguard.Allowed(),
		Report:         os.Stderr,
	})
	return err
}
