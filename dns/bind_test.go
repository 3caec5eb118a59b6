package dns_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

// These tests run Debian's BIND 9 (bind9, bind9-utils, bind9-dnsutils) and cloud-init on this
// machine, on loopback addresses only; .ci/run installs them.

const (
	apiServerFQDN = "aks-hubspoke-dev-k8s1a2b3c.privatelink.westeurope.azmk8s.io"
	apiServerIP   = "10.1.0.4" // the API server's private endpoint, in the spoke's AKS subnet
	onPremHost    = "db01.corp.contoso.com"
	onPremHostIP  = "172.30.5.20"
	mcrIP         = "204.79.197.219" // the readiness gate asks for mcr.microsoft.com
	// publicEndpointIP is what public DNS answers for a private-link name: the service's public
	// address, which the private endpoint's network policies would never let the cluster use.
	publicEndpointIP = "20.50.2.9"
)

// Loopback addresses of the test. The servers (forwarder, Azure DNS's and on-premises DNS's
// stand-ins) share 127.0.0.1 on ports of their own, because named listens only on addresses an
// interface carries. The forwarder's own readiness check asks from 127.0.0.1 (localhost); a
// stranger asks from another loopback address, outside every range the forwarder serves.
var (
	serverAddr  = netip.MustParseAddr("127.0.0.1")
	strayClient = netip.MustParseAddr("127.0.0.5")
)

// freePorts finds n distinct free UDP ports on the loopback address.
func freePorts(t *testing.T, n int) []uint16 {
	t.Helper()
	var ports []uint16
	for range n {
		l, err := net.ListenPacket("udp", "127.0.0.1:0")
		require.NoError(t, err)
		defer l.Close()
		ports = append(ports, uint16(l.LocalAddr().(*net.UDPAddr).Port))
	}
	return ports
}

// shippedForwarder is what the program sends for the first DNS forwarder of the dev stack in
// forwarder mode: the named.conf its cloud-init writes and the script of its readiness gate; and
// the private endpoints' names (as their privatelink zones hold them) and addresses.
func shippedForwarder(t *testing.T) (namedConf, readiness string, endpoints map[string]string) {
	t.Helper()
	res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.DNSMode("forwarder")))
	require.NoError(t, err)
	vm := res.Named(t, azuretype.VM, "vm-hubspoke-dev-dns-1")
	customData, err := base64.StdEncoding.DecodeString(mocktest.Str(vm.Inputs, "osProfile", "customData"))
	require.NoError(t, err)
	var doc struct {
		WriteFiles []struct{ Path, Content string } `yaml:"write_files"`
	}
	require.NoError(t, yaml.Unmarshal(customData, &doc))
	for _, f := range doc.WriteFiles {
		if f.Path == "/etc/hubspoke/named.conf" {
			namedConf = f.Content
		}
	}
	require.NotEmpty(t, namedConf, "the forwarder's cloud-init writes named.conf")
	for _, gate := range res.OfType(azuretype.RunCommand) {
		if mocktest.Str(gate.Inputs, "vmName") == "vm-hubspoke-dev-dns-1" {
			readiness = mocktest.Str(gate.Inputs, "source", "script")
		}
	}
	require.NotEmpty(t, readiness, "the forwarder has a readiness gate")
	endpoints = map[string]string{}
	for _, pe := range res.OfType(azuretype.PrivateEndpoint) {
		for _, c := range mocktest.Items(pe.State, "customDnsConfigs") {
			endpoints[privateLinkName(mocktest.Str(c.ObjectValue(), "fqdn"))] = mocktest.Strs(c.ObjectValue(), "ipAddresses")[0]
		}
	}
	return namedConf, readiness, endpoints
}

// privateLinkName is the name a service's public name leads to by Azure's CNAME, in the zone the
// private endpoint's records live in: x.azurecr.io -> x.privatelink.azurecr.io,
// x.vault.azure.net -> x.privatelink.vaultcore.azure.net.
func privateLinkName(fqdn string) string {
	if name, ok := strings.CutSuffix(fqdn, ".vault.azure.net"); ok {
		return name + ".privatelink.vaultcore.azure.net"
	}
	return strings.TrimSuffix(fqdn, ".azurecr.io") + ".privatelink.azurecr.io"
}

// relocate moves what only exists in Azure onto this machine's loopback: the listening port,
// the working directory, Azure DNS and the on-premises servers. Nothing else changes: the ACLs
// are tested as shipped. The moves apply in order, and each replaced text must be there, so a
// changed config fails here.
func relocate(t *testing.T, text string, moves [][2]string) string {
	t.Helper()
	for _, move := range moves {
		require.Contains(t, text, move[0])
		text = strings.ReplaceAll(text, move[0], move[1])
	}
	return text
}

