package playbook_test

func cloudtrailCases() []roundTrip { return nil }
