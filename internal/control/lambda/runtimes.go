package lambda

import "time"

// Runtime is a managed Lambda runtime and the day Lambda deprecates it
// (stops applying security patches to it).
type Runtime struct {
	ID         string
	Deprecated time.Time
}

// RuntimesSource is where Runtimes comes from, and when it was read.
// Lambda publishes its projected deprecation dates there and moves them
// now and then: update the table when it does.
const RuntimesSource = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html " +
	"(Supported runtimes and Deprecated runtimes tables, read 2026-11)"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Runtimes returns every managed runtime Lambda has offered, with its
// deprecation date (past or projected). A function on a runtime whose
// date has passed fails Lambda.2.
func Runtimes() []Runtime {
	return []Runtime{
		{"nodejs24.x", day(2028, time.April, 30)},
		{"nodejs22.x", day(2027, time.April, 30)},
		{"nodejs20.x", day(2026, time.April, 30)},
		{"nodejs18.x", day(2025, time.September, 1)},
		{"nodejs16.x", day(2024, time.June, 12)},
		{"nodejs14.x", day(2023, time.December, 4)},
		{"nodejs12.x", day(2023, time.March, 31)},
		{"nodejs10.x", day(2021, time.July, 30)},
		{"nodejs8.10", day(2020, time.March, 6)},
		{"nodejs6.10", day(2019, time.August, 12)},
		{"nodejs4.3", day(2020, time.March, 5)},
		{"nodejs4.3-edge", day(2020, time.March, 5)},
		{"nodejs", day(2016, time.October, 31)},
		{"python3.14", day(2029, time.June, 30)},
		{"python3.13", day(2029, time.June, 30)},
		{"python3.12", day(2028, time.October, 31)},
		{"python3.11", day(2026, time.June, 30)},
		{"python3.10", day(2026, time.June, 30)},
		{"python3.9", day(2025, time.December, 15)},
		{"python3.8", day(2024, time.October, 14)},
		{"python3.7", day(2023, time.December, 4)},
		{"python3.6", day(2022, time.July, 18)},
		{"python2.7", day(2021, time.July, 15)},
		{"java25", day(2029, time.June, 30)},
		{"java21", day(2029, time.June, 30)},
		{"java17", day(2026, time.June, 30)},
		{"java11", day(2026, time.June, 30)},
		{"java8.al2", day(2026, time.June, 30)},
		{"java8", day(2024, time.January, 8)},
		{"dotnet10", day(2028, time.November, 14)},
		{"dotnet8", day(2026, time.November, 10)},
		{"dotnet7", day(2024, time.May, 14)},
		{"dotnet6", day(2024, time.December, 20)},
		{"dotnet5.0", day(2022, time.May, 10)},
		{"dotnetcore3.1", day(2023, time.April, 3)},
		{"dotnetcore2.1", day(2022, time.January, 5)},
		{"dotnetcore2.0", day(2019, time.May, 30)},
		{"dotnetcore1.0", day(2019, time.July, 27)},
		{"ruby3.4", day(2028, time.March, 31)},
		{"ruby3.3", day(2027, time.March, 31)},
		{"ruby3.2", day(2026, time.March, 31)},
		{"ruby2.7", day(2023, time.December, 7)},
		{"ruby2.5", day(2021, time.July, 30)},
		{"go1.x", day(2024, time.January, 8)},
		{"provided.al2023", day(2029, time.June, 30)},
		{"provided.al2", day(2026, time.June, 30)},
		{"provided", day(2024, time.January, 8)},
	}
}
