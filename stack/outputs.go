package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/firewall"
	"github.com/hubspoke/private-aks/hub"
	"github.com/hubspoke/private-aks/settings"
	"github.com/hubspoke/private-aks/spoke"
)

// exportDNSOutputs tells an on-premises DNS admin what to add, when the hub has resolvers.
func exportDNSOutputs(ctx *pulumi.Context, cfg *settings.Settings) {
	servers := cfg.DNS.ServerIPs()
	if len(servers) == 0 {
		return
	}
	ctx.Export("dnsServerIps", pulumi.ToStringArray(servers))
	ctx.Export("onPremConditionalForwarder", pulumi.String(fmt.Sprintf(
		"On the on-premises DNS servers, add a conditional forwarder for %s to %s",
		dns.ClusterZoneName(cfg.Location), strings.Join(servers, ", "))))
}

func exportOutputs(ctx *pulumi.Context, h *hub.Hub, a *hub.Access, fw *firewall.Firewall, s *spoke.Spoke, c *spoke.Cluster, z *dns.Zone) {
	ctx.Export("hubResourceGroupName", h.ResourceGroupName)
	ctx.Export("spokeResourceGroupName", s.ResourceGroupName)
	ctx.Export("hubVnetId", h.VNetID)
	ctx.Export("spokeVnetId", s.VNetID)
	ctx.Export("firewallPublicIp", fw.PublicIP)
	ctx.Export("firewallPrivateIp", fw.PrivateIP)
	ctx.Export("clusterName", c.Name)
	ctx.Export("clusterPrivateFqdn", c.PrivateFQDN)
	ctx.Export("clusterAdmins", c.Admins)
	ctx.Export("jumpBoxName", a.JumpBoxName)
	ctx.Export("jumpBoxPrivateIp", a.JumpBoxPrivateIP)
	ctx.Export("privateDnsZoneName", z.ZoneName)
	// Run on the jump box (after `az login`): Entra ID credentials through kubelogin, then kubectl.
	ctx.Export("clusterAccessFromJumpBox", pulumi.Sprintf(
		"az aks get-credentials --resource-group %s --name %s --overwrite-existing && kubelogin convert-kubeconfig -l azurecli && kubectl get nodes",
		s.ResourceGroupName, c.Name))
	if a.Bastion != nil {
		// Run from a workstation: SSH to the jump box through Bastion, or a local tunnel to it.
		ssh := pulumi.Sprintf("az network bastion ssh --resource-group %s --name %s --target-resource-id %s --auth-type ssh-key --username %s --ssh-key ~/.ssh/id_ed25519",
			h.ResourceGroupName, a.Bastion.Name, a.JumpBox.ID(), a.JumpBoxAdmin)
		ctx.Export("jumpBoxSsh", ssh)
		ctx.Export("jumpBoxTunnel", pulumi.Sprintf("az network bastion tunnel --resource-group %s --name %s --target-resource-id %s --resource-port 22 --port 2222",
			h.ResourceGroupName, a.Bastion.Name, a.JumpBox.ID()))
	}
	// Run from a workstation: the jump box resolves the API server's FQDN to a private IP in the spoke.
	ctx.Export("verifyDnsFromJumpBox", pulumi.Sprintf(
		"az vm run-command invoke --resource-group %s --name %s --command-id RunShellScript --scripts 'nslookup %s'",
		h.ResourceGroupName, a.JumpBoxName, c.PrivateFQDN))
}