func TestGeneratedBindConfigPassesNamedCheckconf(t *testing.T) {
	checkconf := mocktest.RequireTool(t, "named-checkconf")
	conf, _, _ := shippedForwarder(t)
	file := filepath.Join(t.TempDir(), "named.conf")
	require.NoError(t, os.WriteFile(file, []byte(conf), 0o644))
	out, err := exec.Command(checkconf, file).CombinedOutput()
	assert.NoError(t, err, "named-checkconf: %s", out)
}

// record is one A record of a stand-in server's zone.
type record struct{ host, ip string }

// authoritative writes the config and zone files of a stand-in server for some zones.
func authoritative(t *testing.T, dir string, listen netip.AddrPort, zones map[string][]record) string {
	t.Helper()
	var zoneConf strings.Builder
	for zone, records := range zones {
		zoneFile := filepath.Join(dir, zone+".zone")
		data := fmt.Sprintf("$TTL 60\n@ IN SOA ns.%[1]s. admin.%[1]s. 1 60 60 60 60\n@ IN NS ns.%[1]s.\nns IN A %[2]s\n", zone, listen.Addr())
		for _, r := range records {
			data += fmt.Sprintf("%s. IN A %s\n", r.host, r.ip)
		}
		require.NoError(t, os.WriteFile(zoneFile, []byte(data), 0o644))
		fmt.Fprintf(&zoneConf, "zone %q { type primary; file %q; };\n", zone, zoneFile)
	}
	conf := filepath.Join(dir, "named.conf")
	require.NoError(t, os.WriteFile(conf, []byte(fmt.Sprintf(`controls { };
options {
	directory "%[1]s";
	pid-file "%[1]s/named.pid";
	listen-on port %[2]d { %[3]s; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
};
%[4]s`, dir, listen.Port(), listen.Addr(), zoneConf.String())), 0o644))
	return conf
}

// startNamed runs named in the foreground until the test ends.
func startNamed(t *testing.T, ctx context.Context, conf string) {
	t.Helper()
	named := mocktest.RequireTool(t, "named")
	cmd := exec.CommandContext(ctx, named, "-g", "-c", conf)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("named -c %s:\n%s", conf, log.String())
		}
	})
}

// dig asks server for name from a source address and returns the status and the answers.
func dig(t *testing.T, server netip.AddrPort, source netip.Addr, name string) (string, []string) {
	t.Helper()
	out, _ := exec.Command(mocktest.RequireTool(t, "dig"), "+time=2", "+tries=1", "-b", source.String(),
		"-p", fmt.Sprint(server.Port()), "@"+server.Addr().String(), name, "A").CombinedOutput()
	status := ""
	if _, rest, ok := strings.Cut(string(out), "status: "); ok {
		status, _, _ = strings.Cut(rest, ",")
	}
	var answers []string
	inAnswer := false
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, ";; ANSWER SECTION:"):
			inAnswer = true
		case inAnswer && strings.TrimSpace(line) == "":
			inAnswer = false
		case inAnswer:
			fields := strings.Fields(line)
			answers = append(answers, fields[len(fields)-1])
		}
	}
	return status, answers
}

// waitAnswers polls until server answers name (named takes a moment to load), within 15 s.
func waitAnswers(t *testing.T, server netip.AddrPort, source netip.Addr, name string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if status, _ := dig(t, server, source, name); status == "NOERROR" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	require.Failf(t, "DNS server does not answer", "%s for %s", server, name)
}

// privateZones are the zones the forwarders must send to Azure DNS by name, whatever their default
// forwarders: the cluster's and the private endpoints' zones (Microsoft Learn, "Azure Private
// Endpoint DNS configuration": privatelink.azurecr.io, privatelink.vaultcore.azure.net; AKS private
// clusters: privatelink.<region>.azmk8s.io).
var privateZones = []string{"privatelink.westeurope.azmk8s.io", "privatelink.azurecr.io", "privatelink.vaultcore.azure.net"}

