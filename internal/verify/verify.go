// Package verify proves the article's claims on a deployed stack, from its outputs: the jump box
// resolves the API server to a private address in the spoke and reaches it on 443 (a VM run
// command); every node is Ready, a pod reaches an allowed FQDN and the firewall, not the internet,
// answers a denied one, the pod resolves the private-link names and pulls from the private
// registry (an AKS run command, the way into a private cluster without line of sight); with a
// resolver mode, each resolver answers the cluster's zone. Each claim is a named check with
// pass/fail and its evidence.
package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"text/tabwriter"
)

// Target is what the checks read from the stack's outputs, and the names they look up.
type Target struct {
	HubVNetID          string       `json:"hubVnetId"` // names the subscription: /subscriptions/<id>/...
	HubResourceGroup   string       `json:"hubResourceGroupName"`
	JumpBox            string       `json:"jumpBoxName"`
	SpokeResourceGroup string       `json:"spokeResourceGroupName"`
	Cluster            string       `json:"clusterName"`
	APIServer          string       `json:"clusterPrivateFqdn"`
	Spoke              netip.Prefix `json:"spokeAddressSpace"`
	Registry           string       `json:"registryLoginServer"` // empty without a registry
	VaultURI           string       `json:"keyVaultUri"`         // empty without a vault
	DNSServers         []string     `json:"dnsServerIps"`        // the hub's resolvers, in a resolver mode
	// RegistryImage is an image in the registry that a pod pulls (README's example imports it).
	RegistryImage string `json:"-"`
	// OnPremName, when set, is a name the resolvers must forward on-premises and get an answer for.
	OnPremName string `json:"-"`
}

// Runner runs a script where the checks need it.
type Runner interface {
	// OnJumpBox runs a shell script on the jump box (VM run command) and returns its stdout.
	OnJumpBox(ctx context.Context, script string) (string, error)
	// InCluster runs a command in the cluster (AKS run command) and returns its logs.
	InCluster(ctx context.Context, command string) (string, error)
}

// Check is one claim and what the deployment showed.
type Check struct {
	Name     string `json:"name"`
	Pass     bool   `json:"pass"`
	Evidence string `json:"evidence"`
}

// Pod names and the image the egress pod runs (Azure Linux 3.0's base image, which has curl;
// mcr.microsoft.com is allowed by the firewall's AKS rules).
const (
	egressPod   = "hubspoke-verify-egress"
	pullPod     = "hubspoke-verify-pull"
	egressImage = "mcr.microsoft.com/azurelinux/base/core:3.0"
	// allowedURL is on AKS's required egress list; deniedURL on no rule. Plain HTTP so that the
	// firewall's own deny page answers (HTTP 470 "Action: Deny"; HTTPS is reset instead).
	allowedURL = "https://mcr.microsoft.com/v2/"
	deniedURL  = "http://example.com/"
)

// Run runs every check that applies to the target, in order: the jump box's, then the cluster's.
func Run(ctx context.Context, t Target, r Runner) []Check {
	return append(jumpBoxChecks(ctx, t, r), clusterChecks(ctx, t, r)...)
}

// lines are the script's answers: "key rest" per line, later keys win.
func lines(out string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), " "); ok {
			m[k] = strings.TrimSpace(v)
		} else if k != "" {
			m[k] = ""
		}
	}
	return m
}

// failed turns a run command that did not run into a failed check for each claim it was to prove.
func failed(err error, names ...string) []Check {
	var out []Check
	for _, n := range names {
		out = append(out, Check{Name: n, Evidence: "could not run: " + err.Error()})
	}
	return out
}

