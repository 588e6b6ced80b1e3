module probe-conformance.local/pause

go 1.24.0
