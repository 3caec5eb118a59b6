package spoke

import (
	"strconv"

	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// networkProfile is the cluster's network: Azure CNI, egress through the hub firewall, explicit
// ranges; Overlay with Cilium when a pod range is given. The options go with it on the cluster.
func networkProfile(args ClusterArgs) (containerservice.ContainerServiceNetworkProfileArgs, []pulumi.ResourceOption) {
	profile := containerservice.ContainerServiceNetworkProfileArgs{
		NetworkPlugin: pulumi.String(containerservice.NetworkPluginAzure),
		// Egress leaves through the hub firewall; AKS checks the 0.0.0.0/0 route at creation.
		OutboundType:    pulumi.String(containerservice.OutboundTypeUserDefinedRouting),
		LoadBalancerSku: pulumi.String(containerservice.LoadBalancerSkuStandard),
		// Set explicitly: the SDK defaults (10.0.0.0/16) would silently overlap a VNet.
		ServiceCidr:  pulumi.String(args.ServiceCIDR),
		DnsServiceIP: pulumi.String(args.DNSServiceIP),
		// Without overlay, the Azure dataplane with Calico policies.
		NetworkDataplane: pulumi.String(containerservice.NetworkDataplaneAzure),
		NetworkPolicy:    pulumi.String(containerservice.NetworkPolicyCalico),
	}
	if args.PodCIDR == "" {
		return profile, []pulumi.ResourceOption{pulumi.Transformations([]pulumi.ResourceTransformation{withoutPodCIDR})}
	}
	// Overlay keeps pod IPs out of the VNet, so the spoke stays small; Cilium is the dataplane
	// Microsoft develops it with and enforces network policy in eBPF.
	profile.NetworkPluginMode = pulumi.String(containerservice.NetworkPluginModeOverlay)
	profile.PodCidr = pulumi.String(args.PodCIDR)
	profile.NetworkDataplane = pulumi.String(containerservice.NetworkDataplaneCilium)
	profile.NetworkPolicy = pulumi.String(containerservice.NetworkPolicyCilium)
	return profile, nil
}

// withoutPodCIDR drops the pod range the SDK's Defaults() fill in (10.244.0.0/16) when none is
// given: with node-subnet CNI pods take subnet IPs, and a pod range is not to be sent.
func withoutPodCIDR(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
	cluster, ok := args.Props.(*containerservice.ManagedClusterArgs)
	if !ok {
		return nil
	}
	cluster.NetworkProfile = cluster.NetworkProfile.ToContainerServiceNetworkProfilePtrOutput().ApplyT(
		func(p *containerservice.ContainerServiceNetworkProfile) *containerservice.ContainerServiceNetworkProfile {
			if p == nil {
				return nil
			}
			profile := *p
			profile.PodCidr = nil
			return &profile
		}).(containerservice.ContainerServiceNetworkProfilePtrOutput)
	return &pulumi.ResourceTransformationResult{Props: cluster, Opts: args.Opts}
}

// The system pool (inline in the cluster) and the user pool (a resource of its own: inline pools
// cannot be changed in place) share their OS, scale set, autoscaling, pod density, version, zones
// and subnet; the SDK gives them two types, so the shared settings are listed side by side.

// systemPool runs only system add-ons (tainted); workloads go to the user pool.
func systemPool(args ClusterArgs) containerservice.ManagedClusterAgentPoolProfileArgs {
	return containerservice.ManagedClusterAgentPoolProfileArgs{
		Name:                pulumi.String("system"),
		Mode:                pulumi.String(containerservice.AgentPoolModeSystem),
		Type:                pulumi.String(containerservice.AgentPoolTypeVirtualMachineScaleSets),
		OsType:              pulumi.String(containerservice.OSTypeLinux),
		OsSKU:               pulumi.String(containerservice.OSSKUUbuntu),
		VmSize:              pulumi.String(args.NodeSize),
		OsDiskType:          pulumi.String(args.OSDiskType),
		OsDiskSizeGB:        pulumi.Int(args.OSDiskSizeGB),
		Count:               pulumi.Int(args.NodeCount),
		EnableAutoScaling:   pulumi.Bool(true),
		MinCount:            pulumi.Int(args.NodeCount),
		MaxCount:            pulumi.Int(args.NodeMaxCount),
		NodeTaints:          pulumi.StringArray{pulumi.String("CriticalAddonsOnly=true:NoSchedule")},
		MaxPods:             pulumi.Int(args.MaxPods),
		OrchestratorVersion: pulumi.String(args.KubernetesVersion),
		AvailabilityZones:   pulumi.ToStringArray(args.Zones),
		VnetSubnetID:        args.SubnetID,
		EnableNodePublicIP:  pulumi.Bool(false),
		// Temp disks and OS-disk caches encrypted on the host (set at a pool's creation only).
		EnableEncryptionAtHost: pulumi.Bool(true),
		UpgradeSettings:        upgradeSettings(args),
	}
}

// upgradeSettings surge a pool by MaxSurge nodes and give each node's pods the drain timeout.
func upgradeSettings(args ClusterArgs) containerservice.AgentPoolUpgradeSettingsArgs {
	return containerservice.AgentPoolUpgradeSettingsArgs{
		MaxSurge:              pulumi.String(strconv.Itoa(args.MaxSurge)),
		DrainTimeoutInMinutes: pulumi.Int(args.DrainTimeoutMinutes),
	}
}

// userPool is the workload pool of the cluster named clusterName.
func userPool(args ClusterArgs, clusterName pulumi.StringInput, tags pulumi.StringMap) *containerservice.AgentPoolArgs {
	return &containerservice.AgentPoolArgs{
		ResourceGroupName:   args.ResourceGroupName,
		ResourceName:        clusterName,
		AgentPoolName:       pulumi.String("user"),
		Mode:                pulumi.String(containerservice.AgentPoolModeUser),
		Type:                pulumi.String(containerservice.AgentPoolTypeVirtualMachineScaleSets),
		OsType:              pulumi.String(containerservice.OSTypeLinux),
		OsSKU:               pulumi.String(containerservice.OSSKUUbuntu),
		VmSize:              pulumi.String(args.UserPool.NodeSize),
		OsDiskType:          pulumi.String(args.OSDiskType),
		OsDiskSizeGB:        pulumi.Int(args.OSDiskSizeGB),
		Count:               pulumi.Int(args.UserPool.MinCount),
		EnableAutoScaling:   pulumi.Bool(true),
		MinCount:            pulumi.Int(args.UserPool.MinCount),
		MaxCount:            pulumi.Int(args.UserPool.MaxCount),
		MaxPods:             pulumi.Int(args.MaxPods),
		OrchestratorVersion: pulumi.String(args.KubernetesVersion),
		AvailabilityZones:   pulumi.ToStringArray(args.Zones),
		VnetSubnetID:        args.SubnetID,
		EnableNodePublicIP:  pulumi.Bool(false),
		// Temp disks and OS-disk caches encrypted on the host (set at a pool's creation only).
		EnableEncryptionAtHost: pulumi.Bool(true),
		UpgradeSettings:        upgradeSettings(args),
		Tags:                   tags,
	}
}

// maintenanceConfiguration is one window of the cluster named clusterName. The start date is
// left out: AKS refuses a date in the past, which a fixed date becomes by the next update
// (hashicorp/terraform-provider-azurerm#22762).
func maintenanceConfiguration(args ClusterArgs, clusterName pulumi.StringInput, w MaintenanceWindow) *containerservice.MaintenanceConfigurationArgs {
	schedule := containerservice.ScheduleArgs{Weekly: containerservice.WeeklyScheduleArgs{
		DayOfWeek: pulumi.String(w.DayOfWeek), IntervalWeeks: pulumi.Int(w.IntervalWeeks)}}
	if w.IntervalDays > 0 {
		schedule = containerservice.ScheduleArgs{Daily: containerservice.DailyScheduleArgs{IntervalDays: pulumi.Int(w.IntervalDays)}}
	}
	return &containerservice.MaintenanceConfigurationArgs{
		ResourceGroupName: args.ResourceGroupName,
		ResourceName:      clusterName,
		ConfigName:        pulumi.String(w.Config),
		MaintenanceWindow: containerservice.MaintenanceWindowArgs{
			Schedule:      schedule,
			StartTime:     pulumi.String(w.StartTime),
			UtcOffset:     pulumi.String(w.UTCOffset),
			DurationHours: pulumi.Int(w.DurationHours),
		},
	}
}

// securityProfile turns on workload identity and the image cleaner (a weekly sweep of unused,
// vulnerable images), and Defender when asked.
func securityProfile(args ClusterArgs) containerservice.ManagedClusterSecurityProfileArgs {
	profile := containerservice.ManagedClusterSecurityProfileArgs{
		WorkloadIdentity: containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs{Enabled: pulumi.Bool(true)},
		ImageCleaner:     containerservice.ManagedClusterSecurityProfileImageCleanerArgs{Enabled: pulumi.Bool(true), IntervalHours: pulumi.Int(168)},
	}
	if args.Defender {
		profile.Defender = containerservice.ManagedClusterSecurityProfileDefenderArgs{
			LogAnalyticsWorkspaceResourceId: args.WorkspaceID,
			SecurityMonitoring:              containerservice.ManagedClusterSecurityProfileDefenderSecurityMonitoringArgs{Enabled: pulumi.Bool(true)},
		}
	}
	return profile
}
