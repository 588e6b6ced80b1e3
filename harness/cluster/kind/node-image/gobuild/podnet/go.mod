module probe-conformance.local/podnet

go 1.24.0
