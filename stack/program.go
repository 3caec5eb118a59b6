// Package stack composes the hub-spoke private AKS topology from its components. Program is the
// one entry point: main.go, the tests and the offline engine run all call it.
package stack

import (
	"fmt"

	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/settings"
)

// Program loads and validates the configuration, then builds the platform and the workload. Nothing is registered when the configuration is invalid.
func Program(ctx *pulumi.Context) error {
	cfg, err := settings.Load(ctx)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	return build(ctx, cfg)
}

// build reads like the diagram: the platform (monitoring, hub, spoke network, peering, firewall,
// the way in, DNS resolvers) and then the workload (private zone, cluster) from its outputs. The
// components' arguments are mapped from the config in args.go.
func build(ctx *pulumi.Context, cfg *settings.Settings) error {
	// One explicit provider for every resource: the SDK modules are of different versions and
	// would otherwise each ask for their own plugin version.
	provider, err := azurenative.NewProvider(ctx, "azure", &azurenative.ProviderArgs{Location: pulumi.String(cfg.Location)})
	if err != nil {
		return err
	}
	opts := pulumi.Providers(provider)
	if len(cfg.PolicyManagedTags) > 0 {
		if err := ctx.RegisterStackTransformation(ignorePolicyTags(cfg.PolicyManagedTags)); err != nil {
			return err
		}
	}
	platform, err := buildPlatform(ctx, cfg, opts)
	if err != nil {
		return err
	}
	workload, err := buildWorkload(ctx, cfg, platform, opts)
	if err != nil {
		return err
	}
	exportOutputs(ctx, cfg, platform, workload)
	return nil
}

// ignorePolicyTags leaves the tags an Azure Policy modify effect sets to Azure: without it, every
// update would remove them and the policy would add them back.
func ignorePolicyTags(names []string) pulumi.ResourceTransformation {
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = fmt.Sprintf("tags[%q]", n)
	}
	return func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if !azuretype.Table[args.Type].Taggable {
			return nil
		}
		return &pulumi.ResourceTransformationResult{Props: args.Props, Opts: append(args.Opts, pulumi.IgnoreChanges(paths))}
	}
}
