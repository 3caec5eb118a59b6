package hub_test

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

// jumpBoxCloudInit is the cloud-config the program sends for the dev stack's jump box.
func jumpBoxCloudInit(t *testing.T) string {
	t.Helper()
	vm := mocktest.RunStack(t, "dev").Named(t, azuretype.VM, "vm-hubspoke-dev-jumpbox")
	customData, err := base64.StdEncoding.DecodeString(mocktest.Str(vm.Inputs, "osProfile", "customData"))
	require.NoError(t, err)
	return string(customData)
}

func TestJumpBoxCloudInitInstallsPinnedClusterToolsOnceEgressWorks(t *testing.T) {
	cloudInit := jumpBoxCloudInit(t)
	require.True(t, strings.HasPrefix(cloudInit, "#cloud-config\n"), "cloud-init needs its header line")
	var doc struct {
		WriteFiles []struct {
			Path        string `yaml:"path"`
			Permissions string `yaml:"permissions"`
			Content     string `yaml:"content"`
		} `yaml:"write_files"`
		Runcmd [][]string `yaml:"runcmd"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(cloudInit), &doc))
	require.Len(t, doc.WriteFiles, 1)
	script := doc.WriteFiles[0]
	assert.Equal(t, "0755", script.Permissions)
	assert.Equal(t, [][]string{{script.Path}}, doc.Runcmd, "runcmd runs the installer it writes")

	waitLoop := strings.Index(script.Content, "for attempt in")
	install := strings.Index(script.Content, "apt-get install -y azure-cli")
	require.NotEqual(t, -1, waitLoop)
	assert.Greater(t, install, waitLoop, "installs only after waiting for egress through the firewall")
	// Unpinned, install-cli asks dl.k8s.io/release/stable.txt and api.github.com for the latest
	// releases; the firewall admits neither.
	assert.Contains(t, script.Content, "az aks install-cli --client-version 1.36.1 --kubelogin-version 0.2.19 \\\n"+
		"  --install-location /usr/local/bin/kubectl --kubelogin-install-location /usr/local/bin/kubelogin")
	assert.NotContains(t, jumpBoxToolFqdns(t, mocktest.RunStack(t, "dev")), "api.github.com")
	assert.Contains(t, script.Content, "set -euo pipefail")
}

// jumpBoxToolFqdns are the hosts the firewall lets the jump box reach for its tools.
func jumpBoxToolFqdns(t *testing.T, res *mocktest.Result) []any {
	t.Helper()
	fqdns, _ := mocktest.RuleByName(t, res, "jumpbox-tools")["targetFqdns"].([]any)
	require.NotEmpty(t, fqdns)
	return fqdns
}

func TestFirewallAdmitsThePinnedToolDownloadsOfTheJumpBox(t *testing.T) {
	fqdns := jumpBoxToolFqdns(t, mocktest.RunStack(t, "dev"))
	// kubectl: dl.k8s.io/release/v1.36.1/bin/linux/amd64/kubectl, redirected to cdn.dl.k8s.io;
	// kubelogin: github.com/Azure/kubelogin/releases/download/v0.2.19/kubelogin.zip, redirected
	// to GitHub's release-asset hosts (azure-cli acs/custom.py k8s_install_cli).
	assert.Subset(t, fqdns, []any{"dl.k8s.io", "cdn.dl.k8s.io", "github.com", "release-assets.githubusercontent.com",
		"objects.githubusercontent.com", "packages.microsoft.com"})
}

func TestJumpBoxCloudInitPassesTheSchemaCheck(t *testing.T) {
	cloudInit := mocktest.RequireTool(t, "cloud-init")
	file := filepath.Join(t.TempDir(), "jumpbox.yaml")
	require.NoError(t, os.WriteFile(file, []byte(jumpBoxCloudInit(t)), 0o644))
	out, err := exec.Command(cloudInit, "schema", "--config-file", file).CombinedOutput()
	assert.NoError(t, err, "jump box cloud-init: %s", out)
	assert.Contains(t, string(out), "Valid cloud-config")
}
