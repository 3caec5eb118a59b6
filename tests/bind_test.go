package tests

import (
	"context"
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

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/hub"
)

// These tests run Debian's BIND 9 (bind9, bind9-utils, bind9-dnsutils) and cloud-init on this
// machine, on loopback addresses only; .ci/run installs them.

const (
	apiServerFQDN = "aks-hubspoke-dev-k8s1a2b3c.privatelink.westeurope.azmk8s.io"
	apiServerIP   = "10.1.0.4" // the API server's private endpoint, in the spoke's AKS subnet
	onPremHost    = "db01.corp.contoso.com"
	onPremHostIP  = "172.30.5.20"
)

// Loopback addresses of the test. The servers (forwarder, Azure DNS's and on-premises DNS's
// stand-ins) share 127.0.0.1 on ports of their own, because named listens only on addresses an
// interface carries; clients may send from any loopback address: one inside the allowed ranges,
// one outside them.
var (
	serverAddr    = netip.MustParseAddr("127.0.0.1")
	allowedClient = netip.MustParseAddr("127.0.0.4")
	strayClient   = netip.MustParseAddr("127.0.0.5")
)

func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	require.NoError(t, err, "%s is missing: .ci/run installs it (apt-get install bind9 bind9-utils bind9-dnsutils cloud-init)", name)
	return path
}

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

// forwarderConfig is the config the program generates, with the test's loopback addresses in
// place of Azure DNS, the on-premises servers and the listening address.
func forwarderConfig(dir string, listen, azure, onPrem netip.AddrPort) string {
	return dns.BindConfig(dns.BindArgs{
		ClusterZone: dns.ClusterZoneName("westeurope"),
		AzureDNS:    azure,
		OnPrem:      []dns.ForwardedDomain{{Domain: "corp.contoso.com", Servers: []netip.AddrPort{onPrem}}},
		Clients:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("10.1.0.0/16"), netip.PrefixFrom(allowedClient, 32)},
		Listen:      listen,
		Directory:   dir,
	})
}

func TestGeneratedBindConfigPassesNamedCheckconf(t *testing.T) {
	checkconf := requireTool(t, "named-checkconf")
	dir := t.TempDir()
	for name, conf := range map[string]string{
		"production": dns.BindConfig(dns.BindArgs{
			ClusterZone: dns.ClusterZoneName("westeurope"),
			AzureDNS:    dns.AzureDNS,
			OnPrem:      []dns.ForwardedDomain{{Domain: "corp.contoso.com", Servers: dns.OnPremServers([]netip.Addr{netip.MustParseAddr("172.30.0.10")})}},
			Clients:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
		}),
		"test": forwarderConfig(dir, netip.AddrPortFrom(serverAddr, 5300), netip.AddrPortFrom(serverAddr, 5301), netip.AddrPortFrom(serverAddr, 5302)),
	} {
		file := filepath.Join(dir, name+".conf")
		require.NoError(t, os.WriteFile(file, []byte(conf), 0o644))
		out, err := exec.Command(checkconf, file).CombinedOutput()
		assert.NoError(t, err, "%s config: %s", name, out)
	}
}

func TestCloudInitPassesTheSchemaCheck(t *testing.T) {
	cloudInit := requireTool(t, "cloud-init")
	dir := t.TempDir()
	forwarder := dns.ForwarderCloudInit(dns.BindConfig(dns.BindArgs{
		ClusterZone: dns.ClusterZoneName("westeurope"), AzureDNS: dns.AzureDNS, Clients: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")},
	}))
	for name, doc := range map[string]string{"forwarder": forwarder, "jumpbox": hub.CloudInit} {
		file := filepath.Join(dir, name+".yaml")
		require.NoError(t, os.WriteFile(file, []byte(doc), 0o644))
		out, err := exec.Command(cloudInit, "schema", "--config-file", file).CombinedOutput()
		assert.NoError(t, err, "%s cloud-init: %s", name, out)
		assert.Contains(t, string(out), "Valid cloud-config", name)
	}
}

// authoritative writes the config and zone file of a stand-in server for one zone.
func authoritative(t *testing.T, dir string, listen netip.AddrPort, zone, host, ip string) string {
	t.Helper()
	zoneFile := filepath.Join(dir, zone+".zone")
	require.NoError(t, os.WriteFile(zoneFile, []byte(fmt.Sprintf(`$TTL 60
@ IN SOA ns.%[1]s. admin.%[1]s. 1 60 60 60 60
@ IN NS ns.%[1]s.
ns IN A %[2]s
%[3]s. IN A %[4]s
`, zone, listen.Addr(), host, ip)), 0o644))
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
zone "%[4]s" { type primary; file "%[5]s"; };
`, dir, listen.Port(), listen.Addr(), zone, zoneFile)), 0o644))
	return conf
}

// startNamed runs named in the foreground until the test ends.
func startNamed(t *testing.T, ctx context.Context, conf string) {
	t.Helper()
	named := requireTool(t, "named")
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
	out, _ := exec.Command(requireTool(t, "dig"), "+time=2", "+tries=1", "-b", source.String(),
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

func TestForwarderResolvesTheAPIServerAndOnPremNamesAndRefusesStrangers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ports := freePorts(t, 3)
	azure := netip.AddrPortFrom(serverAddr, ports[0])
	onPrem := netip.AddrPortFrom(serverAddr, ports[1])
	forwarder := netip.AddrPortFrom(serverAddr, ports[2])

	azureDir, onPremDir, forwarderDir := t.TempDir(), t.TempDir(), t.TempDir()
	startNamed(t, ctx, authoritative(t, azureDir, azure, dns.ClusterZoneName("westeurope"), apiServerFQDN, apiServerIP))
	startNamed(t, ctx, authoritative(t, onPremDir, onPrem, "corp.contoso.com", onPremHost, onPremHostIP))
	conf := filepath.Join(forwarderDir, "named.conf")
	require.NoError(t, os.WriteFile(conf, []byte(forwarderConfig(forwarderDir, forwarder, azure, onPrem)), 0o644))
	startNamed(t, ctx, conf)

	waitAnswers(t, azure, allowedClient, apiServerFQDN)
	waitAnswers(t, onPrem, allowedClient, onPremHost)
	waitAnswers(t, forwarder, allowedClient, apiServerFQDN)

	status, answers := dig(t, forwarder, allowedClient, apiServerFQDN)
	assert.Equal(t, "NOERROR", status)
	assert.Equal(t, []string{apiServerIP}, answers, "the API server's private IP, through the forwarder")

	status, answers = dig(t, forwarder, allowedClient, onPremHost)
	assert.Equal(t, "NOERROR", status)
	assert.Equal(t, []string{onPremHostIP}, answers, "answered by the on-premises stand-in")

	status, answers = dig(t, forwarder, strayClient, apiServerFQDN)
	assert.Equal(t, "REFUSED", status, "a client outside the VNet and on-premises ranges")
	assert.Empty(t, answers)
}
