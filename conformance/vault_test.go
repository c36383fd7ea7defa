package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVaultPolicyExemptionsMustBeOnesTheRuleSkips: the vault policy's deny
// may exempt principals by aws:PrincipalArn only, and only principals the
// rule's principalArnList tells it not to check; any other condition, or an
// exempted principal the rule would check, is NON_COMPLIANT, as AWS Config
// would then find principals able to delete recovery points.
func TestVaultPolicyExemptionsMustBeOnesTheRuleSkips(t *testing.T) {
	const deployRole = "arn:aws:iam::1:role/deploy"
	deny := func(condition string) string {
		return `{"Statement":[{"Effect":"Deny","Principal":"*","Action":["backup:DeleteRecoveryPoint","backup:UpdateRecoveryPointLifecycle","backup:PutBackupVaultAccessPolicy"],"Resource":"*"` +
			condition + `}]}`
	}
	for _, c := range []struct {
		name, condition, skipped string
		compliant                bool
	}{
		{"no exemption", "", "", true},
		{"exempts a principal the rule skips", `,"Condition":{"ArnNotEquals":{"aws:PrincipalArn":["` + deployRole + `"]}}`, deployRole, true},
		{"exempts a principal the rule skips by pattern", `,"Condition":{"ArnNotLike":{"aws:PrincipalArn":["` + deployRole + `"]}}`, "arn:aws:iam::*:role/deploy", true},
		{"exempts a principal the rule checks", `,"Condition":{"ArnNotEquals":{"aws:PrincipalArn":["` + deployRole + `"]}}`, "", false},
		{"exempts one listed and one not", `,"Condition":{"ArnNotEquals":{"aws:PrincipalArn":["` + deployRole + `","arn:aws:iam::1:role/other"]}}`, deployRole, false},
		{"conditions on something else", `,"Condition":{"Bool":{"aws:MultiFactorAuthPresent":["false"]}}`, deployRole, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			world := CompliantWorld()
			set("policy", deny(c.condition))(world.named("vault-policy"))
			evals := Checks["BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED"].Evaluate(world, Params{"principalArnList": c.skipped})
			require.NotEmpty(t, evals)
			for _, e := range evals {
				assert.Equal(t, c.compliant, e.Compliant, e.Reason)
			}
		})
	}
}
