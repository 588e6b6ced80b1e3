// Command podnet is the default CNI of the probe-conformance kind node image (the DaemonSet in
// /kind/manifests/default-cni.yaml, one hostNetwork pod per node). Every few seconds it reads the
// cluster's Nodes from the API server and
//
//   - writes this node's CNI config (bridge + host-local + portmap, the plugins Debian's
//     containernetworking-plugins installs in the node, and the suite's neighreset) for the Node's spec.podCIDR, once the
//     controller manager has given it one; containerd then reports the network ready;
//   - routes every other node's pod CIDR through that node's InternalIP, and removes the routes of
//     nodes that are gone (its routes carry their own protocol number, routeProtocol);
//   - masquerades pod traffic leaving the cluster's pod subnet (POD_SUBNET), so that pods reach
//     addresses outside the cluster with the node's address.
//
// IPv4 only. It needs only the standard library, the node's `ip` and `iptables` (in its image),
// and read access to Nodes.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"
	confFileName      = "10-podnet.conflist"
	networkName       = "podnet"
	bridgeName        = "podnet0"
	// routeProtocol marks the routes podnet adds (ip route ... proto 211), so that a restarted
	// podnet still finds and removes the ones it no longer wants. 211 is not used by any routing
	// daemon (/etc/iproute2/rt_protos).
	routeProtocol = "211"
	masqChain     = "PODNET-MASQ"
	// Until this node's config is written the loop runs fast: the node is not Ready before.
	fastInterval = 2 * time.Second
	slowInterval = 10 * time.Second
)

type config struct {
	nodeName  string
	podSubnet *net.IPNet // the cluster's pod subnet; nil: no masquerading
	apiServer string     // https://host:port
	confDir   string
}

func readConfig() (config, error) {
	c := config{nodeName: os.Getenv("NODE_NAME"), confDir: os.Getenv("CNI_CONF_DIR")}
	if c.nodeName == "" {
		return c, errors.New("NODE_NAME is not set (the DaemonSet passes spec.nodeName)")
	}
	if c.confDir == "" {
		c.confDir = "/etc/cni/net.d"
	}
	if s := strings.TrimSpace(os.Getenv("POD_SUBNET")); s != "" {
		// kind's pod subnet may list an IPv6 one after a comma (dual stack): the IPv4 one is used
		for _, part := range strings.Split(s, ",") {
			_, n, err := net.ParseCIDR(strings.TrimSpace(part))
			if err == nil && n.IP.To4() != nil {
				c.podSubnet = n
				break
			}
		}
		if c.podSubnet == nil {
			return c, fmt.Errorf("POD_SUBNET %q holds no IPv4 CIDR", s)
		}
	}
	// kind's CONTROL_PLANE_ENDPOINT (host:port) reaches the API server before kube-proxy has
	// programmed the kubernetes Service; the in-cluster variables are the fallback.
	if ep := os.Getenv("CONTROL_PLANE_ENDPOINT"); ep != "" {
		c.apiServer = "https://" + ep
	} else if host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT"); host != "" && port != "" {
		c.apiServer = "https://" + net.JoinHostPort(host, port)
	} else {
		return c, errors.New("neither CONTROL_PLANE_ENDPOINT nor KUBERNETES_SERVICE_HOST/PORT is set")
	}
	return c, nil
}

// --- the API server --------------------------------------------------------------------------

type nodeList struct {
	Items []node `json:"items"`
}

type node struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		PodCIDR  string   `json:"podCIDR"`
		PodCIDRs []string `json:"podCIDRs"`
	} `json:"spec"`
	Status struct {
		Addresses []struct {
			Type    string `json:"type"`
			Address string `json:"address"`
		} `json:"addresses"`
	} `json:"status"`
}

// podCIDR is the node's IPv4 pod CIDR, or "".
func (n node) podCIDR() string {
	for _, c := range append([]string{n.Spec.PodCIDR}, n.Spec.PodCIDRs...) {
		if ip, _, err := net.ParseCIDR(c); err == nil && ip.To4() != nil {
			return c
		}
	}
	return ""
}

// internalIP is the node's IPv4 InternalIP, or "".
func (n node) internalIP() string {
	for _, a := range n.Status.Addresses {
		if ip := net.ParseIP(a.Address); a.Type == "InternalIP" && ip != nil && ip.To4() != nil {
			return a.Address
		}
	}
	return ""
}

