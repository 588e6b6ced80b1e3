// Command etcd is etcd's server at the version kubeadm of the node image's Kubernetes release
// expects (cmd/kubeadm/app/constants DefaultEtcdVersion, 3.6.6-0 for v1.35.4), so that the image
// tagged registry.k8s.io/etcd:3.6.6-0 holds etcd 3.6.6. The local provider's etcd
// (harness/cluster/local/gobuild/etcd) is a separate pin.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
