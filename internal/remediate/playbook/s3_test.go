package playbook_test

func s3Cases() []roundTrip { return nil }
