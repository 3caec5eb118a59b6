package dns

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	compute "github.com/pulumi/pulumi-azure-native-sdk/compute/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/linuxvm"
)

// ResolverArgs configures the hub's DNS resolvers: Forwarders or PrivateResolver. Every field is
// required unless its comment says otherwise.
type ResolverArgs struct {
	Location          string
	ResourceGroupName pulumi.StringInput
	Forwarders        *ForwarderArgs       // optional: DNS forwarder VMs
	PrivateResolver   *PrivateResolverArgs // optional: Azure DNS Private Resolver
	// OnPrem is optional: domains forwarded to on-premises servers (a ruleset in resolver mode).
	OnPrem []ForwardedDomain
	// After are operations on the hub VNet that must finish before a NIC or an endpoint joins a
	// subnet of it (the peerings: Azure refuses overlapping operations on one VNet).
	After []pulumi.Resource
	Tags  map[string]string
}

// ForwarderArgs places the forwarder VMs. All fields are required.
type ForwarderArgs struct {
	SubnetID            pulumi.StringInput
	AvailabilitySetName string
	VMs                 []ForwarderVM
	VMSize              string
	AdminUsername       string
	SSHPublicKey        string
	NamedConf           string // Plan.NamedConf
}

// ForwarderVM is one forwarder: its Azure names and its static IP.
type ForwarderVM struct {
	VMName, NICName, IP string
}

// PrivateResolverArgs places the Private Resolver. Every field is required unless its comment says otherwise.
type PrivateResolverArgs struct {
	HubVNetID        pulumi.StringInput
	InboundSubnetID  pulumi.StringInput
	OutboundSubnetID pulumi.StringInput // used with OnPrem only
	InboundIP        string
	// Azure names of the resolver, its endpoints and its forwarding ruleset.
	ResolverName, InboundName, OutboundName, RulesetName string
	// RulesetVNets are linked to the forwarding ruleset (with OnPrem).
	RulesetVNets map[string]pulumi.StringInput
}

// Resolver is the hub's DNS resolver component.
type Resolver struct {
	pulumi.ResourceState

	// Ready are the resources that exist once the resolvers answer; the cluster waits for them.
	Ready []pulumi.Resource
}

// NewResolver registers the forwarder VMs with their readiness checks, or the Private Resolver.
func NewResolver(ctx *pulumi.Context, name string, args ResolverArgs, opts ...pulumi.ResourceOption) (*Resolver, error) {
	r := &Resolver{}
	if err := ctx.RegisterComponentResource("hubspoke:dns:Resolver", name, r, opts...); err != nil {
		return nil, err
	}
	var servers []string
	if f := args.Forwarders; f != nil {
		if err := r.forwarders(ctx, name, args, f); err != nil {
			return nil, err
		}
		for _, vm := range f.VMs {
			servers = append(servers, vm.IP)
		}
	}
	if pr := args.PrivateResolver; pr != nil {
		if err := r.privateResolver(ctx, name, args, pr); err != nil {
			return nil, err
		}
		servers = append(servers, pr.InboundIP)
	}
	return r, ctx.RegisterResourceOutputs(r, pulumi.Map{"serverIps": pulumi.ToStringArray(servers)})
}

// ReadinessScript succeeds once the named at server answers through its forwarding path, within
// 20 minutes (first boot installs BIND once the firewall lets it). On the VMs server is
// LocalNamed, which named.conf's ACL admits; the tests run it against a named on another port.
func ReadinessScript(server netip.AddrPort) string {
	return fmt.Sprintf(`for attempt in $(seq 1 120); do
  if dig +time=2 +tries=1 -p %d @%s mcr.microsoft.com A | grep -q 'status: NOERROR'; then echo ready; exit 0; fi
  sleep 10
done
echo "named does not answer"; exit 1`, server.Port(), server.Addr())
}

