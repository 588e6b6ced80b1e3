package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// newCRIResetCommand stops and removes every pod sandbox a CRI runtime holds (as
// `crictl rmp --all --force` does). Stopping a sandbox through the CRI runs the CNI DEL
// and unmounts the sandbox's network namespace, which killing processes would not do.
// The local provider runs it on down(), before it stops containerd.
func newCRIResetCommand() *cobra.Command {
	var endpoint string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:          "cri-reset --endpoint unix:///path/to/containerd.sock",
		Short:        "Stop and remove every pod sandbox of a CRI runtime",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !strings.HasPrefix(endpoint, "unix://") {
				endpoint = "unix://" + endpoint
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				return err
			}
			defer conn.Close()
			runtime := runtimeapi.NewRuntimeServiceClient(conn)
			pods, err := runtime.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{})
			if err != nil {
				return fmt.Errorf("listing pod sandboxes: %w", err)
			}
			var failed []string
			for _, pod := range pods.Items {
				name := pod.Metadata.GetNamespace() + "/" + pod.Metadata.GetName()
				if _, err := runtime.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: pod.Id}); err != nil {
					failed = append(failed, fmt.Sprintf("stop %s: %v", name, err))
					continue
				}
				if _, err := runtime.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: pod.Id}); err != nil {
					failed = append(failed, fmt.Sprintf("remove %s: %v", name, err))
					continue
				}
				fmt.Printf("removed pod sandbox %s (%s)\n", name, pod.Id)
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d of %d sandboxes not removed: %s", len(failed), len(pods.Items), strings.Join(failed, "; "))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&endpoint, "endpoint", "", "CRI socket, unix:///path or /path")
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Minute, "time limit for the whole reset")
	_ = cmd.MarkFlagRequired("endpoint")
	return cmd
}
