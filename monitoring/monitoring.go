// Package monitoring builds the stack's Log Analytics workspace, in an operations resource group
// of its own; internal/diagnostics sends each resource's logs to it.
package monitoring

import (
	operationalinsights "github.com/pulumi/pulumi-azure-native-sdk/operationalinsights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/platform"
)

// Args configures the workspace. All fields are required.
type Args struct {
	Location          string
	ResourceGroupName string
	WorkspaceName     string
	RetentionDays     int
	Tags              map[string]string
}

// Monitoring is the monitoring component.
type Monitoring struct {
	pulumi.ResourceState

	WorkspaceID pulumi.StringOutput
}

// New registers the operations resource group and the Log Analytics workspace.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	m := &Monitoring{}
	if err := ctx.RegisterComponentResource("hubspoke:monitoring:Monitoring", name, m, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(m)
	tags := pulumi.ToStringMap(args.Tags)
	rg, err := platform.ResourceGroup(ctx, name+"-rg", args.ResourceGroupName, args.Location, tags, parent)
	if err != nil {
		return nil, err
	}
	workspace, err := operationalinsights.NewWorkspace(ctx, name+"-workspace", &operationalinsights.WorkspaceArgs{
		ResourceGroupName: rg.Name,
		WorkspaceName:     pulumi.String(args.WorkspaceName),
		Location:          pulumi.String(args.Location),
		Sku:               operationalinsights.WorkspaceSkuArgs{Name: pulumi.String("PerGB2018")},
		RetentionInDays:   pulumi.Int(args.RetentionDays),
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	m.WorkspaceID = workspace.ID().ToStringOutput()
	return m, ctx.RegisterResourceOutputs(m, pulumi.Map{"workspaceId": m.WorkspaceID})
}
