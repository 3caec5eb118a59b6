// Package diagnostics sends a resource's logs to the stack's Log Analytics workspace: the one
// diagnostic setting shape every component uses.
package diagnostics

import (
	insights "github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Logs says what a diagnostic setting collects: named categories, or every log when empty.
type Logs struct {
	Categories []string
	// Dedicated writes to resource-specific tables (the firewall's structured logs) instead of
	// the shared AzureDiagnostics table.
	Dedicated bool
}

// New sends a resource's logs to the workspace (registered as name, with opts).
func New(ctx *pulumi.Context, name string, resourceURI, workspaceID pulumi.StringInput, logs Logs,
	opts ...pulumi.ResourceOption) (*insights.DiagnosticSetting, error) {
	settings := insights.LogSettingsArray{}
	for _, c := range logs.Categories {
		settings = append(settings, insights.LogSettingsArgs{Category: pulumi.String(c), Enabled: pulumi.Bool(true)})
	}
	if len(logs.Categories) == 0 {
		settings = append(settings, insights.LogSettingsArgs{CategoryGroup: pulumi.String("allLogs"), Enabled: pulumi.Bool(true)})
	}
	args := &insights.DiagnosticSettingArgs{
		Name:        pulumi.String("to-log-analytics"),
		ResourceUri: resourceURI,
		WorkspaceId: workspaceID,
		Logs:        settings,
	}
	if logs.Dedicated {
		args.LogAnalyticsDestinationType = pulumi.String("Dedicated")
	}
	return insights.NewDiagnosticSetting(ctx, name, args, opts...)
}
