package program_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/bootstrap/program"
	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

// run runs the bootstrap under mocks with the shipped platform stack, placeholders filled by
// their stand-ins, edited.
func run(t *testing.T, edit func(cfg map[string]string)) (*mocktest.Result, error) {
	t.Helper()
	cfg := mocktest.ProjectConfig(t, "bootstrap", program.Project, "platform", true)
	edit(cfg)
	resources, outputs, err := azuremock.Run(program.Program, azuremock.New(), program.Project, "platform", cfg)
	return &mocktest.Result{Resources: resources, Outputs: outputs}, err
}

func shipped(map[string]string) {}

const (
	subscription = "/subscriptions/" + azuremock.SubscriptionID
	roles        = subscription + "/providers/Microsoft.Authorization/roleDefinitions/"
)

func TestTheStateIsReachedWithEntraIDOnlyAndKeptRecoverable(t *testing.T) {
	res, err := run(t, shipped)
	require.NoError(t, err)
	account := res.One(t, azuretype.StorageAccount)
	assert.Regexp(t, regexp.MustCompile(`^sthubspoke[0-9a-f]{6}$`), mocktest.Str(account.State, "name"), "3-24 lowercase letters and digits")
	assert.Equal(t, false, mocktest.At(account.Inputs, "allowSharedKeyAccess").BoolValue(), "no account keys: az login or OIDC only")
	assert.Equal(t, false, mocktest.At(account.Inputs, "allowBlobPublicAccess").BoolValue())
	assert.Equal(t, "TLS1_2", mocktest.Str(account.Inputs, "minimumTlsVersion"))
	assert.True(t, account.Protect)

	blob := res.One(t, azuretype.BlobService)
	assert.Equal(t, true, mocktest.At(blob.Inputs, "isVersioningEnabled").BoolValue())
	for _, policy := range []string{"deleteRetentionPolicy", "containerDeleteRetentionPolicy"} {
		assert.Equal(t, map[string]any{"enabled": true, "days": float64(30)}, mocktest.At(blob.Inputs, policy).Mappable(), policy)
	}
	container := res.One(t, azuretype.BlobContainer)
	assert.Equal(t, "state", mocktest.Str(container.Inputs, "containerName"))
	assert.Equal(t, "None", mocktest.Str(container.Inputs, "publicAccess"))

	vault := res.One(t, azuretype.Vault)
	assert.Regexp(t, regexp.MustCompile(`^kv-hubspoke-[0-9a-f]{6}$`), mocktest.Str(vault.State, "name"), "3-24 characters")
	for _, setting := range []string{"enableRbacAuthorization", "enableSoftDelete", "enablePurgeProtection"} {
		assert.Equal(t, true, mocktest.At(vault.Inputs, "properties", setting).BoolValue(), setting)
	}
	key := res.One(t, azuretype.Key)
	assert.Equal(t, "RSA", mocktest.Str(key.Inputs, "properties", "kty"))
	assert.Equal(t, []string{"encrypt", "decrypt"}, mocktest.Strs(key.Inputs, "properties", "keyOps"), "what the azurekeyvault secrets provider does")

	name := mocktest.Str(account.State, "name")
	assert.Equal(t, "AZURE_STORAGE_ACCOUNT="+name+" pulumi login azblob://state", res.Outputs["pulumiLogin"])
	provider := " --secrets-provider 'azurekeyvault://" + mocktest.Str(vault.State, "name") + ".vault.azure.net/keys/pulumi-secrets'"
	assert.Equal(t, "pulumi stack init dev"+provider+"\npulumi stack init prod"+provider, res.Outputs["stackInit"], "the stack file's environments")
	assert.Contains(t, res.Outputs["githubCommands"], "gh variable set AZURE_STORAGE_ACCOUNT --body "+name+"\n")
	assert.Contains(t, res.Outputs["githubCommands"], "gh variable set PULUMI_BACKEND_URL --body azblob://state")
}

// grants are the role assignments of a principal, as role GUID -> scope.
func grants(res *mocktest.Result, principal string) map[string]string {
	out := map[string]string{}
	for _, ra := range res.OfType(azuretype.RoleAssignment) {
		if mocktest.Str(ra.Inputs, "principalId") == principal {
			out[strings.TrimPrefix(mocktest.Str(ra.Inputs, "roleDefinitionId"), roles)] = mocktest.Str(ra.Inputs, "scope")
		}
	}
	return out
}

