package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/settings"
)

// exportOutputs exports what a platform team reads after `pulumi up`: names, IDs, IPs and the
// commands to reach and check the cluster.
func exportOutputs(ctx *pulumi.Context, cfg *settings.Settings, p *Platform, w *Workload) {
	c := w.Cluster
	ctx.Export("hubResourceGroupName", p.Hub.ResourceGroupName)
	ctx.Export("spokeResourceGroupName", p.Spoke.ResourceGroupName)
	ctx.Export("hubVnetId", p.Hub.VNetID)
	ctx.Export("spokeVnetId", p.Spoke.VNetID)
	// cmd/verify checks that private names resolve inside it.
	ctx.Export("spokeAddressSpace", pulumi.String(cfg.Spoke.AddressSpace.String()))
	ctx.Export("firewallPublicIp", p.FirewallPublicIP)
	ctx.Export("firewallPrivateIp", p.FirewallPrivateIP)
	ctx.Export("clusterName", c.Name)
	ctx.Export("clusterPrivateFqdn", c.PrivateFQDN)
	ctx.Export("clusterAdmins", c.Admins)
	// The version running: the deploy command refuses a jump of more than one minor from it.
	ctx.Export("kubernetesVersion", c.KubernetesVersion)
	ctx.Export("jumpBoxName", p.JumpBox.Name)
	ctx.Export("jumpBoxPrivateIp", p.JumpBox.PrivateIP)
	ctx.Export("privateDnsZoneName", w.Zone.ZoneName)
	// Run on the jump box (after `az login`): Entra ID credentials through kubelogin, then kubectl.
	ctx.Export("clusterAccessFromJumpBox", pulumi.Sprintf(
		"az aks get-credentials --resource-group %s --name %s --overwrite-existing && kubelogin convert-kubeconfig -l azurecli && kubectl get nodes",
		p.Spoke.ResourceGroupName, c.Name))
	// Run from a workstation or CI, with no line of sight to the API server: the AKS run command.
	ctx.Export("clusterCommandInvoke", pulumi.Sprintf(
		"az aks command invoke --resource-group %s --name %s --command 'kubectl get nodes'", p.Spoke.ResourceGroupName, c.Name))
	if cfg.Hub.Bastion {
		// Run from a workstation: SSH to the jump box through Bastion, or a local tunnel to it.
		ctx.Export("jumpBoxSsh", pulumi.Sprintf("az network bastion ssh --resource-group %s --name %s --target-resource-id %s --auth-type ssh-key --username %s --ssh-key ~/.ssh/id_ed25519",
			p.Hub.ResourceGroupName, p.BastionName, p.JumpBox.ID, p.JumpBox.AdminUsername))
		ctx.Export("jumpBoxTunnel", pulumi.Sprintf("az network bastion tunnel --resource-group %s --name %s --target-resource-id %s --resource-port 22 --port 2222",
			p.Hub.ResourceGroupName, p.BastionName, p.JumpBox.ID))
	}
	// Run from a workstation: the jump box resolves the API server's FQDN to a private IP in the spoke.
	ctx.Export("verifyDnsFromJumpBox", pulumi.Sprintf(
		"az vm run-command invoke --resource-group %s --name %s --command-id RunShellScript --scripts 'nslookup %s'",
		p.Hub.ResourceGroupName, p.JumpBox.Name, c.PrivateFQDN))
	if w.Registry != nil {
		ctx.Export("registryLoginServer", w.Registry.LoginServer)
	}
	if w.Vault != nil {
		ctx.Export("keyVaultUri", w.Vault.URI)
		if cfg.KeyVault.WorkloadIdentity != nil {
			ctx.Export("workloadIdentityClientId", w.Vault.WorkloadClientID)
		}
	}
	exportDNSOutputs(ctx, cfg)
}

// exportDNSOutputs tells an on-premises DNS admin what to add, when the hub has resolvers.
func exportDNSOutputs(ctx *pulumi.Context, cfg *settings.Settings) {
	servers := dnsPlan(cfg).ServerIPs()
	if len(servers) == 0 {
		return
	}
	ctx.Export("dnsServerIps", pulumi.ToStringArray(servers))
	zones := []string{dns.ClusterZoneName(cfg.Location)}
	if cfg.Registry.Enabled {
		zones = append(zones, dns.RegistryZone)
	}
	if cfg.KeyVault.Enabled {
		zones = append(zones, dns.VaultZone)
	}
	ctx.Export("onPremConditionalForwarder", pulumi.String(fmt.Sprintf(
		"On the on-premises DNS servers, add a conditional forwarder for %s to %s",
		strings.Join(zones, ", "), strings.Join(servers, ", "))))
}
