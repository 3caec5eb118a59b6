package firewall

import (
	"strconv"
	"strings"

	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NetworkRule is a layer-4 allow rule.
type NetworkRule struct {
	Name                 string
	Protocols            []string // TCP, UDP, ICMP or Any
	SourceAddresses      []string // optional for extra rules: the AKS subnet
	DestinationAddresses []string // IPs, CIDRs or service tags
	DestinationFqdns     []string // needs the DNS proxy (not on Basic)
	DestinationPorts     []string
}

// ApplicationRule is an FQDN allow rule.
type ApplicationRule struct {
	Name            string
	SourceAddresses []string // optional for extra rules: the AKS subnet
	TargetFqdns     []string
	FqdnTags        []string
	Protocols       []string // "Https:443", "Http:80", "Mssql:1433"
}

// The rules' discriminators: the SDK has no constants for them.
const (
	networkRuleType     = "NetworkRule"
	applicationRuleType = "ApplicationRule"
)

// Service tags AKS nodes need over TCP 443 (docs: outbound-rules-control-egress).
var aksServiceTags = []string{"AzureContainerRegistry", "MicrosoftContainerRegistry", "AzureActiveDirectory", "AzureMonitor"}

// AKS core FQDNs, spelled out beside the AzureKubernetesService tag for when the tag changes.
var aksCoreFqdns = []string{
	"mcr.microsoft.com", "*.data.mcr.microsoft.com", "mcr-0001.mcr-msedge.net", "management.azure.com",
	"login.microsoftonline.com", "packages.microsoft.com", "acs-mirror.azureedge.net", "packages.aks.azure.com",
}

// Ubuntu update mirrors: apt uses HTTP (packages are signed), snapshots use HTTPS.
var (
	ubuntuHTTPFqdns  = []string{"security.ubuntu.com", "azure.archive.ubuntu.com", "changelogs.ubuntu.com"}
	ubuntuHTTPSFqdns = []string{"snapshot.ubuntu.com"}
)

// What the jump box's cloud-init downloads: the Azure CLI repository, the pinned kubectl
// (dl.k8s.io/release/v<version>/..., redirected to cdn.dl.k8s.io) and kubelogin
// (github.com/Azure/kubelogin/releases/download/v<version>/kubelogin.zip, redirected to GitHub's
// release-asset hosts), and what `az login` and `az aks get-credentials` call. Not api.github.com:
// the versions are pinned, so nothing asks for the latest release (azure-cli acs/custom.py
// k8s_install_cli; GitHub's redirect hosts; checked 2026-11-26).
var jumpBoxToolFqdns = []string{
	"packages.microsoft.com", "dl.k8s.io", "cdn.dl.k8s.io", "github.com", "objects.githubusercontent.com",
	"release-assets.githubusercontent.com", "login.microsoftonline.com", "management.azure.com", "graph.microsoft.com",
}

// addonApplicationRules are what the cluster's add-ons call: Container Insights and Azure
// Monitor, the Azure Policy add-on, and Defender when enabled (docs: outbound-rules-control-egress).
func addonApplicationRules(aksSubnet, location string, defender bool) []ApplicationRule {
	https := []string{"Https:443"}
	rules := []ApplicationRule{
		{Name: "azure-monitor", SourceAddresses: []string{aksSubnet}, Protocols: https, TargetFqdns: []string{
			"dc.services.visualstudio.com", "*.ods.opinsights.azure.com", "*.oms.opinsights.azure.com", "*.monitoring.azure.com",
			location + ".handler.control.monitor.azure.com", location + ".ingest.monitor.azure.com", "*.metrics.ingest.monitor.azure.com",
			// The monitoring agent's global handler and ingestion endpoints (Azure Monitor,
			// "Network firewall requirements for monitoring Kubernetes", checked 2026-11-26).
			"global.handler.control.monitor.azure.com", "*.ingest.monitor.azure.com",
		}},
		{Name: "azure-policy", SourceAddresses: []string{aksSubnet}, Protocols: https, TargetFqdns: []string{
			"data.policy.core.windows.net", "store.policy.core.windows.net",
		}},
	}
	if defender {
		rules = append(rules, ApplicationRule{Name: "defender", SourceAddresses: []string{aksSubnet}, Protocols: https,
			TargetFqdns: []string{"*.cloud.defender.microsoft.com"}})
	}
	return rules
}

// collection is one allow collection of a rule collection group.
type collection struct {
	name             string
	priority         int
	networkRules     []NetworkRule
	applicationRules []ApplicationRule
}

func (c collection) input() network.FirewallPolicyFilterRuleCollectionArgs {
	rules := pulumi.Array{}
	for _, r := range c.networkRules {
		rules = append(rules, r.input())
	}
	for _, r := range c.applicationRules {
		rules = append(rules, r.input())
	}
	return network.FirewallPolicyFilterRuleCollectionArgs{
		RuleCollectionType: pulumi.String(network.FirewallPolicyRuleCollectionTypeFirewallPolicyFilterRuleCollection),
		Name:               pulumi.String(c.name),
		Priority:           pulumi.Int(c.priority),
		Action:             network.FirewallPolicyFilterRuleCollectionActionArgs{Type: pulumi.String(network.FirewallPolicyFilterRuleCollectionActionTypeAllow)},
		Rules:              rules,
	}
}

func collections(cs ...collection) pulumi.Array {
	out := pulumi.Array{}
	for _, c := range cs {
		if len(c.networkRules)+len(c.applicationRules) > 0 {
			out = append(out, c.input())
		}
	}
	return out
}

func (r NetworkRule) input() network.NetworkRuleArgs {
	return network.NetworkRuleArgs{
		RuleType:             pulumi.String(networkRuleType),
		Name:                 pulumi.String(r.Name),
		IpProtocols:          optional(r.Protocols),
		SourceAddresses:      optional(r.SourceAddresses),
		DestinationAddresses: optional(r.DestinationAddresses),
		DestinationFqdns:     optional(r.DestinationFqdns),
		DestinationPorts:     optional(r.DestinationPorts),
	}
}

func (r ApplicationRule) input() network.ApplicationRuleArgs {
	protocols := network.FirewallPolicyRuleApplicationProtocolArray{}
	for _, p := range r.Protocols {
		kind, port, _ := strings.Cut(p, ":")
		n, _ := strconv.Atoi(port) // validated by the config layer
		protocols = append(protocols, network.FirewallPolicyRuleApplicationProtocolArgs{ProtocolType: pulumi.String(kind), Port: pulumi.Int(n)})
	}
	return network.ApplicationRuleArgs{
		RuleType:        pulumi.String(applicationRuleType),
		Name:            pulumi.String(r.Name),
		Protocols:       protocols,
		SourceAddresses: optional(r.SourceAddresses),
		TargetFqdns:     optional(r.TargetFqdns),
		FqdnTags:        optional(r.FqdnTags),
	}
}

// optional leaves an empty list out: the API wants absent, not empty, fields.
func optional(list []string) pulumi.StringArrayInput {
	if len(list) == 0 {
		return nil
	}
	return pulumi.ToStringArray(list)
}

// networkRules are what AKS nodes need at layer 4: NTP and the Azure service tags.
func networkRules(aksSubnet string, dnsProxy bool) []NetworkRule {
	ntp := NetworkRule{
		Name: "ntp", Protocols: []string{"UDP"}, SourceAddresses: []string{aksSubnet},
		DestinationFqdns: []string{"ntp.ubuntu.com"}, DestinationPorts: []string{"123"},
	}
	if !dnsProxy {
		// FQDNs in network rules need the DNS proxy; without it NTP is allowed to any address,
		// still only on UDP 123.
		ntp.DestinationFqdns, ntp.DestinationAddresses = nil, []string{"*"}
	}
	rules := []NetworkRule{ntp}
	for _, tag := range aksServiceTags {
		rules = append(rules, NetworkRule{
			Name: strings.ToLower(tag), Protocols: []string{"TCP"}, SourceAddresses: []string{aksSubnet},
			DestinationAddresses: []string{tag}, DestinationPorts: []string{"443"},
		})
	}
	return rules
}

// aksApplicationRules are the FQDNs AKS nodes need, and the OS updates of every Ubuntu machine:
// nodes, jump box and (when there are any) DNS forwarders.
func aksApplicationRules(aksSubnet, jumpBoxSubnet, forwarderSubnet string) []ApplicationRule {
	https := []string{"Https:443"}
	ubuntu := []string{aksSubnet, jumpBoxSubnet}
	if forwarderSubnet != "" {
		ubuntu = append(ubuntu, forwarderSubnet)
	}
	return []ApplicationRule{
		{Name: "aks-fqdn-tag", SourceAddresses: []string{aksSubnet}, FqdnTags: []string{"AzureKubernetesService"}, Protocols: https},
		{Name: "aks-core-fqdns", SourceAddresses: []string{aksSubnet}, TargetFqdns: aksCoreFqdns, Protocols: https},
		{Name: "os-updates", SourceAddresses: ubuntu, TargetFqdns: ubuntuHTTPFqdns, Protocols: []string{"Http:80"}},
		{Name: "os-updates-snapshot", SourceAddresses: ubuntu, TargetFqdns: ubuntuHTTPSFqdns, Protocols: https},
	}
}

// onPremDNSRules let the forwarders, and nothing else, reach the on-premises DNS servers.
func onPremDNSRules(forwarderSubnet string, servers []string) []NetworkRule {
	if forwarderSubnet == "" || len(servers) == 0 {
		return nil
	}
	return []NetworkRule{{
		Name: "forwarders-to-onprem-dns", Protocols: []string{"UDP", "TCP"}, SourceAddresses: []string{forwarderSubnet},
		DestinationAddresses: servers, DestinationPorts: []string{"53"},
	}}
}

func jumpBoxApplicationRules(jumpBoxSubnet string) []ApplicationRule {
	return []ApplicationRule{
		{Name: "jumpbox-tools", SourceAddresses: []string{jumpBoxSubnet}, TargetFqdns: jumpBoxToolFqdns, Protocols: []string{"Https:443"}},
	}
}

// withDefaultSources gives extra rules without sources the AKS subnet as their source.
func withDefaultSources[R any](rules []R, sources func(*R) *[]string, aksSubnet string) []R {
	out := make([]R, len(rules))
	for i, r := range rules {
		if s := sources(&r); len(*s) == 0 {
			*s = []string{aksSubnet}
		}
		out[i] = r
	}
	return out
}
