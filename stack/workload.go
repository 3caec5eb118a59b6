package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/privatelink"
	"github.com/hubspoke/private-aks/settings"
	"github.com/hubspoke/private-aks/spoke"
)

// Workload is what the workload's part of the stack built: the cluster and its private zone, and
// the registry and vault it pulls and reads from (nil when off).
type Workload struct {
	Cluster  *spoke.Cluster
	Zone     *dns.Zone
	Registry *privatelink.Registry
	Vault    *privatelink.Vault
}

// buildWorkload builds, from the platform's plain values, the API server's private zone, the
// private cluster, and the private registry and vault. The cluster does not wait for these: only
// their role assignments wait for its identities.
func buildWorkload(ctx *pulumi.Context, cfg *settings.Settings, p *Platform, opts pulumi.ResourceOption) (*Workload, error) {
	w := &Workload{}
	args := clusterArgs(cfg, p)
	// Custom mode: the zone exists, linked to hub and spoke, before AKS is handed its ID.
	if cfg.DNS.ZoneMode == settings.ZoneCustom {
		zone, err := dns.New(ctx, "dns", customZoneArgs(cfg, p), opts)
		if err != nil {
			return nil, err
		}
		w.Zone, args.PrivateDNSZoneID = zone, zone.ZoneID
	}
	cluster, err := spoke.NewCluster(ctx, "cluster", args, opts)
	if err != nil {
		return nil, err
	}
	w.Cluster = cluster
	// System mode (the article's): AKS created the zone and linked the spoke; link the hub so
	// the jump box resolves the API server.
	if cfg.DNS.ZoneMode == settings.ZoneSystem {
		if w.Zone, err = dns.New(ctx, "dns", systemZoneArgs(cfg, p, cluster), opts); err != nil {
			return nil, err
		}
	}
	if cfg.Registry.Enabled {
		if w.Registry, err = privatelink.NewRegistry(ctx, "registry", registryArgs(cfg, p, cluster), opts); err != nil {
			return nil, err
		}
	}
	if cfg.KeyVault.Enabled {
		if w.Vault, err = privatelink.NewVault(ctx, "vault", vaultArgs(cfg, p, cluster), opts); err != nil {
			return nil, err
		}
	}
	return w, nil
}