type apiClient struct {
	base string
	http *http.Client
}

func newAPIClient(base string) (*apiClient, error) {
	ca, err := os.ReadFile(filepath.Join(serviceAccountDir, "ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("no certificate in the service account's ca.crt")
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &apiClient{base: base, http: &http.Client{Transport: transport, Timeout: 15 * time.Second}}, nil
}

func (a *apiClient) listNodes(ctx context.Context) ([]node, error) {
	// the token is re-read every time: projected service account tokens are rotated
	token, err := os.ReadFile(filepath.Join(serviceAccountDir, "token"))
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/api/v1/nodes", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	req.Header.Set("Accept", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		return nil, fmt.Errorf("GET /api/v1/nodes: %s: %s", resp.Status, strings.TrimSpace(body.String()))
	}
	var list nodeList
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, fmt.Errorf("GET /api/v1/nodes: %w", err)
	}
	return list.Items, nil
}

// --- the CNI config --------------------------------------------------------------------------

// conflist is the CNI config for a node whose pods get addresses from podCIDR.
func conflist(podCIDR string, mtu int) ([]byte, error) {
	bridge := map[string]any{
		"type":        "bridge",
		"bridge":      bridgeName,
		"isGateway":   true,
		"hairpinMode": true,
		// podnet masquerades itself (only traffic leaving the pod subnet, not pod-to-pod across nodes)
		"ipMasq": false,
		"ipam": map[string]any{
			"type":   "host-local",
			"ranges": [][]map[string]string{{{"subnet": podCIDR}}},
			"routes": []map[string]string{{"dst": "0.0.0.0/0"}},
		},
	}
	if mtu > 0 {
		bridge["mtu"] = mtu
	}
	conf := map[string]any{
		"cniVersion": "1.0.0",
		"name":       networkName,
		"plugins": []any{
			bridge,
			// forgets the node's ARP entry of a pod IP given out again (the image's /opt/cni/bin/neighreset)
			map[string]any{"type": "neighreset", "bridge": bridgeName},
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}},
		},
	}
	out, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// writeIfChanged writes data to path atomically (containerd watches the directory), unless the
// file already holds it. It says whether it wrote.
func writeIfChanged(path string, data []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, path)
}

// defaultRouteMTU is the MTU of the interface holding the default route (the node's link to the
// Docker network), or 0 if unknown (the bridge plugin then uses 1500).
func defaultRouteMTU() int {
	data, err := os.ReadFile("/proc/net/route")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 2 && f[1] == "00000000" {
			raw, err := os.ReadFile(filepath.Join("/sys/class/net", f[0], "mtu"))
			if err != nil {
				return 0
			}
			mtu, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
			return mtu
		}
	}
	return 0
}

// --- routes ----------------------------------------------------------------------------------

func run(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// ourRoutes are the routes podnet added earlier (its protocol number): destination -> gateway.
func ourRoutes() (map[string]string, error) {
	out, err := run("ip", "-4", "route", "show", "proto", routeProtocol)
	if err != nil {
		return nil, err
	}
	routes := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "via" {
				routes[f[0]] = f[i+1]
			}
		}
	}
	return routes, nil
}

// syncRoutes makes the routes to other nodes' pod CIDRs exactly `want` (destination -> gateway).
func syncRoutes(want map[string]string) error {
	have, err := ourRoutes()
	if err != nil {
		return err
	}
	var errs []error
	dests := make([]string, 0, len(want))
	for dst := range want {
		dests = append(dests, dst)
	}
	sort.Strings(dests)
	for _, dst := range dests {
		if have[dst] == want[dst] {
			continue
		}
		if _, err := run("ip", "-4", "route", "replace", dst, "via", want[dst], "proto", routeProtocol); err != nil {
			errs = append(errs, err)
			continue
		}
		log.Printf("route %s via %s", dst, want[dst])
	}
	for dst, via := range have {
		if _, ok := want[dst]; ok {
			continue
		}
		if _, err := run("ip", "-4", "route", "del", dst, "via", via, "proto", routeProtocol); err != nil {
			errs = append(errs, err)
			continue
		}
		log.Printf("removed route %s via %s (no node has that pod CIDR any more)", dst, via)
	}
	return errors.Join(errs...)
}

