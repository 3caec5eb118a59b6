// Package linuxvm creates the Ubuntu VMs of the hub (jump box, DNS forwarders) the one way this
// project allows: no public IP, SSH key only, trusted launch, boot diagnostics, cloud-init.
package linuxvm

import (
	"encoding/base64"
	"fmt"
	"slices"

	compute "github.com/pulumi/pulumi-azure-native-sdk/compute/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args configures one VM and its NIC. Every field is required unless its comment says otherwise.
type Args struct {
	ResourceGroupName pulumi.StringInput
	Location          string
	VMName            string
	NICName           string
	Size              string
	AdminUsername     string
	SSHPublicKey      string
	CloudInit         string
	SubnetID          pulumi.StringInput
	PrivateIP         string             // optional: a static address; dynamic when empty
	DNSServers        []string           // optional: the NIC's own DNS servers instead of the VNet's
	AvailabilitySetID pulumi.StringInput // optional
	Tags              pulumi.StringMap
}

// New registers the NIC (name+"-nic") and the VM (name) with the given options.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*compute.VirtualMachine, *network.NetworkInterface, error) {
	ipConfig := network.NetworkInterfaceIPConfigurationArgs{
		Name:                      pulumi.String("ipconfig1"),
		Primary:                   pulumi.Bool(true),
		PrivateIPAllocationMethod: pulumi.String("Dynamic"),
		Subnet:                    network.SubnetTypeArgs{Id: args.SubnetID},
	}
	if args.PrivateIP != "" {
		ipConfig.PrivateIPAllocationMethod = pulumi.String("Static")
		ipConfig.PrivateIPAddress = pulumi.String(args.PrivateIP)
	}
	nicArgs := &network.NetworkInterfaceArgs{
		ResourceGroupName:    args.ResourceGroupName,
		NetworkInterfaceName: pulumi.String(args.NICName),
		Location:             pulumi.String(args.Location),
		// No public IP: reached privately, egress through the firewall.
		IpConfigurations: network.NetworkInterfaceIPConfigurationArray{ipConfig},
		Tags:             args.Tags,
	}
	if len(args.DNSServers) > 0 {
		nicArgs.DnsSettings = network.NetworkInterfaceDnsSettingsArgs{DnsServers: pulumi.ToStringArray(args.DNSServers)}
	}
	nic, err := network.NewNetworkInterface(ctx, name+"-nic", nicArgs, opts...)
	if err != nil {
		return nil, nil, err
	}
	vmArgs := &compute.VirtualMachineArgs{
		ResourceGroupName: args.ResourceGroupName,
		VmName:            pulumi.String(args.VMName),
		Location:          pulumi.String(args.Location),
		HardwareProfile:   compute.HardwareProfileArgs{VmSize: pulumi.String(args.Size)},
		NetworkProfile: compute.NetworkProfileArgs{NetworkInterfaces: compute.NetworkInterfaceReferenceArray{
			compute.NetworkInterfaceReferenceArgs{Id: nic.ID().ToStringOutput(), Primary: pulumi.Bool(true)},
		}},
		OsProfile: compute.OSProfileArgs{
			ComputerName:  pulumi.String(args.VMName),
			AdminUsername: pulumi.String(args.AdminUsername),
			CustomData:    pulumi.String(base64.StdEncoding.EncodeToString([]byte(args.CloudInit))),
			LinuxConfiguration: compute.LinuxConfigurationArgs{
				DisablePasswordAuthentication: pulumi.Bool(true),
				Ssh: compute.SshConfigurationArgs{PublicKeys: compute.SshPublicKeyTypeArray{compute.SshPublicKeyTypeArgs{
					Path:    pulumi.String(fmt.Sprintf("/home/%s/.ssh/authorized_keys", args.AdminUsername)),
					KeyData: pulumi.String(args.SSHPublicKey),
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
			// Temp disk and caches encrypted on the host too, not only the managed disks at rest.
			EncryptionAtHost: pulumi.Bool(true),
			SecurityType:     pulumi.String("TrustedLaunch"),
			UefiSettings:     compute.UefiSettingsArgs{SecureBootEnabled: pulumi.Bool(true), VTpmEnabled: pulumi.Bool(true)},
		},
		// Managed boot diagnostics give the serial console, the way in when nothing else works.
		DiagnosticsProfile: compute.DiagnosticsProfileArgs{BootDiagnostics: compute.BootDiagnosticsArgs{Enabled: pulumi.Bool(true)}},
		Tags:               args.Tags,
	}
	if args.AvailabilitySetID != nil {
		vmArgs.AvailabilitySet = compute.SubResourceArgs{Id: args.AvailabilitySetID}
	}
	// Azure sets osProfile once (PropertyChangeNotAllowed on customData, the admin user, the SSH
	// keys): a change rebuilds the VM, which holds no state of its own (cloud-init recreates it),
	// deleted first since the new one takes the same name and NIC.
	vmOpts := append(slices.Clone(opts), pulumi.ReplaceOnChanges([]string{"osProfile"}), pulumi.DeleteBeforeReplace(true))
	vm, err := compute.NewVirtualMachine(ctx, name, vmArgs, vmOpts...)
	if err != nil {
		return nil, nil, err
	}
	return vm, nic, nil
}