// LocalNamed is where a forwarder VM's readiness check asks its own named.
var LocalNamed = netip.MustParseAddrPort("127.0.0.1:53")

func (r *Resolver) forwarders(ctx *pulumi.Context, name string, args ResolverArgs, f *ForwarderArgs) error {
	parent := pulumi.Parent(r)
	tags := pulumi.ToStringMap(args.Tags)
	// An availability set works in every region; the two forwarders land in different fault domains.
	avset, err := compute.NewAvailabilitySet(ctx, name+"-avset", &compute.AvailabilitySetArgs{
		ResourceGroupName:         args.ResourceGroupName,
		AvailabilitySetName:       pulumi.String(f.AvailabilitySetName),
		Location:                  pulumi.String(args.Location),
		PlatformFaultDomainCount:  pulumi.Int(2),
		PlatformUpdateDomainCount: pulumi.Int(2),
		Sku:                       compute.SkuArgs{Name: pulumi.String("Aligned")},
		Tags:                      tags,
	}, parent)
	if err != nil {
		return err
	}
	cloudInit := ForwarderCloudInit(f.NamedConf)
	for i, fvm := range f.VMs {
		suffix := fmt.Sprintf("-%d", i+1)
		vm, _, err := linuxvm.New(ctx, name+suffix, linuxvm.Args{
			ResourceGroupName: args.ResourceGroupName,
			Location:          args.Location,
			VMName:            fvm.VMName,
			NICName:           fvm.NICName,
			Size:              f.VMSize,
			AdminUsername:     f.AdminUsername,
			SSHPublicKey:      f.SSHPublicKey,
			CloudInit:         cloudInit,
			SubnetID:          f.SubnetID,
			PrivateIP:         fvm.IP,
			// The VNets' DNS servers are these forwarders; they themselves use Azure DNS, or
			// nothing (apt) would resolve before BIND runs.
			DNSServers:        []string{AzureDNS.Addr().String()},
			AvailabilitySetID: avset.ID().ToStringOutput(),
			Tags:              tags,
		}, parent, pulumi.DependsOn(args.After))
		if err != nil {
			return err
		}
		// The readiness gate: this run command finishes only once named answers, and the cluster
		// waits for it (a cluster created before its DNS answers fails with
		// VMExtensionError_K8SAPIServerDNSLookupFail).
		ready, err := compute.NewVirtualMachineRunCommandByVirtualMachine(ctx, name+suffix+"-ready", &compute.VirtualMachineRunCommandByVirtualMachineArgs{
			ResourceGroupName:               args.ResourceGroupName,
			VmName:                          vm.Name,
			RunCommandName:                  pulumi.String("wait-for-named"),
			Location:                        pulumi.String(args.Location),
			Source:                          compute.VirtualMachineRunCommandScriptSourceArgs{Script: pulumi.String(ReadinessScript(LocalNamed))},
			AsyncExecution:                  pulumi.Bool(false),
			TimeoutInSeconds:                pulumi.Int(1500),
			TreatFailureAsDeploymentFailure: pulumi.Bool(true),
			Tags:                            tags,
		}, parent)
		if err != nil {
			return err
		}
		r.Ready = append(r.Ready, ready)
	}
	return nil
}

