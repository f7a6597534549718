// Package account holds the normalized account settings of one account
// (AWS Account Management: alternate contacts; the organization it
// belongs to). It must not import the
// AWS SDK.
package account

// Settings is the account's settings.
type Settings struct {
	// SecurityContact is the security alternate contact; nil when none
	// is registered.
	SecurityContact *Contact `json:"security_contact,omitempty"`
	// Organization is the AWS Organizations organization the account
	// belongs to, nil when it belongs to none (or it is unknown:
	// OrganizationError says why).
	Organization      *Organization `json:"organization,omitempty"`
	OrganizationError string        `json:"organization_error,omitempty"`
}

// Organization is the organization an account belongs to.
type Organization struct {
	ID                string `json:"id"`
	ManagementAccount string `json:"management_account"`
}

// Contact is an alternate contact of the account.
type Contact struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}
