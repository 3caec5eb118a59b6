package aksversions

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/westeurope.json has the shape of `az aks get-versions -o json` (azure-cli issue 27281's
// sample; API 2024-05-01 example KubernetesVersions_List.json) with the minors the AKS release
// calendar gives for 2026-11-26: 1.33 on Long Term Support only, 1.34 to 1.36 generally
// available, 1.37 in preview. It is not a live capture: the pipelines ask Azure.
func listing(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/westeurope.json")
	require.NoError(t, err)
	return data
}

func TestShippedStacksUseAVersionAKSOffers(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		st, err := ReadStack("../../Pulumi." + stack + ".yaml")
		require.NoError(t, err)
		assert.Equal(t, "westeurope", st.Location)
		assert.NoError(t, Check(st, listing(t)), stack)
	}
}

func TestVersionsAKSDoesNotOfferWithStandardSupportAreRefused(t *testing.T) {
	offered := "offered: 1.34, 1.35, 1.36 (az aks get-versions --location westeurope)"
	tests := []struct {
		version string
		want    string // "" when offered
	}{
		{"1.36", ""},
		{"1.36.1", ""},
		{"1.34", ""},
		{"1.33", "Pulumi.dev.yaml: aks.kubernetesVersion 1.33 is not offered in westeurope with standard support (KubernetesOfficial); " + offered +
			"; set one: pulumi config set --stack dev --path 'hubspoke:aks.kubernetesVersion' <version>"},
		{"1.37", "aks.kubernetesVersion 1.37 is not offered"},
		{"1.36.99", "aks.kubernetesVersion 1.36.99 is not offered"},
		{"1.30", "aks.kubernetesVersion 1.30 is not offered"},
	}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			err := Check(Stack{File: "../../Pulumi.dev.yaml", Location: "westeurope", KubernetesVersion: tc.version}, listing(t))
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), offered, "the error lists what is offered")
		})
	}
}

func TestTheAKSPreviewExtensionsListingIsRead(t *testing.T) {
	renamed := strings.Replace(string(listing(t)), `"values"`, `"valuesProperty"`, 1)
	st := Stack{File: "Pulumi.dev.yaml", Location: "westeurope", KubernetesVersion: "1.36"}
	assert.NoError(t, Check(st, []byte(renamed)))
	assert.Error(t, Check(st, []byte(`{"values": []}`)))
}