func TestForwarderPassesItsReadinessGateResolvesTheAPIServerAndOnPremNamesAndRefusesStrangers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ports := freePorts(t, 4)
	azure := netip.AddrPortFrom(serverAddr, ports[0])
	onPremServer := netip.AddrPortFrom(serverAddr, ports[1])
	forwarder := netip.AddrPortFrom(serverAddr, ports[2])
	// The default forwarders' stand-in: public DNS, which answers the private-link names with the
	// services' public addresses. A private zone the forwarder does not send to Azure DNS by name
	// gets that wrong answer.
	public := netip.AddrPortFrom(serverAddr, ports[3])

	azureDir, onPremDir, forwarderDir, publicDir := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	shippedConf, shippedReadiness, endpoints := shippedForwarder(t)
	azureZones := map[string][]record{dns.ClusterZoneName("westeurope"): {{apiServerFQDN, apiServerIP}}}
	publicZones := map[string][]record{"microsoft.com": {{"mcr.microsoft.com", mcrIP}}}
	// The records the endpoints' zone groups write, under the names Azure's public CNAMEs lead to.
	for name, ip := range endpoints {
		zone := name[strings.Index(name, ".privatelink.")+1:]
		azureZones[zone] = append(azureZones[zone], record{name, ip})
		publicZones[zone] = append(publicZones[zone], record{name, publicEndpointIP})
	}
	require.Len(t, azureZones, 3, "the cluster's zone, the registry's and the vault's")
	startNamed(t, ctx, authoritative(t, azureDir, azure, azureZones))
	startNamed(t, ctx, authoritative(t, publicDir, public, publicZones))
	startNamed(t, ctx, authoritative(t, onPremDir, onPremServer, map[string][]record{"corp.contoso.com": {{onPremHost, onPremHostIP}}}))

	moves := [][2]string{
		{"listen-on port 53 { any; }", fmt.Sprintf("listen-on port %d { %s; }", forwarder.Port(), forwarder.Addr())},
		{`"/var/cache/bind`, `"` + forwarderDir},
		{"172.30.0.10 port 53; 172.30.0.11 port 53;", fmt.Sprintf("%s port %d;", onPremServer.Addr(), onPremServer.Port())},
	}
	for _, zone := range privateZones {
		moves = append(moves, [2]string{
			fmt.Sprintf("zone %q { type forward; forward only; forwarders { 168.63.129.16 port 53; }; };", zone),
			fmt.Sprintf("zone %q { type forward; forward only; forwarders { %s port %d; }; };", zone, azure.Addr(), azure.Port()),
		})
	}
	// What is left of Azure DNS is the default forwarders: the public stand-in.
	moves = append(moves, [2]string{"168.63.129.16 port 53;", fmt.Sprintf("%s port %d;", public.Addr(), public.Port())})
	conf := filepath.Join(forwarderDir, "named.conf")
	require.NoError(t, os.WriteFile(conf, []byte(relocate(t, shippedConf, moves)), 0o644))
	startNamed(t, ctx, conf)
	waitAnswers(t, azure, serverAddr, apiServerFQDN)
	waitAnswers(t, public, serverAddr, "mcr.microsoft.com")
	waitAnswers(t, onPremServer, serverAddr, onPremHost)

	// The gate the deployment waits for, as shipped but for named's port: it asks from localhost.
	readiness := relocate(t, shippedReadiness, [][2]string{
		{"-p 53 @127.0.0.1", fmt.Sprintf("-p %d @%s", forwarder.Port(), forwarder.Addr())},
	})
	// It loops for 20 minutes on a failure: give it 20 s here, named already answers.
	gateCtx, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	gate := exec.CommandContext(gateCtx, "bash", "-c", readiness)
	gate.WaitDelay = time.Second
	out, err := gate.CombinedOutput()
	status, _ := dig(t, forwarder, serverAddr, "mcr.microsoft.com")
	require.NoError(t, err, "the readiness gate does not pass; named answers its question from localhost with %s: %s", status, out)
	assert.Equal(t, "ready\n", string(out))

	status, answers := dig(t, forwarder, serverAddr, apiServerFQDN)
	assert.Equal(t, "NOERROR", status)
	assert.Equal(t, []string{apiServerIP}, answers, "the API server's private IP, through the forwarder")

	status, answers = dig(t, forwarder, serverAddr, onPremHost)
	assert.Equal(t, "NOERROR", status)
	assert.Equal(t, []string{onPremHostIP}, answers, "answered by the on-premises stand-in")

	require.Len(t, endpoints, 3, "the registry, its regional data endpoint and the vault")
	for name, ip := range endpoints {
		status, answers = dig(t, forwarder, serverAddr, name)
		assert.Equal(t, "NOERROR", status, name)
		assert.Equal(t, []string{ip}, answers, "%s resolves to its private endpoint through the forwarder, not to %s", name, publicEndpointIP)
	}

	status, answers = dig(t, forwarder, strayClient, apiServerFQDN)
	assert.Equal(t, "REFUSED", status, "a client outside the VNet and on-premises ranges")
	assert.Empty(t, answers)
}

func TestForwarderCloudInitPassesTheSchemaCheck(t *testing.T) {
	cloudInit := mocktest.RequireTool(t, "cloud-init")
	res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.DNSMode("forwarder")))
	require.NoError(t, err)
	checked := 0
	for _, vm := range res.OfType(azuretype.VM) {
		if !strings.HasPrefix(mocktest.Str(vm.Inputs, "vmName"), "vm-hubspoke-dev-dns-") {
			continue
		}
		checked++
		// The customData the program sends, as it sends it.
		customData, err := base64.StdEncoding.DecodeString(mocktest.Str(vm.Inputs, "osProfile", "customData"))
		require.NoError(t, err)
		file := filepath.Join(t.TempDir(), "forwarder.yaml")
		require.NoError(t, os.WriteFile(file, customData, 0o644))
		out, err := exec.Command(cloudInit, "schema", "--config-file", file).CombinedOutput()
		assert.NoError(t, err, "%s cloud-init: %s", vm.Name, out)
		assert.Contains(t, string(out), "Valid cloud-config")
	}
	assert.Equal(t, 2, checked, "both forwarders")
}
