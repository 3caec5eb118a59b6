package spoke

import (
	"fmt"

	insights "github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// containerInsights creates what `az aks enable-addons --addons monitoring` creates client-side
// and ARM does not: with useAADAuth the monitoring agent sends nothing without a data collection
// rule streaming Container Insights to the workspace and its association with the cluster. Same
// shape as azure-cli's (src/azure-cli/azure/cli/command_modules/acs/addonconfiguration.py,
// ensure_container_insights_for_monitoring, API 2022-06-01, checked 2026-11-26): the rule is named
// MSCI-<workspace region>-<cluster> (at most 64 characters), the association ContainerInsightsExtension.
func containerInsights(ctx *pulumi.Context, name string, args ClusterArgs, clusterID pulumi.StringOutput, parent pulumi.ResourceOption) error {
	ruleName := fmt.Sprintf("MSCI-%s-%s", args.Location, args.ClusterName)
	streams := pulumi.ToStringArray([]string{"Microsoft-ContainerInsights-Group-Default"})
	const destination = "la-workspace"
	rule, err := insights.NewDataCollectionRule(ctx, name+"-insights-dcr", &insights.DataCollectionRuleArgs{
		ResourceGroupName:      args.ResourceGroupName,
		DataCollectionRuleName: pulumi.String(ruleName[:min(len(ruleName), 64)]),
		Location:               pulumi.String(args.Location), // the workspace's region, which is the stack's
		Kind:                   pulumi.String("Linux"),
		DataSources: insights.DataCollectionRuleDataSourcesArgs{Extensions: insights.ExtensionDataSourceArray{insights.ExtensionDataSourceArgs{
			Name:              pulumi.String("ContainerInsightsExtension"),
			ExtensionName:     pulumi.String("ContainerInsights"),
			Streams:           streams,
			ExtensionSettings: pulumi.Map{"dataCollectionSettings": pulumi.Map{"enableContainerLogV2": pulumi.Bool(true)}},
		}}},
		Destinations: insights.DataCollectionRuleDestinationsArgs{LogAnalytics: insights.LogAnalyticsDestinationArray{insights.LogAnalyticsDestinationArgs{
			Name: pulumi.String(destination), WorkspaceResourceId: args.WorkspaceID,
		}}},
		DataFlows: insights.DataFlowArray{insights.DataFlowArgs{Streams: streams, Destinations: pulumi.ToStringArray([]string{destination})}},
		Tags:      pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return err
	}
	_, err = insights.NewDataCollectionRuleAssociation(ctx, name+"-insights-dcra", &insights.DataCollectionRuleAssociationArgs{
		AssociationName:      pulumi.String("ContainerInsightsExtension"),
		ResourceUri:          clusterID,
		DataCollectionRuleId: rule.ID().ToStringOutput(),
		Description:          pulumi.String("routes monitoring data to a Log Analytics workspace"),
	}, parent)
	return err
}
