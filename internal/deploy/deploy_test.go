package deploy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/deploy"
	"github.com/hubspoke/private-aks/internal/replaceguard"
)

// target records what a deployment asks of it, in order.
type target struct {
	calls   []string
	steps   []replaceguard.Step
	config  auto.ConfigMap
	outputs auto.OutputMap
}

func (t *target) PreviewSteps(context.Context) (map[apitype.OpType]int, []replaceguard.Step, error) {
	t.calls = append(t.calls, "preview")
	return map[apitype.OpType]int{apitype.OpCreate: 3}, t.steps, nil
}

func (t *target) Up(context.Context) (auto.UpResult, error) {
	t.calls = append(t.calls, "up")
	changes := map[string]int{"create": 3}
	return auto.UpResult{Summary: auto.UpdateSummary{ResourceChanges: &changes}}, nil
}

func (t *target) Outputs(context.Context) (auto.OutputMap, error) {
	t.calls = append(t.calls, "outputs")
	return t.outputs, nil
}

func (t *target) Config(context.Context) (auto.ConfigMap, error) {
	t.calls = append(t.calls, "config")
	return t.config, nil
}

// withAdmins is a stack config as `pulumi config --json` gives it: structured values as JSON.
var withAdmins = auto.ConfigMap{"hubspoke:aks": {Value: `{"adminGroupObjectIds":["5e3c0f0a-7b1d-4c2e-9f8a-1d2c3b4a5f60"],"nodeCount":2}`}}

func TestADeploymentChecksPreviewsGuardsThenUps(t *testing.T) {
	replaceCluster := []replaceguard.Step{{Op: "replace", URN: "urn:pulumi:dev::hubspoke::hubspoke:spoke:Cluster$azure-native:containerservice/v20241001:ManagedCluster::cluster", ReplaceReasons: []string{"dnsPrefix"}}}
	versionRetired := errors.New("Pulumi.dev.yaml: aks.kubernetesVersion 1.33 is not offered in westeurope")
	tests := []struct {
		name    string
		options deploy.Options
		steps   []replaceguard.Step
		config  auto.ConfigMap
		calls   []string
		err     string
	}{
		{"a deployment", deploy.Options{Stack: "dev"}, nil, nil, []string{"outputs", "preview", "up"}, ""},
		{"a retired version stops it before the preview", deploy.Options{Stack: "dev", CheckVersion: func(context.Context) error { return versionRetired }},
			nil, nil, nil, "aks.kubernetesVersion 1.33 is not offered"},
		{"a guarded replacement stops it before up", deploy.Options{Stack: "dev"}, replaceCluster, nil, []string{"outputs", "preview"},
			"set HUBSPOKE_ALLOW_REPLACE=true to allow it"},
		{"an allowed replacement goes on", deploy.Options{Stack: "dev", AllowReplace: true}, replaceCluster, nil, []string{"outputs", "preview", "up"}, ""},
		{"a pull request previews only", deploy.Options{Stack: "dev", PreviewOnly: true}, nil, nil, []string{"outputs", "preview"}, ""},
		{"CI without admin groups is refused", deploy.Options{Stack: "dev", NonInteractive: true}, nil,
			auto.ConfigMap{"hubspoke:aks": {Value: `{"nodeCount":2}`}}, []string{"outputs", "preview", "config"},
			`stack dev: aks.adminGroupObjectIds is empty, so this pipeline's own identity would become the cluster's only admin; ` +
				`name the admins group first: pulumi config set --stack dev --path 'hubspoke:aks.adminGroupObjectIds[0]' "$(az ad group show --group <group> --query id -o tsv)"`},
		{"CI with admin groups deploys", deploy.Options{Stack: "prod", NonInteractive: true}, nil, withAdmins, []string{"outputs", "preview", "config", "up"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := &target{steps: tc.steps, config: tc.config}
			_, err := deploy.Run(context.Background(), fake, tc.options)
			if tc.err == "" {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
			}
			assert.Equal(t, tc.calls, fake.calls)
		})
	}
}

func TestAnUpgradeMovesOneMinorVersionAtATime(t *testing.T) {
	// The cluster runs 1.35.4 (the stack's kubernetesVersion output, as AKS reports it).
	running := auto.OutputMap{"kubernetesVersion": {Value: "1.35.4"}}
	tests := []struct{ version, err string }{
		{"1.35", ""},
		{"1.36", ""},
		{"1.36.1", ""},
		{"1.37", "aks.kubernetesVersion 1.37 is more than one minor version above the 1.35.4 the cluster runs: AKS upgrades one minor version at a time; deploy 1.36 first"},
		{"1.34", "aks.kubernetesVersion 1.34 is below the 1.35.4 the cluster runs: AKS does not downgrade"},
	}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			fake := &target{outputs: running, config: auto.ConfigMap{"hubspoke:aks": {Value: `{"kubernetesVersion":"` + tc.version + `"}`}}}
			_, err := deploy.Run(context.Background(), fake, deploy.Options{Stack: "dev"})
			if tc.err == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tc.err)
			assert.Equal(t, []string{"outputs", "config"}, fake.calls, "refused before the preview")
		})
	}
}
