package playbook_test

func lambdaCases() []roundTrip { return nil }
