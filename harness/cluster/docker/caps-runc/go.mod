module probe-conformance.local/caps-runc

go 1.24
