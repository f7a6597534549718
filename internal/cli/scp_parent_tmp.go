package cli

import "github.com/spf13/cobra"

// newSCPCmd is a temporary parent for the SCP rollout commands until the
// scp command of internal/cli/scp.go (build, validate) lands; the lead
// replaces it with that one, which calls addSCPRolloutCmds.
func newSCPCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "scp",
		Short: "Roll out service control policies with a journal, and explain denials",
		Long: `Service control policies (SCPs) through AWS Organizations, from the
management account:

  plan      what would change, per target, and what representative calls would be allowed
  apply     create, update, attach and detach, each prior state journaled first
  rollback  restore the policies and attachments an apply run changed
  status    the journaled runs, or one run's changes
  explain   which SCP statement denied a call, or that none did`,
	}
	addSCPRolloutCmds(c, g)
	return c
}
