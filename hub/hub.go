// Package hub builds the hub of the topology: its resource group, its VNet with the firewall and
// jump-box subnets, the egress route table (the article's UDR) and the jump box VM.
package hub

import (
	_ "embed"
	"encoding/base64"
	"fmt"

	compute "github.com/pulumi/pulumi-azure-native-sdk/compute/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	resources "github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azureid"
)

// Subnet names Azure requires for the firewall.
const (
	FirewallSubnetName           = "AzureFirewallSubnet"
	FirewallManagementSubnetName = "AzureFirewallManagementSubnet"
	JumpBoxSubnetName            = "snet-jumpbox"
)

// CloudInit is the jump box's cloud-config: it installs the Azure CLI, kubectl and kubelogin.
//
//go:embed cloud-init.yaml
var CloudInit string

// Args configures the hub. Every field is required unless its comment says otherwise.
type Args struct {
	Location          string
	ResourceGroupName string
	VNetName          string
	AddressSpace      string
	// FirewallSubnet is the AzureFirewallSubnet range (/26 or larger).
	FirewallSubnet string
	// FirewallManagementSubnet is optional: the Basic firewall SKU needs it, others leave it empty.
	FirewallManagementSubnet string
	JumpBoxSubnet            string
	// RouteTableName names the egress route table. It is created empty: the firewall adds the
	// default route once its private IP exists.
	RouteTableName string
	JumpBox        JumpBoxArgs
	Tags           map[string]string
}

// JumpBoxArgs configures the jump box VM. All fields are required.
type JumpBoxArgs struct {
	VMName        string
	NICName       string
	Size          string
	AdminUsername string
	SSHPublicKey  string
}

// Hub is the hub component.
type Hub struct {
	pulumi.ResourceState

	ResourceGroupName          pulumi.StringOutput
	VNetID                     pulumi.StringOutput
	VNetName                   pulumi.StringOutput
	FirewallSubnetID           pulumi.StringOutput
	FirewallManagementSubnetID pulumi.StringOutput // empty unless Args.FirewallManagementSubnet is set
	RouteTableID               pulumi.StringOutput
	RouteTableName             pulumi.StringOutput
	JumpBoxName                pulumi.StringOutput
	JumpBoxPrivateIP           pulumi.StringOutput
	JumpBox                    *compute.VirtualMachine
}