// inSpoke checks an answer is one address inside the spoke.
func inSpoke(t Target, name, answer string) Check {
	c := Check{Name: name, Evidence: fmt.Sprintf("%q", answer)}
	addr, err := netip.ParseAddr(answer)
	switch {
	case answer == "":
		c.Evidence = "no answer"
	case err != nil:
		c.Evidence += " is not an address"
	case !t.Spoke.Contains(addr):
		c.Evidence = fmt.Sprintf("%s is outside the spoke %s", addr, t.Spoke)
	default:
		c.Pass, c.Evidence = true, fmt.Sprintf("%s, in the spoke %s", addr, t.Spoke)
	}
	return c
}

func jumpBoxChecks(ctx context.Context, t Target, r Runner) []Check {
	script := []string{
		fmt.Sprintf(`echo "resolve $(getent ahostsv4 %s | awk 'NR==1{print $1}')"`, t.APIServer),
		fmt.Sprintf(`if timeout 5 bash -c '</dev/tcp/%s/443' 2>/dev/null; then echo "tcp443 open"; else echo "tcp443 closed"; fi`, t.APIServer),
	}
	names := []string{"jumpbox-resolves-api-server", "jumpbox-reaches-api-server"}
	for i, server := range t.DNSServers {
		script = append(script, fmt.Sprintf(`echo "dns%d $(dig +short @%s %s A | tail -n1)"`, i, server, t.APIServer))
		names = append(names, "resolver-"+server+"-answers-cluster-zone")
		if t.OnPremName != "" {
			script = append(script, fmt.Sprintf(`echo "onprem%d $(dig +short @%s %s A | tail -n1)"`, i, server, t.OnPremName))
			names = append(names, "resolver-"+server+"-forwards-on-premises")
		}
	}
	out, err := r.OnJumpBox(ctx, strings.Join(script, "\n"))
	if err != nil {
		return failed(err, names...)
	}
	got := lines(out)
	checks := []Check{inSpoke(t, names[0], got["resolve"])}
	reach := Check{Name: names[1], Pass: got["tcp443"] == "open", Evidence: fmt.Sprintf("TCP 443 to %s: %s", t.APIServer, or(got["tcp443"], "no answer"))}
	checks = append(checks, reach)
	for i, server := range t.DNSServers {
		checks = append(checks, inSpoke(t, "resolver-"+server+"-answers-cluster-zone", got[fmt.Sprintf("dns%d", i)]))
		if t.OnPremName != "" {
			answer := got[fmt.Sprintf("onprem%d", i)]
			checks = append(checks, Check{Name: "resolver-" + server + "-forwards-on-premises", Pass: answer != "",
				Evidence: fmt.Sprintf("%s: %s", t.OnPremName, or(answer, "no answer"))})
		}
	}
	return checks
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// privateLinkNames are the names a pod must resolve through the private endpoints.
func (t Target) privateLinkNames() []string {
	var names []string
	if t.Registry != "" {
		names = append(names, t.Registry)
	}
	if host := strings.TrimSuffix(strings.TrimPrefix(t.VaultURI, "https://"), "/"); host != "" {
		names = append(names, host)
	}
	return names
}

func clusterChecks(ctx context.Context, t Target, r Runner) []Check {
	pod := []string{
		fmt.Sprintf(`echo "allowed $(curl -s -o /dev/null -w '%%{http_code}' --max-time 15 %s)"`, allowedURL),
		fmt.Sprintf(`echo "denied $(curl -s --max-time 15 -w ' HTTP %%{http_code}' %s | tr '\n' ' ' | tail -c 160)"`, deniedURL),
	}
	for i, name := range t.privateLinkNames() {
		pod = append(pod, fmt.Sprintf(`echo "resolve%d $(getent ahostsv4 %s | awk 'NR==1{print $1}')"`, i, name))
	}
	script := []string{
		`echo "nodes $(kubectl get nodes --no-headers -o custom-columns=N:.metadata.name,R:'.status.conditions[?(@.type=="Ready")].status' | awk '{printf "%s=%s,", $1, $2}')"`,
		fmt.Sprintf(`kubectl run %s --image=%s --restart=Never --rm -i --quiet --pod-running-timeout=3m --command -- sh -c '%s'`,
			egressPod, egressImage, strings.ReplaceAll(strings.Join(pod, "; "), "'", `'"'"'`)),
	}
	names := []string{"nodes-ready", "pod-reaches-allowed-fqdn", "firewall-denies-other-fqdn"}
	for _, n := range t.privateLinkNames() {
		names = append(names, "pod-resolves-"+n+"-privately")
	}
	if t.Registry != "" {
		image := t.Registry + "/" + t.RegistryImage
		script = append(script,
			fmt.Sprintf(`kubectl run %s --image=%s --restart=Never --command -- true >/dev/null`, pullPod, image),
			fmt.Sprintf(`kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/%s --timeout=3m >/dev/null 2>&1`, pullPod),
			fmt.Sprintf(`echo "pull $(kubectl get pod %s -o jsonpath='{.status.phase} {.status.containerStatuses[0].state.waiting.reason}')"`, pullPod),
			fmt.Sprintf(`kubectl delete pod %s --wait=false >/dev/null`, pullPod))
		names = append(names, "pod-pulls-from-registry")
	}
	out, err := r.InCluster(ctx, strings.Join(script, "\n"))
	if err != nil {
		return failed(err, names...)
	}
	got := lines(out)
	checks := []Check{nodesReady(got["nodes"])}
	allowed := got["allowed"]
	checks = append(checks, Check{Name: "pod-reaches-allowed-fqdn", Pass: allowed != "" && allowed != "000",
		Evidence: fmt.Sprintf("%s answered HTTP %s", allowedURL, or(allowed, "nothing"))})
	// Azure Firewall answers a denied HTTP request itself: status 470, "Action: Deny" (Microsoft
	// Learn, "Azure Firewall application rules", checked 2026-12-06).
	denied := got["denied"]
	checks = append(checks, Check{Name: "firewall-denies-other-fqdn", Pass: strings.Contains(denied, "Action: Deny"),
		Evidence: fmt.Sprintf("%s: %s", deniedURL, or(denied, "no answer"))})
	for i, name := range t.privateLinkNames() {
		checks = append(checks, inSpoke(t, "pod-resolves-"+name+"-privately", got[fmt.Sprintf("resolve%d", i)]))
	}
	if t.Registry != "" {
		checks = append(checks, Check{Name: "pod-pulls-from-registry", Pass: got["pull"] == "Succeeded",
			Evidence: fmt.Sprintf("%s/%s: %s", t.Registry, t.RegistryImage, or(got["pull"], "no pod"))})
	}
	return checks
}

// nodesReady reads "name=True,name=False," as kubectl printed it.
func nodesReady(list string) Check {
	c := Check{Name: "nodes-ready", Evidence: "no nodes listed"}
	nodes := strings.FieldsFunc(list, func(r rune) bool { return r == ',' })
	var notReady []string
	for _, n := range nodes {
		if !strings.HasSuffix(n, "=True") {
			notReady = append(notReady, n)
		}
	}
	switch {
	case len(nodes) == 0:
	case len(notReady) > 0:
		c.Evidence = fmt.Sprintf("%d of %d not Ready: %s", len(notReady), len(nodes), strings.Join(notReady, ", "))
	default:
		c.Pass, c.Evidence = true, fmt.Sprintf("%d nodes Ready", len(nodes))
	}
	return c
}

// Passed says whether every check passed.
func Passed(checks []Check) bool {
	for _, c := range checks {
		if !c.Pass {
			return false
		}
	}
	return len(checks) > 0
}

// Table writes the checks for a person to read.
func Table(w io.Writer, checks []Check) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tRESULT\tEVIDENCE")
	for _, c := range checks {
		result := "FAIL"
		if c.Pass {
			result = "pass"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, result, c.Evidence)
	}
	return tw.Flush()
}

// JSON writes the checks for CI.
func JSON(w io.Writer, checks []Check) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(checks)
}
