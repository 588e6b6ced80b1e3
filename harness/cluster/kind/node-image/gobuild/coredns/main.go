// Command coredns is CoreDNS at the version kubeadm of the node image's Kubernetes release
// deploys (cmd/kubeadm/app/constants CoreDNSVersion, v1.13.1 for v1.35.4), with only the
// plugins the Corefile kubeadm writes uses (cmd/kubeadm/app/phases/addons/dns/manifests.go):
// errors, health, ready, kubernetes, prometheus, forward, cache, loop, reload, loadbalance.
// Upstream's main imports every plugin (core/plugin), which pulls in the cloud SDKs of
// route53, azure and clouddns; a Corefile naming any other plugin fails to parse here.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics" // the "prometheus" directive
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

// The order in which the plugins handle a query is this list's, not the Corefile's, so it keeps
// the relative order of CoreDNS v1.13.1's plugin.cfg (core/dnsserver/zdirectives.go).
var directives = []string{
	"reload",
	"ready",
	"health",
	"prometheus",
	"errors",
	"loadbalance",
	"cache",
	"kubernetes",
	"loop",
	"forward",
}

func init() {
	dnsserver.Directives = directives
}

func main() {
	coremain.Run()
}
