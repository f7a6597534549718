package cloudwatch

import (
	"encoding/json"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
)

// setAlarmState forces an alarm's state until its next evaluation (one
// period later in the simulator's health model, world.ForceAlarmState),
// as AWS documents: a test of the alarm's actions, not a lasting change.
func setAlarmState(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	name := r.str("AlarmName")
	if name == "" {
		return missing("AlarmName")
	}
	if len(name) > 255 {
		return invalidValue("1 validation error detected: Value at 'alarmName' failed to satisfy constraint: Member must have length less than or equal to 255")
	}
	state := r.str("StateValue")
	if state == "" {
		return missing("StateValue")
	}
	if !states[state] {
		return invalidValue("1 validation error detected: Value '%s' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]", state)
	}
	if !r.has("StateReason") {
		return missing("StateReason")
	}
	reason := r.str("StateReason")
	if len(reason) > 1023 {
		return invalidValue("1 validation error detected: Value at 'stateReason' failed to satisfy constraint: Member must have length less than or equal to 1023")
	}
	data := r.str("StateReasonData")
	if len(data) > 4000 {
		return invalidValue("1 validation error detected: Value at 'stateReasonData' failed to satisfy constraint: Member must have length less than or equal to 4000")
	}
	if data != "" && !json.Valid([]byte(data)) {
		return apiError(400, "InvalidFormatFault", "InvalidFormat", "Invalid JSON for StateReasonData: %s", data)
	}
	reg := c.Regional()
	c.World.EvaluateAlarms(c.Account.ID, c.Region, reg)
	for _, a := range reg.CloudWatch.Alarms {
		if a.Name == name {
			c.World.ForceAlarmState(a, state, reason, data)
			return nil, nil
		}
	}
	return apiError(404, "ResourceNotFound", "ResourceNotFound", "Alarm %s not found", name)
}
