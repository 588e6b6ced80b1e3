// Command neighreset is a CNI plugin chained after bridge on the local cluster's nodes. On ADD it
// deletes the node's neighbour (ARP) entry for each new pod IPv4 address on the bridge, so that a
// reused pod IP is resolved afresh instead of being sent to the MAC of the pod that held it before.
// Debian's bridge plugin (1.1.1) announces a new pod in a way the node does not take for an entry
// it already has (containernetworking/plugins#756, #858); see docs/local-cluster.md.
//
// Standard library only; it runs the node's `ip`. DEL, CHECK, GC and STATUS have nothing to do.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
)

type netConf struct {
	CNIVersion string          `json:"cniVersion"`
	Bridge     string          `json:"bridge"`
	PrevResult json.RawMessage `json:"prevResult"`
}

type prevResult struct {
	IPs []struct {
		Address string `json:"address"`
	} `json:"ips"`
}

func main() {
	switch command := os.Getenv("CNI_COMMAND"); command {
	case "VERSION":
		fmt.Println(`{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}`)
	case "ADD":
		add()
	case "DEL", "CHECK", "GC", "STATUS":
		// nothing to undo or check: the entry of a deleted pod is cleared when its IP is given out again
	default:
		fail("", 4, fmt.Sprintf("neighreset: unknown CNI_COMMAND %q", command), "")
	}
}

func add() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("", 999, "neighreset: cannot read the network configuration", err.Error())
	}
	var conf netConf
	if err := json.Unmarshal(input, &conf); err != nil {
		fail("", 6, "neighreset: the network configuration is not JSON", err.Error())
	}
	if conf.Bridge == "" {
		fail(conf.CNIVersion, 7, "neighreset: the configuration names no bridge", `add "bridge": "<the bridge plugin's bridge>"`)
	}
	if len(conf.PrevResult) == 0 {
		fail(conf.CNIVersion, 7, "neighreset: no prevResult", "chain it after the bridge plugin")
	}
	var result prevResult
	if err := json.Unmarshal(conf.PrevResult, &result); err != nil {
		fail(conf.CNIVersion, 7, "neighreset: prevResult is not a CNI result", err.Error())
	}
	for _, ipc := range result.IPs {
		ip, _, err := net.ParseCIDR(ipc.Address)
		if err != nil || ip.To4() == nil {
			continue
		}
		if err := forget(conf.Bridge, ip.String()); err != nil {
			fail(conf.CNIVersion, 999, fmt.Sprintf("neighreset: cannot delete the neighbour entry of %s on %s", ip, conf.Bridge), err.Error())
		}
	}
	// A chained plugin passes the result on unchanged.
	os.Stdout.Write(conf.PrevResult)
}

// forget deletes the neighbour entry of ip on dev; none there is fine.
func forget(dev, ip string) error {
	out, err := exec.Command(ipCommand(), "-4", "neigh", "del", ip, "dev", dev).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "No such file or directory") {
		return fmt.Errorf("ip -4 neigh del %s dev %s: %v: %s", ip, dev, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// ipCommand is `ip` from PATH, else from the usual places (a runtime may start plugins with a short PATH).
func ipCommand() string {
	if path, err := exec.LookPath("ip"); err == nil {
		return path
	}
	for _, path := range []string{"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"} {
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	return "ip"
}

// fail writes a CNI error result and exits 1.
func fail(version string, code int, msg, details string) {
	if version == "" {
		version = "1.0.0"
	}
	out, _ := json.Marshal(map[string]any{"cniVersion": version, "code": code, "msg": msg, "details": details})
	fmt.Println(string(out))
	os.Exit(1)
}
