package playbook_test

func kmsCases() []roundTrip { return nil }
