package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hubspoke/private-aks/hub"
)

func TestJumpBoxCloudInitInstallsClusterToolsOnceEgressWorks(t *testing.T) {
	require.True(t, strings.HasPrefix(hub.CloudInit, "#cloud-config\n"), "cloud-init needs its header line")
	var doc struct {
		WriteFiles []struct {
			Path        string `yaml:"path"`
			Permissions string `yaml:"permissions"`
			Content     string `yaml:"content"`
		} `yaml:"write_files"`
		Runcmd [][]string `yaml:"runcmd"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(hub.CloudInit), &doc))
	require.Len(t, doc.WriteFiles, 1)
	script := doc.WriteFiles[0]
	assert.Equal(t, "0755", script.Permissions)
	assert.Equal(t, [][]string{{script.Path}}, doc.Runcmd, "runcmd runs the installer it writes")

	waitLoop := strings.Index(script.Content, "for attempt in")
	install := strings.Index(script.Content, "apt-get install -y azure-cli")
	require.NotEqual(t, -1, waitLoop)
	assert.Greater(t, install, waitLoop, "installs only after waiting for egress through the firewall")
	assert.Contains(t, script.Content, "az aks install-cli --install-location /usr/local/bin/kubectl --kubelogin-install-location /usr/local/bin/kubelogin")
	assert.Contains(t, script.Content, "set -euo pipefail")
}