func TestTheCIIdentitiesHoldTheirRolesAndNoMore(t *testing.T) {
	res, err := run(t, shipped)
	require.NoError(t, err)
	container, key := res.One(t, azuretype.BlobContainer).ID, res.One(t, azuretype.Key).ID
	preview := mocktest.Str(res.Named(t, azuretype.Identity, "id-hubspoke-ci-preview").State, "principalId")
	deploy := mocktest.Str(res.Named(t, azuretype.Identity, "id-hubspoke-ci-deploy").State, "principalId")
	// Azure built-in roles (Microsoft Learn, checked 2026-12-05).
	assert.Equal(t, map[string]string{
		"acdd72a7-3385-48ef-bd42-f606fba81ae7": subscription, // Reader
		"ba92f5b4-2d11-453d-a403-e96b0029c9fe": container,    // Storage Blob Data Contributor
		"12338af0-0e69-4776-bea7-57ae8d297424": key,          // Key Vault Crypto User
	}, grants(res, preview))
	assert.Equal(t, map[string]string{
		"b24988ac-6180-42a0-ab88-20f7382dd24c": subscription, // Contributor
		"f58310d9-a9f6-439a-9e8d-f62e7b41a168": subscription, // Role Based Access Control Administrator
		"ba92f5b4-2d11-453d-a403-e96b0029c9fe": container,
		"12338af0-0e69-4776-bea7-57ae8d297424": key,
	}, grants(res, deploy))
	assert.Equal(t, map[string]string{"ba92f5b4-2d11-453d-a403-e96b0029c9fe": container, "12338af0-0e69-4776-bea7-57ae8d297424": key},
		grants(res, "7a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d"), "the operator (the stand-in in Pulumi.platform.yaml)")

	conditions := 0
	for _, ra := range res.OfType(azuretype.RoleAssignment) {
		if !strings.HasSuffix(mocktest.Str(ra.Inputs, "roleDefinitionId"), "/f58310d9-a9f6-439a-9e8d-f62e7b41a168") {
			assert.Empty(t, mocktest.Str(ra.Inputs, "condition"), ra.Name)
			continue
		}
		// The roles the main program assigns, each allowed for writing and deleting an assignment.
		conditions++
		condition := mocktest.Str(ra.Inputs, "condition")
		assert.Equal(t, "2.0", mocktest.Str(ra.Inputs, "conditionVersion"))
		allowed := regexp.MustCompile(`GuidEquals \{([^}]*)\}`).FindAllStringSubmatch(condition, -1)
		require.Len(t, allowed, 2, "one list for write, one for delete: %s", condition)
		want := "4d97b98b-1d4f-4787-a291-c67834d212e7, b12aa53e-6015-4669-85d0-8515ebb3ae7f, b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b, " +
			"7f951dda-4ed3-4680-a7ca-43fe172d538d, 4633458b-17de-408a-b874-0445c86b69e6, b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
		assert.Equal(t, want, allowed[0][1])
		assert.Equal(t, want, allowed[1][1])
		assert.Equal(t, condition, res.Outputs["deployCondition"])
	}
	assert.Equal(t, 1, conditions, "the deploy identity's delegated role assignment")
}

// subjects are an identity's federated credentials, as name -> issuer subject.
func subjects(t *testing.T, res *mocktest.Result, identity string) map[string]string {
	out := map[string]string{}
	for _, c := range res.OfType(azuretype.FederatedCredential) {
		if mocktest.Str(c.Inputs, "resourceName") == identity {
			out[mocktest.Str(c.Inputs, "federatedIdentityCredentialResourceName")] = mocktest.Str(c.Inputs, "issuer") + " " + mocktest.Str(c.Inputs, "subject")
			assert.Equal(t, []string{"api://AzureADTokenExchange"}, mocktest.Strs(c.Inputs, "audiences"))
		}
	}
	return out
}

