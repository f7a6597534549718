package eks

import "time"

// Version is one Kubernetes minor version on Amazon EKS and its support
// dates.
type Version struct {
	Version string
	// StandardEnd is the end of standard support; ExtendedEnd the end of
	// extended support (12 months later, at extra cost), after which EKS
	// upgrades the cluster itself.
	StandardEnd, ExtendedEnd time.Time
}

// VersionsSource is where the dates come from.
const VersionsSource = "Amazon EKS Kubernetes release calendar (Amazon EKS User Guide, " +
	"\"Understand the Kubernetes version lifecycle on EKS\"): 14 months of standard support, then 12 of extended support"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Versions returns the EKS release calendar, oldest first. A version
// older than the first is long out of support; one newer than the last
// was released after this table and is in standard support.
func Versions() []Version {
	return []Version{
		{"1.23", day(2023, 10, 11), day(2024, 10, 11)},
		{"1.24", day(2024, 1, 31), day(2025, 1, 31)},
		{"1.25", day(2024, 5, 1), day(2025, 5, 1)},
		{"1.26", day(2024, 6, 11), day(2025, 6, 11)},
		{"1.27", day(2024, 7, 24), day(2025, 7, 24)},
		{"1.28", day(2024, 11, 26), day(2025, 11, 26)},
		{"1.29", day(2025, 3, 23), day(2026, 3, 23)},
		{"1.30", day(2025, 7, 23), day(2026, 7, 23)},
		{"1.31", day(2025, 11, 26), day(2026, 11, 26)},
		{"1.32", day(2026, 3, 23), day(2027, 3, 23)},
		{"1.33", day(2026, 7, 29), day(2027, 7, 29)},
		{"1.34", day(2026, 12, 2), day(2027, 12, 2)},
		{"1.35", day(2027, 3, 27), day(2028, 3, 27)},
	}
}
