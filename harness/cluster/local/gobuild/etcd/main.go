// Command etcd is etcd's server, built from the module proxy. etcd's own server
// module cannot be `go install`ed (its go.mod has replace directives), so this
// wrapper module requires it and calls the same entry point its main package does.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
