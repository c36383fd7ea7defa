package compute

// ServiceCapacityProvider and ServiceCapacityProviderWeight are every
// service's capacity provider strategy: all tasks on Fargate.
//
// They are pinned. In the provider version pulumi-aws v6 wraps, a change of
// a service's capacity_provider_strategy forces a new service unless
// force_new_deployment is set (terraform-provider-aws
// internal/service/ecs/service.go, capacityProviderStrategyCustomizeDiff in
// the 5.x line; the SDK's ServiceArgs.CapacityProviderStrategies says the
// same), and a service is named, so the replacement deletes the running
// service first: an outage. replacement.Types pins the value and the tests
// hold every service to it; moving services to Fargate Spot is a planned
// migration, not a config edit.
const (
	ServiceCapacityProvider       = "FARGATE"
	ServiceCapacityProviderWeight = 1
)
