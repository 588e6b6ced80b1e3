module probe-conformance.local/neighreset

go 1.24.0
