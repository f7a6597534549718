package playbook_test

func rdsCases() []roundTrip { return nil }
