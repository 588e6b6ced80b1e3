// Command kubeadm is kubeadm of the pinned k8s.io/kubernetes release, for the kind node image
// (kind runs `kubeadm init` / `kubeadm join` inside each node). It is a binary of its own, not a
// name of the local provider's multi-call `kube`: kubeadm's app.Run registers klog's -v and
// -vmodule on the process-wide flag set, which a shared binary could already have defined.
package main

import (
	"k8s.io/kubernetes/cmd/kubeadm/app"
	kubeadmerrors "k8s.io/kubernetes/cmd/kubeadm/app/util/errors"
)

func main() {
	kubeadmerrors.HandleError(app.Run())
}