// New registers the hub and its children.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Hub, error) {
	h := &Hub{}
	if err := ctx.RegisterComponentResource("hubspoke:hub:Hub", name, h, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(h)
	tags := pulumi.ToStringMap(args.Tags)

	rg, err := resources.NewResourceGroup(ctx, name+"-rg", &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(args.ResourceGroupName),
		Location:          pulumi.String(args.Location),
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	// The article puts the UDR in the hub: the network team owns egress. It lives here, empty,
	// so that both the jump-box subnet and the spoke's AKS subnet can be associated with it when
	// they are created; the firewall adds its 0.0.0.0/0 route as a standalone Route (never inline
	// routes here, or the two would delete each other).
	routeTable, err := network.NewRouteTable(ctx, name+"-egress-rt", &network.RouteTableArgs{
		ResourceGroupName: rg.Name,
		RouteTableName:    pulumi.String(args.RouteTableName),
		Location:          pulumi.String(args.Location),
		// Routes learned over BGP (a gateway) must not bypass the firewall.
		DisableBgpRoutePropagation: pulumi.Bool(true),
		Tags:                       tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	// Subnets are declared inline: Azure refuses parallel subnet creation in one VNet.
	subnets := network.SubnetTypeArray{
		network.SubnetTypeArgs{Name: pulumi.String(FirewallSubnetName), AddressPrefix: pulumi.String(args.FirewallSubnet)},
		network.SubnetTypeArgs{
			Name:          pulumi.String(JumpBoxSubnetName),
			AddressPrefix: pulumi.String(args.JumpBoxSubnet),
			RouteTable:    network.RouteTableTypeArgs{Id: routeTable.ID().ToStringOutput()},
		},
	}
	if args.FirewallManagementSubnet != "" {
		subnets = append(subnets, network.SubnetTypeArgs{
			Name: pulumi.String(FirewallManagementSubnetName), AddressPrefix: pulumi.String(args.FirewallManagementSubnet),
		})
	}
	vnet, err := network.NewVirtualNetwork(ctx, name+"-vnet", &network.VirtualNetworkArgs{
		ResourceGroupName:  rg.Name,
		VirtualNetworkName: pulumi.String(args.VNetName),
		Location:           pulumi.String(args.Location),
		AddressSpace:       network.AddressSpaceArgs{AddressPrefixes: pulumi.StringArray{pulumi.String(args.AddressSpace)}},
		Subnets:            subnets,
		Tags:               tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	vnetID := vnet.ID().ToStringOutput()

	nic, err := network.NewNetworkInterface(ctx, name+"-jumpbox-nic", &network.NetworkInterfaceArgs{
		ResourceGroupName:    rg.Name,
		NetworkInterfaceName: pulumi.String(args.JumpBox.NICName),
		Location:             pulumi.String(args.Location),
		// No public IP: the jump box is reached privately (Bastion, VPN) and egresses via the firewall.
		IpConfigurations: network.NetworkInterfaceIPConfigurationArray{network.NetworkInterfaceIPConfigurationArgs{
			Name:                      pulumi.String("ipconfig1"),
			Primary:                   pulumi.Bool(true),
			PrivateIPAllocationMethod: pulumi.String("Dynamic"),
			Subnet:                    network.SubnetTypeArgs{Id: azureid.Subnet(vnetID, JumpBoxSubnetName)},
		}},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	vm, err := newJumpBox(ctx, name+"-jumpbox", args, rg.Name, nic.ID().ToStringOutput(), tags, parent)
	if err != nil {
		return nil, err
	}

	h.ResourceGroupName = rg.Name
	h.VNetID = vnetID
	h.VNetName = vnet.Name
	h.FirewallSubnetID = azureid.Subnet(vnetID, FirewallSubnetName)
	h.FirewallManagementSubnetID = pulumi.String("").ToStringOutput()
	if args.FirewallManagementSubnet != "" {
		h.FirewallManagementSubnetID = azureid.Subnet(vnetID, FirewallManagementSubnetName)
	}
	h.RouteTableID = routeTable.ID().ToStringOutput()
	h.RouteTableName = routeTable.Name
	h.JumpBox = vm
	h.JumpBoxName = vm.Name
	h.JumpBoxPrivateIP = nic.IpConfigurations.Index(pulumi.Int(0)).PrivateIPAddress().Elem()
	return h, ctx.RegisterResourceOutputs(h, pulumi.Map{
		"resourceGroupName": h.ResourceGroupName,
		"vnetId":            h.VNetID,
		"routeTableId":      h.RouteTableID,
		"jumpBoxPrivateIp":  h.JumpBoxPrivateIP,
	})
}

func newJumpBox(ctx *pulumi.Context, name string, args Args, rgName pulumi.StringInput, nicID pulumi.StringInput,
	tags pulumi.StringMap, parent pulumi.ResourceOption) (*compute.VirtualMachine, error) {
	jb := args.JumpBox
	return compute.NewVirtualMachine(ctx, name, &compute.VirtualMachineArgs{
		ResourceGroupName: rgName,
		VmName:            pulumi.String(jb.VMName),
		Location:          pulumi.String(args.Location),
		HardwareProfile:   compute.HardwareProfileArgs{VmSize: pulumi.String(jb.Size)},
		NetworkProfile: compute.NetworkProfileArgs{NetworkInterfaces: compute.NetworkInterfaceReferenceArray{
			compute.NetworkInterfaceReferenceArgs{Id: nicID, Primary: pulumi.Bool(true)},
		}},
		OsProfile: compute.OSProfileArgs{
			ComputerName:  pulumi.String(jb.VMName),
			AdminUsername: pulumi.String(jb.AdminUsername),
			CustomData:    pulumi.String(base64.StdEncoding.EncodeToString([]byte(CloudInit))),
			LinuxConfiguration: compute.LinuxConfigurationArgs{
				DisablePasswordAuthentication: pulumi.Bool(true),
				Ssh: compute.SshConfigurationArgs{PublicKeys: compute.SshPublicKeyTypeArray{compute.SshPublicKeyTypeArgs{
					Path:    pulumi.String(fmt.Sprintf("/home/%s/.ssh/authorized_keys", jb.AdminUsername)),
					KeyData: pulumi.String(jb.SSHPublicKey),
				}}},
			},
		},
		StorageProfile: compute.StorageProfileArgs{
			ImageReference: compute.ImageReferenceArgs{
				Publisher: pulumi.String("Canonical"),
				Offer:     pulumi.String("ubuntu-24_04-lts"),
				Sku:       pulumi.String("server"),
				Version:   pulumi.String("latest"),
			},
			OsDisk: compute.OSDiskArgs{
				CreateOption: pulumi.String("FromImage"),
				DeleteOption: pulumi.String("Delete"),
				ManagedDisk:  compute.ManagedDiskParametersArgs{StorageAccountType: pulumi.String("StandardSSD_LRS")},
			},
		},
		SecurityProfile: compute.SecurityProfileArgs{
			SecurityType: pulumi.String("TrustedLaunch"),
			UefiSettings: compute.UefiSettingsArgs{SecureBootEnabled: pulumi.Bool(true), VTpmEnabled: pulumi.Bool(true)},
		},
		// Managed boot diagnostics give the serial console, the way in when nothing else works.
		DiagnosticsProfile: compute.DiagnosticsProfileArgs{BootDiagnostics: compute.BootDiagnosticsArgs{Enabled: pulumi.Bool(true)}},
		Tags:               tags,
	}, parent)
}