func (r *Resolver) privateResolver(ctx *pulumi.Context, name string, args ResolverArgs, pr *PrivateResolverArgs) error {
	parent := pulumi.Parent(r)
	tags := pulumi.ToStringMap(args.Tags)
	resolver, err := network.NewDnsResolver(ctx, name, &network.DnsResolverArgs{
		ResourceGroupName: args.ResourceGroupName,
		DnsResolverName:   pulumi.String(pr.ResolverName),
		Location:          pulumi.String(args.Location),
		VirtualNetwork:    network.SubResourceArgs{Id: pr.HubVNetID},
		Tags:              tags,
	}, parent, pulumi.DependsOn(args.After)) // the endpoints follow the resolver
	if err != nil {
		return err
	}
	inbound, err := network.NewInboundEndpoint(ctx, name+"-inbound", &network.InboundEndpointArgs{
		ResourceGroupName:   args.ResourceGroupName,
		DnsResolverName:     resolver.Name,
		InboundEndpointName: pulumi.String(pr.InboundName),
		Location:            pulumi.String(args.Location),
		IpConfigurations: network.InboundEndpointIPConfigurationArray{network.InboundEndpointIPConfigurationArgs{
			Subnet:                    network.SubResourceArgs{Id: pr.InboundSubnetID},
			PrivateIpAllocationMethod: pulumi.String("Static"),
			PrivateIpAddress:          pulumi.String(pr.InboundIP),
		}},
		Tags: tags,
	}, parent)
	if err != nil {
		return err
	}
	r.Ready = append(r.Ready, inbound)
	if len(args.OnPrem) == 0 {
		return nil
	}
	outbound, err := network.NewOutboundEndpoint(ctx, name+"-outbound", &network.OutboundEndpointArgs{
		ResourceGroupName:    args.ResourceGroupName,
		DnsResolverName:      resolver.Name,
		OutboundEndpointName: pulumi.String(pr.OutboundName),
		Location:             pulumi.String(args.Location),
		Subnet:               network.SubResourceArgs{Id: pr.OutboundSubnetID},
		Tags:                 tags,
	}, parent)
	if err != nil {
		return err
	}
	ruleset, err := network.NewDnsForwardingRuleset(ctx, name+"-ruleset", &network.DnsForwardingRulesetArgs{
		ResourceGroupName:            args.ResourceGroupName,
		DnsForwardingRulesetName:     pulumi.String(pr.RulesetName),
		Location:                     pulumi.String(args.Location),
		DnsResolverOutboundEndpoints: network.SubResourceArray{network.SubResourceArgs{Id: outbound.ID().ToStringOutput()}},
		Tags:                         tags,
	}, parent)
	if err != nil {
		return err
	}
	for i, d := range args.OnPrem {
		targets := network.TargetDnsServerArray{}
		for _, s := range d.Servers {
			targets = append(targets, network.TargetDnsServerArgs{IpAddress: pulumi.String(s.Addr().String()), Port: pulumi.Int(int(s.Port()))})
		}
		_, err := network.NewForwardingRule(ctx, fmt.Sprintf("%s-rule-%d", name, i+1), &network.ForwardingRuleArgs{
			ResourceGroupName:        args.ResourceGroupName,
			DnsForwardingRulesetName: ruleset.Name,
			ForwardingRuleName:       pulumi.String(fmt.Sprintf("onprem-%d", i+1)),
			DomainName:               pulumi.String(d.Domain + "."),
			ForwardingRuleState:      pulumi.String("Enabled"),
			TargetDnsServers:         targets,
		}, parent)
		if err != nil {
			return err
		}
	}
	for _, vnet := range slices.Sorted(maps.Keys(pr.RulesetVNets)) {
		link, err := network.NewPrivateResolverVirtualNetworkLink(ctx, name+"-ruleset-link-"+vnet, &network.PrivateResolverVirtualNetworkLinkArgs{
			ResourceGroupName:        args.ResourceGroupName,
			DnsForwardingRulesetName: ruleset.Name,
			VirtualNetworkLinkName:   pulumi.String("rslink-" + vnet),
			VirtualNetwork:           network.SubResourceArgs{Id: pr.RulesetVNets[vnet]},
		}, parent)
		if err != nil {
			return err
		}
		r.Ready = append(r.Ready, link)
	}
	return nil
}

// OnPremServers turns on-premises server IPs into the port-53 addresses the resolvers forward to.
func OnPremServers(ips []netip.Addr) []netip.AddrPort {
	out := make([]netip.AddrPort, len(ips))
	for i, ip := range ips {
		out[i] = netip.AddrPortFrom(ip, 53)
	}
	return out
}
