package hub

import (
	"bytes"
	_ "embed"
	"text/template"

	compute "github.com/pulumi/pulumi-azure-native-sdk/compute/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/diagnostics"
	"github.com/hubspoke/private-aks/internal/linuxvm"
	"github.com/hubspoke/private-aks/internal/platform"
)

//go:embed cloud-init.yaml
var cloudInitTemplate string

var cloudInit = template.Must(template.New("cloud-init.yaml").Option("missingkey=error").Parse(cloudInitTemplate))

// Tools are the client versions the jump box installs, MAJOR.MINOR.PATCH without a leading v.
type Tools struct {
	KubectlVersion, KubeloginVersion string
}

// CloudInit is the jump box's cloud-config: it installs the Azure CLI and the pinned kubectl and
// kubelogin, once egress through the firewall works.
func CloudInit(tools Tools) (string, error) {
	var out bytes.Buffer
	err := cloudInit.Execute(&out, tools)
	return out.String(), err
}

// AccessArgs configures the way in to the hub. Every field is required unless its comment says otherwise.
type AccessArgs struct {
	Location          string
	ResourceGroupName pulumi.StringInput
	JumpBox           JumpBoxArgs
	JumpBoxSubnetID   pulumi.StringInput
	Bastion           BastionArgs        // optional: no Bastion when its SubnetID is nil
	WorkspaceID       pulumi.StringInput // Bastion's audit logs
	// After are operations on the hub VNet that must finish before a NIC or Bastion joins a
	// subnet of it (the peerings: Azure refuses overlapping operations on one VNet).
	After []pulumi.Resource
	// MovedFrom is optional: the component these resources were registered under before, so that
	// a deployed stack moves them without replacing them.
	MovedFrom pulumi.Resource
	Tags      map[string]string
}

// BastionArgs places Azure Bastion (Standard, tunneling on), the way in to the jump box.
type BastionArgs struct {
	SubnetID     pulumi.StringInput // AzureBastionSubnet
	Name         string
	PublicIPName string
}

// JumpBoxArgs configures the jump box VM. All fields are required.
type JumpBoxArgs struct {
	VMName        string
	NICName       string
	Size          string
	AdminUsername string
	SSHPublicKey  string
	Tools         Tools
}

// Access is the component of the way in: Bastion and the jump box.
type Access struct {
	pulumi.ResourceState

	JumpBox          *compute.VirtualMachine
	JumpBoxName      pulumi.StringOutput
	JumpBoxAdmin     string
	JumpBoxPrivateIP pulumi.StringOutput
	Bastion          *network.BastionHost // nil without Bastion
}

// NewAccess registers Bastion and the jump box.
func NewAccess(ctx *pulumi.Context, name string, args AccessArgs, opts ...pulumi.ResourceOption) (*Access, error) {
	a := &Access{}
	if err := ctx.RegisterComponentResource("hubspoke:hub:Access", name, a, opts...); err != nil {
		return nil, err
	}
	childOpts := []pulumi.ResourceOption{pulumi.Parent(a), pulumi.DependsOn(args.After)}
	if args.MovedFrom != nil {
		childOpts = append(childOpts, pulumi.Aliases([]pulumi.Alias{{Parent: args.MovedFrom}}))
	}
	tags := pulumi.ToStringMap(args.Tags)

	cloudConfig, err := CloudInit(args.JumpBox.Tools)
	if err != nil {
		return nil, err
	}
	vm, nic, err := linuxvm.New(ctx, name+"-jumpbox", linuxvm.Args{
		ResourceGroupName: args.ResourceGroupName,
		Location:          args.Location,
		VMName:            args.JumpBox.VMName,
		NICName:           args.JumpBox.NICName,
		Size:              args.JumpBox.Size,
		AdminUsername:     args.JumpBox.AdminUsername,
		SSHPublicKey:      args.JumpBox.SSHPublicKey,
		CloudInit:         cloudConfig,
		SubnetID:          args.JumpBoxSubnetID,
		Tags:              tags,
	}, childOpts...)
	if err != nil {
		return nil, err
	}
	if args.Bastion.SubnetID != nil {
		if a.Bastion, err = newBastion(ctx, name+"-bastion", args, tags, childOpts); err != nil {
			return nil, err
		}
	}

	a.JumpBox = vm
	a.JumpBoxName = vm.Name
	a.JumpBoxAdmin = args.JumpBox.AdminUsername
	a.JumpBoxPrivateIP = nic.IpConfigurations.Index(pulumi.Int(0)).PrivateIPAddress().Elem()
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{
		"jumpBoxName":      a.JumpBoxName,
		"jumpBoxPrivateIp": a.JumpBoxPrivateIP,
	})
}

// newBastion registers Azure Bastion Standard with native-client tunneling (az network bastion
// ssh / tunnel), its public IP and its audit logs.
func newBastion(ctx *pulumi.Context, name string, args AccessArgs, tags pulumi.StringMap, opts []pulumi.ResourceOption) (*network.BastionHost, error) {
	pip, err := platform.PublicIP(ctx, name+"-pip", args.ResourceGroupName, args.Bastion.PublicIPName, args.Location, nil, tags, opts...)
	if err != nil {
		return nil, err
	}
	bastion, err := network.NewBastionHost(ctx, name, &network.BastionHostArgs{
		ResourceGroupName: args.ResourceGroupName,
		BastionHostName:   pulumi.String(args.Bastion.Name),
		Location:          pulumi.String(args.Location),
		Sku:               network.SkuArgs{Name: pulumi.String("Standard")},
		EnableTunneling:   pulumi.Bool(true),
		IpConfigurations: network.BastionHostIPConfigurationArray{network.BastionHostIPConfigurationArgs{
			Name:            pulumi.String("ipconfig"),
			Subnet:          network.SubResourceArgs{Id: args.Bastion.SubnetID},
			PublicIPAddress: network.SubResourceArgs{Id: pip.ID().ToStringOutput()},
		}},
		Tags: tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	_, err = diagnostics.New(ctx, name+"-diagnostics", bastion.ID().ToStringOutput(), args.WorkspaceID, diagnostics.Logs{}, opts...)
	return bastion, err
}
