package playbook_test

func iamCases() []roundTrip { return nil }
