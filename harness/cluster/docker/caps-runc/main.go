// caps-runc runs runc with an OCI bundle whose capabilities are cut down to this process's
// bounding set: a privileged container asks for every capability Docker knows, and runc fails
// ("unable to apply caps") on a host that lacks one of them.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

var names = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"}

func bounding() (map[string]bool, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				return nil, err
			}
			have := map[string]bool{}
			for i, n := range names {
				if mask&(1<<uint(i)) != 0 {
					have[n] = true
				}
			}
			return have, nil
		}
	}
	return nil, fmt.Errorf("no CapBnd in /proc/self/status")
}

// trim cuts the capabilities of an OCI spec (config.json: under "process") or of a process
// spec (runc exec --process: at the top).
func trim(file string, underProcess bool) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		return err
	}
	process := spec
	if underProcess {
		process, _ = spec["process"].(map[string]any)
	}
	caps, _ := process["capabilities"].(map[string]any)
	if caps == nil {
		return nil
	}
	have, err := bounding()
	if err != nil {
		return err
	}
	for set, list := range caps {
		items, _ := list.([]any)
		kept := []any{}
		for _, c := range items {
			if s, _ := c.(string); have[s] {
				kept = append(kept, c)
			}
		}
		caps[set] = kept
	}
	out, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	return os.WriteFile(file, out, 0o600)
}

func main() {
	args := os.Args[1:]
	for i, a := range args {
		value := func(long, short string) string {
			if (a == long || a == short) && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, long+"="); ok {
				return v
			}
			return ""
		}
		var err error
		if bundle := value("--bundle", "-b"); bundle != "" {
			err = trim(filepath.Join(bundle, "config.json"), true)
		} else if process := value("--process", "-p"); process != "" {
			err = trim(process, false)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "caps-runc: %v\n", err)
			os.Exit(1)
		}
	}
	runc := os.Getenv("CAPS_RUNC_RUNC")
	if runc == "" {
		runc = "/usr/sbin/runc"
	}
	if err := syscall.Exec(runc, append([]string{"runc"}, args...), os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "caps-runc: exec %s: %v\n", runc, err)
		os.Exit(1)
	}
}
