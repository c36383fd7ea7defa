package stackconfig_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/stackconfig"
)

const digest = "sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0"

func TestPinnedImage(t *testing.T) {
	for image, want := range map[string]string{
		"public.ecr.aws/nginx/nginx-unprivileged@" + digest:                  "",
		"registry.example:5000/team/app@" + digest:                           "",
		"public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine":                "is pulled by a movable tag",
		"public.ecr.aws/nginx/nginx-unprivileged":                            "is pulled by a movable tag",
		"public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine@" + digest:      "has both a tag and a digest",
		"public.ecr.aws/nginx/nginx-unprivileged@sha256:abc":                 "is pulled by a movable tag",
		"public.ecr.aws/nginx/nginx-unprivileged@" + strings.ToUpper(digest): "is pulled by a movable tag",
	} {
		err := stackconfig.PinnedImage(image)
		if want == "" {
			require.NoError(t, err, image)
			continue
		}
		require.ErrorContains(t, err, want, image)
	}
}

// An external image must be pinned and reachable: validation refuses a tag,
// and an enabled service pulling from outside ECR without internetEgress.
func TestExternalImagesArePinnedAndReachable(t *testing.T) {
	nginx := `{"nginx":{"image":"%s","cpu":256,"memory":512,"desiredCount":2,"containerPort":8080,"healthCheckPath":"/","targetGroup":"web","enabled":true,"user":"101"%s}}`
	with := func(image, extra string) map[string]string {
		return map[string]string{"omnirapeutic:services": strings.Replace(strings.Replace(nginx, "%s", image, 1), "%s", extra, 1)}
	}
	_, err := decodeWith(t, with("public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine", `,"internetEgress":true`))
	require.ErrorContains(t, err, `config omnirapeutic:services.nginx.image: "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine" is pulled by a movable tag`)
	_, err = decodeWith(t, with("public.ecr.aws/nginx/nginx-unprivileged@"+digest, ""))
	require.ErrorContains(t, err, "config omnirapeutic:services.nginx.internetEgress: ")
	_, err = decodeWith(t, with("public.ecr.aws/nginx/nginx-unprivileged@"+digest, `,"internetEgress":true`))
	require.NoError(t, err)
}

func TestRoleNamesAreNamesNotARNs(t *testing.T) {
	for value, want := range map[string]string{
		`["deployers/admin","aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*"]`: "",
		`["arn:aws:iam::123456789012:role/admin"]`:                                     "is an ARN",
		`["/admin"]`:        "is not an IAM role name",
		`["admin","admin"]`: "is listed twice",
		`["bad name"]`:      "is not an IAM role name",
	} {
		_, err := decodeWith(t, map[string]string{"omnirapeutic:keyAdministrators": value})
		if want == "" {
			require.NoError(t, err, value)
			continue
		}
		require.ErrorContains(t, err, "config omnirapeutic:keyAdministrators: ", value)
		require.ErrorContains(t, err, want, value)
	}
}