// --- masquerading ----------------------------------------------------------------------------

// ensureMasquerade keeps one nat rule in POSTROUTING sending pod traffic (source in the pod
// subnet) to masqChain, which returns for destinations in the pod subnet and masquerades the rest.
func ensureMasquerade(podSubnet string) error {
	ipt := func(args ...string) error {
		_, err := run("iptables", append([]string{"-w", "5", "-t", "nat"}, args...)...)
		return err
	}
	if ipt("-S", masqChain) != nil {
		if err := ipt("-N", masqChain); err != nil {
			return err
		}
	}
	rules := [][]string{
		{"-d", podSubnet, "-m", "comment", "--comment", "podnet: pod to pod, no NAT", "-j", "RETURN"},
		{"-m", "comment", "--comment", "podnet: leaving the pod network", "-j", "MASQUERADE"},
	}
	for _, rule := range rules {
		if ipt(append([]string{"-C", masqChain}, rule...)...) != nil {
			if err := ipt(append([]string{"-A", masqChain}, rule...)...); err != nil {
				return err
			}
		}
	}
	jump := []string{"-s", podSubnet, "-m", "comment", "--comment", "podnet: masquerade pod traffic leaving the pod network", "-j", masqChain}
	if ipt(append([]string{"-C", "POSTROUTING"}, jump...)...) != nil {
		if err := ipt(append([]string{"-A", "POSTROUTING"}, jump...)...); err != nil {
			return err
		}
		log.Printf("masquerading traffic from %s leaving it", podSubnet)
	}
	return nil
}

// --- the loop --------------------------------------------------------------------------------

// syncOnce does one round; it says whether this node's CNI config is in place.
func syncOnce(ctx context.Context, c config, api *apiClient, mtu int) (bool, error) {
	nodes, err := api.listNodes(ctx)
	if err != nil {
		return false, err
	}
	var errs []error
	if c.podSubnet != nil {
		if err := ensureMasquerade(c.podSubnet.String()); err != nil {
			errs = append(errs, err)
		}
	}
	ready := false
	want := map[string]string{}
	for _, n := range nodes {
		cidr := n.podCIDR()
		if n.Metadata.Name == c.nodeName {
			if cidr == "" {
				log.Printf("node %s has no IPv4 pod CIDR yet (the controller manager assigns one)", c.nodeName)
				continue
			}
			data, err := conflist(cidr, mtu)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			path := filepath.Join(c.confDir, confFileName)
			wrote, err := writeIfChanged(path, data)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if wrote {
				log.Printf("wrote %s for pod CIDR %s", path, cidr)
			}
			ready = true
			continue
		}
		if ip := n.internalIP(); cidr != "" && ip != "" {
			want[cidr] = ip
		}
	}
	if err := syncRoutes(want); err != nil {
		errs = append(errs, err)
	}
	return ready, errors.Join(errs...)
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	c, err := readConfig()
	if err != nil {
		log.Fatalf("podnet: %v", err)
	}
	api, err := newAPIClient(c.apiServer)
	if err != nil {
		log.Fatalf("podnet: the service account's CA: %v", err)
	}
	if err := os.MkdirAll(c.confDir, 0o755); err != nil {
		log.Fatalf("podnet: %v", err)
	}
	mtu := defaultRouteMTU()
	subnet := "none (no masquerading)"
	if c.podSubnet != nil {
		subnet = c.podSubnet.String()
	}
	log.Printf("podnet on node %s: API server %s, pod subnet %s, MTU %d, CNI config in %s", c.nodeName, c.apiServer, subnet, mtu, c.confDir)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	// On exit the CNI config and the routes stay: pods keep working while podnet restarts.
	for {
		ready, err := syncOnce(ctx, c, api, mtu)
		if err != nil && ctx.Err() == nil {
			log.Printf("podnet: %v", err)
		}
		interval := slowInterval
		if !ready {
			interval = fastInterval
		}
		select {
		case <-ctx.Done():
			log.Printf("podnet: stopping (%v)", context.Cause(ctx))
			return
		case <-time.After(interval):
		}
	}
}