func TestCIIdentitiesTrustGitHubAndAzureDevOpsForTheirJobsOnly(t *testing.T) {
	const (
		entra   = "https://login.microsoftonline.com/" + azuremock.TenantID + "/v2.0"
		preview = "/eid1/c/pub/t/preview-subject/a/app/sc/project/connection-preview"
		deploy  = "/eid1/c/pub/t/deploy-subject/a/app/sc/project/connection-deploy"
	)
	res, err := run(t, func(cfg map[string]string) {
		cfg["hubspoke-bootstrap:azureDevOps"] = `{"preview":{"issuer":"` + entra + `","subject":"` + preview + `"},"deploy":{"issuer":"` + entra + `","subject":"` + deploy + `"}}`
	})
	require.NoError(t, err)
	// GitHub's OIDC subjects (GitHub docs, "About security hardening with OpenID Connect"):
	// pull requests for previews, the environments for deployments.
	assert.Equal(t, map[string]string{
		"github-pull-request": "https://token.actions.githubusercontent.com repo:contoso/platform-aks:pull_request",
		"azure-devops":        entra + " " + preview,
	}, subjects(t, res, "id-hubspoke-ci-preview"))
	assert.Equal(t, map[string]string{
		"github-dev":   "https://token.actions.githubusercontent.com repo:contoso/platform-aks:environment:dev",
		"github-prod":  "https://token.actions.githubusercontent.com repo:contoso/platform-aks:environment:prod",
		"azure-devops": entra + " " + deploy,
	}, subjects(t, res, "id-hubspoke-ci-deploy"))
	// One write at a time per identity (ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity).
	var deployCreds []*mocktest.Registered
	for _, c := range res.OfType(azuretype.FederatedCredential) {
		if mocktest.Str(c.Inputs, "resourceName") == "id-hubspoke-ci-deploy" {
			deployCreds = append(deployCreds, c)
		}
	}
	require.Len(t, deployCreds, 3)
	for i := 1; i < len(deployCreds); i++ {
		assert.True(t, mocktest.DependsOn(deployCreds[i], deployCreds[i-1]), "%s waits for %s", deployCreds[i].Name, deployCreds[i-1].Name)
	}
}

func TestTheBootstrapRefusesWhatWouldFail(t *testing.T) {
	tests := []struct {
		name string
		edit func(cfg map[string]string)
		want []string
	}{
		{"shipped placeholders", func(cfg map[string]string) {
			for k, v := range mocktest.ProjectConfig(t, "bootstrap", program.Project, "platform", false) {
				cfg[k] = v
			}
		}, []string{
			`github.repository: is still the placeholder the stack file ships; set it: pulumi config set --stack platform --path 'hubspoke-bootstrap:github.repository' <owner>/<repository>`,
			`operators[0]: is still the placeholder the stack file ships; set it: pulumi config set --stack platform --path 'hubspoke-bootstrap:operators[0]' "$(az ad signed-in-user show --query id -o tsv)"`,
		}},
		{"the retired Azure DevOps issuer", func(cfg map[string]string) {
			cfg["hubspoke-bootstrap:azureDevOps"] = `{"preview":{"issuer":"https://vstoken.dev.azure.com/0a1b2c3d","subject":"sc://org/project/preview"},` +
				`"deploy":{"issuer":"https://login.microsoftonline.com/t/v2.0","subject":"/eid1/c/pub/t/x/a/y/sc/p/c"}}`
		}, []string{`azureDevOps.preview.issuer: "https://vstoken.dev.azure.com/0a1b2c3d" is the Azure DevOps issuer, retired on 2027-07-01`}},
		{"a repository without its owner", func(cfg map[string]string) {
			cfg["hubspoke-bootstrap:github"] = `{"repository":"platform-aks"}`
		}, []string{`github.repository: "platform-aks" must be owner/name`}},
		{"more environments than an identity holds credentials", func(cfg map[string]string) {
			var envs []string
			for i := range 21 {
				envs = append(envs, `"env`+string(rune('a'+i))+`"`)
			}
			cfg["hubspoke-bootstrap:github"] = `{"repository":"contoso/platform-aks","environments":[` + strings.Join(envs, ",") + `]}`
		}, []string{"github.environments: 21 deployment credentials exceed the 20 federated credentials an identity holds"}},
		{"an operator by name", func(cfg map[string]string) { cfg["hubspoke-bootstrap:operators"] = `["platform-team"]` },
			[]string{`operators[0]: "platform-team" is not an Entra ID object ID (a GUID)`}},
		// Regions and tag limits (Microsoft Learn, "Azure regions list" and "Use tags", both
		// checked 2026-12-06): a storage account's tag names are at most 128 characters.
		{"a region's display name", func(cfg map[string]string) { cfg["hubspoke-bootstrap:location"] = "West Europe" },
			[]string{`location: "West Europe" is a display name; Azure's name for the region is westeurope`}},
		{"tags the storage account refuses or merges", func(cfg map[string]string) {
			cfg["hubspoke-bootstrap:tags"] = `{"` + strings.Repeat("k", 129) + `":"x","Purpose":"state"}`
		}, []string{"tags." + strings.Repeat("k", 129) + ": tag name must be 1-128 letters",
			"tags.Purpose: is the same tag name as purpose, which the stack sets (Azure tag names ignore case)"}},
		{"a name prefix too long for the storage account", func(cfg map[string]string) { cfg["hubspoke-bootstrap:namePrefix"] = "platformteamaks" },
			[]string{`namePrefix: "platformteamaks" must be 2-12 lowercase letters or digits`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := run(t, tc.edit)
			require.Error(t, err)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.Empty(t, res.Resources, "nothing is registered")
		})
	}
}
